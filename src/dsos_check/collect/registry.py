"""OCI distribution API: a tag's manifest → the platform manifest → the config's labels and history.

Each manifest GET is a pull on Docker Hub; HEADs and blob GETs are not. A cold read costs one
GET for a single-platform image and two for a multi-platform one (the index, then the chosen
platform's manifest), with no HEAD first. A warm read costs none: a tag answer younger than the
cache's short TTL is reused as is, an older one is checked with a free HEAD, and manifests and
configs addressed by digest are cached for good.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from urllib.parse import quote

from dsos_check.collect.cache import CacheMode, cache_key
from dsos_check.collect.http import Http, Response, redact_url
from dsos_check.collect.images import (
    ACCEPT,
    choose_platform,
    history_steps,
    holds_build_cache,
    is_index,
    merged_annotations,
    pick_tag,
    platform_name,
)
from dsos_check.collect.payloads import Descriptor, HubTagEntry, ImageConfig, Manifest, parse
from dsos_check.collect.pulls import PullBudget
from dsos_check.collect.registry_auth import RegistryAuth
from dsos_check.errors import ApiError, CheckError, PullsExhausted, RateLimited, TokenServiceError
from dsos_check.models import ImageEvidence, LookupFailure, Problem, TagEvidence
from dsos_check.vocabulary import BUILDKIT_CACHE_CONFIG, IMAGE_CONFIG_TYPES

MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_CONFIG_BYTES = 8 * 1024 * 1024
MAX_TAGS_LISTED = 1000
BUDGET_SPENT = "the registry's pull budget is spent: labels not read"


@dataclass(frozen=True)
class Inspection:
    """What the registry says of a repository: its tag count (when listed), the tag inspected
    and its image."""

    tag_count: int | None = None
    tag: TagEvidence | None = None
    image: ImageEvidence | None = None
    problem: Problem | None = None


@dataclass(frozen=True)
class _Fetched:
    """A tag's manifest (None when no pull was left to read it) and what the answer said of it."""

    name: str
    digest: str
    media_type: str | None
    manifest: Manifest | None


