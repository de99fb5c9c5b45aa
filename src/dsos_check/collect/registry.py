"""OCI distribution API: challenge → token → manifest by digest → platform manifest → config labels."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from dsos_check.collect.cache import CacheMode
from dsos_check.collect.http import Http, Response, redact_url
from dsos_check.collect.payloads import Descriptor, ImageConfig, Manifest, parse
from dsos_check.collect.wire import wire_int, wire_url
from dsos_check.errors import ApiError, CheckError
from dsos_check.models import ImageEvidence
from dsos_check.redact import remember_secret

INDEX_TYPES = frozenset(
    {
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    }
)
MANIFEST_TYPES = frozenset(
    {
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    }
)
IMAGE_CONFIG_TYPES = frozenset(
    {
        "application/vnd.oci.image.config.v1+json",
        "application/vnd.docker.container.image.v1+json",
    }
)
ACCEPT = ", ".join(sorted(INDEX_TYPES | MANIFEST_TYPES))
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_CONFIG_BYTES = 8 * 1024 * 1024
# Scopes asked for in one token request: keeps the URL short while saving requests.
SCOPES_PER_TOKEN = 20
DEFAULT_TOKEN_SECONDS = 60
# A token service may claim any lifetime; none is trusted for longer than an hour.
MAX_TOKEN_SECONDS = 3600
# Pulls left in the registry's window below which labels are no longer fetched.
PULL_RESERVE = 5
MAX_TAGS_LISTED = 1000

_PARAM = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')


@dataclass(frozen=True)
class TagRef:
    """A tag the registry resolved: its digest and manifest media type (from a HEAD)."""

    name: str
    digest: str
    media_type: str | None


@dataclass(frozen=True)
class Tags:
    """What the registry says of a repository's tags: how many, and the one to inspect."""

    count: int | None
    chosen: TagRef | None
    problem: str | None = None


@dataclass(frozen=True)
class Challenge:
    """What `GET /v2/` asked for: no auth at all, or a bearer token from `realm`."""

    realm: str | None
    service: str | None


def parse_challenge(header: str) -> Challenge | None:
    """Parse `WWW-Authenticate: Bearer realm="...",service="..."`; None if not a Bearer challenge."""
    scheme, _, params = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    values = {m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _PARAM.finditer(params)}
    realm = values.get("realm")
    if wire_url(realm) is None:
        return None
    return Challenge(realm=realm, service=values.get("service"))


