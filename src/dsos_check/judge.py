"""Judging: collected evidence and a policy in, namespace reports out (pure; `now` is the
time the evidence was collected). Each check runs on its own, so a bug in one check becomes that
check's result and never costs the namespace its other checks."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from dsos_check import __version__
from dsos_check.analysis import Analyse, RepositoryAnalysis, analyse_repositories
from dsos_check.budget_notes import budget_warnings
from dsos_check.checks import CHECKS
from dsos_check.checks.base import Check, Subject
from dsos_check.fixes import namespace_fixes
from dsos_check.judge_repository import outcome_tables, repository_report, website
from dsos_check.licenses.resolve import apply_override
from dsos_check.licenses.spdx import SPDX_LICENSE_LIST_VERSION
from dsos_check.lookups import lookup_warnings
from dsos_check.models import (
    AccountReport,
    CacheUse,
    CheckResult,
    Collected,
    CollectionFailure,
    ExcludedRepository,
    Exclusion,
    LicenseReport,
    NamespaceEvidence,
    NamespaceReport,
    Outcome,
    Override,
    Policy,
    Report,
    RepositoryEvidence,
    ToolInfo,
    Verdict,
    verdict_from_outcomes,
)
from dsos_check.vocabulary import OPEN_SOURCE_BADGE

R = TypeVar("R", Exclusion, Override)


def evaluate(
    evidence: NamespaceEvidence, policy: Policy, analyse: Analyse = analyse_repositories
) -> NamespaceReport:
    """Judge collected evidence: pure, and `now` is when the evidence was collected. `analyse`
    works out each repository's policy-free analysis (the same answers however it does so)."""
    now = evidence.collected_at
    excluded, left_out = _exclusions(evidence.repositories, policy.exclude)
    kept = tuple(r for r in evidence.repositories if r.name not in left_out.get("*", set()))
    evidence = evidence.model_copy(update={"repositories": kept})
    # One analysis per repository, in order: a wrong count raises (strict zip), and the
    # namespace gets its internal-error report.
    found = tuple(analyse(evidence.namespace, kept))
    analyses = {repo.name: analysis for repo, analysis in zip(kept, found, strict=True)}
    licenses, expired, warnings = _licenses(kept, analyses, policy, now)
    warnings += lookup_warnings(kept)
    warnings += budget_warnings(evidence.notes, kept)
    results = []
    for check in CHECKS:
        skipped = left_out.get(check.id)
        # A copy only for a check some repositories are left out of (most runs have none).
        scoped = (
            evidence
            if not skipped
            else evidence.model_copy(
                update={"repositories": tuple(r for r in kept if r.name not in skipped)}
            )
        )
        subject = Subject(
            evidence=scoped, licenses=licenses, expired_overrides=expired, analyses=analyses
        )
        results.append(run_check(check, subject, policy, now))
    tables = outcome_tables([r for r, c in zip(results, CHECKS, strict=True) if c.per_repository])
    site = website(evidence.account.profile_url)
    repositories = tuple(
        repository_report(repo, licenses[repo.name], analysis.source_url, tables, site)
        for repo, analysis in zip(kept, found, strict=True)
    )
    return NamespaceReport(
        namespace=evidence.namespace,
        verdict=verdict_from_outcomes([r.outcome for r in results]),
        authenticated=evidence.authenticated,
        can_list_private=evidence.can_list_private,
        account=AccountReport(type=evidence.account.type, badge=evidence.account.badge),
        sponsored=evidence.account.badge == OPEN_SOURCE_BADGE,
        checks=tuple(results),
        repositories=repositories,
        excluded=tuple(excluded),
        warnings=tuple(warnings),
        collected_at=evidence.collected_at,
        fixes=namespace_fixes(evidence.namespace, tuple(results), evidence.account.type),
        attestation=policy.attestation,
    )


def _exclusions(
    repositories: Sequence[RepositoryEvidence], rules: Sequence[Exclusion]
) -> tuple[list[ExcludedRepository], dict[str, set[str]]]:
    """What the policy leaves out, and for each check id (`*` for all) the repository names."""
    excluded: list[ExcludedRepository] = []
    left_out: dict[str, set[str]] = {}
    for repo in repositories:
        exclusion = _first_match(repo.name, rules)
        if exclusion is None:
            continue
        excluded.append(
            ExcludedRepository(
                name=repo.name,
                pattern=exclusion.repository,
                reason=exclusion.reason,
                checks=exclusion.checks,
            )
        )
        for check_id in exclusion.checks or ("*",):
            left_out.setdefault(check_id, set()).add(repo.name)
    return excluded, left_out


