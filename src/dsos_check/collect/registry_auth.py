"""Registry authentication: the `WWW-Authenticate` challenge and pull tokens, many scopes each."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from dsos_check.collect.cache import CacheMode, cache_key
from dsos_check.collect.http import Http
from dsos_check.collect.wire import wire_url
from dsos_check.errors import ApiError, CheckError, TokenServiceError
from dsos_check.redact import remember_secret

# Scopes asked for in one token request. Docker's token service accepts many; 100 keeps the URL
# near 4 KB, well under the 8 KB request-line limit of common proxies.
SCOPES_PER_TOKEN = 100
DEFAULT_TOKEN_SECONDS = 60
# A token service may claim any lifetime; none is trusted for longer than an hour.
MAX_TOKEN_SECONDS = 3600

_PARAM = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')


@dataclass(frozen=True)
class Challenge:
    """What `GET /v2/` asked for: a bearer token from `realm`."""

    realm: str
    service: str | None


def parse_challenge(header: str) -> Challenge | None:
    """Parse `WWW-Authenticate: Bearer realm="...",service="..."`; None if not a Bearer challenge."""
    scheme, _, params = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    values = {m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _PARAM.finditer(params)}
    realm = values.get("realm")
    if not realm or wire_url(realm) is None:
        return None
    return Challenge(realm=realm, service=values.get("service"))


class RegistryAuth:
    """Asks `/v2/` once per run, then fetches pull tokens in batches of scopes, concurrently."""

    def __init__(self, http: Http, base_url: str) -> None:
        self._http = http
        self._base_url = base_url
        self._challenge: asyncio.Task[Challenge | None] | None = None
        self._tokens: dict[str, tuple[str, float]] = {}
        self._pending: dict[str, asyncio.Task[None]] = {}
        self.token_requests = 0

    async def challenge(self) -> Challenge | None:
        """The registry's challenge (None: it needs no token); asked once, shared by all callers."""
        if self._challenge is None:
            self._challenge = asyncio.ensure_future(self._ask_challenge())
        try:
            return await asyncio.shield(self._challenge)
        except ApiError:
            self._challenge = None  # a later caller may try again
            raise

    async def _ask_challenge(self) -> Challenge | None:
        url = f"{self._base_url}/v2/"
        remembered = self._remembered(url)
        if remembered is not None:
            return remembered[0]
        response = await self._http.request("GET", url)
        found: Challenge | None = None
        if response.status == 401:
            found = parse_challenge(response.headers.get("www-authenticate", ""))
            if found is None:
                raise ApiError("the registry asked for an authentication we do not speak")
        elif not 200 <= response.status < 300:
            raise ApiError(f"the registry answered {response.status} to GET /v2/")
        self._remember(url, found)
        return found

    def _remembered(self, url: str) -> tuple[Challenge | None] | None:
        """The challenge a recent run saw (kept for the cache's short TTL), so a warm run that
        needs no token sends nothing at all."""
        cache = self._http.cache
        entry = cache.get(cache_key("CHALLENGE", url)) if cache is not None else None
        if cache is None or entry is None or not cache.fresh(entry, CacheMode.SHORT):
            return None
        try:
            data = json.loads(entry.body)
            realm, service = data["realm"], data["service"]
        except (ValueError, KeyError, TypeError):
            return None
        if realm is None:
            return (None,)
        found = parse_challenge(f'Bearer realm="{realm}",service="{service or ""}"')
        return (found,) if found is not None else None

    def _remember(self, url: str, found: Challenge | None) -> None:
        if self._http.cache is None:
            return
        body = {
            "realm": found.realm if found else None,
            "service": found.service if found else None,
        }
        self._http.cache.put(cache_key("CHALLENGE", url), url, {}, json.dumps(body).encode())

    def token(self, repository: str) -> str | None:
        """A token still valid for pulling `repository`, if one was fetched."""
        entry = self._tokens.get(repository)
        if entry and entry[1] > time.monotonic():
            return entry[0]
        return None

    def forget(self, repository: str) -> None:
        """Drop a token the registry refused (expired, or too narrow)."""
        self._tokens.pop(repository, None)

    async def prepare(self, repositories: list[str]) -> None:
        """Fetch tokens for every repository lacking one: SCOPES_PER_TOKEN scopes per request,
        all requests at once. Repositories already being fetched are awaited, not asked again."""
        challenge = await self.challenge()
        if challenge is None:
            return
        missing = [r for r in dict.fromkeys(repositories) if not self.token(r)]
        waiting = {self._pending[r] for r in missing if r in self._pending}
        fresh = [r for r in missing if r not in self._pending]
        for start in range(0, len(fresh), SCOPES_PER_TOKEN):
            batch = fresh[start : start + SCOPES_PER_TOKEN]
            task = asyncio.ensure_future(self._fetch(challenge, batch))
            for repository in batch:
                self._pending[repository] = task
            waiting.add(task)
        if waiting:
            results = await asyncio.gather(*waiting, return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException):
                    raise result

    async def _fetch(self, challenge: Challenge, repositories: list[str]) -> None:
        try:
            await self._fetch_token(challenge, repositories)
        finally:
            for repository in repositories:
                self._pending.pop(repository, None)

    async def _fetch_token(self, challenge: Challenge, repositories: list[str]) -> None:
        params: list[tuple[str, str]] = []
        if challenge.service:
            params.append(("service", challenge.service))
        params += [("scope", f"repository:{repo}:pull") for repo in repositories]
        separator = "&" if urlsplit(challenge.realm).query else "?"
        url = f"{challenge.realm}{separator}{urlencode(params)}"
        self.token_requests += 1
        try:
            response = await self._http.request("GET", url, headers={"Accept": "application/json"})
        except CheckError as exc:  # named, so the report can say which service failed
            raise TokenServiceError(
                f"the registry token service could not be reached: {exc.message}"
            ) from None
        if not 200 <= response.status < 300:
            raise TokenServiceError(f"the registry token service answered {response.status}")
        data = response.json()
        token = (data.get("token") or data.get("access_token")) if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise TokenServiceError("the registry token service answered without a token")
        remember_secret(token)
        lifetime = data.get("expires_in")
        seconds = lifetime if isinstance(lifetime, int) and lifetime > 0 else DEFAULT_TOKEN_SECONDS
        seconds = min(seconds, MAX_TOKEN_SECONDS)
        expires = time.monotonic() + max(5, seconds - 10)
        for repo in repositories:
            self._tokens[repo] = (token, expires)
