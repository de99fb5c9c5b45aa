"""The one HTTP seam: bounded concurrency, size caps, safe redirects, and httpx errors turned into ours."""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urljoin, urlsplit

import httpx

from dsos_check import __version__
from dsos_check.collect.cache import CACHEABLE_STATUSES, CacheMode, HttpCache, cache_key
from dsos_check.collect.decode import ACCEPT_ENCODING, Decoder
from dsos_check.collect.occupancy import Occupancy
from dsos_check.collect.pacing import Pacer
from dsos_check.collect.patience import SlowOrigins
from dsos_check.collect.wire import (
    wire_http_date,
    wire_int,
    wire_json,
    wire_seconds,
    wire_url,
)
from dsos_check.errors import ApiError, DeadlineExceeded, HubUnavailable, RateLimited, TimedOut

USER_AGENT = f"dsos-check/{__version__} (+https://github.com/dsos-check/dsos-check)"

# Bytes we are willing to read from one response. API pages and manifests are small; a page of
# 100 repositories is about 100 KB and an overview at most 25,000 characters.
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_REDIRECTS = 5
# Retries for 429 and 502/503/504: attempts per request and the longest single wait we accept.
MAX_ATTEMPTS = 3
MAX_RETRY_WAIT = 60.0
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# The longest wait we ever report (a server may ask for years): one day.
MAX_REPORTED_WAIT = 86400.0
# The whole of one request (connect, send, every read) when the client sets no timeout.
DEFAULT_DEADLINE = 60.0

Logger = Callable[[str], None]
# Query parameters safe to show in logs; any other value (signatures, tokens) is elided.
_LOGGABLE_QUERY = frozenset({"page", "page_size", "service", "scope", "name", "ordering"})


def _split(url: str) -> SplitResult:
    """urlsplit, but a malformed URL (`http://[`) is an empty one rather than a ValueError."""
    try:
        return urlsplit(url)
    except ValueError:
        return SplitResult("", "", "", "", "")


def _join(base: str, location: str) -> str | None:
    """A redirect target, if it is a valid http(s) URL."""
    if len(location) > 8192:
        return None
    try:
        return wire_url(urljoin(base, location))
    except ValueError:
        return None


# A request asks for its URL's origin six to eight times (pacing, patience, counts, credentials,
# logs); the last few URLs' answers are kept rather than split again each time.
@functools.lru_cache(maxsize=64)
def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of a URL: the unit a credential belongs to."""
    parts = _split(url)
    try:
        port = parts.port
    except ValueError:  # out of range: such a URL is refused before any request (wire_url)
        port = None
    if port is None:
        port = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs share scheme, host and port."""
    return origin(a) == origin(b)


def _host_port(url: str) -> str:
    _, host, port = origin(url)
    return f"{host}:{port}" if port else host