def _licenses(
    repositories: Sequence[RepositoryEvidence],
    analyses: Mapping[str, RepositoryAnalysis],
    policy: Policy,
    now: datetime,
) -> tuple[dict[str, LicenseReport], dict[str, str], list[str]]:
    """Each repository's license (policy overrides applied), expired overrides, and warnings."""
    licenses: dict[str, LicenseReport] = {}
    expired: dict[str, str] = {}
    warnings: list[str] = []
    for repo in repositories:
        found = analyses[repo.name].license
        override = _first_match(repo.name, policy.overrides)
        if override is not None and override.expired(now.date()):
            assert override.expires is not None
            note = (
                f"the policy override ({override.license}) expired on "
                f"{override.expires.isoformat()} and was ignored"
            )
            expired[repo.name] = note
            warnings.append(f"{repo.name}: {note}")
            found = found.model_copy(update={"evidence": (*found.evidence, f"[config] {note}")})
        elif override is not None:
            found = apply_override(found, override)
        licenses[repo.name] = found
    return licenses, expired, warnings


def run_check(check: Check, subject: Subject, policy: Policy, now: datetime) -> CheckResult:
    """One check's result; a bug in the check (any exception) becomes that check's `review`,
    naming only the exception's type (its message may carry remote text)."""
    try:
        return check.run(subject, policy, now)
    except Exception as exc:
        return CheckResult(
            id=check.id,
            title=check.title,
            outcome=Outcome.REVIEW,
            summary=(
                f"An internal error ({type(exc).__name__}) stopped this check; the other checks "
                "are unaffected. Please report it, with the output of -v."
            ),
        )


def _first_match(name: str, rules: Sequence[R]) -> R | None:
    """The first exclusion or override whose repository name or glob matches."""
    for rule in rules:
        if fnmatch.fnmatchcase(name, rule.repository):
            return rule
    return None


def error_report(namespace: str, message: str, *, authenticated: bool = False) -> NamespaceReport:
    """The report of a namespace that could not be checked."""
    return NamespaceReport(
        namespace=namespace, verdict=Verdict.ERROR, error=message, authenticated=authenticated
    )


def judge(
    item: Collected, policy: Policy, analyse: Analyse = analyse_repositories
) -> NamespaceReport:
    """The report of one collected namespace (or of one that could not be collected)."""
    if isinstance(item, CollectionFailure):
        return error_report(item.namespace, item.error, authenticated=item.authenticated)
    try:
        return evaluate(item, policy, analyse)
    except Exception as exc:  # a bug in a check must not lose the other namespaces
        return error_report(
            item.namespace,
            f"internal error while judging ({type(exc).__name__})",
            authenticated=item.authenticated,
        )


def scoped_policy(policy: Policy, namespace: str, total: int) -> tuple[Policy, str | None]:
    """The policy as it applies to one namespace of `total`, and a warning when the file's
    exclusions, overrides and attestation were withheld: a file speaks only for the namespaces it
    lists, or, listing none, for a run that checks exactly one namespace."""
    if policy.config_file is None:
        return policy, None
    listed = policy.namespaces
    if listed is not None and namespace.lower() in {n.lower() for n in listed}:
        return policy, None
    if listed is None and total == 1:
        return policy, None
    withheld = policy.model_copy(update={"exclude": (), "overrides": (), "attestation": None})
    if listed is None:
        why = "names no namespaces and several are checked"
    else:
        why = f"speaks for {', '.join(listed[:5])}{' and more' if len(listed) > 5 else ''} only"
    warning = (
        f"the policy file {policy.config_file} {why}: its exclusions, overrides and attestation "
        "were not applied to this namespace"
    )
    return withheld, warning


def judge_all(
    items: Sequence[Collected], policy: Policy, analyse: Analyse = analyse_repositories
) -> list[NamespaceReport]:
    """Judge every collected namespace under the policy as scoped to it."""
    reports = []
    for item in items:
        scoped, warning = scoped_policy(policy, item.namespace, len(items))
        report = judge(item, scoped, analyse)
        if warning is not None and report.verdict is not Verdict.ERROR:
            report = report.model_copy(update={"warnings": (*report.warnings, warning)})
        reports.append(report)
    return reports


def build_report(
    namespaces: Sequence[NamespaceReport],
    policy: Policy,
    now: datetime,
    *,
    evidence_file: str | None = None,
    cache: CacheUse | None = None,
) -> Report:
    """Wrap namespace reports with the tool, the time, the policy applied and where answers came
    from (a saved evidence file, or the cache and how old its answers were)."""
    return Report(
        tool=ToolInfo(version=__version__, spdx_license_list_version=SPDX_LICENSE_LIST_VERSION),
        generated_at=now,
        policy=policy,
        namespaces=tuple(namespaces),
        evidence_file=evidence_file,
        cache=cache,
    )
