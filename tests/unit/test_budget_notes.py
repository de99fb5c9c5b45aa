"""Budget notes in the report: which pull path was taken, what was skipped and until when."""

from __future__ import annotations

from datetime import UTC, datetime

from dsos_check.judge import evaluate
from dsos_check.models import CollectionNotes, ImageEvidence, LookupFailure, Policy
from tests.unit.checks.factories import make_evidence, make_repo

SPENT = ImageEvidence(
    reference="sha256:x",
    error="the registry's pull budget is spent: labels not read",
    failure=LookupFailure.PULL_BUDGET,
)


def warnings_for(notes: CollectionNotes, count: int = 12) -> list[str]:
    repos = tuple(make_repo(name=f"r{i:02d}", image=SPENT) for i in range(count))
    evidence = make_evidence(repositories=repos).model_copy(update={"notes": notes})
    return list(evaluate(evidence, Policy()).warnings)


def test_skipped_labels_name_the_repositories_and_when_the_budget_refills() -> None:
    notes = CollectionNotes(
        pull_path="manifest-index",
        labels_skipped=tuple(f"r{i:02d}" for i in range(12)),
        pull_budget_refills_by=datetime(2026, 11, 20, 14, 0, tzinfo=UTC),
    )
    [line] = [w for w in warnings_for(notes) if "pull budget ran out" in w]
    assert "12 repositories (r00, r01" in line
    assert "and 4 more" in line
    assert "refills by 2026-11-20 14:00 UTC" in line


def test_the_one_pull_path_is_said() -> None:
    notes = CollectionNotes(pull_path="hub-tags", pulls_remaining=40)
    assert any("(40 left)" in w and "tag API" in w for w in warnings_for(notes, 1))


def test_unchecked_source_repositories_are_counted_with_the_reset_time() -> None:
    notes = CollectionNotes(
        github_unchecked=("acme/a", "acme/b"),
        github_resets_at=datetime(2026, 11, 20, 9, 5, tzinfo=UTC),
    )
    [line] = [w for w in warnings_for(notes, 1) if "GitHub" in w]
    assert "2 source repositories went unchecked (acme/a, acme/b)" in line
    assert "resets at 2026-11-20 09:05 UTC" in line