def redact_url(url: str) -> str:
    """A URL fit for logs: no user-info, no query values that could hold a secret."""
    parts = _split(url)
    host = _host_port(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = "&".join(f"{k}={v}" if k in _LOGGABLE_QUERY else f"{k}=…" for k, v in pairs)
    return f"{parts.scheme}://{host}{parts.path}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Response:
    """A fully read, size-capped HTTP response (possibly from the cache)."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    from_cache: bool = False

    def json(self) -> Any:
        """The body as JSON, or ApiError naming the URL when it is not JSON."""
        return wire_json(self.body, f"{redact_url(self.url)} answered {self.status}")


@dataclass(frozen=True)
class _Outgoing:
    """One request as sent: what a redirect may change, it changes in a copy."""

    method: str
    url: str
    headers: Mapping[str, str]
    json_body: Any
    max_bytes: int

    def redirected(self, target: str, *, see_other: bool) -> _Outgoing:
        """The request to send to `target`: a credential belongs to one origin and is never
        carried across; a 303 turns it into a GET without a body."""
        headers = self.headers
        if not same_origin(self.url, target):
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        if see_other:
            return _Outgoing("GET", target, headers, None, self.max_bytes)
        return replace(self, url=target, headers=headers)


class Http:
    """An httpx.AsyncClient with at most `concurrency` requests in flight and safe redirects."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        concurrency: int = 8,
        log: Logger | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
        cache: HttpCache | None = None,
        pacer: Pacer | None = None,
        deadline: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = client
        # When given (the session's per-host pools), requests go straight to it: the client's
        # cookie jar and per-request merging cost about a quarter of the CPU of a request, and
        # a run needs neither (no cookies, no base URL, its own redirects).
        self._transport = transport
        self._timeouts = client.timeout.as_dict()
        # The client's own headers (httpx's defaults, or what a caller set), by lower-cased name.
        self._default_headers = {k.lower(): (k, v) for k, v in client.headers.items()}
        # A total deadline per request, so a server dripping one byte per read-timeout cannot
        # hold a request for ever: by default the client's own timeout.
        timeout = client.timeout
        self.deadline = deadline or timeout.read or timeout.connect or DEFAULT_DEADLINE
        self.pacer = pacer if pacer is not None else Pacer(reserve=2 * max(1, concurrency))
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self.concurrency = max(1, concurrency)
        self.occupancy = Occupancy()
        self._log = log
        self._sleep = sleep
        self.cache = cache
        self._origin_locks: dict[str, asyncio.Lock] = {}
        self.slow = SlowOrigins()
        self.requests: Counter[str] = Counter()
        self.from_cache: Counter[str] = Counter()

    def cached(
        self,
        method: str,
        url: str,
        mode: CacheMode | None,
        identity: str = "",
        *,
        peek: bool = False,
    ) -> Response | None:
        """A cached answer that may be used without asking the server, if there is one
        (`peek`: only look, do not count it as used)."""
        if self.cache is None or mode is None or method not in ("GET", "HEAD"):
            return None
        entry = self.cache.get(cache_key(method, url, identity))
        if entry is None or not self.cache.fresh(entry, mode):
            return None
        if peek:
            return Response(url, entry.status, httpx.Headers(entry.headers), b"", from_cache=True)
        self.cache.note_reuse(entry, mode)
        self.from_cache[origin(url)[1]] += 1
        return Response(
            url, entry.status, httpx.Headers(entry.headers), entry.body, from_cache=True
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        max_bytes: int = MAX_BODY_BYTES,
        follow_redirects: bool = True,
        cache: CacheMode | None = None,
        identity: str = "",
    ) -> Response:
        """Send a request (or answer it from the cache), retrying 429/502/503/504 a bounded
        number of times. `identity` says who asks (never a secret): it separates cache entries
        of anonymous and authenticated callers."""
        hit = self.cached(method, url, cache, identity)
        if hit is not None:
            return hit
        store = self.cache if cache is not None and method in ("GET", "HEAD") else None
        key = cache_key(method, url, identity) if store is not None else ""
        entry = store.get(key) if store is not None else None
        if entry is not None:
            headers = {**(headers or {}), **entry.validators}
        host = _host_port(url)
        self.slow.check(host)
        try:
            outgoing = _Outgoing(method, url, headers or {}, json_body, max_bytes)
            response = await self._request_retrying(outgoing, follow_redirects)
        except TimedOut:
            self.slow.timed_out(host)
            raise
        if store is not None:
            if response.status == 304 and entry is not None:
                store.touch(key, entry)
                self.from_cache[origin(url)[1]] += 1
                return Response(
                    url, entry.status, httpx.Headers(entry.headers), entry.body, from_cache=True
                )
            if response.status == 200 or (
                response.status in CACHEABLE_STATUSES and cache is not CacheMode.IMMUTABLE
            ):
                store.put(
                    key, redact_url(url), dict(response.headers), response.body, response.status
                )
        return response

    async def _request_retrying(self, outgoing: _Outgoing, follow_redirects: bool) -> Response:
        method, url = outgoing.method, outgoing.url
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._request_following(outgoing, follow_redirects)
            except HubUnavailable as exc:
                # A dropped connection or a stall: safe to try again only for reads. A server
                # that dripped past the whole deadline would only drip again.
                if (
                    method not in ("GET", "HEAD")
                    or attempt >= MAX_ATTEMPTS
                    or isinstance(exc, DeadlineExceeded)
                ):
                    raise
                self._debug(f"retry {attempt}/{MAX_ATTEMPTS - 1} after: {exc.message}")
                await self._sleep(backoff(attempt))
                continue
            if response.status not in RETRY_STATUSES or attempt >= MAX_ATTEMPTS:
                break
            wait = retry_delay(response, attempt)
            if wait > MAX_RETRY_WAIT:
                break
            self._debug(
                f"retry {attempt}/{MAX_ATTEMPTS - 1} in {wait:.1f}s after {response.status}"
            )
            await self._sleep(wait)
        if response.status == 429:
            wait = retry_delay(response, attempt)
            resume = datetime.now(UTC) + timedelta(seconds=wait)
            raise RateLimited(
                f"{origin(url)[1]} is rate limiting us (429) and asks to wait {int(wait) + 1} s: "
                f"try again after {resume:%H:%M:%S} UTC"
            )
        return response

    async def _request_following(self, outgoing: _Outgoing, follow_redirects: bool) -> Response:
        for _ in range(MAX_REDIRECTS + 1):
            url = outgoing.url
            response = await self._send(outgoing)
            location = response.headers.get("location")
            if not (follow_redirects and response.status in (301, 302, 303, 307, 308) and location):
                return response
            target = _join(url, location)
            if target is None:
                raise ApiError(f"{redact_url(url)} redirected to an invalid or non-HTTP location")
            outgoing = outgoing.redirected(target, see_other=response.status == 303)
        raise ApiError(f"{redact_url(outgoing.url)}: more than {MAX_REDIRECTS} redirects")

    async def _send(self, outgoing: _Outgoing) -> Response:
        method, url = outgoing.method, outgoing.url
        safe_url = redact_url(url)
        host = origin(url)
        key = f"{host}"
        # Requests to one origin decide in turn, each right before it takes a place in the gate:
        # a request is counted against the rate-limit window only when it is about to be sent,
        # and one that must wait for the window does so without holding a place that requests to
        # other hosts could use.
        request = self._build(outgoing)  # before the gate: a place is held only while sending
        async with self._origin_locks.setdefault(key, asyncio.Lock()):
            wait = self.pacer.delay(key)
            try:
                if wait > 0:
                    self._debug(f"pacing {host[1]}: waiting {wait:.1f}s for its rate limit")
                    await self._sleep(wait)
                await self._semaphore.acquire()
            except BaseException:
                self.pacer.done(key)
                raise
        self.occupancy.taken()
        try:
            # Checked again in the gate: requests queued behind a timed-out one skip at once.
            self.slow.check(_host_port(url))
            response, body, started = await self._transmit(request, outgoing, safe_url)
            self.pacer.observe(key, response.headers)
        finally:
            self.occupancy.given_back()
            self._semaphore.release()
            self.pacer.done(key)
        elapsed = (time.monotonic() - started) * 1000
        self._debug(f"{method} {safe_url} -> {response.status_code} ({elapsed:.0f} ms)")
        return Response(url=url, status=response.status_code, headers=response.headers, body=body)

    def _build(self, outgoing: _Outgoing) -> httpx.Request:
        """The request with the client's default headers, ours, then the caller's."""
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING, **outgoing.headers}
        if self._transport is None:
            return self._client.build_request(
                outgoing.method, outgoing.url, headers=headers, json=outgoing.json_body
            )
        # Merged by lower-cased name in a plain dict: httpx's Headers.copy() and update() decode
        # every header of both sides again, about a fifth of the event loop's CPU per request.
        merged = dict(self._default_headers)
        for name, value in headers.items():
            merged[name.lower()] = (name, value)
        return httpx.Request(
            outgoing.method,
            outgoing.url,
            headers=list(merged.values()),
            json=outgoing.json_body,
            extensions={"timeout": self._timeouts},
        )

    async def _transmit(
        self, request: httpx.Request, outgoing: _Outgoing, safe_url: str
    ) -> tuple[httpx.Response, bytes, float]:
        url = outgoing.url
        started = time.monotonic()
        self.requests[origin(url)[1]] += 1
        try:
            async with asyncio.timeout(self.deadline):
                if self._transport is not None:
                    response = await self._transport.handle_async_request(request)
                else:
                    response = await self._client.send(request, stream=True)
                try:
                    body = await _read_capped(response, outgoing.max_bytes, safe_url)
                finally:
                    await response.aclose()
        except TimeoutError:
            raise DeadlineExceeded(
                f"{safe_url} did not answer in full within {self.deadline:g} s"
            ) from None
        except httpx.TimeoutException:
            raise TimedOut(f"{safe_url} timed out") from None
        except httpx.ConnectError:
            raise HubUnavailable(f"could not connect to {_host_port(url)}") from None
        except httpx.TransportError as exc:
            raise HubUnavailable(
                f"could not reach {origin(url)[1]}: {type(exc).__name__}"
            ) from None
        except httpx.HTTPError as exc:
            raise HubUnavailable(f"{safe_url}: {type(exc).__name__}") from None
        return response, body, started

    def _debug(self, message: str) -> None:
        if self._log is not None:
            self._log(message)


