"""GitHub: the license of each linked source repository, asked once per run.

With a token, look-ups are batched into GraphQL queries of up to 100 repositories. Without one,
each costs one of GitHub's 60 anonymous API requests an hour; once those are spent, LICENSE files
are read from the raw-file host, which serves public files without the API's limit, and whatever
is still unread is reported with the time the limit resets.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from dsos_check.collect.cache import CacheMode
from dsos_check.collect.github_graphql import (
    BATCH_SIZE,
    LICENSE_FILES,
    MAX_LICENSE_TEXT,
    build_query,
    found_evidence,
    graphql_url,
    read_answer,
)
from dsos_check.collect.http import Http, Response, same_origin
from dsos_check.collect.wire import wire_int
from dsos_check.errors import CheckError, RateLimited
from dsos_check.models import SourceRepositoryEvidence
from dsos_check.redact import remember_secret

MAX_LICENSE_BYTES = 512 * 1024  # the JSON answer, with the license text base64-encoded
MAX_GRAPHQL_BYTES = 32 * 1024 * 1024  # 100 repositories with their license texts
# A batch that is not full is sent once no look-up joined it for this long. A safety net only:
# the collector flushes as soon as the last overview that could name a repository is read.
FLUSH_DELAY = 2.0
_EPOCH_FLOOR = 1_000_000_000


def raw_url_for(api_url: str) -> str:
    """The host serving raw files for a GitHub API: `api.github.com` → raw.githubusercontent.com;
    anything else (GitHub Enterprise, a test server) serves them under `/raw` on its own origin."""
    parts = urlsplit(api_url)
    if (parts.hostname or "").lower() == "api.github.com":
        return "https://raw.githubusercontent.com"
    return f"{parts.scheme}://{parts.netloc}/raw"


class GitHubClient:
    """License look-ups; a token, if any, goes to the API origin only."""

    def __init__(
        self, http: Http, base_url: str, token: str | None = None, raw_url: str | None = None
    ) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self.raw_url = (raw_url or raw_url_for(self.base_url)).rstrip("/")
        self._token = token
        if token:
            remember_secret(token)
        self._cache: dict[str, asyncio.Future[SourceRepositoryEvidence]] = {}
        self._queue: list[tuple[str, str, asyncio.Future[SourceRepositoryEvidence]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._batches: set[asyncio.Task[None]] = set()
        self.remaining: int | None = None
        self.resets_at: datetime | None = None

    @property
    def requests_made(self) -> int:
        """Distinct repositories asked about in this run."""
        return len(self._cache)

    async def license(self, owner: str, repo: str, found_in: str) -> SourceRepositoryEvidence:
        """GitHub's license answer for owner/repo; each repository is asked about once per run."""
        answer = await asyncio.shield(self.ask(owner, repo))
        return answer.model_copy(update={"found_in": found_in})

    def ask(self, owner: str, repo: str) -> asyncio.Future[SourceRepositoryEvidence]:
        """Queue (with a token) or start (without) the look-up of owner/repo, right now."""
        key = f"{owner}/{repo}".lower()
        future = self._cache.get(key)
        if future is None:
            if self._token:
                future = asyncio.get_running_loop().create_future()
                self._enqueue(owner, repo, future)
            else:
                future = asyncio.ensure_future(self._fetch_anonymous(owner, repo))
            self._cache[key] = future
        return future

    def _enqueue(
        self, owner: str, repo: str, future: asyncio.Future[SourceRepositoryEvidence]
    ) -> None:
        self._queue.append((owner, repo, future))
        if len(self._queue) >= BATCH_SIZE:
            self.flush()
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(FLUSH_DELAY, self.flush)

    def flush(self) -> None:
        """Send the look-ups queued so far (the collector calls this once no more will come)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._queue:
            batch, self._queue = self._queue[:BATCH_SIZE], self._queue[BATCH_SIZE:]
            task = asyncio.ensure_future(self._send_batch(batch))
            self._batches.add(task)
            task.add_done_callback(self._batches.discard)

    async def _send_batch(
        self, batch: list[tuple[str, str, asyncio.Future[SourceRepositoryEvidence]]]
    ) -> None:
        pairs = [(owner, repo) for owner, repo, _ in batch]
        try:
            answers = await self._query(pairs)
        except Exception as exc:  # every waiter must get an answer, whatever went wrong
            message = exc.message if isinstance(exc, CheckError) else type(exc).__name__
            answers = [
                _evidence(_page(o, r), "unreachable", f"source repository not reachable: {message}")
                for o, r in pairs
            ]
        for (_, _, future), answer in zip(batch, answers, strict=True):
            if not future.done():
                future.set_result(answer)

    async def _query(self, pairs: list[tuple[str, str]]) -> list[SourceRepositoryEvidence]:
        url = graphql_url(self.base_url)
        headers = {"Accept": "application/json"}
        if self._token and same_origin(url, self.base_url):
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = await self._http.request(
                "POST",
                url,
                headers=headers,
                json_body=build_query(pairs),
                max_bytes=MAX_GRAPHQL_BYTES,
                follow_redirects=False,
            )
        except RateLimited:
            return [
                _evidence(_page(o, r), "rate-limited", "GitHub's rate limit was reached")
                for o, r in pairs
            ]
        self._note_limit(response)
        if response.status in (403, 429):
            return [
                _evidence(_page(o, r), "rate-limited", "GitHub's rate limit was reached")
                for o, r in pairs
            ]
        if response.status != 200:
            return [
                _evidence(_page(o, r), "error", f"GitHub answered HTTP {response.status}")
                for o, r in pairs
            ]
        return read_answer(response.json(), pairs)

    def _note_limit(self, response: Response) -> None:
        left = wire_int(response.headers.get("x-ratelimit-remaining"))
        resets_at = _epoch(wire_int(response.headers.get("x-ratelimit-reset")))
        if resets_at is not None and (self.resets_at is None or resets_at > self.resets_at):
            self.resets_at, self.remaining = resets_at, None  # a new hour: the old count is over
        if left is not None:
            # Answers arrive out of order: within one hour the count only goes down.
            self.remaining = left if self.remaining is None else min(self.remaining, left)

    def _limit_spent(self) -> bool:
        if self.remaining is None or self.remaining > 0:
            return False
        return self.resets_at is None or self.resets_at > datetime.now(UTC)

    async def _fetch_anonymous(self, owner: str, repo: str) -> SourceRepositoryEvidence:
        if self._limit_spent():
            return await self._fetch_raw(owner, repo)
        answer = await self._fetch_rest(owner, repo)
        if answer.status == "rate-limited":
            return await self._fetch_raw(owner, repo)
        return answer

    async def _fetch_rest(self, owner: str, repo: str) -> SourceRepositoryEvidence:
        url = f"{self.base_url}/repos/{quote(owner, safe='')}/{quote(repo, safe='')}/license"
        page = _page(owner, repo)
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
        if not response.from_cache:
            self._note_limit(response)
        return _rest_answer(
            response, page, hint="" if self._token else "; pass --github-token (or GITHUB_TOKEN)"
        )

    async def _fetch_raw(self, owner: str, repo: str) -> SourceRepositoryEvidence:
        """The LICENSE file from the raw-file host (no API limit there): the text only, which the
        license classifier reads; GitHub's own verdict on it is not available this way."""
        page = _page(owner, repo)
        base = f"{self.raw_url}/{quote(owner, safe='')}/{quote(repo, safe='')}/HEAD"
        for name in LICENSE_FILES:
            try:
                response = await self._http.request(
                    "GET", f"{base}/{name}", max_bytes=MAX_LICENSE_BYTES, cache=CacheMode.REVALIDATE
                )
            except CheckError:
                break
            if response.status == 200:
                text = response.body.decode("utf-8", errors="replace").replace("\x00", "")
                return SourceRepositoryEvidence(
                    url=page,
                    found_in="",
                    status="found",
                    license_path=name,
                    license_text=text[:MAX_LICENSE_TEXT],
                    message="read from GitHub's raw-file host (the API's hourly rate limit was spent)",
                )
            if response.status != 404:
                break
        when = f" (it resets at {self.resets_at:%H:%M} UTC)" if self.resets_at else ""
        hint = "" if self._token else "; pass --github-token (or GITHUB_TOKEN)"
        return _evidence(
            page, "rate-limited", f"GitHub's hourly API rate limit was spent{when}{hint}"
        )


def _epoch(seconds: int | None) -> datetime | None:
    """A reset time given as seconds since the epoch; None when absent or not a real moment."""
    if seconds is None or seconds <= _EPOCH_FLOOR:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _page(owner: str, repo: str) -> str:
    return f"https://github.com/{owner}/{repo}"


def _rest_answer(response: Response, page: str, hint: str) -> SourceRepositoryEvidence:
    if response.status == 404:
        return _evidence(
            page, "no-license", "GitHub finds no license file (or no such public repository)"
        )
    remaining = response.headers.get("x-ratelimit-remaining")
    if response.status in (403, 429) and (remaining == "0" or response.status == 429):
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
    return found_evidence(
        page, spdx_id, name, path, _decode(data.get("content"), data.get("encoding"))
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
