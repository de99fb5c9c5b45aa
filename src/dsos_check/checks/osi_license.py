"""Check `osi-license`: every repository carries an OSI-approved license (SPDX expression)."""

from __future__ import annotations

from datetime import datetime

from dsos_check.checks import base, ids
from dsos_check.checks.base import PASSED, About, Judged, Subject, Summary, per_repository_check
from dsos_check.checks.outcomes import judged_as
from dsos_check.checks.wording import counted, name_list
from dsos_check.models import LicenseReport, Outcome, Policy, RepositoryEvidence, RepositoryOutcome
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
    if license_.osi_approved is True:
        return PASSED
    # An unresolved expression may be a raw label value: keep reasons short and clean.
    expression = shorten(license_.expression, 60) if license_.expression else None
    if license_.summary:  # the resolver's own sentence: restriction, disagreement, nothing found
        outcome = Outcome.FAIL if license_.osi_approved is False else Outcome.REVIEW
        return judged_as(outcome, license_.summary)
    if license_.osi_approved is False:
        what = expression or "the license"
        return judged_as(Outcome.FAIL, f"{what} is not OSI-approved")
    reason = f"license {expression} could not be resolved" if expression else "no license found"
    return judged_as(Outcome.REVIEW, reason)


def prepare(subject: Subject, policy: Policy, now: datetime) -> base.JudgeRepo:
    """A pass turns to warn when the policy override that made it expired (and was ignored)."""
    license_of, expired = subject.license_of, subject.expired_overrides

    def judge_repo(repo: RepositoryEvidence) -> RepositoryOutcome:
        name = repo.name
        outcome = _judge(license_of(name))
        if expired and outcome is PASSED and (note := expired.get(name)) is not None:
            return judged_as(Outcome.WARN, note)
        return outcome

    return judge_repo


def summarize(judged: Judged) -> Summary:
    """Pass when every repository's license is OSI-approved; unknown licenses need review."""
    failed, unknown = judged.named(Outcome.FAIL), judged.named(Outcome.REVIEW)
    outcome, total = judged.worst(), judged.total
    if outcome in (Outcome.PASS, Outcome.WARN):
        license_of = judged.subject.license_of
        expressions = sorted(
            {e for r in judged.repositories if (e := license_of(r.name).expression)}
        )
        licenses = f" ({name_list(expressions)})" if expressions else ""
        summary = f"{counted(total, total, 'carries', 'carry')} an OSI-approved license{licenses}."
        expired = judged.named(Outcome.WARN)
        if expired:
            summary += f" Expired policy overrides were ignored for: {name_list(expired)}."
        return Summary(Outcome.PASS, summary)
    if failed:
        carry = counted(len(failed), total, "carries", "carry")
        summary = f"{carry} a license that is not OSI-approved: {name_list(failed)}"
        if unknown:
            summary += f"; {len(unknown)} more without a resolvable license"
        remediation = _RELICENSE
        if unknown:
            remediation += " For the repositories without a resolvable license: " + _DECLARE
        return Summary(outcome, summary + ".", remediation)
    have = counted(len(unknown), total, "has", "have")
    return Summary(
        outcome, f"{have} no license that could be resolved: {name_list(unknown)}.", _DECLARE
    )


_WHEN_EMPTY = Summary(
    Outcome.REVIEW,
    "There are no repositories to check.",
    "Publish the project's images in this namespace, each with an "
    "org.opencontainers.image.licenses label.",
)
ABOUT = About(
    "license",
    "OsiApprovedLicense",
    "Does every repository carry an OSI-approved license (an SPDX expression)?",
    'Declare the license in the image, e.g. LABEL org.opencontainers.image.licenses="MIT" '
    "in the Dockerfile (with the project's own SPDX expression), and state it in the Docker Hub overview; a license the evidence "
    "cannot show can be stated in the policy file's [[overrides]].",
)

CHECK = per_repository_check(ID, TITLE, prepare, summarize, about=ABOUT, when_empty=_WHEN_EMPTY)
run = CHECK.run