async def _read_capped(response: httpx.Response, max_bytes: int, safe_url: str) -> bytes:
    """The body, decoded by our own bounded decoder (httpx's would inflate a bomb in one go)."""
    declared = wire_int(response.headers.get("content-length"))
    if declared is not None and declared > max_bytes:
        raise ApiError(f"{safe_url} sent {declared} bytes, more than the {max_bytes} we accept")
    decoder = Decoder(response.headers.get("content-encoding", ""), max_bytes, safe_url)
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received > max_bytes:
            raise ApiError(f"{safe_url} sent more than the {max_bytes} bytes we accept")
        decoder.feed(chunk)
    return decoder.body()


def retry_delay(response: Response, attempt: int) -> float:
    """Seconds to wait before retrying: Retry-After (seconds or date), X-Retry-After, reset, backoff."""
    now = time.time()
    headers = response.headers
    value = headers.get("retry-after")
    seconds = wire_seconds(value)
    if seconds is None and (when := wire_http_date(value)) is not None:
        seconds = max(0.0, when.timestamp() - now)
    for name in ("x-retry-after", "x-ratelimit-reset"):
        if seconds is None and (epoch := wire_seconds(headers.get(name))) is not None:
            seconds = max(0.0, epoch - now)
    return backoff(attempt) if seconds is None else min(seconds, MAX_REPORTED_WAIT)


def backoff(attempt: int) -> float:
    """Exponential backoff with jitter: about 1, 2, 4 … seconds, at most 8."""
    return min(2.0 ** (attempt - 1), 8.0) * random.uniform(0.75, 1.25)
