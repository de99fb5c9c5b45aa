"""Check `organization`: the namespace is an organization rather than a personal account."""

from __future__ import annotations

from datetime import datetime

from dsos_check.checks import ids
from dsos_check.checks.base import About, Check, Subject, result
from dsos_check.models import CheckResult, Outcome, Policy
from dsos_check.vocabulary import OPEN_SOURCE_BADGE

ID = ids.ORGANIZATION
TITLE = "Organization account"


def run(subject: Subject, policy: Policy, now: datetime) -> CheckResult:
    """Pass for an organization, review for a personal account; never fail."""
    evidence = subject.evidence
    namespace = evidence.namespace
    account = evidence.account
    if account.type == "user":
        return result(
            ID,
            TITLE,
            Outcome.REVIEW,
            f"{namespace} is a personal account; DSOS is granted to organizations.",
            remediation=(
                "Convert the personal account to an organization (Docker docs: "
                '"Convert an account into an organization") or publish the images under an '
                "organization."
            ),
        )
    if account.badge == OPEN_SOURCE_BADGE:
        summary = (
            f"{namespace} is an organization already in the Docker-Sponsored Open Source program, "
            "so this is a renewal check."
        )
    else:
        summary = f"{namespace} is an organization."
    return result(ID, TITLE, Outcome.PASS, summary)


ABOUT = About(
    "org.",
    "OrganizationAccount",
    "Is the namespace an organization rather than a personal account?",
    "Convert the personal account to an organization, or publish from an organization.",
)

CHECK = Check(id=ID, title=TITLE, run=run, per_repository=False, about=ABOUT)
