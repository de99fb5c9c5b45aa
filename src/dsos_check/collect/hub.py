"""Docker Hub API: accounts, paginated repository lists, repository detail and tags."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from dsos_check.collect.cache import CacheMode
from dsos_check.collect.http import Http, Response, origin, redact_url, same_origin
from dsos_check.collect.payloads import Account, HubTagEntry, Page, RepositoryEntry, parse
from dsos_check.collect.wire import wire_url
from dsos_check.errors import ApiError, AuthError, NamespaceNotFound
from dsos_check.models import AccountEvidence
from dsos_check.redact import redact, remember_secret

PAGE_SIZE = 100
# Bounds on pagination: 1,000 pages of 100 is far beyond any real namespace.
MAX_PAGES = 1000
MAX_ORG_PAGES = 20


class HubClient:
    """Reads one Docker Hub; a bearer token, once obtained, is sent to that Hub's origin only."""

    def __init__(self, http: Http, base_url: str) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self._bearer: str | None = None
        self._credentials: tuple[str, str] | None = None
        self._identity = "anonymous"  # who asks, for cache entries: never the secret
        self._login_lock = asyncio.Lock()
        # Namespaces whose repository detail is only at the legacy URL: a fact about each
        # namespace, never a switch for the whole run (one odd namespace must not change how
        # the others are read).
        self._legacy_detail: set[str] = set()

    @property
    def authenticated(self) -> bool:
        """Whether requests carry a Docker Hub bearer token."""
        return self._bearer is not None

    def api_budget_left(self) -> int | None:
        """Hub API requests left in the current rate-limit window, when the Hub has said."""
        return self._http.pacer.left(str(origin(self.base_url)))

    async def login(self, identifier: str, secret: str) -> None:
        """Exchange a username (or org name) and a PAT/OAT for a short-lived bearer token."""
        response = await self._http.request(
            "POST",
            f"{self.base_url}/v2/auth/token",
            json_body={"identifier": identifier, "secret": secret},
            follow_redirects=False,
        )
        if response.status in (400, 401, 403):
            raise AuthError(
                f"Docker Hub rejected the token for {identifier!r} "
                f"(HTTP {response.status}); check --username and --token"
            )
        _raise_for_status(response, "the token exchange")
        data = response.json()
        token = data.get("access_token") or data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise ApiError("the token exchange answered without an access token")
        remember_secret(secret)
        remember_secret(token)
        self._bearer = token
        self._credentials = (identifier, secret)
        self._identity = f"user:{identifier.lower()}"

    async def _get(self, url: str) -> Response:
        for attempt in range(2):
            headers = {"Accept": "application/json"}
            bearer = self._bearer
            if bearer is not None and same_origin(url, self.base_url):
                headers["Authorization"] = f"Bearer {bearer}"
            response = await self._http.request(
                "GET", url, headers=headers, cache=CacheMode.SHORT, identity=self._identity
            )
            if response.status == 401 and "Authorization" in headers and attempt == 0:
                await self._refresh(bearer)  # the JWT lasts 10 minutes: exchange again once
                continue
            return response
        return response

    async def _refresh(self, stale: str | None) -> None:
        async with self._login_lock:
            if self._credentials is not None and self._bearer == stale:
                await self.login(*self._credentials)

    async def account(self, namespace: str) -> AccountEvidence:
        """Organization or user: /v2/orgs/{ns}/ first, then /v2/users/{ns}/; both 404 → not found."""
        ns = quote(namespace, safe="")
        for kind, path in (("organization", "orgs"), ("user", "users")):
            response = await self._get(f"{self.base_url}/v2/{path}/{ns}/")
            if response.status == 404:
                continue
            _raise_for_status(response, f"the {kind} look-up")
            info = parse(Account, response.json(), f"the {kind} look-up")
            return AccountEvidence(
                type="organization" if kind == "organization" else "user",
                badge=info.badge or None,
                full_name=info.full_name or None,
                company=info.company or None,
                profile_url=info.profile_url or None,
            )
        raise NamespaceNotFound(f"namespace {namespace!r} not found on Docker Hub")

    async def user_orgs(self) -> set[str]:
        """Names of the organizations the token's user belongs to (lower case)."""
        orgs: set[str] = set()
        url: str | None = f"{self.base_url}/v2/user/orgs/?page_size={PAGE_SIZE}&page=1"
        for page_number in range(1, MAX_ORG_PAGES + 1):
            if url is None:
                break
            response = await self._get(url)
            if response.status == 404 and page_number > 1:
                break
            if response.status in (401, 403):
                return orgs
            _raise_for_status(response, "the list of your organizations")
            page = parse(Page, response.json(), "the list of your organizations")
            for item in page.results:
                name = item.get("orgname") or item.get("name")
                if isinstance(name, str):
                    orgs.add(name.lower())
            url = page.next
        return orgs

    async def repositories(
        self,
        namespace: str,
        *,
        legacy: bool = False,
        on_page: Callable[[list[RepositoryEntry]], None] | None = None,
    ) -> list[RepositoryEntry]:
        """Every repository the caller can see, following `next` to the end (bounded); a Hub
        without the namespaces API for this namespace is asked at the legacy URL instead.
        `on_page` is given each page's new entries as soon as the page is read, so work on them
        can start while the next page loads."""
        ns = quote(namespace, safe="")
        query = urlencode({"page_size": PAGE_SIZE, "page": 1})
        if legacy:
            first = f"{self.base_url}/v2/repositories/{ns}/?{query}"
        else:
            first = f"{self.base_url}/v2/namespaces/{ns}/repositories?{query}"
        entries: list[RepositoryEntry] = []
        seen: set[str] = set()
        url: str | None = first
        visited: set[str] = set()
        for page_number in range(1, MAX_PAGES + 1):
            if url is None or url in visited:  # the end, or a `next` leading back: read in full
                return entries
            visited.add(url)
            response = await self._get(url)
            if response.status == 404 and page_number > 1:
                return entries  # past the end: Docker Hub answers 404
            if response.status in (404, 410) and page_number == 1 and not legacy:
                return await self.repositories(namespace, legacy=True, on_page=on_page)
            _raise_for_status(response, f"the repository list of {namespace}")
            page = parse(Page, response.json(), f"the repository list of {namespace}")
            url = _next_url(page.next, url)  # a bad `next` fails the listing before any work
            new = [e for e in _entries(page, namespace) if e.name not in seen]
            seen.update(e.name for e in new if e.name)
            entries += new
            if on_page is not None and new:
                on_page(new)
        raise ApiError(f"the repository list of {namespace} has more than {MAX_PAGES} pages")

    async def repository(self, namespace: str, name: str) -> RepositoryEntry | None:
        """A repository's detail (with `full_description`), or None when it cannot be read."""
        ns, repo = quote(namespace, safe=""), quote(name, safe="")
        urls = [
            f"{self.base_url}/v2/namespaces/{ns}/repositories/{repo}",
            f"{self.base_url}/v2/repositories/{ns}/{repo}/",
        ]
        if namespace in self._legacy_detail:
            urls = urls[1:]
        for index, url in enumerate(urls):
            response = await self._get(url)
            if response.status in (404, 405, 410) and index + 1 < len(urls):
                continue
            if response.status in (401, 403, 404):
                return None
            _raise_for_status(response, f"the detail of {namespace}/{name}")
            if index > 0:
                self._legacy_detail.add(namespace)
            return parse(RepositoryEntry, response.json(), f"the detail of {namespace}/{name}")
        return None

    async def tags(self, namespace: str, name: str) -> tuple[int | None, list[HubTagEntry]]:
        """The first page of tags (newest first) with each tag's index and platform digests:
        costs one Hub API request and no registry pull. `(None, [])` when it cannot be read."""
        ns, repo = quote(namespace, safe=""), quote(name, safe="")
        query = urlencode({"page_size": PAGE_SIZE, "page": 1, "ordering": "-last_updated"})
        for url in (
            f"{self.base_url}/v2/namespaces/{ns}/repositories/{repo}/tags?{query}",
            f"{self.base_url}/v2/repositories/{ns}/{repo}/tags/?{query}",
        ):
            response = await self._get(url)
            if response.status in (401, 403, 404, 405, 410):
                continue
            _raise_for_status(response, f"the tags of {namespace}/{name}")
            page = parse(Page, response.json(), f"the tags of {namespace}/{name}")
            entries = [
                parse(HubTagEntry, item, f"a tag of {namespace}/{name}") for item in page.results
            ]
            return page.count, entries
        return None, []

    async def newest_push(self, namespace: str, name: str) -> datetime | None:
        """The newest `tag_last_pushed` on the first page of tags: asked only when neither the
        listing nor the detail gives `last_updated` (so it costs nothing in the usual case)."""
        _, entries = await self.tags(namespace, name)
        pushed = [
            when for entry in entries if (when := entry.tag_last_pushed or entry.last_updated)
        ]
        return max(pushed) if pushed else None


