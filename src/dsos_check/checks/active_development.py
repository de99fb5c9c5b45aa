"""Check `active-development`: an image was pushed within the activity window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dsos_check.checks import base, ids
from dsos_check.checks.base import PASSED, About, Judged, Subject, Summary, per_repository_check
from dsos_check.checks.outcomes import judged_as
from dsos_check.models import Outcome, Policy, RepositoryEvidence, RepositoryOutcome

ID = ids.ACTIVE_DEVELOPMENT
TITLE = "Active development"


def _aware(value: datetime) -> datetime:
    """`now` as given by a caller; evidence times are always aware (models.UtcTime)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _age_days(pushed: datetime, now: datetime) -> int:
    """Whole days since `pushed`; a push in the future counts as 0."""
    return max(0, (_aware(now) - pushed).days)


def _ago(days: int) -> str:
    if days == 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def prepare(subject: Subject, policy: Policy, now: datetime) -> base.JudgeRepo:
    """Warn about each repository without a push within the window."""
    today, window = _aware(now), timedelta(days=policy.active_days)

    def judge_repo(repo: RepositoryEvidence) -> RepositoryOutcome:
        pushed = repo.last_pushed
        if pushed is None:
            return judged_as(Outcome.WARN, "no push date")
        age = today - pushed  # once per repository: a large namespace has thousands
        if age <= window:
            return PASSED
        return judged_as(Outcome.WARN, f"last push {_ago(max(0, age.days))}")

    return judge_repo


def summarize(judged: Judged) -> Summary:
    """Pass when at least one repository was pushed within `policy.active_days` of `now`."""
    window, total = judged.policy.active_days, judged.total
    remediation = (
        "Push a fresh image (for example a rebuild with updated dependencies); Docker asks for "
        f"image pushes within the past six months, and this run's window is {window} days "
        "(--active-days)."
    )
    if not total:
        summary = f"No image pushed in the last {window} days: the namespace has no repositories."
        return Summary(Outcome.FAIL, summary, remediation)
    pushes = [(p, r.name) for r in judged.repositories if (p := r.last_pushed) is not None]
    if not pushes:
        which = "the only repository" if total == 1 else f"any of the {total} repositories"
        summary = (
            f"Docker Hub reports no push date for {which}, "
            f"so no push in the last {window} days can be shown."
        )
        return Summary(Outcome.FAIL, summary, remediation)
    # The first repository with the newest push names it (ties keep evidence order).
    newest = max(pushes, key=lambda push: push[0])
    last = f"last push {_ago(_age_days(newest[0], judged.now))} ({newest[1]})"
    outside = total - len(judged.named(Outcome.PASS))
    if outside == total:
        return Summary(
            Outcome.FAIL, f"No image pushed in the last {window} days; {last}.", remediation
        )
    summary = last[0].upper() + last[1:]
    if outside:
        have = "has" if outside == 1 else "have"
        # Here 0 < outside < total, so there are at least two repositories.
        summary += f"; {outside} of {total} repositories {have} no push in the last {window} days"
    return Summary(Outcome.PASS, summary + ".", remediation)


ABOUT = About(
    "active",
    "ActiveDevelopment",
    "Was an image pushed within the activity window (183 days by default)?",
    "Push a new image build, or archive the repositories that are no longer maintained.",
)

CHECK = per_repository_check(ID, TITLE, prepare, summarize, about=ABOUT)
run = CHECK.run