class RegistryClient:
    """Reads image labels anonymously; only public repositories' images are inspected.

    HEAD requests (tag resolution) do not count against Docker Hub's pull limit; GETs of
    manifests do. The `ratelimit-remaining` header is watched, and when the pull budget runs
    low labels are no longer fetched (the other license sources still are).
    """

    def __init__(self, http: Http, base_url: str) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self._challenge: Challenge | None = None
        self._challenge_checked = False
        self._challenge_lock = asyncio.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}
        self._token_lock = asyncio.Lock()
        self.pulls_remaining: int | None = None
        self.pull_reserve = PULL_RESERVE

    async def _get_challenge(self) -> Challenge | None:
        async with self._challenge_lock:
            if not self._challenge_checked:
                response = await self._http.request("GET", f"{self.base_url}/v2/")
                if response.status == 401:
                    self._challenge = parse_challenge(response.headers.get("www-authenticate", ""))
                    if self._challenge is None:
                        raise ApiError("the registry asked for an authentication we do not speak")
                elif not 200 <= response.status < 300:
                    raise ApiError(f"the registry answered {response.status} to GET /v2/")
                self._challenge_checked = True
            return self._challenge

    async def prepare(self, repositories: list[str]) -> None:
        """Fetch pull tokens for several repositories at once (one token covers many scopes),
        skipping those whose tag is still fresh in the cache (they need no request at all)."""
        repositories = [r for r in repositories if not self._tag_cached(r)]
        if not repositories:
            return
        challenge = await self._get_challenge()
        if challenge is None:
            return
        missing = [r for r in repositories if not self._valid_token(r)]
        for start in range(0, len(missing), SCOPES_PER_TOKEN):
            await self._fetch_token(challenge, missing[start : start + SCOPES_PER_TOKEN])

    def _tag_cached(self, repository: str) -> bool:
        url = f"{self.base_url}/v2/{quote(repository, safe='/')}/manifests/latest"
        return self._http.cached("HEAD", url, CacheMode.SHORT, peek=True) is not None

    def _valid_token(self, repository: str) -> str | None:
        entry = self._tokens.get(repository)
        if entry and entry[1] > time.monotonic():
            return entry[0]
        return None

    async def _fetch_token(self, challenge: Challenge, repositories: list[str]) -> None:
        assert challenge.realm is not None
        params: list[tuple[str, str]] = []
        if challenge.service:
            params.append(("service", challenge.service))
        params += [("scope", f"repository:{repo}:pull") for repo in repositories]
        separator = "&" if urlsplit(challenge.realm).query else "?"
        url = f"{challenge.realm}{separator}{urlencode(params)}"
        try:
            response = await self._http.request("GET", url, headers={"Accept": "application/json"})
        except CheckError as exc:  # named, so the report can say which service failed
            raise ApiError(
                f"the registry token service could not be reached: {exc.message}"
            ) from None
        if not 200 <= response.status < 300:
            raise ApiError(f"the registry token service answered {response.status}")
        data = response.json()
        if not isinstance(data, dict):
            raise ApiError("the registry token service answered without a token")
        token = data.get("token") or data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ApiError("the registry token service answered without a token")
        remember_secret(token)
        lifetime = data.get("expires_in")
        seconds = lifetime if isinstance(lifetime, int) and lifetime > 0 else DEFAULT_TOKEN_SECONDS
        seconds = min(seconds, MAX_TOKEN_SECONDS)
        expires = time.monotonic() + max(5, seconds - 10)
        async with self._token_lock:
            for repo in repositories:
                self._tokens[repo] = (token, expires)

    async def _get(
        self,
        repository: str,
        path: str,
        accept: str,
        max_bytes: int,
        method: str = "GET",
        cache: CacheMode | None = None,
    ) -> Response:
        url = f"{self.base_url}/v2/{quote(repository, safe='/')}/{path}"
        hit = self._http.cached(method, url, cache)
        if hit is not None:  # no token, no challenge: nothing is sent at all
            return hit
        for attempt in range(2):
            headers = {"Accept": accept}
            challenge = await self._get_challenge()
            if challenge is not None:
                token = self._valid_token(repository)
                if token is None:
                    await self._fetch_token(challenge, [repository])
                    token = self._valid_token(repository)
                if token:
                    headers["Authorization"] = f"Bearer {token}"
            response = await self._http.request(
                method, url, headers=headers, max_bytes=max_bytes, cache=cache
            )
            self._note_pull_budget(response)
            if response.status == 401 and attempt == 0 and challenge is not None:
                self._tokens.pop(repository, None)  # expired or too narrow: ask again once
                continue
            return response
        return response

    def _note_pull_budget(self, response: Response) -> None:
        value = wire_int(response.headers.get("ratelimit-remaining", "").split(";")[0])
        if value is not None:
            self.pulls_remaining = value

    @property
    def pull_budget_low(self) -> bool:
        """Whether the registry's pull budget is too low to spend on labels."""
        return self.pulls_remaining is not None and self.pulls_remaining <= self.pull_reserve

    async def tags(self, repository: str) -> Tags:
        """Resolve the tag to inspect with HEADs (no pull spent): `latest`, else the newest-looking."""
        try:
            latest = await self._head_tag(repository, "latest")
            if latest is not None:
                return Tags(count=None, chosen=latest)
            names = await self._list_tags(repository)
            if not names:
                return Tags(count=0, chosen=None)
            chosen = await self._head_tag(repository, pick_tag(names))
            return Tags(count=len(names), chosen=chosen)
        except CheckError as exc:
            return Tags(count=None, chosen=None, problem=exc.message)

    async def _head_tag(self, repository: str, tag: str) -> TagRef | None:
        response = await self._get(
            repository,
            f"manifests/{quote(tag, safe='')}",
            ACCEPT,
            MAX_MANIFEST_BYTES,
            "HEAD",
            CacheMode.SHORT,
        )
        if response.status == 404:
            return None
        if response.status in (401, 403):
            raise ApiError(f"the registry refused anonymous access to {repository}")
        if response.status != 200:
            raise ApiError(f"{redact_url(response.url)} answered HTTP {response.status}")
        digest = response.headers.get("docker-content-digest", "").strip()
        media_type = response.headers.get("content-type", "").split(";")[0].strip() or None
        return TagRef(name=tag, digest=digest or tag, media_type=media_type)

    async def _list_tags(self, repository: str) -> list[str]:
        response = await self._get(
            repository, f"tags/list?n={MAX_TAGS_LISTED}", "application/json", MAX_MANIFEST_BYTES
        )
        if response.status == 404:
            return []
        if response.status != 200:
            raise ApiError(f"{redact_url(response.url)} answered HTTP {response.status}")
        data = response.json()
        tags = data.get("tags") if isinstance(data, dict) else None
        return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []

    async def image(self, repository: str, reference: str) -> ImageEvidence:
        """Labels and annotations of the linux/amd64 image (or another real platform) of a reference."""
        try:
            return await self._image(repository, reference)
        except CheckError as exc:
            return ImageEvidence(reference=reference, error=exc.message)

    async def _image(self, repository: str, reference: str) -> ImageEvidence:
        if self.pull_budget_low:
            return ImageEvidence(
                reference=reference,
                error=f"the registry's pull budget is nearly spent ({self.pulls_remaining} left): "
                "labels not read",
            )
        top = await self._manifest(repository, reference)
        annotations: dict[str, str] = {}
        platform: str | None = None
        manifest = top
        index_type: str | None = None
        if (top.mediaType or "") in INDEX_TYPES or (top.manifests and top.config is None):
            index_type = top.mediaType
            chosen = choose_platform(top.manifests)
            if chosen is None or not chosen.digest:
                return ImageEvidence(
                    reference=reference,
                    manifest_media_type=top.mediaType,
                    annotations=dict(top.annotations),
                    error="the index lists no image for a real platform",
                )
            platform = _platform_name(chosen)
            manifest = await self._manifest(repository, chosen.digest)
            annotations.update(top.annotations)
        annotations.update(manifest.annotations)  # the image's own annotations win over the index's
        config = manifest.config
        evidence = {
            "reference": reference,
            "platform": platform,
            "manifest_media_type": index_type or manifest.mediaType,
            "config_media_type": config.mediaType if config else None,
            "annotations": annotations,
        }
        if config is None or not config.digest:
            return ImageEvidence(**evidence, error="the manifest has no config")
        if (config.mediaType or "") not in IMAGE_CONFIG_TYPES:
            return ImageEvidence(**evidence, error=f"not a container image ({config.mediaType})")
        response = await self._get(
            repository,
            f"blobs/{config.digest}",
            "application/json, */*",
            MAX_CONFIG_BYTES,
            cache=_immutable(config.digest),
        )
        if response.status != 200:
            return ImageEvidence(
                **evidence, error=f"the config blob answered HTTP {response.status}"
            )
        image_config = parse(ImageConfig, response.json(), f"the config of {repository}")
        return ImageEvidence(**evidence, labels=image_config.labels)

    async def _manifest(self, repository: str, reference: str) -> Manifest:
        response = await self._get(
            repository,
            f"manifests/{quote(reference, safe=':')}",
            ACCEPT,
            MAX_MANIFEST_BYTES,
            cache=_immutable(reference),
        )
        if response.status in (401, 403):
            raise ApiError(f"the registry refused anonymous pulls of {repository}")
        if response.status == 404:
            raise ApiError(f"the registry does not know {repository}@{reference[:80]}")
        if response.status != 200:
            raise ApiError(f"{redact_url(response.url)} answered HTTP {response.status}")
        manifest = parse(Manifest, response.json(), f"the manifest of {repository}")
        if manifest.mediaType is None:
            content_type = response.headers.get("content-type", "").split(";")[0].strip()
            if content_type:
                manifest = manifest.model_copy(update={"mediaType": content_type})
        return manifest


