"""Check `public`: every repository in the namespace is public (provable only with a token)."""

from __future__ import annotations

from dsos_check.checks import base, ids
from dsos_check.checks.base import PASSED, About, Judged, Summary, per_repository_check
from dsos_check.checks.outcomes import judged_as
from dsos_check.checks.wording import counted, name_list
from dsos_check.models import Outcome, RepositoryEvidence, RepositoryOutcome

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


def judge_repo(repo: RepositoryEvidence) -> RepositoryOutcome:
    if repo.is_private:
        return judged_as(Outcome.FAIL, "private repository")
    return PASSED


def summarize(judged: Judged) -> Summary:
    """Fail on any private repository; without a token that can list private ones, review."""
    evidence, total = judged.subject.evidence, judged.total
    private = judged.named(Outcome.FAIL)
    if private:
        summary = f"{counted(len(private), total, 'is', 'are')} private: {name_list(private)}."
        return Summary(Outcome.FAIL, summary, _MAKE_PUBLIC)
    if evidence.can_list_private:
        if total:
            public = counted(total, total, "is", "are")
            summary = f"{public} public; the token can see private repositories."
        else:
            summary = "The namespace has no repositories; the token can see private repositories."
        return Summary(Outcome.PASS, summary)
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
    return Summary(Outcome.REVIEW, summary, _TOKEN_HINT, repositories=[])


ABOUT = About(
    "public",
    "EveryRepositoryPublic",
    "Is every repository in the namespace public? Without a token that can list the "
    "namespace's private repositories this needs review, never passes.",
    "Make the private repositories public on Docker Hub, or move them to another "
    "namespace; run with --username and --token of the namespace or a member so the "
    "check can see them.",
)

CHECK = per_repository_check(ID, TITLE, base.on_its_own(judge_repo), summarize, about=ABOUT)
run = CHECK.run
