"""What a run could not read for lack of budget, and which pull path it took: warning lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dsos_check.models import CollectionNotes, LookupFailure, RepositoryEvidence

NAMES_SHOWN = 8


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "an unknown time"


def budget_warnings(
    notes: CollectionNotes, repositories: Sequence[RepositoryEvidence]
) -> list[str]:
    """One line per budget that ran short or changed how labels were read."""
    kept = {r.name for r in repositories}
    warnings: list[str] = []
    if notes.pull_path == "hub-tags":
        left = "" if notes.pulls_remaining is None else f" ({notes.pulls_remaining} left)"
        warnings.append(
            f"the registry's pull budget{left} was smaller than two pulls per image: each "
            "image's platform manifest was read by the digest Docker Hub's tag API gives "
            "(one pull per repository; the index's annotations were not read)"
        )
    spent = LookupFailure.PULL_BUDGET  # read once, not through the enum class per repository
    skipped = [n for n in notes.labels_skipped if n in kept] or [
        r.name for r in repositories if r.image is not None and r.image.failure is spent
    ]
    if skipped:
        warnings.append(
            f"the registry's pull budget ran out: image labels were not read for "
            f"{_count(len(skipped), 'repository', 'repositories')} ({_names(skipped)}); their "
            "licenses come from the source repository and the overview only; the budget "
            f"refills by {_when(notes.pull_budget_refills_by)}"
        )
    unchecked = list(notes.github_unchecked) or sorted(
        {
            r.source_repository.url.removeprefix("https://github.com/")
            for r in repositories
            if r.source_repository is not None and r.source_repository.status == "rate-limited"
        }
    )
    if unchecked:
        warnings.append(
            f"GitHub's hourly limit ran out: {_count(len(unchecked), 'source repository', 'source repositories')} "
            f"went unchecked ({_names(unchecked)}); it resets at {_when(notes.github_resets_at)}; "
            "a --github-token raises the limit"
        )
    return warnings
