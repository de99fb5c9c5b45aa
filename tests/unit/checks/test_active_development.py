from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from dsos_check.checks import active_development
from dsos_check.checks.base import PASSED, Subject
from dsos_check.checks.outcomes import judged_as
from dsos_check.models import Outcome, Policy, TagEvidence

from .factories import NOW, assert_well_formed, make_repo, make_subject

P, W, F = Outcome.PASS, Outcome.WARN, Outcome.FAIL


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


@pytest.mark.parametrize(
    ("subject", "outcome", "reasons", "in_summary"),
    [
        pytest.param(
            make_subject([make_repo(name="app", last_updated=days_ago(3))]),
            P,
            {"app": ""},
            "Last push 3 days ago (app).",
            id="pass-recent-push",
        ),
        pytest.param(
            make_subject(
                [
                    make_repo(name="old", last_updated=days_ago(400)),
                    make_repo(name="app", last_updated=days_ago(1)),
                    make_repo(name="undated", last_updated=None),
                ]
            ),
            P,
            {"old": "last push 400 days ago", "app": "", "undated": "no push date"},
            "Last push 1 day ago (app); 2 of 3 repositories have no push in the last 183 days.",
            id="pass-one-active-others-warn",
        ),
        pytest.param(
            make_subject(
                [
                    make_repo(
                        name="app",
                        last_updated=days_ago(300),
                        newest_tag=TagEvidence(name="latest", last_pushed=days_ago(20)),
                    )
                ]
            ),
            P,
            {"app": ""},
            "Last push 20 days ago (app).",
            id="pass-newest-tag-is-newer-than-last-updated",
        ),
        pytest.param(
            make_subject([make_repo(name="app", last_updated=days_ago(183))]),
            P,
            {"app": ""},
            "Last push 183 days ago (app).",
            id="pass-exactly-at-window-edge",
        ),
        pytest.param(
            make_subject([make_repo(name="app", last_updated=NOW + timedelta(days=2))]),
            P,
            {"app": ""},
            "Last push today (app).",
            id="pass-future-date-counts-as-zero-days",
        ),
        pytest.param(
            make_subject(
                [
                    make_repo(name="a", last_updated=days_ago(200)),
                    make_repo(name="b", last_updated=days_ago(500)),
                ]
            ),
            F,
            {"a": "last push 200 days ago", "b": "last push 500 days ago"},
            "No image pushed in the last 183 days; last push 200 days ago (a).",
            id="fail-all-outside-window",
        ),
        pytest.param(
            make_subject([make_repo(name="a", last_updated=None)]),
            F,
            {"a": "no push date"},
            "Docker Hub reports no push date for the only repository",
            id="fail-no-dates",
        ),
        pytest.param(
            make_subject([]),
            F,
            {},
            "the namespace has no repositories",
            id="fail-no-repositories",
        ),
    ],
)
def test_active_development(
    subject: Subject, outcome: Outcome, reasons: dict[str, str], in_summary: str
) -> None:
    res = active_development.run(subject, Policy(), NOW)

    assert res.id == "active-development"
    assert res.outcome is outcome
    assert {name: ro.reason for name, ro in res.per_repository.items()} == reasons
    assert in_summary in res.summary
    assert list(res.repositories) == [name for name, reason in reasons.items() if reason]
    assert_well_formed(res, subject, per_repository=True)


def test_outside_window_is_warn_per_repository() -> None:
    subject = make_subject(
        [make_repo(name="new"), make_repo(name="old", last_updated=days_ago(999))]
    )

    res = active_development.run(subject, Policy(), NOW)

    assert {n: ro.outcome for n, ro in res.per_repository.items()} == {"new": P, "old": W}


def test_repeated_outcomes_are_one_shared_value() -> None:
    # Thousands of repositories share a handful of reasons: one frozen outcome each, not one
    # per repository (and an equal outcome whoever asked for it first).
    old = [make_repo(name=f"old{i}", last_updated=days_ago(999)) for i in range(3)]
    res = active_development.run(make_subject([make_repo(name="new"), *old]), Policy(), NOW)

    outcomes = [res.per_repository[r.name] for r in old]
    assert outcomes[0] is outcomes[1] is outcomes[2]
    assert outcomes[0] == judged_as(W, "last push 999 days ago")
    assert res.per_repository["new"] is PASSED


@pytest.mark.parametrize(
    ("active_days", "outcome"),
    [pytest.param(30, P, id="inside-30-days"), pytest.param(29, F, id="outside-29-days")],
)
def test_window_comes_from_policy(active_days: int, outcome: Outcome) -> None:
    subject = make_subject([make_repo(last_updated=days_ago(30))])

    res = active_development.run(subject, Policy(active_days=active_days), NOW)

    assert res.outcome is outcome


def test_fail_remediation_asks_for_a_fresh_push() -> None:
    subject = make_subject([make_repo(last_updated=days_ago(400))])

    res = active_development.run(subject, Policy(active_days=90), NOW)

    assert res.summary.startswith("No image pushed in the last 90 days")
    assert res.remediation is not None
    assert "Push a fresh image" in res.remediation
    assert "six months" in res.remediation


def test_a_push_time_without_a_zone_is_refused_where_evidence_is_made() -> None:
    # models.UtcTime: a time without a zone never reaches a check, so none has to guess.
    with pytest.raises(ValidationError, match="timezone"):
        make_repo(name="app", last_updated=datetime(2026, 11, 20))
