"""Check `non-commercial`: no sign of a pathway to commercialization (a human has the last word)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from dsos_check.checks import ids
from dsos_check.checks.base import (
    PASSED,
    About,
    Check,
    Judged,
    JudgeRepo,
    Subject,
    Summary,
    per_repository_check,
)
from dsos_check.checks.commercial_signals import Signal, find_commercial_signals
from dsos_check.checks.outcomes import judged_as
from dsos_check.checks.wording import counted, name_list
from dsos_check.models import (
    AccountEvidence,
    Attestation,
    CheckResult,
    Outcome,
    Policy,
    RepositoryEvidence,
    RepositoryOutcome,
)
from dsos_check.text import shorten
from dsos_check.vocabulary import VERIFIED_PUBLISHER_BADGE

ID = ids.NON_COMMERCIAL
TITLE = "No pathway to commercialization"


_LEAVE_DVP = (
    "Leave the Docker Verified Publisher program before applying: it is a paid Docker program, "
    "and DSOS requires no pathway to commercialization."
)
_RELICENSE = (
    "Relicense the listed repositories under an OSI-approved license without commercial "
    "restrictions, or remove them from the namespace: DSOS requires no pathway to "
    "commercialization."
)
_REVIEW = (
    "A human reviewer decides whether these signs amount to a pathway to commercialization "
    "(Docker permits donations, not paid tiers or services). If the project has no commercial "
    "offer, state it in the policy file: [attestation] non_commercial = true, "
    'statement = "...", contact = "...".'
)

# The project's own statement goes into a plain-text summary: no Markdown emphasis or links.
_PLAIN = str.maketrans({"[": "(", "]": ")", "*": None})


def _quote(signals: list[Signal]) -> str:
    return "; ".join(f'{s.kind}: "{s.snippet}"' for s in signals)


def repository_signals(repo: RepositoryEvidence) -> list[Signal]:
    """The signs of a commercial offer in a repository's description and overview."""
    # The short description first: it is what the Hub shows above the overview.
    text = "\n".join(t for t in (repo.description, repo.full_description) if t)
    return find_commercial_signals(text)


def _account_signals(account: AccountEvidence) -> list[Signal]:
    text = "\n".join(t for t in (account.company, account.full_name, account.profile_url) if t)
    return find_commercial_signals(text)


def _judge(restriction: str | None, signals: list[Signal], attested: bool) -> RepositoryOutcome:
    if restriction:
        reason = f"license restricts commercial use ({shorten(restriction, 100)})"
        if signals:
            reason += f"; also {_quote(signals)}"
        return judged_as(Outcome.FAIL, reason)
    if signals:
        outcome = Outcome.WARN if attested else Outcome.REVIEW
        return judged_as(outcome, _quote(signals))
    return PASSED


def _kinds(groups: list[list[Signal]]) -> str:
    return ", ".join(dict.fromkeys(s.kind for signals in groups for s in signals))


def _where(repos: list[str], account: bool) -> str:
    places = []
    if repos:
        noun = "repository" if len(repos) == 1 else "repositories"
        places.append(f"{noun} {name_list(repos)}")
    if account:
        places.append("the account details")
    return " and in ".join(places)


def _attestation_text(attestation: Attestation) -> str:
    text = "Attested non-commercial by the project"
    if attestation.statement and (statement := shorten(attestation.statement, 200).rstrip(" .;:,")):
        text += f": {statement.translate(_PLAIN)}"
    if attestation.contact and (contact := shorten(attestation.contact, 100)):
        text += f" (contact: {contact.translate(_PLAIN)})"
    return text


def _prepare(signals: Mapping[str, list[Signal]], subject: Subject, policy: Policy) -> JudgeRepo:
    attested = policy.attestation is not None and policy.attestation.non_commercial
    license_of = subject.license_of

    def judge_repo(repo: RepositoryEvidence) -> RepositoryOutcome:
        name = repo.name
        return _judge(license_of(name).restriction, signals[name], attested)

    return judge_repo


@dataclass(frozen=True)
class _Signs:
    """The signs of a commercial offer found across the namespace."""

    count: int
    kinds: str
    where: str


def _signs(judged: Judged, signals: Mapping[str, list[Signal]]) -> _Signs:
    account = _account_signals(judged.subject.evidence.account)
    flagged = [name for name, found in signals.items() if found]
    count = sum(len(found) for found in signals.values()) + len(account)
    return _Signs(count, _kinds([*signals.values(), account]), _where(flagged, bool(account)))


