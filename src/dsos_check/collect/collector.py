"""Collect one namespace: Docker Hub, the registry and GitHub asked side by side, never in turn.

The start runs the account, the listing and the registry's challenge at once; then the tokens
(one per 100 repositories, concurrently) and, per repository, the Hub detail and the registry
work in parallel: a repository's labels never wait for its overview.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from dsos_check.collect.github import GitHubClient
from dsos_check.collect.hub import HubClient
from dsos_check.collect.images import pick_tag
from dsos_check.collect.patience import SCOPE
from dsos_check.collect.payloads import HubTagEntry, RepositoryEntry
from dsos_check.collect.registry import Inspection, RegistryClient
from dsos_check.errors import CheckError
from dsos_check.licenses.source_repo import find_source_link
from dsos_check.models import (
    Collected,
    CollectionFailure,
    CollectionNotes,
    LookupFailure,
    NamespaceEvidence,
    Problem,
    RepositoryEvidence,
    SourceRepositoryEvidence,
)
from dsos_check.vocabulary import IMAGE, NON_IMAGE_KINDS, PLUGIN

Clock = Callable[[], datetime]
PullPath = Literal["manifest-index", "hub-tags"]


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
        """Everything Docker Hub, the registry and GitHub say about one namespace."""
        challenge = asyncio.ensure_future(_quietly(self.registry.auth.challenge()))
        plan: asyncio.Future[PullPath] = asyncio.get_running_loop().create_future()
        sources = _Sources(self.github)
        work: list[asyncio.Task[RepositoryEvidence]] = []

        def start(entries: list[RepositoryEntry]) -> None:
            # Each page's Hub details start as soon as it is read, while the next page loads;
            # their registry work waits for the plan, which needs the whole listing.
            sources.expect(len(entries))
            work.extend(
                asyncio.ensure_future(self._repository(namespace, e, plan, sources))
                for e in entries
            )

        listing = asyncio.ensure_future(self.hub.repositories(namespace, on_page=start))
        planner: asyncio.Future[None] | None = None
        try:
            account = await self.hub.account(namespace)
            can_list = await self.can_list_private(namespace, account.type)
            entries = await listing
            inspected = [e.name for e in entries if e.name and _inspectable(e)]
            spent = self.registry.budget.spent
            sources.listed()
            planner = asyncio.ensure_future(self._plan(namespace, inspected, plan))
            repositories = await asyncio.gather(*work)
            await planner
        finally:
            pending: list[asyncio.Future[Any]] = [listing, plan, *work]
            for task in pending if planner is None else [*pending, planner]:
                _discard(task)
            await challenge
        notes = self._notes(plan.result() if inspected else None, repositories, spent, sources)
        return NamespaceEvidence(
            namespace=namespace,
            account=account,
            authenticated=self.hub.authenticated,
            can_list_private=can_list,
            repositories=tuple(sorted(repositories, key=lambda r: r.name)),
            collected_at=self.clock(),
            notes=notes,
        )

    async def _plan(
        self, namespace: str, inspected: list[str], plan: asyncio.Future[PullPath]
    ) -> None:
        """Tokens for every repository to inspect and the pull budget, then the path to take
        (set on `plan`, which every repository's registry work awaits)."""
        try:
            # A failed batch token is not fatal: each image read retries and records its error.
            with contextlib.suppress(CheckError):
                await self.registry.start([f"{namespace}/{name}" for name in inspected])
            plan.set_result(self._pull_path(len(inspected)))
        except BaseException:
            plan.cancel()  # no registry work waits for ever on a plan that failed
            raise

    def _pull_path(self, images: int) -> PullPath:
        """Two pulls per multi-platform image when the budget allows them all; otherwise one,
        with the platform digest taken from Docker Hub's tag API (a Hub request, no pull) as
        long as the Hub API budget is the larger of the two."""
        budget = self.registry.budget
        if budget.affordable(2 * images):
            return "manifest-index"
        hub_left = self.hub.api_budget_left()
        if hub_left is None or hub_left > (budget.remaining or 0):
            return "hub-tags"
        return "manifest-index"

    async def _repository(
        self,
        namespace: str,
        entry: RepositoryEntry,
        plan: asyncio.Future[PullPath],
        sources: _Sources,
    ) -> RepositoryEvidence:
        """The Hub detail and the registry work at once; then the source repository's license."""
        assert entry.name is not None
        name = entry.name
        registry_work = (
            self._inspect(namespace, name, plan) if _inspectable(entry) else _no_inspection()
        )
        try:
            detail, inspection = await asyncio.gather(self._detail(namespace, entry), registry_work)
            evidence = _evidence(name, detail, inspection)
            link = find_source_link(evidence, namespace)
            asked = sources.ask(link.owner, link.repo) if link is not None else None
        finally:
            sources.repository_done()
        if link is None or asked is None:
            return evidence
        source = await sources.answer(asked, link.found_in)
        return evidence.model_copy(update={"source_repository": source})

    async def _detail(
        self, namespace: str, entry: RepositoryEntry
    ) -> tuple[RepositoryEntry, list[Problem]]:
        assert entry.name is not None
        detail = await self.hub.repository(namespace, entry.name)
        if detail is None:
            merged, problems = (
                entry,
                [
                    Problem(
                        service=LookupFailure.DOCKER_HUB,
                        message="repository detail (overview) could not be read",
                    )
                ],
            )
        else:
            merged, problems = _merge(entry, detail), []
        if merged.last_updated is None:
            pushed = await self.hub.newest_push(namespace, entry.name)
            merged = merged.model_copy(update={"last_updated": pushed})
        return merged, problems

    async def _inspect(
        self, namespace: str, name: str, plan: asyncio.Future[PullPath]
    ) -> Inspection:
        path = await asyncio.shield(plan)
        repository = f"{namespace}/{name}"
        if path == "manifest-index":
            return await self.registry.inspect(repository)
        try:
            count, tags = await self.hub.tags(namespace, name)
        except CheckError:
            count, tags = None, []
        chosen = _choose_hub_tag(tags)
        if chosen is None:
            if count == 0:
                return Inspection(tag_count=0)
            return await self.registry.inspect(repository)
        return await self.registry.inspect_hub_tag(repository, chosen, count)

    def _notes(
        self,
        path: PullPath | None,
        repositories: list[RepositoryEvidence],
        spent_before: int,
        sources: _Sources,
    ) -> CollectionNotes:
        budget = self.registry.budget
        skipped = tuple(
            sorted(
                r.name
                for r in repositories
                if r.image and r.image.failure is LookupFailure.PULL_BUDGET
            )
        )
        return CollectionNotes(
            pull_path=path,
            pulls_spent=budget.spent - spent_before,
            pulls_remaining=None if budget.unlimited else budget.remaining,
            pull_budget_refills_by=budget.refills_by() if skipped else None,
            labels_skipped=skipped,
            github_unchecked=tuple(sorted(sources.unchecked)),
            github_resets_at=self.github.resets_at if self.github and sources.unchecked else None,
        )


def _evidence(
    name: str, detail: tuple[RepositoryEntry, list[Problem]], inspection: Inspection
) -> RepositoryEvidence:
    merged, problems = detail
    if inspection.problem:
        said = f"tags could not be read from the registry: {inspection.problem.message}"
        problems = [*problems, inspection.problem.model_copy(update={"message": said})]
    return RepositoryEvidence(
        name=name,
        is_private=merged.is_private,
        description=merged.description,
        full_description=merged.full_description,
        last_updated=merged.last_updated,
        repository_type=merged.repository_type,
        content_types=tuple(merged.content_types),
        media_types=tuple(merged.media_types),
        tag_count=inspection.tag_count,
        newest_tag=inspection.tag,
        image=inspection.image,
        problems=tuple(problems),
    )


class _Sources:
    """GitHub look-ups of one namespace: queued as overviews are read, and the batch flushed
    once the listing is complete and every repository has queued its own (or had none)."""

    def __init__(self, github: GitHubClient | None) -> None:
        self._github = github
        self._left = 0
        self._listed = False
        self.unchecked: set[str] = set()

    def expect(self, repositories: int) -> None:
        """More repositories were listed."""
        self._left += repositories

    def listed(self) -> None:
        """The listing is complete: no repository will be added."""
        self._listed = True
        self._flush_when_done()

    def ask(self, owner: str, repo: str) -> asyncio.Future[SourceRepositoryEvidence] | None:
        return self._github.ask(owner, repo) if self._github is not None else None

    def repository_done(self) -> None:
        self._left -= 1
        self._flush_when_done()

    def _flush_when_done(self) -> None:
        if self._listed and self._left <= 0 and self._github is not None:
            self._github.flush()

    async def answer(
        self, asked: asyncio.Future[SourceRepositoryEvidence], found_in: str
    ) -> SourceRepositoryEvidence:
        answer = await asyncio.shield(asked)
        if answer.status == "rate-limited":
            self.unchecked.add(answer.url.removeprefix("https://github.com/"))
        return answer.model_copy(update={"found_in": found_in})


async def _quietly(work: Awaitable[Any]) -> None:
    """Await a start-up request whose failure is reported later by whoever needs its answer."""
    with contextlib.suppress(CheckError):
        await work


def _discard(task: asyncio.Future[Any]) -> None:
    """Cancel a task no longer wanted, or collect its failure so it is not reported twice."""
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()


async def _no_inspection() -> Inspection:
    return Inspection()


def _choose_hub_tag(tags: list[HubTagEntry]) -> HubTagEntry | None:
    named = {t.name: t for t in tags if t.name}
    if not named:
        return None
    if "latest" in named:
        return named["latest"]
    return named[pick_tag(list(named))]


def _merge(entry: RepositoryEntry, detail: RepositoryEntry) -> RepositoryEntry:
    """The list entry completed by the detail (the detail wins where it has a value)."""
    update = {k: v for k, v in detail.model_dump().items() if v not in (None, [], "")}
    update.pop("name", None)
    return entry.model_copy(update=update)


def _inspectable(entry: RepositoryEntry) -> bool:
    """Whether the registry is worth asking: a public repository, unless Docker Hub already says
    it holds only charts, plugins or other non-image artifacts."""
    if entry.is_private:
        return False
    kinds = set(entry.content_types)
    if entry.repository_type == PLUGIN:
        return False
    return not kinds or IMAGE in kinds or not kinds <= NON_IMAGE_KINDS


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
