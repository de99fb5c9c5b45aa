from __future__ import annotations

import pytest

from dsos_check.checks import osi_license
from dsos_check.checks.base import Subject
from dsos_check.models import LicenseReport, Outcome, Policy

from .factories import NOW, assert_well_formed, make_subject, repos

P, R, F = Outcome.PASS, Outcome.REVIEW, Outcome.FAIL
MIT = LicenseReport(expression="MIT", osi_approved=True, source="image-label")
APACHE = LicenseReport(expression="Apache-2.0", osi_approved=True, source="source-repository")
BUSL = LicenseReport(expression="BUSL-1.1", osi_approved=False, source="image-label")
UNRESOLVED = LicenseReport(expression="LicenseRef-custom", osi_approved=None, source="description")
NONE = LicenseReport()


@pytest.mark.parametrize(
    ("subject", "outcome", "reasons", "in_summary"),
    [
        pytest.param(
            make_subject(repos("a", "b"), licenses={"a": MIT, "b": APACHE}),
            P,
            {"a": "", "b": ""},
            "All 2 repositories carry an OSI-approved license (Apache-2.0, MIT).",
            id="pass-all-approved",
        ),
        pytest.param(
            make_subject(repos("a", "b"), licenses={"a": MIT, "b": BUSL}),
            F,
            {"a": "", "b": "BUSL-1.1 is not OSI-approved"},
            "1 of 2 repositories carries a license that is not OSI-approved: b.",
            id="fail-not-approved",
        ),
        pytest.param(
            make_subject(repos("a", "b", "c"), licenses={"a": BUSL, "b": NONE}),
            F,
            {"a": "BUSL-1.1 is not OSI-approved", "b": "no license found", "c": "no license found"},
            "1 of 3 repositories carries a license that is not OSI-approved: a; 2 more without",
            id="fail-beats-review",
        ),
        pytest.param(
            make_subject(repos("a", "b"), licenses={"a": MIT, "b": UNRESOLVED}),
            R,
            {"a": "", "b": "license LicenseRef-custom could not be resolved"},
            "1 of 2 repositories has no license that could be resolved: b.",
            id="review-unresolved-expression",
        ),
        pytest.param(
            make_subject(repos("a"), licenses={}),
            R,
            {"a": "no license found"},
            "The only repository has no license that could be resolved: a.",
            id="review-no-license",
        ),
        pytest.param(
            make_subject([]),
            R,
            {},
            "There are no repositories to check.",
            id="review-no-repositories",
        ),
    ],
)
def test_osi_license(
    subject: Subject, outcome: Outcome, reasons: dict[str, str], in_summary: str
) -> None:
    res = osi_license.run(subject, Policy(), NOW)

    assert res.id == "osi-license"
    assert res.outcome is outcome
    assert {name: ro.reason for name, ro in res.per_repository.items()} == reasons
    assert in_summary in res.summary
    assert list(res.repositories) == [name for name, reason in reasons.items() if reason]
    assert_well_formed(res, subject, per_repository=True)


def test_raw_label_value_in_reason_is_cleaned_and_shortened() -> None:
    raw = "\x1b[31mSee the LICENSE file\x1b[0m in the repository " + "x" * 200
    subject = make_subject(licenses={"app": LicenseReport(expression=raw, source="image-label")})

    res = osi_license.run(subject, Policy(), NOW)

    reason = res.per_repository["app"].reason
    assert reason.startswith("license See the LICENSE file in the repository x")
    assert "\x1b" not in reason
    assert len(reason) < 100


def test_per_repository_outcomes() -> None:
    subject = make_subject(repos("a", "b", "c"), licenses={"a": MIT, "b": BUSL, "c": UNRESOLVED})

    res = osi_license.run(subject, Policy(), NOW)

    assert {n: ro.outcome for n, ro in res.per_repository.items()} == {"a": P, "b": F, "c": R}


def test_review_remediation_gives_the_exact_label() -> None:
    res = osi_license.run(make_subject(licenses={}), Policy(), NOW)

    assert res.remediation is not None
    assert 'LABEL org.opencontainers.image.licenses="<SPDX expression>"' in res.remediation
    assert "overview" in res.remediation


def test_fail_remediation_says_relicense_or_remove() -> None:
    res = osi_license.run(make_subject(licenses={"app": BUSL}), Policy(), NOW)

    assert res.remediation is not None
    assert "Relicense" in res.remediation
    assert "remove" in res.remediation
