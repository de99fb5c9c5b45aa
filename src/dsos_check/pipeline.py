"""collect_all() gathers evidence through the clients (all I/O); judge()/evaluate() judge it (pure)."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from dsos_check import __version__
from dsos_check.checks import CHECKS
from dsos_check.checks.base import Subject
from dsos_check.collect.github import GitHubClient
from dsos_check.collect.hub import HubClient
from dsos_check.collect.patience import SCOPE
from dsos_check.collect.payloads import RepositoryEntry
from dsos_check.collect.registry import RegistryClient
from dsos_check.errors import CheckError
from dsos_check.licenses.resolve import apply_override, resolve_license
from dsos_check.licenses.source_repo import find_source_link
from dsos_check.licenses.spdx import SPDX_LICENSE_LIST_VERSION
from dsos_check.models import (
    AccountReport,
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
    TagEvidence,
    ToolInfo,
    Verdict,
    verdict_from_outcomes,
)

Clock = Callable[[], datetime]
R = TypeVar("R", Exclusion, Override)
NON_IMAGE_CONTENT = frozenset(
    {"helm", "plugin", "volume", "wasm", "compose", "model", "unrecognized"}
)


def utcnow() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Collector:
    """Collects evidence for namespaces with shared clients and a per-run cache of the token's orgs."""

    hub: HubClient
    registry: RegistryClient
    github: GitHubClient | None = None
    username: str | None = None
    clock: Clock = utcnow
    on_internal_error: Callable[[str, BaseException], None] | None = None
    _orgs: set[str] | None = field(default=None, init=False)
    _orgs_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    async def _member_orgs(self) -> set[str]:
        async with self._orgs_lock:
            if self._orgs is None:
                self._orgs = await self.hub.user_orgs()
            return self._orgs

    async def can_list_private(self, namespace: str, account_type: str) -> bool:
        """A token sees private repositories only of its own namespace or of an org it belongs to."""
        if not self.hub.authenticated or not self.username:
            return False
        if self.username.lower() == namespace.lower():
            return True
        if account_type != "organization":
            return False
        return namespace.lower() in await self._member_orgs()

    async def collect(self, namespace: str) -> NamespaceEvidence:
        """Everything Docker Hub and the registry say about one namespace."""
        account = await self.hub.account(namespace)
        can_list = await self.can_list_private(namespace, account.type)
        entries = await self.hub.repositories(namespace)
        inspected = [
            f"{namespace}/{e.name}"
            for e in entries
            if e.name and not e.is_private and _may_hold_images(e)
        ]
        # A failed batch token is not fatal: each image read retries and records its own error.
        with contextlib.suppress(CheckError):
            await self.registry.prepare(inspected)
        repositories = await asyncio.gather(*(self._repository(namespace, e) for e in entries))
        return NamespaceEvidence(
            namespace=namespace,
            account=account,
            authenticated=self.hub.authenticated,
            can_list_private=can_list,
            repositories=tuple(sorted(repositories, key=lambda r: r.name)),
            collected_at=self.clock(),
        )

    async def _repository(self, namespace: str, entry: RepositoryEntry) -> RepositoryEvidence:
        """One Docker Hub request (the detail); tags and labels come from the registry."""
        assert entry.name is not None
        name = entry.name
        detail = await self.hub.repository(namespace, name)
        problems: list[str] = []
        merged = entry
        if detail is None:
            problems.append("repository detail (overview) could not be read")
        else:
            merged = _merge(entry, detail)
        if merged.last_updated is None:
            merged = merged.model_copy(
                update={"last_updated": await self.hub.newest_push(namespace, name)}
            )
        tag_count: int | None = None
        newest: TagEvidence | None = None
        image = None
        if not merged.is_private and _may_hold_images(merged):
            repository = f"{namespace}/{name}"
            tags = await self.registry.tags(repository)
            tag_count = tags.count
            if tags.problem:
                problems.append(f"tags could not be read from the registry: {tags.problem}")
            if tags.chosen is not None:
                newest = TagEvidence(
                    name=tags.chosen.name,
                    digest=tags.chosen.digest,
                    media_type=tags.chosen.media_type,
                )
                image = await self.registry.image(repository, tags.chosen.digest)
        evidence = RepositoryEvidence(
            name=name,
            is_private=merged.is_private,
            description=merged.description,
            full_description=merged.full_description,
            last_updated=merged.last_updated,
            repository_type=merged.repository_type,
            content_types=tuple(merged.content_types),
            media_types=tuple(merged.media_types),
            tag_count=tag_count,
            newest_tag=newest,
            image=image,
            problems=tuple(problems),
        )
        link = find_source_link(evidence, namespace)
        if link is None or self.github is None:
            return evidence
        source = await self.github.license(link.owner, link.repo, link.found_in)
        return evidence.model_copy(update={"source_repository": source})