def _summarize(judged: Judged, signals: Mapping[str, list[Signal]]) -> Summary:
    """Fail on a paid program or a restrictive license; signs of a commercial offer need review."""
    evidence = judged.subject.evidence
    attestation = judged.policy.attestation
    verified = evidence.account.badge == VERIFIED_PUBLISHER_BADGE
    license_of = judged.subject.license_of
    restricted = [r.name for r in judged.repositories if license_of(r.name).restriction]
    signs = _signs(judged, signals)
    if verified or restricted:
        attested = attestation is not None and attestation.non_commercial
        return _disqualified(judged, verified, restricted, signs, attested)
    overviews = sum(1 for r in judged.repositories if (r.full_description or "").strip())
    nothing = _nothing_found(overviews, bool(judged.repositories))
    if attestation is not None and attestation.non_commercial:
        summary = _attestation_text(attestation)
        if signs.count:
            noun = "sign" if signs.count == 1 else "signs"
            summary += (
                f"; {signs.count} {noun} kept for the reviewer: {signs.kinds} in {signs.where}."
            )
        else:
            summary += f"; {nothing}."
        return Summary(Outcome.PASS, summary)
    if signs.kinds:
        summary = f"Signs of a commercial offer ({signs.kinds}) in {signs.where}; a human reviewer decides."
        return Summary(Outcome.REVIEW, summary, _REVIEW)
    return Summary(Outcome.PASS, f"{nothing[0].upper()}{nothing[1:]}.")


def _disqualified(
    judged: Judged, verified: bool, restricted: list[str], signs: _Signs, attested: bool
) -> Summary:
    """A paid program or a restrictive license: a fail that no attestation lifts."""
    parts = []
    if verified:
        namespace = judged.subject.evidence.namespace
        parts.append(f"{namespace} is a Docker Verified Publisher, a paid Docker program")
    if restricted:
        carry = counted(len(restricted), judged.total, "carries", "carry")
        parts.append(f"{carry} a license that restricts commercial use: {name_list(restricted)}")
    if signs.kinds:
        parts.append(f"signs of a commercial offer ({signs.kinds}) in {signs.where}")
    if attested:
        what = " or ".join(
            w
            for w, present in (
                ("a verified publisher", verified),
                ("a restrictive license", bool(restricted)),
            )
            if present
        )
        parts.append(f"the project's attestation does not apply to {what}")
    remediation = " ".join(
        text for text, needed in ((_LEAVE_DVP, verified), (_RELICENSE, bool(restricted))) if needed
    )
    if signs.kinds and not attested:
        remediation += " " + _REVIEW
    return Summary(Outcome.FAIL, "; ".join(parts) + ".", remediation)


def _nothing_found(overviews: int, has_repositories: bool) -> str:
    if not has_repositories:
        return "no sign of a commercial offer in the account (the namespace has no repositories)"
    noun = "overview" if overviews == 1 else "overviews"
    return f"no sign of a commercial offer in {overviews} {noun} and the account"


ABOUT = About(
    "non-com.",
    "NoPathwayToCommercialization",
    "Is there no sign of a pathway to commercialization (paid tiers, a hosted offer, "
    "source-available licenses)?",
    "Remove the commercial signal, or state the project's position in the policy file's "
    "[attestation] (non_commercial = true, a statement and a contact).",
)


def _signals_of(repo: RepositoryEvidence, subject: Subject) -> list[Signal]:
    """The repository's signs from its analysis; scanned here when there is none, or when the
    analysis's scan raised (so that the error stops this check, as it always did)."""
    analysis = subject.analysis_of(repo.name)
    if analysis is None or analysis.signals is None:
        return repository_signals(repo)
    return list(analysis.signals)


def run(subject: Subject, policy: Policy, now: datetime) -> CheckResult:
    """The check: each overview is scanned once (by the analysis that judging works out before
    the checks run), for both its repository's outcome and the namespace summary."""
    signals = {r.name: _signals_of(r, subject) for r in subject.evidence.repositories}
    check = per_repository_check(
        ID,
        TITLE,
        lambda subject, policy, now: _prepare(signals, subject, policy),
        lambda judged: _summarize(judged, signals),
        about=ABOUT,
    )
    return check.run(subject, policy, now)


CHECK = Check(id=ID, title=TITLE, run=run, per_repository=True, about=ABOUT)
