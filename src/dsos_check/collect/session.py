"""One collection run: builds the HTTP stack and the clients, logs in, and collects every namespace."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from dsos_check.collect.cache import HttpCache
from dsos_check.collect.github import GitHubClient
from dsos_check.collect.http import Http
from dsos_check.collect.hub import HubClient
from dsos_check.collect.registry import RegistryClient
from dsos_check.errors import CheckError
from dsos_check.models import Collected, CollectionFailure
from dsos_check.pipeline import Collector, collect_all


@dataclass(frozen=True)
class Settings:
    """Where to collect from, with which credentials, and how hard to push."""

    hub_url: str
    registry_url: str
    github_api_url: str
    username: str | None = None
    token: str | None = field(default=None, repr=False)
    github_token: str | None = field(default=None, repr=False)
    concurrency: int = 8
    timeout: float = 30.0
    cache: HttpCache | None = None


@dataclass
class Stats:
    """What the run cost: requests per host, answers from the cache, rate-limit waits."""

    requests: dict[str, int] = field(default_factory=dict)
    from_cache: dict[str, int] = field(default_factory=dict)
    waits: int = 0
    waited: float = 0.0


Log = Callable[[str], None]
InternalErrorHook = Callable[[str, BaseException], None]
# Called as each namespace finishes, with the requests made and seconds waited so far.
Progress = Callable[[Collected, int, float], None]


async def collect(
    names: Sequence[str],
    settings: Settings,
    *,
    log: Log | None = None,
    on_internal_error: InternalErrorHook | None = None,
    on_done: Progress | None = None,
) -> tuple[list[Collected], Stats]:
    """Collect every namespace; a failed login makes every namespace a CollectionFailure."""
    limits = httpx.Limits(
        max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
    )
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(settings.timeout), limits=limits, follow_redirects=False
    ) as client:
        http = Http(client, concurrency=settings.concurrency, log=log, cache=settings.cache)
        hub = HubClient(http, settings.hub_url)
        collector = Collector(
            hub=hub,
            registry=RegistryClient(http, settings.registry_url),
            github=GitHubClient(http, settings.github_api_url, settings.github_token),
            username=settings.username,
            on_internal_error=on_internal_error,
        )

        def done(item: Collected) -> None:
            if on_done is not None:
                on_done(item, sum(http.requests.values()), http.pacer.waited)

        try:
            if settings.token and settings.username:
                await hub.login(settings.username, settings.token)
            items = await collect_all(collector, names, on_done=done)
        except CheckError as exc:
            items = [CollectionFailure(namespace=ns, error=exc.message) for ns in names]
        stats = Stats(
            requests=dict(http.requests),
            from_cache=dict(http.from_cache),
            waits=http.pacer.waits,
            waited=http.pacer.waited,
        )
    return items, stats