def _merge(entry: RepositoryEntry, detail: RepositoryEntry) -> RepositoryEntry:
    """The list entry completed by the detail (the detail wins where it has a value)."""
    update = {k: v for k, v in detail.model_dump().items() if v not in (None, [], "")}
    update.pop("name", None)
    return entry.model_copy(update=update)


def _may_hold_images(entry: RepositoryEntry) -> bool:
    """Whether the registry is worth asking: not when Docker Hub already says it holds only
    charts, plugins or other non-image artifacts."""
    kinds = set(entry.content_types)
    if entry.repository_type == "plugin":
        return False
    return not kinds or "image" in kinds or not kinds <= NON_IMAGE_CONTENT


def evaluate(evidence: NamespaceEvidence, policy: Policy) -> NamespaceReport:
    """Judge collected evidence: pure, and `now` is when the evidence was collected."""
    now = evidence.collected_at
    excluded: list[ExcludedRepository] = []
    kept: list[RepositoryEvidence] = []
    for repo in evidence.repositories:
        exclusion = _first_match(repo.name, policy.exclude)
        if exclusion is None:
            kept.append(repo)
        else:
            excluded.append(
                ExcludedRepository(
                    name=repo.name, pattern=exclusion.repository, reason=exclusion.reason
                )
            )
    evidence = evidence.model_copy(update={"repositories": tuple(kept)})
    licenses: dict[str, LicenseReport] = {}
    expired: dict[str, str] = {}
    warnings: list[str] = []
    for repo in kept:
        found = resolve_license(repo)
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
    starved = [
        r.name
        for r in kept
        if r.image is not None and r.image.error and "pull budget" in r.image.error
    ]
    if starved:
        warnings.append(
            f"the registry's pull budget ran low: image labels were not read for {len(starved)} "
            f"{'repository' if len(starved) == 1 else 'repositories'}; their licenses come from "
            "the source repository and the overview only"
        )
    subject = Subject(evidence=evidence, licenses=licenses, expired_overrides=expired)
    results = tuple(check.run(subject, policy, now) for check in CHECKS)
    per_repo_checks = [r for r, c in zip(results, CHECKS, strict=True) if c.per_repository]
    repositories = []
    for repo in evidence.repositories:
        outcomes: dict[str, Outcome] = {}
        reasons: dict[str, str] = {}
        for result in per_repo_checks:
            repo_outcome = result.per_repository.get(repo.name)
            if repo_outcome is None:
                continue
            outcomes[result.id] = repo_outcome.outcome
            if repo_outcome.outcome is not Outcome.PASS and repo_outcome.reason:
                reasons[result.id] = repo_outcome.reason
        outcome = outcomes.get("produces-images")
        repositories.append(
            RepositoryReport(
                name=repo.name,
                is_private=repo.is_private,
                last_pushed=repo.last_pushed,
                content_types=repo.content_types,
                license=licenses[repo.name],
                outcomes=outcomes,
                reasons=reasons,
                newest_tag=repo.newest_tag.name if repo.newest_tag else None,
                has_images=None if outcome is None else outcome is Outcome.PASS,
            )
        )
    return NamespaceReport(
        namespace=evidence.namespace,
        verdict=verdict_from_outcomes([r.outcome for r in results]),
        authenticated=evidence.authenticated,
        can_list_private=evidence.can_list_private,
        account=AccountReport(type=evidence.account.type, badge=evidence.account.badge),
        sponsored=evidence.account.badge == "open_source",
        checks=results,
        repositories=tuple(repositories),
        excluded=tuple(excluded),
        warnings=tuple(warnings),
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


async def check_namespaces(
    collector: Collector, namespaces: Sequence[str], policy: Policy
) -> list[NamespaceReport]:
    """Collect and judge every namespace."""
    return [judge(item, policy) for item in await collect_all(collector, namespaces)]


def build_report(namespaces: Sequence[NamespaceReport], policy: Policy, now: datetime) -> Report:
    """Wrap namespace reports with the tool, the time and the policy applied."""
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
        ),
        namespaces=tuple(namespaces),
    )
