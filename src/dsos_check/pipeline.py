"""collect_all() gathers evidence through the clients (all I/O); judge()/evaluate() judge it (pure)."""

from __future__ import annotations

import asyncio
import fnmatch
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from dsos_check import __version__
from dsos_check.budget_notes import budget_warnings
from dsos_check.checks import CHECKS
from dsos_check.checks.base import Subject
from dsos_check.collect.collector import Collector, utcnow
from dsos_check.collect.patience import SCOPE
from dsos_check.errors import CheckError
from dsos_check.fixes import namespace_fixes, repository_fixes
from dsos_check.licenses.resolve import apply_override, resolve_license
from dsos_check.licenses.source_repo import find_source_link
from dsos_check.licenses.spdx import SPDX_LICENSE_LIST_VERSION
from dsos_check.lookups import lookup_warnings, unreachable_source
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
    PolicyReport,
    Report,
    RepositoryEvidence,
    RepositoryReport,
    ToolInfo,
    Verdict,
    verdict_from_outcomes,
)

# Collector and utcnow are re-exported: the command line and tests reach them here.
__all__ = [
    "Collector",
    "build_report",
    "check_namespaces",
    "collect_all",
    "error_report",
    "evaluate",
    "judge",
    "utcnow",
]

Clock = Callable[[], datetime]
R = TypeVar("R", Exclusion, Override)
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]{1,253}(?::\d{1,5})?(?:/[\w./~%+-]{0,200})?")


def evaluate(evidence: NamespaceEvidence, policy: Policy) -> NamespaceReport:
    """Judge collected evidence: pure, and `now` is when the evidence was collected."""
    now = evidence.collected_at
    excluded, left_out = _exclusions(evidence.repositories, policy.exclude)
    kept = tuple(r for r in evidence.repositories if r.name not in left_out.get("*", set()))
    evidence = evidence.model_copy(update={"repositories": kept})
    licenses, expired, warnings = _licenses(kept, policy, now)
    warnings += lookup_warnings(kept)
    warnings += budget_warnings(evidence.notes, kept)
    results = []
    for check in CHECKS:
        skipped = left_out.get(check.id, set())
        scoped = evidence.model_copy(
            update={"repositories": tuple(r for r in kept if r.name not in skipped)}
        )
        subject = Subject(evidence=scoped, licenses=licenses, expired_overrides=expired)
        results.append(check.run(subject, policy, now))
    per_repo_checks = [r for r, c in zip(results, CHECKS, strict=True) if c.per_repository]
    website = _website(evidence.account.profile_url)
    repositories = tuple(
        _repository_report(evidence.namespace, repo, licenses[repo.name], per_repo_checks, website)
        for repo in kept
    )
    return NamespaceReport(
        namespace=evidence.namespace,
        verdict=verdict_from_outcomes([r.outcome for r in results]),
        authenticated=evidence.authenticated,
        can_list_private=evidence.can_list_private,
        account=AccountReport(type=evidence.account.type, badge=evidence.account.badge),
        sponsored=evidence.account.badge == "open_source",
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
    repositories: Sequence[RepositoryEvidence], policy: Policy, now: datetime
) -> tuple[dict[str, LicenseReport], dict[str, str], list[str]]:
    """Each repository's license (policy overrides applied), expired overrides, and warnings."""
    licenses: dict[str, LicenseReport] = {}
    expired: dict[str, str] = {}
    warnings: list[str] = []
    for repo in repositories:
        found = unreachable_source(repo, resolve_license(repo))
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


def _repository_report(
    namespace: str,
    repo: RepositoryEvidence,
    license_: LicenseReport,
    results: Sequence[CheckResult],
    website: str | None,
) -> RepositoryReport:
    outcomes: dict[str, Outcome] = {}
    reasons: dict[str, str] = {}
    for result in results:
        repo_outcome = result.per_repository.get(repo.name)
        if repo_outcome is None:
            continue
        outcomes[result.id] = repo_outcome.outcome
        if repo_outcome.outcome is not Outcome.PASS and repo_outcome.reason:
            reasons[result.id] = repo_outcome.reason
    outcome = outcomes.get("produces-images")
    return RepositoryReport(
        name=repo.name,
        is_private=repo.is_private,
        last_pushed=repo.last_pushed,
        content_types=repo.content_types,
        license=license_,
        outcomes=outcomes,
        reasons=reasons,
        newest_tag=repo.newest_tag.name if repo.newest_tag else None,
        has_images=None if outcome is None else outcome is Outcome.PASS,
        fixes=repository_fixes(namespace, repo, license_, outcomes, website),
        source_url=_source_url(namespace, repo),
    )


def _source_url(namespace: str, repo: RepositoryEvidence) -> str | None:
    link = find_source_link(repo, namespace)
    if link is not None:
        return link.url
    return repo.source_repository.url if repo.source_repository is not None else None


def _website(profile_url: str | None) -> str | None:
    """The account's website when it is a plain http(s) address (it goes into pasted snippets)."""
    if profile_url and _PLAIN_URL.fullmatch(profile_url.strip()):
        return profile_url.strip()
    return None


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


async def collect_all(
    collector: Collector,
    namespaces: Sequence[str],
    on_done: Callable[[Collected], None] | None = None,
) -> list[Collected]:
    """Collect every namespace concurrently; a namespace that fails becomes a CollectionFailure
    (one failing namespace never spoils the others). Results keep the order asked for."""

    async def one(namespace: str) -> Collected:
        item: Collected
        SCOPE.set(namespace)  # this task's requests are this namespace's (see collect.patience)
        try:
            item = await collector.collect(namespace)
        except CheckError as exc:
            item = CollectionFailure(
                namespace=namespace, error=exc.message, authenticated=collector.hub.authenticated
            )
        except Exception as exc:  # a bug must not lose the other namespaces
            if collector.on_internal_error is not None:
                collector.on_internal_error(namespace, exc)
            item = CollectionFailure(
                namespace=namespace,
                error=f"internal error ({type(exc).__name__}); run with -v for details",
                authenticated=collector.hub.authenticated,
            )
        if on_done is not None:
            on_done(item)
        return item

    return list(await asyncio.gather(*(one(ns) for ns in namespaces)))


def judge(item: Collected, policy: Policy) -> NamespaceReport:
    """The report of one collected namespace (or of one that could not be collected)."""
    if isinstance(item, CollectionFailure):
        return error_report(item.namespace, item.error, authenticated=item.authenticated)
    try:
        return evaluate(item, policy)
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


def judge_all(items: Sequence[Collected], policy: Policy) -> list[NamespaceReport]:
    """Judge every collected namespace under the policy as scoped to it."""
    reports = []
    for item in items:
        scoped, warning = scoped_policy(policy, item.namespace, len(items))
        report = judge(item, scoped)
        if warning is not None and report.verdict is not Verdict.ERROR:
            report = report.model_copy(update={"warnings": (*report.warnings, warning)})
        reports.append(report)
    return reports


async def check_namespaces(
    collector: Collector, namespaces: Sequence[str], policy: Policy
) -> list[NamespaceReport]:
    """Collect and judge every namespace."""
    return judge_all(await collect_all(collector, namespaces), policy)


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
        policy=PolicyReport(
            active_days=policy.active_days,
            fail_on=policy.fail_on,
            config_file=policy.config_file,
            exclude=policy.exclude,
            overrides=policy.overrides,
            attestation=policy.attestation,
            namespaces=policy.namespaces,
        ),
        namespaces=tuple(namespaces),
        evidence_file=evidence_file,
        cache=cache,
    )
