"""Check `active-development`: an image was pushed within the activity window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dsos_check.checks import ids
from dsos_check.checks.base import Check, Subject, result
from dsos_check.models import CheckResult, Outcome, Policy, RepositoryOutcome

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


def run(subject: Subject, policy: Policy, now: datetime) -> CheckResult:
    """Pass when at least one repository was pushed within `policy.active_days` of `now`."""
    repos = subject.evidence.repositories
    window = policy.active_days
    remediation = (
        "Push a fresh image (for example a rebuild with updated dependencies); Docker asks for "
        f"image pushes within the past six months, and this run's window is {window} days "
        "(--active-days)."
    )

    per_repo: dict[str, RepositoryOutcome] = {}
    newest: tuple[datetime, str] | None = None
    for repo in repos:
        pushed = repo.last_pushed
        if pushed is None:
            per_repo[repo.name] = RepositoryOutcome(outcome=Outcome.WARN, reason="no push date")
            continue
        if newest is None or pushed > newest[0]:
            newest = (pushed, repo.name)
        if _aware(now) - pushed <= timedelta(days=window):
            per_repo[repo.name] = RepositoryOutcome(outcome=Outcome.PASS)
        else:
            age = _ago(_age_days(pushed, now))
            per_repo[repo.name] = RepositoryOutcome(outcome=Outcome.WARN, reason=f"last push {age}")

    if not repos:
        summary = f"No image pushed in the last {window} days: the namespace has no repositories."
        return result(ID, TITLE, Outcome.FAIL, summary, remediation=remediation)
    if newest is None:
        which = (
            "the only repository" if len(repos) == 1 else f"any of the {len(repos)} repositories"
        )
        summary = (
            f"Docker Hub reports no push date for {which}, "
            f"so no push in the last {window} days can be shown."
        )
        return result(
            ID, TITLE, Outcome.FAIL, summary, remediation=remediation, per_repository=per_repo
        )

    last = f"last push {_ago(_age_days(newest[0], now))} ({newest[1]})"
    outside = sum(1 for ro in per_repo.values() if ro.outcome is not Outcome.PASS)
    if outside == len(repos):
        summary = f"No image pushed in the last {window} days; {last}."
        return result(
            ID, TITLE, Outcome.FAIL, summary, remediation=remediation, per_repository=per_repo
        )

    summary = last[0].upper() + last[1:]
    if outside:
        have = "has" if outside == 1 else "have"
        # Here 0 < outside < len(repos), so there are at least two repositories.
        summary += (
            f"; {outside} of {len(repos)} repositories {have} no push in the last {window} days"
        )
    return result(ID, TITLE, Outcome.PASS, summary + ".", per_repository=per_repo)


CHECK = Check(id=ID, title=TITLE, run=run, per_repository=True)
