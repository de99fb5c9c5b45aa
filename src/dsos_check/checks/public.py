"""Check `public`: every repository in the namespace is public (provable only with a token)."""

from __future__ import annotations

from datetime import datetime

from dsos_check.checks import ids
from dsos_check.checks.base import Check, Subject, counted, name_list, result
from dsos_check.models import CheckResult, Outcome, Policy, RepositoryOutcome

ID = ids.PUBLIC
TITLE = "Every repository is public"

_TOKEN_HINT = (
    "Run with --username and --token (or DOCKERHUB_USERNAME/DOCKERHUB_TOKEN) of the namespace "
    "or of a member of the organization."
)
_MAKE_PUBLIC = (
    "Make the private repositories public on Docker Hub (repository Settings, Visibility) "
    "or move them out of the namespace."
)


def run(subject: Subject, policy: Policy, now: datetime) -> CheckResult:
    """Fail on any private repository; without a token that can list private ones, review."""
    evidence = subject.evidence
    repos = evidence.repositories
    total = len(repos)
    private = [r.name for r in repos if r.is_private]
    per_repo = {
        r.name: RepositoryOutcome(outcome=Outcome.FAIL, reason="private repository")
        if r.is_private
        else RepositoryOutcome(outcome=Outcome.PASS)
        for r in repos
    }

    if private:
        summary = f"{counted(len(private), total, 'is', 'are')} private: {name_list(private)}."
        return result(
            ID, TITLE, Outcome.FAIL, summary, remediation=_MAKE_PUBLIC, per_repository=per_repo
        )

    if evidence.can_list_private:
        if total:
            public = counted(total, total, "is", "are")
            summary = f"{public} public; the token can see private repositories."
        else:
            summary = "The namespace has no repositories; the token can see private repositories."
        return result(ID, TITLE, Outcome.PASS, summary, per_repository=per_repo)

    seen = f"{total} public {'repository' if total == 1 else 'repositories'} seen"
    if evidence.authenticated:
        summary = (
            f"{seen}; the token does not belong to the namespace or a member of it, so it counts "
            "as anonymous and private repositories stay invisible."
        )
    else:
        summary = f"{seen}; private repositories are invisible without a token that can list them."
    # Every visible repository is public (pass); only the namespace as a whole is unproven,
    # so no repository is listed against the check.
    return result(
        ID,
        TITLE,
        Outcome.REVIEW,
        summary,
        remediation=_TOKEN_HINT,
        per_repository=per_repo,
        repositories=[],
    )


CHECK = Check(id=ID, title=TITLE, run=run, per_repository=True)