def _entries(page: Page, namespace: str) -> list[RepositoryEntry]:
    """A page's named repositories, each once."""
    named: dict[str, RepositoryEntry] = {}
    for item in page.results:
        entry = parse(RepositoryEntry, item, f"a repository of {namespace}")
        if entry.name and entry.name not in named:
            named[entry.name] = entry
    return list(named.values())


def _next_url(next_url: str | None, current: str) -> str | None:
    """The next page, if it is an http(s) URL; a `next` on another origin is followed anonymously."""
    if not next_url:
        return None
    if wire_url(next_url) is None:
        raise ApiError(f"{redact_url(current)} gave a `next` that is not a valid http(s) URL")
    if next_url == current:
        return None
    return next_url


def _raise_for_status(response: Response, what: str) -> None:
    if 200 <= response.status < 300:
        return
    detail = _error_detail(response)
    raise ApiError(f"{what} failed: HTTP {response.status}{detail}")


def _error_detail(response: Response) -> str:
    try:
        data: Any = response.json()
    except ApiError:
        return ""
    if isinstance(data, dict):
        for key in ("message", "detail"):
            value = data.get(key)
            if isinstance(value, str) and value:
                # Redacted before the cut: a cut could leave part of an echoed secret.
                return f" ({redact(value)[:120]})"
    return ""
