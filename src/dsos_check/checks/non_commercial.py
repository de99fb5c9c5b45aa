"""Check `non-commercial`: no sign of a pathway to commercialization (a human has the last word)."""

from __future__ import annotations

from datetime import datetime

from dsos_check.checks import ids
from dsos_check.checks.base import Check, Subject, counted, name_list, result
from dsos_check.checks.commercial_signals import Signal, find_commercial_signals
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


def _repo_signals(repo: RepositoryEvidence) -> list[Signal]:
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
        return RepositoryOutcome(outcome=Outcome.FAIL, reason=reason)
    if signals:
        outcome = Outcome.WARN if attested else Outcome.REVIEW
        return RepositoryOutcome(outcome=outcome, reason=_quote(signals))
    return RepositoryOutcome(outcome=Outcome.PASS)


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


def run(subject: Subject, policy: Policy, now: datetime) -> CheckResult:
    """Fail on a paid program or a restrictive license; signs of a commercial offer need review."""
    evidence = subject.evidence
    repos = evidence.repositories
    attestation = policy.attestation
    attested = attestation is not None and attestation.non_commercial

    verified = evidence.account.badge == VERIFIED_PUBLISHER_BADGE
    account_signals = _account_signals(evidence.account)
    signals = {r.name: _repo_signals(r) for r in repos}
    restrictions = {r.name: subject.license_of(r.name).restriction for r in repos}
    per_repo = {r.name: _judge(restrictions[r.name], signals[r.name], attested) for r in repos}

    restricted = [name for name, restriction in restrictions.items() if restriction]
    flagged = [name for name, found in signals.items() if found]
    n_signals = sum(len(found) for found in signals.values()) + len(account_signals)
    kinds = _kinds([*signals.values(), account_signals])
    where = _where(flagged, bool(account_signals))
    overviews = sum(1 for r in repos if (r.full_description or "").strip())

    if verified or restricted:
        parts = []
        if verified:
            parts.append(
                f"{evidence.namespace} is a Docker Verified Publisher, a paid Docker program"
            )
        if restricted:
            carry = counted(len(restricted), len(repos), "carries", "carry")
            parts.append(
                f"{carry} a license that restricts commercial use: {name_list(restricted)}"
            )
        if kinds:
            parts.append(f"signs of a commercial offer ({kinds}) in {where}")
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
            text
            for text, needed in ((_LEAVE_DVP, verified), (_RELICENSE, bool(restricted)))
            if needed
        )
        if kinds and not attested:
            remediation += " " + _REVIEW
        summary = "; ".join(parts) + "."
        return result(
            ID, TITLE, Outcome.FAIL, summary, remediation=remediation, per_repository=per_repo
        )

    if attested:
        assert attestation is not None
        summary = _attestation_text(attestation)
        if n_signals:
            noun = "sign" if n_signals == 1 else "signs"
            summary += f"; {n_signals} {noun} kept for the reviewer: {kinds} in {where}."
        else:
            summary += f"; {_nothing_found(overviews, bool(repos))}."
        return result(ID, TITLE, Outcome.PASS, summary, per_repository=per_repo)

    if kinds:
        summary = f"Signs of a commercial offer ({kinds}) in {where}; a human reviewer decides."
        return result(
            ID, TITLE, Outcome.REVIEW, summary, remediation=_REVIEW, per_repository=per_repo
        )

    summary = _nothing_found(overviews, bool(repos))
    return result(
        ID, TITLE, Outcome.PASS, f"{summary[0].upper()}{summary[1:]}.", per_repository=per_repo
    )


def _nothing_found(overviews: int, has_repositories: bool) -> str:
    if not has_repositories:
        return "no sign of a commercial offer in the account (the namespace has no repositories)"
    noun = "overview" if overviews == 1 else "overviews"
    return f"no sign of a commercial offer in {overviews} {noun} and the account"


CHECK = Check(id=ID, title=TITLE, run=run, per_repository=True)
