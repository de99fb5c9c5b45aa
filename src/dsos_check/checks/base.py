"""What a check is (id, title, pure function), the fold every per-repository check shares, and
helpers that build its result."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Final, NamedTuple

from dsos_check.models import (
    CheckResult,
    LicenseReport,
    NamespaceEvidence,
    Outcome,
    Policy,
    RepositoryEvidence,
    RepositoryOutcome,
)

if TYPE_CHECKING:  # `analysis` imports the checks: a run-time import here would be circular
    from dsos_check.analysis import RepositoryAnalysis

# Frozen, so one is shared: `get(name, LicenseReport())` built one per call, found or not.
_NO_LICENSE: Final = LicenseReport()


@dataclass(frozen=True)
class Subject:
    """What every check judges: the collected evidence plus each repository's resolved license
    (policy overrides applied) and its policy-free analysis."""

    evidence: NamespaceEvidence
    licenses: Mapping[str, LicenseReport] = field(default_factory=dict)
    # Repositories whose policy-file override expired, with a sentence saying so.
    expired_overrides: Mapping[str, str] = field(default_factory=dict)
    # Each repository's analysis, worked out once before the checks run; a check that finds
    # none for a repository (a subject built without them) works out what it needs itself.
    analyses: Mapping[str, RepositoryAnalysis] = field(default_factory=dict)

    def license_of(self, repository: str) -> LicenseReport:
        """The resolved license of a repository (an empty report when none was resolved)."""
        return self.licenses.get(repository, _NO_LICENSE)

    def analysis_of(self, repository: str) -> RepositoryAnalysis | None:
        """The repository's analysis, if it was worked out."""
        return self.analyses.get(repository)


CheckFn = Callable[[Subject, Policy, datetime], CheckResult]

# Every plain pass is this one (frozen) value: most repositories pass most checks, and a large
# namespace would otherwise hold tens of thousands of identical outcomes until it is rendered.
PASSED = RepositoryOutcome(outcome=Outcome.PASS)


class About(NamedTuple):
    """How a check presents itself in every format: a short column title, a rule name for code
    scanning, the question it asks and the general way to pass it."""

    column: str
    rule_name: str
    question: str
    fix: str


@dataclass(frozen=True)
class Check:
    """One contract check: a stable id, a short title and a pure function (no I/O, `now` given)."""

    id: str
    title: str
    run: CheckFn
    per_repository: bool
    about: About


# Severity of outcomes when several repositories are folded into one namespace outcome.
_SEVERITY = {Outcome.PASS: 0, Outcome.WARN: 1, Outcome.REVIEW: 2, Outcome.FAIL: 3}


def worst(outcomes: list[Outcome], default: Outcome = Outcome.PASS) -> Outcome:
    """The most severe outcome of a list (fail > review > warn > pass); `default` when empty."""
    return max(outcomes, key=_SEVERITY.__getitem__) if outcomes else default


class Summary(NamedTuple):
    """A per-repository check's namespace-level answer."""

    outcome: Outcome
    text: str
    remediation: str | None = None
    # The repositories listed against the check; None: every one that did not pass.
    repositories: list[str] | None = None


@dataclass(frozen=True)
class Judged:
    """What a check's `summarize` sees: the subject, the rules, and each repository's outcome."""

    subject: Subject
    policy: Policy
    now: datetime
    outcomes: dict[str, RepositoryOutcome]

    @property
    def repositories(self) -> tuple[RepositoryEvidence, ...]:
        return self.subject.evidence.repositories

    @property
    def total(self) -> int:
        return len(self.repositories)

    @functools.cached_property
    def _by_outcome(self) -> dict[Outcome, list[str]]:
        # One pass over the repositories for every `worst` and `named` a summary asks for
        # (several each, over thousands of repositories).
        groups: dict[Outcome, list[str]] = {}
        for name, repo_outcome in self.outcomes.items():
            said = repo_outcome.outcome
            named = groups.get(said)
            if named is None:
                groups[said] = [name]
            else:
                named.append(name)
        return groups

    def worst(self, default: Outcome = Outcome.PASS) -> Outcome:
        """The most severe repository outcome (`default` when there are no repositories)."""
        return worst(list(self._by_outcome), default)

    def named(self, outcome: Outcome) -> list[str]:
        """The repositories whose outcome is `outcome`, in evidence order."""
        return list(self._by_outcome.get(outcome, ()))


JudgeRepo = Callable[[RepositoryEvidence], RepositoryOutcome]
# A check's per-repository judgement for one namespace: what every repository's outcome needs
# from the subject, the policy and `now` is read once, not once per repository.
PrepareJudge = Callable[[Subject, Policy, datetime], JudgeRepo]
Summarize = Callable[[Judged], Summary]


def on_its_own(judge_repo: JudgeRepo) -> PrepareJudge:
    """The preparation of a judgement that reads nothing but the repository's own evidence."""

    def prepare(subject: Subject, policy: Policy, now: datetime) -> JudgeRepo:
        return judge_repo

    return prepare


def per_repository_check(
    check_id: str,
    title: str,
    prepare: PrepareJudge,
    summarize: Summarize,
    *,
    about: About,
    when_empty: Summary | None = None,
) -> Check:
    """A check that judges each repository (with what `prepare` returns for the namespace) and
    then the namespace (`summarize`); with no repositories, `when_empty` is the answer (None:
    `summarize` still decides)."""

    def run(subject: Subject, policy: Policy, now: datetime) -> CheckResult:
        repos = subject.evidence.repositories
        if not repos and when_empty is not None:
            return result(
                check_id,
                title,
                when_empty.outcome,
                when_empty.text,
                remediation=when_empty.remediation,
            )
        judge_repo = prepare(subject, policy, now)
        outcomes = {r.name: judge_repo(r) for r in repos}
        summary = summarize(Judged(subject, policy, now, outcomes))
        return result(
            check_id,
            title,
            summary.outcome,
            summary.text,
            remediation=summary.remediation,
            per_repository=outcomes,
            repositories=summary.repositories,
        )

    return Check(id=check_id, title=title, run=run, per_repository=True, about=about)


def result(
    check_id: str,
    title: str,
    outcome: Outcome,
    summary: str,
    *,
    remediation: str | None = None,
    per_repository: dict[str, RepositoryOutcome] | None = None,
    repositories: list[str] | None = None,
) -> CheckResult:
    """Build a CheckResult; `repositories` defaults to every repository that did not pass."""
    # Shared, not copied: the check built the table for this result and nothing changes it.
    per_repo = per_repository if per_repository is not None else {}
    if repositories is None:
        passed = Outcome.PASS  # read once: an enum member through its class costs a call
        repositories = [name for name, ro in per_repo.items() if ro.outcome is not passed]
    return CheckResult(
        id=check_id,
        title=title,
        outcome=outcome,
        summary=summary,
        repositories=tuple(repositories),
        remediation=remediation if outcome is not Outcome.PASS else None,
        per_repository=per_repo,
    )