def _immutable(reference: str) -> CacheMode | None:
    """Content addressed by a digest never changes: cache it for good; a tag name may move."""
    return CacheMode.IMMUTABLE if reference.startswith("sha256:") else None


def _is_attestation(descriptor: Descriptor) -> bool:
    platform = descriptor.platform
    if descriptor.annotations.get("vnd.docker.reference.type") == "attestation-manifest":
        return True
    return platform.get("os") == "unknown" or platform.get("architecture") == "unknown"


def choose_platform(manifests: list[Descriptor]) -> Descriptor | None:
    """linux/amd64 if present, else the first entry for a real platform; attestations skipped."""
    real = [m for m in manifests if m.digest and not _is_attestation(m)]
    for descriptor in real:
        platform = descriptor.platform
        if platform.get("os") == "linux" and platform.get("architecture") == "amd64":
            return descriptor
    return real[0] if real else None


def _platform_name(descriptor: Descriptor) -> str | None:
    platform = descriptor.platform
    os_name, arch = platform.get("os"), platform.get("architecture")
    if not isinstance(os_name, str) or not isinstance(arch, str):
        return None
    variant = platform.get("variant")
    return f"{os_name}/{arch}" + (f"/{variant}" if isinstance(variant, str) and variant else "")


_VERSION = re.compile(r"v?(\d+(?:\.\d+){0,3})(?:[-+.]?(.*))?")


def pick_tag(names: list[str]) -> str:
    """The tag most likely to be the newest release: the highest version number, plain versions
    (`1.4.0`) before suffixed ones (`1.4.0-rc1`), else the last tag listed."""

    def key(name: str) -> tuple[int, tuple[int, ...], int]:
        match = _VERSION.fullmatch(name)
        if match is None:
            return (0, (), 0)
        # A part too long to be a real version number counts as 0 (and never reaches int()).
        numbers = tuple(wire_int(part) or 0 for part in match.group(1).split("."))
        return (1, numbers, 0 if match.group(2) else 1)

    best = max(reversed(names), key=key)  # reversed: among equals, the last listed wins
    return best
