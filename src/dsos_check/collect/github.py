"""GitHub REST API: the license GitHub detects for a linked source repository, once per run."""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import Any
from urllib.parse import quote

from dsos_check.collect.cache import CacheMode
from dsos_check.collect.http import Http, same_origin
from dsos_check.errors import CheckError, RateLimited
from dsos_check.models import SourceRepositoryEvidence
from dsos_check.redact import remember_secret

MAX_LICENSE_BYTES = 512 * 1024  # the JSON answer, with the license text base64-encoded
MAX_LICENSE_TEXT = 200_000  # characters of license text kept as evidence


class GitHubClient:
    """Asks `GET /repos/{owner}/{repo}/license`; a token, if any, goes to the API origin only."""

    def __init__(self, http: Http, base_url: str, token: str | None = None) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self._token = token
        if token:
            remember_secret(token)
        self._cache: dict[str, asyncio.Task[SourceRepositoryEvidence]] = {}

    @property
    def requests_made(self) -> int:
        """Distinct repositories asked about in this run."""
        return len(self._cache)

    async def license(self, owner: str, repo: str, found_in: str) -> SourceRepositoryEvidence:
        """GitHub's license answer for owner/repo; one request per repository per run."""
        key = f"{owner}/{repo}".lower()
        task = self._cache.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch(owner, repo))
            self._cache[key] = task
        answer = await task
        return answer.model_copy(update={"found_in": found_in})

    async def _fetch(self, owner: str, repo: str) -> SourceRepositoryEvidence:
        url = f"{self.base_url}/repos/{quote(owner, safe='')}/{quote(repo, safe='')}/license"
        page = f"https://github.com/{owner}/{repo}"
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if self._token and same_origin(url, self.base_url):
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = await self._http.request(
                "GET", url, headers=headers, max_bytes=MAX_LICENSE_BYTES, cache=CacheMode.REVALIDATE
            )
        except RateLimited:
            return _evidence(page, "rate-limited", "GitHub's rate limit was reached")
        except CheckError as exc:
            return _evidence(page, "unreachable", f"source repository not reachable: {exc}")
        if response.status == 404:
            return _evidence(
                page, "no-license", "GitHub finds no license file (or no such public repository)"
            )
        remaining = response.headers.get("x-ratelimit-remaining")
        if response.status in (403, 429) and (remaining == "0" or response.status == 429):
            hint = "" if self._token else "; pass --github-token (or GITHUB_TOKEN)"
            return _evidence(page, "rate-limited", f"GitHub's rate limit was reached{hint}")
        if response.status != 200:
            return _evidence(page, "error", f"GitHub answered HTTP {response.status}")
        try:
            data: Any = response.json()
        except CheckError as exc:
            return _evidence(page, "error", str(exc))
        if not isinstance(data, dict):
            return _evidence(page, "error", "GitHub answered with something other than an object")
        info = data.get("license") if isinstance(data.get("license"), dict) else {}
        assert isinstance(info, dict)
        spdx_id = info.get("spdx_id") if isinstance(info.get("spdx_id"), str) else None
        name = info.get("name") if isinstance(info.get("name"), str) else None
        path = data.get("path") if isinstance(data.get("path"), str) else None
        return SourceRepositoryEvidence(
            url=page,
            found_in="",
            status="found",
            spdx_id=spdx_id or None,
            license_name=name,
            license_path=path,
            license_text=_decode(data.get("content"), data.get("encoding")),
        )


def _evidence(url: str, status: str, message: str) -> SourceRepositoryEvidence:
    return SourceRepositoryEvidence.model_validate(
        {"url": url, "found_in": "", "status": status, "message": message}
    )


def _decode(content: object, encoding: object) -> str | None:
    if not isinstance(content, str) or not content:
        return None
    if encoding not in (None, "base64"):
        return None
    try:
        raw = base64.b64decode(content, validate=False)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", errors="replace").replace("\x00", "")[:MAX_LICENSE_TEXT]
