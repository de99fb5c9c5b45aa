"""A bug in one check becomes that check's `review`; the other checks and the namespace stand."""

from __future__ import annotations

from datetime import datetime

import pytest

from dsos_check import judge
from dsos_check.checks import CHECKS
from dsos_check.checks.base import Check, Subject
from dsos_check.models import CheckResult, Outcome, Policy, Verdict
from tests.unit.checks.factories import make_evidence


def _raises(subject: Subject, policy: Policy, now: datetime) -> CheckResult:
    raise ZeroDivisionError("secret remote text that must not be shown")


@pytest.mark.parametrize("position", range(len(CHECKS)))
def test_a_check_that_raises_becomes_that_checks_review(
    monkeypatch: pytest.MonkeyPatch, position: int
) -> None:
    evidence = make_evidence()
    healthy = judge.evaluate(evidence, Policy())
    broken = CHECKS[position]
    faulty = Check(
        id=broken.id, title=broken.title, run=_raises, per_repository=False, about=broken.about
    )
    checks = (*CHECKS[:position], faulty, *CHECKS[position + 1 :])
    monkeypatch.setattr(judge, "CHECKS", checks)

    report = judge.evaluate(evidence, Policy())

    assert report.verdict is not Verdict.ERROR
    assert report.error is None
    assert [c.id for c in report.checks] == [c.id for c in CHECKS]
    failed = report.checks[position]
    assert failed.outcome is Outcome.REVIEW
    assert failed.title == broken.title
    assert "internal error (ZeroDivisionError)" in failed.summary
    assert "secret" not in failed.summary
    others = [c for i, c in enumerate(report.checks) if i != position]
    expected = [c for i, c in enumerate(healthy.checks) if i != position]
    assert others == expected
    assert len(report.repositories) == len(healthy.repositories)
