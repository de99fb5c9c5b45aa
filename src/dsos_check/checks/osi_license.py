"""Check `osi-license`: every repository carries an OSI-approved license (SPDX expression)."""

from __future__ import annotations

from datetime import datetime

from dsos_check.checks.base import Check, Subject, result, worst
from dsos_check.models import CheckResult, LicenseReport, Outcome, Policy, RepositoryOutcome
from dsos_check.text import shorten

ID = "osi-license"
TITLE = "OSI-approved license"

_RELICENSE = (
    "Relicense the repositories whose license is not OSI-approved under an OSI-approved license, "
    "or remove them from the namespace."
)
_DECLARE = (
    'Add LABEL org.opencontainers.image.licenses="<SPDX expression>" to each image '
    "(or the org.opencontainers.image.licenses OCI annotation) "
    "and state the license in the repository overview."
)


def _names(names: list[str], limit: int = 5) -> str:
    """At most `limit` names, then "and N more"."""
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def _count(part: int, total: int, singular: str, plural: str) -> str:
    """Counted subject with its verb, e.g. "1 of 3 repositories is" or "All 3 repositories are"."""
    if total == 1:
        return f"The only repository {singular}"
    if part == total:
        return f"All {total} repositories {plural}"
    return f"{part} of {total} repositories {singular if part == 1 else plural}"


def _judge(license_: LicenseReport) -> RepositoryOutcome:
    # An unresolved expression may be a raw label value: keep reasons short and clean.
    expression = shorten(license_.expression, 60) if license_.expression else None
    if license_.osi_approved is True:
        return RepositoryOutcome(outcome=Outcome.PASS)
    if license_.osi_approved is False:
        what = expression or "the license"
        return RepositoryOutcome(outcome=Outcome.FAIL, reason=f"{what} is not OSI-approved")
    reason = f"license {expression} could not be resolved" if expression else "no license found"
    return RepositoryOutcome(outcome=Outcome.REVIEW, reason=reason)


def run(subject: Subject, policy: Policy, now: datetime) -> CheckResult:
    """Pass when every repository's license is OSI-approved; unknown licenses need review."""
    repos = subject.evidence.repositories
    if not repos:
        return result(
            ID,
            TITLE,
            Outcome.REVIEW,
            "There are no repositories to check.",
            remediation="Publish the project's images in this namespace, each with an "
            "org.opencontainers.image.licenses label.",
        )

    per_repo = {r.name: _judge(subject.license_of(r.name)) for r in repos}
    failed = [name for name, ro in per_repo.items() if ro.outcome is Outcome.FAIL]
    unknown = [name for name, ro in per_repo.items() if ro.outcome is Outcome.REVIEW]
    outcome = worst([ro.outcome for ro in per_repo.values()], default=Outcome.REVIEW)
    total = len(repos)

    if outcome is Outcome.PASS:
        expressions = sorted({e for r in repos if (e := subject.license_of(r.name).expression)})
        licenses = f" ({_names(expressions)})" if expressions else ""
        summary = f"{_count(total, total, 'carries', 'carry')} an OSI-approved license{licenses}."
        return result(ID, TITLE, outcome, summary, per_repository=per_repo)

    if failed:
        carry = _count(len(failed), total, "carries", "carry")
        summary = f"{carry} a license that is not OSI-approved: {_names(failed)}"
        if unknown:
            summary += f"; {len(unknown)} more without a resolvable license"
        remediation = _RELICENSE
        if unknown:
            remediation += " For the repositories without a resolvable license: " + _DECLARE
        return result(
            ID, TITLE, outcome, summary + ".", remediation=remediation, per_repository=per_repo
        )

    have = _count(len(unknown), total, "has", "have")
    summary = f"{have} no license that could be resolved: {_names(unknown)}."
    return result(ID, TITLE, outcome, summary, remediation=_DECLARE, per_repository=per_repo)


CHECK = Check(id=ID, title=TITLE, run=run, per_repository=True)
