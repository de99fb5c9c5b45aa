from __future__ import annotations

import pytest

from dsos_check.checks import organization
from dsos_check.models import AccountEvidence, Outcome, Policy

from .factories import NOW, assert_well_formed, make_subject


@pytest.mark.parametrize(
    ("account", "outcome", "summary"),
    [
        pytest.param(
            AccountEvidence(type="organization"),
            Outcome.PASS,
            "example is an organization.",
            id="pass-organization",
        ),
        pytest.param(
            AccountEvidence(type="organization", badge="verified_publisher"),
            Outcome.PASS,
            "example is an organization.",
            id="pass-organization-other-badge",
        ),
        pytest.param(
            AccountEvidence(type="organization", badge="open_source"),
            Outcome.PASS,
            "example is an organization already in the Docker-Sponsored Open Source program, "
            "so this is a renewal check.",
            id="pass-already-sponsored",
        ),
        pytest.param(
            AccountEvidence(type="user"),
            Outcome.REVIEW,
            "example is a personal account; DSOS is granted to organizations.",
            id="review-personal-account",
        ),
    ],
)
def test_organization(account: AccountEvidence, outcome: Outcome, summary: str) -> None:
    subject = make_subject(account=account)

    res = organization.run(subject, Policy(), NOW)

    assert res.id == "organization"
    assert res.outcome is outcome
    assert res.summary == summary
    assert res.repositories == ()
    assert_well_formed(res, subject, per_repository=False)


def test_personal_account_remediation_points_to_conversion() -> None:
    res = organization.run(make_subject(account=AccountEvidence(type="user")), Policy(), NOW)

    assert res.remediation is not None
    assert "Convert an account into an organization" in res.remediation


def test_is_namespace_level() -> None:
    assert organization.CHECK.per_repository is False