class RegistryClient:
    """Reads image labels anonymously; only public repositories' images are inspected."""

    def __init__(self, http: Http, base_url: str, budget: PullBudget | None = None) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self.auth = RegistryAuth(http, self.base_url)
        self.budget = budget if budget is not None else PullBudget()
        self._blobs: dict[str, asyncio.Task[Response]] = {}

    def _url(self, repository: str, path: str) -> str:
        return f"{self.base_url}/v2/{quote(repository, safe='/')}/{path}"

    async def start(self, repositories: list[str]) -> None:
        """Tokens for every repository, then (when the pull budget is still unknown) one free
        HEAD that reads it, so the first pulls already know how many are left."""
        # A repository whose tag answer is still fresh in the cache needs no request at all.
        repositories = [r for r in repositories if not self._tag_fresh(r, "latest")]
        if not repositories:
            return
        await self.auth.prepare(repositories)
        if self.budget.known or self._tag_seen(repositories[0], "latest"):
            return
        with contextlib.suppress(CheckError):
            response = await self._send(repositories[0], "manifests/latest", "HEAD")
            self.budget.observe(response.headers, response.status)

    def _tag_fresh(self, repository: str, tag: str) -> bool:
        url = self._url(repository, f"manifests/{quote(tag, safe='')}")
        return self._http.cached("GET", url, CacheMode.SHORT, peek=True) is not None

    def _tag_seen(self, repository: str, tag: str) -> bool:
        cache = self._http.cache
        url = self._url(repository, f"manifests/{quote(tag, safe='')}")
        return cache is not None and cache.get(cache_key("GET", url)) is not None

    async def _send(
        self,
        repository: str,
        path: str,
        method: str = "GET",
        accept: str = ACCEPT,
        max_bytes: int = MAX_MANIFEST_BYTES,
        cache: CacheMode | None = None,
    ) -> Response:
        url = self._url(repository, path)
        hit = self._http.cached(method, url, cache)
        if hit is not None:  # no token, no challenge: nothing is sent at all
            return hit
        for attempt in range(2):
            headers = {"Accept": accept}
            challenge = await self.auth.challenge()
            if challenge is not None:
                if self.auth.token(repository) is None:
                    await self.auth.prepare([repository])
                token = self.auth.token(repository)
                if token:
                    headers["Authorization"] = f"Bearer {token}"
            response = await self._http.request(
                method, url, headers=headers, max_bytes=max_bytes, cache=cache
            )
            if response.status == 401 and attempt == 0 and challenge is not None:
                self.auth.forget(repository)  # expired or too narrow: ask again once
                continue
            return response
        return response

    async def _pull(self, repository: str, path: str, cache: CacheMode | None) -> Response:
        """A manifest GET: one pull, taken from the budget right before it is sent."""
        if not await self.budget.take():
            raise PullsExhausted(BUDGET_SPENT)
        try:
            response = await self._send(repository, path, cache=cache)
        except RateLimited:  # a 429 even after the retries: the window is spent
            self.budget.settle({}, 429)
            raise PullsExhausted(BUDGET_SPENT) from None
        except BaseException:
            self.budget.settle(None, 0)
            raise
        self.budget.settle(response.headers, response.status)
        return response

    async def inspect(self, repository: str) -> Inspection:
        """The `latest` tag (else the newest-looking one) and its image, via the manifests."""
        count: int | None = None
        try:
            fetched = await self._fetch_tag(repository, "latest")
            if fetched is None:
                names = await self._list_tags(repository)
                count = len(names)
                if not names:
                    return Inspection(tag_count=0)
                fetched = await self._fetch_tag(repository, pick_tag(names))
                if fetched is None:
                    return Inspection(
                        count,
                        problem=Problem(
                            service=LookupFailure.REGISTRY, message="the tag listed vanished"
                        ),
                    )
        except CheckError as exc:
            return Inspection(count, problem=Problem(service=failure_of(exc), message=exc.message))
        tag = TagEvidence(name=fetched.name, digest=fetched.digest, media_type=fetched.media_type)
        if fetched.manifest is None:
            return Inspection(count, tag, _spent(fetched.digest))
        image = await self._image(repository, fetched.manifest, fetched.digest)
        return Inspection(count, tag, image)

    async def inspect_hub_tag(
        self, repository: str, hub_tag: HubTagEntry, count: int | None
    ) -> Inspection:
        """One pull: the platform manifest whose digest Docker Hub's tag API gave (no index)."""
        platforms = hub_tag.platform_digests
        chosen = platforms.get("linux/amd64") or next(iter(platforms.values()), None)
        reference = chosen or hub_tag.digest
        tag = TagEvidence(
            name=hub_tag.name or "",
            digest=hub_tag.digest or reference,
            last_pushed=hub_tag.tag_last_pushed or hub_tag.last_updated,
            media_type=hub_tag.media_type,
            content_type=hub_tag.content_type,
            platform_digests=platforms,
        )
        if not reference or not reference.startswith("sha256:"):
            problem = Problem(
                service=LookupFailure.REGISTRY, message="Docker Hub gave no digest for the tag"
            )
            return Inspection(count, tag, problem=problem)
        try:
            manifest = await self._manifest(repository, reference)
        except PullsExhausted:
            return Inspection(count, tag, _spent(reference))
        except CheckError as exc:
            return Inspection(count, tag, _failed(reference, exc))
        image = await self._image(repository, manifest, reference)
        if chosen is not None and image.platform is None:
            name = next((p for p, d in platforms.items() if d == chosen), None)
            image = image.model_copy(update={"platform": name})
        return Inspection(count, tag, image)

    async def _fetch_tag(self, repository: str, tag: str) -> _Fetched | None:
        """A tag's manifest: from the cache while young, after a free HEAD when older, else one
        GET (a pull). None when the registry does not know the tag."""
        path = f"manifests/{quote(tag, safe='')}"
        url = self._url(repository, path)
        fresh = self._http.cached("GET", url, CacheMode.SHORT)
        if fresh is not None:
            return self._fetched(tag, fresh)
        if self._tag_seen(repository, tag):
            head = await self._send(repository, path, "HEAD")
            self.budget.observe(head.headers, head.status)
            if head.status == 404:
                return None
            _raise_for_status(head, repository)
            digest = head.headers.get("docker-content-digest", "").strip()
            if digest.startswith("sha256:"):
                return await self._by_digest(tag, repository, digest, head)
        try:
            response = await self._pull(repository, path, CacheMode.SHORT)
        except PullsExhausted:
            return await self._head_only(repository, tag, path)
        if response.status == 404:
            return None
        _raise_for_status(response, repository)
        fetched = self._fetched(tag, response)
        self._remember(repository, fetched.digest, response)
        return fetched

    async def _by_digest(self, tag: str, repository: str, digest: str, head: Response) -> _Fetched:
        media_type = _content_type(head)
        try:
            manifest = await self._manifest(repository, digest)
        except PullsExhausted:
            return _Fetched(tag, digest, media_type, None)
        return _Fetched(tag, digest, manifest.mediaType or media_type, manifest)

    async def _head_only(self, repository: str, tag: str, path: str) -> _Fetched | None:
        """No pull left: a HEAD (free) still says which digest the tag points to."""
        head = await self._send(repository, path, "HEAD")
        self.budget.observe(head.headers, head.status)
        if head.status == 404:
            return None
        _raise_for_status(head, repository)
        digest = head.headers.get("docker-content-digest", "").strip() or tag
        return _Fetched(tag, digest, _content_type(head), None)

    def _fetched(self, tag: str, response: Response) -> _Fetched:
        manifest = _manifest_of(response, tag)
        digest = response.headers.get("docker-content-digest", "").strip() or tag
        return _Fetched(tag, digest, manifest.mediaType, manifest)

    def _remember(self, repository: str, digest: str, response: Response) -> None:
        """File a tag's answer under its digest too, so a later run reading by digest (after a
        HEAD) finds it without a pull."""
        cache = self._http.cache
        if cache is None or not digest.startswith("sha256:"):
            return
        url = self._url(repository, f"manifests/{digest}")
        cache.put(cache_key("GET", url), redact_url(url), dict(response.headers), response.body)

    async def _manifest(self, repository: str, digest: str) -> Manifest:
        """A manifest by digest: from the cache for good, else one pull."""
        path = f"manifests/{quote(digest, safe=':')}"
        hit = self._http.cached("GET", self._url(repository, path), CacheMode.IMMUTABLE)
        response = hit or await self._pull(repository, path, CacheMode.IMMUTABLE)
        _raise_for_status(response, repository, digest)
        return _manifest_of(response, digest)

    async def _list_tags(self, repository: str) -> list[str]:
        response = await self._send(
            repository, f"tags/list?n={MAX_TAGS_LISTED}", accept="application/json"
        )
        if response.status == 404:
            return []
        _raise_for_status(response, repository)
        data = response.json()
        tags = data.get("tags") if isinstance(data, dict) else None
        return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []

    async def _image(self, repository: str, top: Manifest, reference: str) -> ImageEvidence:
        """Labels, annotations and history of the image a manifest (or index) stands for."""
        index: Manifest | None = None
        entry: Descriptor | None = None
        manifest = top
        if is_index(top):
            index = top
            if holds_build_cache(top):
                return ImageEvidence(
                    reference=reference,
                    manifest_media_type=top.mediaType,
                    config_media_type=BUILDKIT_CACHE_CONFIG,
                    annotations=dict(top.annotations),
                    failure=LookupFailure.CONTENT,
                    error="the tag holds a BuildKit build cache (layer blobs and a cache "
                    "config, no platform image), not an image",
                )
            entry = choose_platform(top.manifests)
            if entry is None or not entry.digest:
                return ImageEvidence(
                    reference=reference,
                    manifest_media_type=top.mediaType,
                    annotations=dict(top.annotations),
                    error="the index lists no image for a real platform",
                    failure=LookupFailure.CONTENT,
                )
            try:
                manifest = await self._manifest(repository, entry.digest)
            except CheckError as exc:
                return _failed(reference, exc)
        evidence = ImageEvidence(
            reference=reference,
            platform=platform_name(entry.platform) if entry is not None else None,
            manifest_media_type=top.mediaType,
            config_media_type=manifest.config.mediaType if manifest.config else None,
            annotations=merged_annotations(index, entry, manifest),
        )
        return await self._config(repository, manifest, evidence)

    async def _config(
        self, repository: str, manifest: Manifest, evidence: ImageEvidence
    ) -> ImageEvidence:
        config = manifest.config
        if config is None or not config.digest:
            return evidence.model_copy(
                update={"error": "the manifest has no config", "failure": LookupFailure.CONTENT}
            )
        if (config.mediaType or "") not in IMAGE_CONFIG_TYPES:
            error = f"not a container image ({config.mediaType})"
            return evidence.model_copy(update={"error": error, "failure": LookupFailure.CONTENT})
        try:
            response = await self._blob(repository, config.digest)
            if response.status != 200:
                raise ApiError(f"the config blob answered HTTP {response.status}")
            document = response.json()
            image_config = parse(ImageConfig, document, f"the config of {repository}")
        except CheckError as exc:
            return evidence.model_copy(update={"error": exc.message, "failure": failure_of(exc)})
        history = history_steps(document)
        return evidence.model_copy(update={"labels": image_config.labels, "history": history})

    async def _blob(self, repository: str, digest: str) -> Response:
        """A config blob, fetched once per run whichever repository asks (blobs are shared by
        digest) and cached for good."""
        task = self._blobs.get(digest)
        if task is None:
            task = asyncio.ensure_future(
                self._send(
                    repository,
                    f"blobs/{quote(digest, safe=':')}",
                    accept="application/json, */*",
                    max_bytes=MAX_CONFIG_BYTES,
                    cache=CacheMode.IMMUTABLE,
                )
            )
            self._blobs[digest] = task
        return await asyncio.shield(task)


