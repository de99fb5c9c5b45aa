"""What changed since a baseline: the saved evidence judged by today's rules, diffed against this run.

Pure: the baseline is judged by the same `judge` as this run, with the same policy, each
namespace at the time its evidence was collected. So a difference is a change in the world
(a label added, a repository pushed or deleted), never a change in the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from dsos_check.analysis import Analyse, analyse_repositories
from dsos_check.judge import judge, scoped_policy
from dsos_check.models import (
    Change,
    Collected,
    LicenseChange,
    NamespaceReport,
    Outcome,
    Policy,
    RepositoryReport,
    Verdict,
)


def apply_baseline(
    reports: Sequence[NamespaceReport],
    baseline: Sequence[Collected] | None,
    policy: Policy,
    analyse: Analyse = analyse_repositories,
) -> list[NamespaceReport]:
    """This run's reports with `changes` and `license_changes` filled from the baseline
    (unchanged, with both left None, when there is no baseline); `analyse` as for `judge`."""
    if baseline is None:
        return list(reports)
    before: dict[str, NamespaceReport] = {}
    for item in baseline:
        # The baseline is judged under the policy as scoped for this run, so scoping alone
        # never shows up as a change.
        scoped, _ = scoped_policy(policy, item.namespace, len(reports))
        before.setdefault(item.namespace.lower(), judge(item, scoped, analyse))
    return [with_changes(before.get(report.namespace.lower()), report) for report in reports]


def with_changes(before: NamespaceReport | None, after: NamespaceReport) -> NamespaceReport:
    """`after` with what differs from `before` (None: the namespace was not in the baseline)."""
    if after.verdict is Verdict.ERROR:
        # Not judged this time: nothing can be said to have changed.
        return after.model_copy(update={"changes": (), "license_changes": ()})
    if before is not None and before.verdict is Verdict.ERROR:
        before = None  # not judged then: every outcome is new
    changes = diff_namespace(before, after)
    licenses = diff_licenses(before.repositories if before else (), after.repositories)
    return after.model_copy(update={"changes": changes, "license_changes": licenses})


def diff_namespace(before: NamespaceReport | None, after: NamespaceReport) -> tuple[Change, ...]:
    """Every outcome that differs, namespace-level first, then repository by repository."""
    old_checks = {c.id: c.outcome for c in before.checks} if before else {}
    new_checks = {c.id: c.outcome for c in after.checks}
    changes = _diff_outcomes(None, old_checks, new_checks)
    old_repos = {r.name: r.outcomes for r in before.repositories} if before else {}
    new_repos = {r.name: r.outcomes for r in after.repositories}
    for name in sorted(old_repos.keys() | new_repos.keys()):
        changes += _diff_outcomes(name, old_repos.get(name), new_repos.get(name))
    return tuple(changes)


def _diff_outcomes(
    repository: str | None,
    before: Mapping[str, Outcome] | None,
    after: Mapping[str, Outcome] | None,
) -> list[Change]:
    """The checks whose outcome differs; a side that is None means the subject was absent."""
    old = before or {}
    new = after or {}
    ids = list(dict.fromkeys([*old, *new]))
    return [
        Change(check=check, repository=repository, before=old.get(check), after=new.get(check))
        for check in ids
        if old.get(check) != new.get(check)
    ]


def diff_licenses(
    before: Iterable[RepositoryReport], after: Iterable[RepositoryReport]
) -> tuple[LicenseChange, ...]:
    """Repositories in both runs whose license expression changed (added/removed ones are not)."""
    old = {r.name: r.license.expression for r in before}
    return tuple(
        LicenseChange(repository=r.name, before=old[r.name], after=r.license.expression)
        for r in sorted(after, key=lambda r: r.name)
        if r.name in old and old[r.name] != r.license.expression
    )
