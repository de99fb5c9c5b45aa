"""Each repository's policy-free analysis is worked out once, up front, and read by judging, the
non-commercial check and the report's fixes; errors surface where they always did."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from types import ModuleType

import pytest

from dsos_check import analysis, judge
from dsos_check.analysis import RepositoryAnalysis, analyse_repositories, analyse_repository
from dsos_check.checks import documentation, ids, non_commercial
from dsos_check.checks.commercial_signals import Signal
from dsos_check.licenses.resolve import resolve_license
from dsos_check.licenses.source_repo import find_source_link
from dsos_check.lookups import unreachable_source
from dsos_check.models import (
    Exclusion,
    LicenseReport,
    Outcome,
    Override,
    Policy,
    RepositoryEvidence,
    SourceRepositoryEvidence,
    Verdict,
)
from tests.unit.checks.factories import OVERVIEW, make_evidence, make_repo
from tests.unit.license_corpus import cases

SALES = "# Acme\n\nGet started with our Enterprise Edition: contact sales@acme.io.\n"


def _varied() -> list[RepositoryEvidence]:
    unreachable = SourceRepositoryEvidence(
        url="https://github.com/acme/app",
        found_in="overview link",
        status="unreachable",
        message="timed out",
    )
    return [
        *(case.repo for case in cases()),
        make_repo(full_description=SALES),
        make_repo(full_description=None, source_repository=unreachable),
    ]


@pytest.mark.parametrize("repo", _varied())
def test_the_analysis_is_what_each_look_up_says_on_its_own(repo: RepositoryEvidence) -> None:
    found = analyse_repository(repo, "acme")
    assert found.license == unreachable_source(repo, resolve_license(repo))
    assert found.signals == tuple(non_commercial.repository_signals(repo))
    assert found.missing_documentation == tuple(documentation.missing_parts(repo))
    link = find_source_link(repo, "acme")
    source = repo.source_repository
    assert found.source_url == (
        link.url if link is not None else (source.url if source is not None else None)
    )


def test_judging_analyses_each_kept_repository_once_and_reads_every_answer_from_it() -> None:
    calls: list[tuple[str, tuple[str, ...]]] = []
    marked = LicenseReport(expression="MIT", osi_approved=True, source="description")

    def analyse(namespace: str, repos: Sequence[RepositoryEvidence]) -> list[RepositoryAnalysis]:
        calls.append((namespace, tuple(r.name for r in repos)))
        sign = (Signal(kind="pricing", snippet="only in the analysis"),)
        lacks = ("no website link",)
        return [
            RepositoryAnalysis(marked, sign, lacks, f"https://example.org/{r.name}") for r in repos
        ]

    evidence = make_evidence(
        repositories=(
            make_repo(name="app", full_description="# App\n\nNo links, no license.\n"),
            make_repo(name="skipped"),
        )
    )
    policy = Policy(exclude=(Exclusion(repository="skipped", reason="a mirror"),))
    report = judge.evaluate(evidence, policy, analyse)

    assert calls == [("example", ("app",))]
    (repo,) = report.repositories
    assert repo.license == marked
    assert repo.source_url == "https://example.org/app"
    assert repo.outcomes[ids.NON_COMMERCIAL] is Outcome.REVIEW
    assert "only in the analysis" in repo.reasons[ids.NON_COMMERCIAL]
    # The overview lacks a source link and a license (review), the analysis only a website: warn.
    assert repo.outcomes[ids.DOCUMENTATION] is Outcome.WARN
    assert repo.reasons[ids.DOCUMENTATION] == "no website link"
    (overview_fix,) = [f for f in repo.fixes if f.check == ids.DOCUMENTATION]
    assert "https://example.org/app" in (overview_fix.snippet or "")


def test_policy_overrides_are_applied_to_the_analysed_license_by_judging() -> None:
    evidence = make_evidence(repositories=(make_repo(full_description="# App\n"),))
    policy = Policy(overrides=(Override(repository="app", license="MIT", reason="see LICENSE"),))
    plain = judge.evaluate(evidence, Policy())
    report = judge.evaluate(evidence, policy)
    assert plain.repositories[0].license.expression is None
    assert report.repositories[0].license.expression == "MIT"
    assert report.repositories[0].license.source == "config"


def test_the_default_and_an_injected_serial_analysis_judge_alike() -> None:
    evidence = make_evidence(
        repositories=tuple(r.model_copy(update={"name": f"r{i}"}) for i, r in enumerate(_varied()))
    )
    assert judge.evaluate(evidence, Policy()) == judge.evaluate(
        evidence, Policy(), analyse_repositories
    )


def test_an_analysis_that_answers_for_too_few_repositories_is_an_internal_error() -> None:
    report = judge.judge(make_evidence(), Policy(), lambda namespace, repos: ())
    assert report.verdict is Verdict.ERROR
    assert report.error == "internal error while judging (ValueError)"


def test_a_failing_license_look_up_fails_the_namespace_as_it_always_did(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(repo: RepositoryEvidence) -> LicenseReport:
        raise ZeroDivisionError("remote text")

    monkeypatch.setattr(analysis, "resolve_license", broken)
    report = judge.judge(make_evidence(), Policy())
    assert report.verdict is Verdict.ERROR
    assert report.error == "internal error while judging (ZeroDivisionError)"


@pytest.mark.parametrize(
    ("check", "scan"),
    [(non_commercial, "repository_signals"), (documentation, "missing_parts")],
)
def test_a_failing_scan_stops_only_its_check_as_it_always_did(
    monkeypatch: pytest.MonkeyPatch, check: ModuleType, scan: str
) -> None:
    def broken(repo: RepositoryEvidence) -> list[str]:
        raise ZeroDivisionError("remote text")

    evidence = make_evidence(repositories=(make_repo(full_description=OVERVIEW),))
    healthy = judge.judge(evidence, Policy())
    # One function in both places, as in a real run: the analysis's scan, and the check's own
    # scan when the analysis has none.
    monkeypatch.setattr(analysis, scan, broken)
    monkeypatch.setattr(check, scan, broken)

    report = judge.judge(evidence, Policy())

    assert report.verdict is not Verdict.ERROR
    by_id = {c.id: c for c in report.checks}
    failed = by_id[check.ID]
    assert failed.outcome is Outcome.REVIEW
    assert "internal error (ZeroDivisionError)" in failed.summary
    assert [c for c in report.checks if c is not failed] == [
        c for c in healthy.checks if c.id != check.ID
    ]
    assert report.repositories[0].license.expression == "Apache-2.0"


def test_an_analysis_survives_pickling_as_the_children_send_it() -> None:
    repos = [case.repo for case in cases()]
    repos.append(make_repo(full_description="Buy our Enterprise Edition: contact sales@acme.io"))
    found = analyse_repositories("acme", repos)
    assert any(a.signals for a in found)
    assert pickle.loads(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)) == found