def _content_type(response: Response) -> str | None:
    return response.headers.get("content-type", "").split(";")[0].strip() or None


def _manifest_of(response: Response, reference: str) -> Manifest:
    manifest = parse(Manifest, response.json(), f"the manifest {reference[:80]}")
    if manifest.mediaType is None and _content_type(response):
        manifest = manifest.model_copy(update={"mediaType": _content_type(response)})
    return manifest


def _raise_for_status(response: Response, repository: str, reference: str = "") -> None:
    if response.status == 200:
        return
    if response.status in (401, 403):
        raise ApiError(f"the registry refused anonymous pulls of {repository}")
    if response.status == 404:
        raise ApiError(f"the registry does not know {repository}@{reference[:80]}")
    if response.status == 429:
        raise ApiError("the registry's pull limit was reached (429)")
    raise ApiError(f"{redact_url(response.url)} answered HTTP {response.status}")


def failure_of(exc: CheckError) -> LookupFailure:
    """Which service an error stands for, by its type."""
    if isinstance(exc, PullsExhausted):
        return LookupFailure.PULL_BUDGET
    if isinstance(exc, TokenServiceError):
        return LookupFailure.TOKEN_SERVICE
    return LookupFailure.REGISTRY


def _failed(reference: str, exc: CheckError) -> ImageEvidence:
    return ImageEvidence(reference=reference, error=exc.message, failure=failure_of(exc))


def _spent(reference: str) -> ImageEvidence:
    return ImageEvidence(reference=reference, error=BUDGET_SPENT, failure=LookupFailure.PULL_BUDGET)
