"""Check `osi-license`: every repository carries an OSI-approved license (SPDX expression)."""

from __future__ import annotations

from datetime import datetime

from dsos_check.checks import ids
from dsos_check.checks.base import Check, Subject, counted, name_list, result, worst
from dsos_check.models import CheckResult, LicenseReport, Outcome, Policy, RepositoryOutcome
from dsos_check.text import shorten

ID = ids.OSI_LICENSE
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


def _judge(license_: LicenseReport) -> RepositoryOutcome:
    # An unresolved expression may be a raw label value: keep reasons short and clean.
    expression = shorten(license_.expression, 60) if license_.expression else None
    if license_.osi_approved is True:
        return RepositoryOutcome(outcome=Outcome.PASS)
    if license_.summary:  # the resolver's own sentence: restriction, disagreement, nothing found
        outcome = Outcome.FAIL if license_.osi_approved is False else Outcome.REVIEW
        return RepositoryOutcome(outcome=outcome, reason=license_.summary)
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
    for name, note in subject.expired_overrides.items():
        if name in per_repo and per_repo[name].outcome is Outcome.PASS:
            per_repo[name] = RepositoryOutcome(outcome=Outcome.WARN, reason=note)
    failed = [name for name, ro in per_repo.items() if ro.outcome is Outcome.FAIL]
    unknown = [name for name, ro in per_repo.items() if ro.outcome is Outcome.REVIEW]
    outcome = worst([ro.outcome for ro in per_repo.values()], default=Outcome.REVIEW)
    total = len(repos)

    if outcome in (Outcome.PASS, Outcome.WARN):
        outcome = Outcome.PASS
        expressions = sorted({e for r in repos if (e := subject.license_of(r.name).expression)})
        licenses = f" ({name_list(expressions)})" if expressions else ""
        summary = f"{counted(total, total, 'carries', 'carry')} an OSI-approved license{licenses}."
        expired = [n for n, ro in per_repo.items() if ro.outcome is Outcome.WARN]
        if expired:
            summary += f" Expired policy overrides were ignored for: {name_list(expired)}."
        return result(ID, TITLE, outcome, summary, per_repository=per_repo)

    if failed:
        carry = counted(len(failed), total, "carries", "carry")
        summary = f"{carry} a license that is not OSI-approved: {name_list(failed)}"
        if unknown:
            summary += f"; {len(unknown)} more without a resolvable license"
        remediation = _RELICENSE
        if unknown:
            remediation += " For the repositories without a resolvable license: " + _DECLARE
        return result(
            ID, TITLE, outcome, summary + ".", remediation=remediation, per_repository=per_repo
        )

    have = counted(len(unknown), total, "has", "have")
    summary = f"{have} no license that could be resolved: {name_list(unknown)}."
    return result(ID, TITLE, outcome, summary, remediation=_DECLARE, per_repository=per_repo)


CHECK = Check(id=ID, title=TITLE, run=run, per_repository=True)
