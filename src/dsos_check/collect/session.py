"""One collection run: builds the HTTP stack and the clients, logs in, and collects every namespace.

Each host gets a connection pool of its own (`PerHostTransport`): idle connections to one host
are never closed to make room for another's (each would be a new TLS handshake), and httpcore,
which scans every connection of a pool for each request it places, scans only that host's few.
The `Http` gate bounds requests in flight to `--concurrency`, so no host ever has more
connections than that. HTTP/2 is offered (ALPN) to hosts that speak it, which multiplexes all
requests to one host over a single connection. Proxies from the environment still apply: the
pool of a host they cover is httpx's own proxy transport. `Http` sends to this transport directly,
not through the client (no cookie jar, no per-request merging).
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.request
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from dsos_check.collect.asyncio_backend import AsyncioBackend
from dsos_check.collect.cache import HttpCache
from dsos_check.collect.collector import Collector, collect_all
from dsos_check.collect.endpoints import Endpoints
from dsos_check.collect.github import GitHubClient
from dsos_check.collect.http import Http
from dsos_check.collect.hub import HubClient
from dsos_check.collect.pool import AsyncioPool
from dsos_check.collect.registry import RegistryClient
from dsos_check.errors import CheckError
from dsos_check.models import Collected, CollectionFailure


@dataclass(frozen=True)
class Settings:
    """Where to collect from, with which credentials, and how hard to push."""

    endpoints: Endpoints
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
    concurrency: int = 0
    in_flight: float = 0.0  # requests in flight on average from the first sent to the last answer
    span: float = 0.0  # seconds from the first request sent to the last answer read


KEEPALIVE_SECONDS = 60.0
# Hosts a run may talk to: the Hub (and a mirror its `next` links may name), the registry, its
# token service, its blob CDN, GitHub's API and raw-file host. Redirects could name more; past
# this many, the least recently opened pool is retired (bounded memory and sockets).
MAX_POOLS = 16


class PerHostTransport(httpx.AsyncBaseTransport):
    """One keep-alive pool (an httpx transport) per scheme, host and port, made on first use."""

    def __init__(self, per_host: int, *, http2: bool = True) -> None:
        self._limits = httpx.Limits(
            max_connections=per_host,
            max_keepalive_connections=per_host,
            keepalive_expiry=KEEPALIVE_SECONDS,
        )
        self._http2 = http2
        self._ssl: ssl.SSLContext | None = None  # one for every pool: each costs ~0.1 s to build
        self._pools: dict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = {}
        self._retired: list[httpx.AsyncHTTPTransport] = []

    def _pool(self, url: httpx.URL) -> httpx.AsyncHTTPTransport:
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            if len(self._pools) >= MAX_POOLS:
                # Closed at the end of the run, not now: a request may still be using it.
                self._retired.append(self._pools.pop(next(iter(self._pools))))
            proxy = environment_proxy(url)
            if proxy is None:
                pool = _AsyncioTransport(self._context(url), self._limits, http2=self._http2)
            else:  # httpx's own transport speaks to proxies (CONNECT tunnels, proxy TLS)
                pool = httpx.AsyncHTTPTransport(
                    verify=self._context(url), limits=self._limits, http2=self._http2, proxy=proxy
                )
            self._pools[key] = pool
        return pool

    def _context(self, url: httpx.URL) -> ssl.SSLContext:
        """The verifying context for https; for a plain-http pool (pools are per scheme, so it
        never carries TLS) a context that trusts no certificate at all, which fails closed and
        skips loading the CA bundle (~30 ms a run)."""
        if url.raw_scheme != b"https":
            return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        return self._ssl

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool(request.url).handle_async_request(request)

    async def aclose(self) -> None:
        pools = [*self._pools.values(), *self._retired]
        self._pools, self._retired = {}, []
        for pool in pools:
            await pool.aclose()


def environment_proxy(url: httpx.URL) -> str | None:
    """The proxy the environment names for `url` (`https_proxy`, `http_proxy`, `all_proxy`, in
    either case), unless `no_proxy` exempts its host: the standard library's reading of them, as
    httpx's own (a proxy named without a scheme is an http:// one)."""
    proxies = urllib.request.getproxies()
    if not proxies or urllib.request.proxy_bypass(url.host):
        return None
    proxy = proxies.get(url.scheme) or proxies.get("all")
    if not proxy:
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


class _AsyncioTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over httpcore's pool, the pool opening its connections with
    `AsyncioBackend` instead of anyio (about a third less CPU per request) and taking asyncio's
    locks (see `pool`)."""

    def __init__(self, context: ssl.SSLContext, limits: httpx.Limits, *, http2: bool) -> None:
        super().__init__(verify=context, limits=limits, http2=http2)
        # httpx has no parameter for httpcore's network backend: its pool is replaced by one
        # with the same settings and ours (tests check that requests really go through it).
        self._pool = AsyncioPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
            network_backend=AsyncioBackend(),
        )


def make_client(
    concurrency: int, timeout: float, transport: PerHostTransport | None = None
) -> httpx.AsyncClient:
    """An httpx client with a keep-alive pool per host and HTTP/2 where the host offers it.
    The environment's proxies are applied by the transport, per host, not by the client."""
    return httpx.AsyncClient(
        transport=transport or PerHostTransport(max(1, concurrency)),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
    )


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
    transport = PerHostTransport(max(1, settings.concurrency))
    async with make_client(settings.concurrency, settings.timeout, transport) as client:
        http = Http(
            client,
            concurrency=settings.concurrency,
            log=log,
            cache=settings.cache,
            transport=transport,
        )
        ends = settings.endpoints
        hub = HubClient(http, ends.hub_url)
        collector = Collector(
            hub=hub,
            registry=RegistryClient(http, ends.registry_url),
            github=GitHubClient(http, ends.github_api_url, ends.github_token),
            username=ends.username,
            on_internal_error=on_internal_error,
        )

        def done(item: Collected) -> None:
            if on_done is not None:
                on_done(item, sum(http.requests.values()), http.pacer.waited)

        try:
            if ends.token and ends.username:
                await hub.login(ends.username, ends.token)
            items = await collect_all(collector, names, on_done=done)
        except CheckError as exc:
            items = [CollectionFailure(namespace=ns, error=exc.message) for ns in names]
        stats = Stats(
            requests=dict(http.requests),
            from_cache=dict(http.from_cache),
            waits=http.pacer.waits,
            waited=http.pacer.waited,
            concurrency=http.concurrency,
            in_flight=http.occupancy.mean,
            span=http.occupancy.span,
        )
    return items, stats


T = TypeVar("T")


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)`, with `main`'s answer handed back outside its task.

    Python 3.11's `asyncio.run` puts its main task in the Ctrl-C handler it installs, and on the
    way out `signal.getsignal` formats an error message naming that handler: the task's repr,
    with its result, every model the run collected, written out in full and thrown away (50-120
    ms after a 200-repository namespace, more for a batch). The task here ends with None.
    """
    answer: list[T] = []

    async def whole_run() -> None:
        answer.append(await main)

    asyncio.run(whole_run())
    return answer[0]
