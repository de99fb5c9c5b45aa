"""Scenario model for the fake Docker Hub: namespaces, repositories, tags, users, GitHub repos."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

TagKind = Literal[
    "multiarch",  # OCI image index (+ BuildKit attestation manifests when with_attestations)
    "manifestlist",  # Docker manifest list v2
    "single",  # Docker image manifest v2, one platform
    "oci-single",  # OCI image manifest, one platform
    "helm",  # Helm chart stored as an OCI artifact
    "plugin",  # Docker plugin (config media type application/vnd.docker.plugin.v1+json)
    "attestation-only",  # OCI index holding nothing but attestation manifests
    "buildkit-cache",  # `--cache-to type=registry`: layer blobs and a cache config, no platform
]

NamespaceKind = Literal["organization", "user"]

Platform = tuple[str, str] | tuple[str, str, str]  # (os, architecture[, variant])

DEFAULT_PLATFORMS: tuple[Platform, ...] = (("linux", "amd64"), ("linux", "arm64", "v8"))


def now() -> datetime:
    """Current time in UTC (one place, so scenarios never rot)."""
    return datetime.now(UTC)


def days_ago(days: float, *, base: datetime | None = None) -> datetime:
    """A UTC datetime `days` days before `base` (default: now)."""
    return (base or now()) - timedelta(days=days)


@dataclass
class Tag:
    """One tag of a repository and the image behind it."""

    name: str
    last_pushed: datetime
    kind: TagKind = "multiarch"
    labels: dict[str, str] = field(default_factory=dict)  # image config .config.Labels
    annotations: dict[str, str] = field(default_factory=dict)  # image manifest annotations
    index_annotations: dict[str, str] = field(default_factory=dict)  # index annotations
    platforms: tuple[Platform, ...] = DEFAULT_PLATFORMS
    with_attestations: bool = True
    # False: the observed legacy single-arch tag shape (no top-level `digest`, `media_type` is the
    # config media type, `images[0].digest` is the manifest digest), reference §4.3(b).
    top_level_digest: bool = True
    last_pulled: datetime | None = None


@dataclass
class Repo:
    """One repository in a namespace."""

    name: str
    private: bool = False
    description: str = ""
    full_description: str | None = ""
    # None: derived from the newest tag push (None when there are no tags)
    last_updated: datetime | None = None
    repository_type: Literal["image", "plugin"] | None = "image"
    content_types: list[str] | None = None  # None: derived from the tags
    media_types: list[str] | None = None  # None: derived from the manifests and configs served
    tags: list[Tag] = field(default_factory=list)
    pull_count: int = 1234
    star_count: int = 3
    date_registered: datetime | None = None
    categories: list[dict[str, str]] = field(default_factory=list)
    storage_size: int | None = None


@dataclass
class Namespace:
    """A Docker Hub namespace: an organization or a personal (user) account."""

    name: str
    kind: NamespaceKind = "organization"
    badge: str | None = None
    full_name: str = ""
    company: str = ""
    location: str = ""
    profile_url: str = ""
    members: list[str] = field(default_factory=list)  # usernames (organizations only)
    repos: list[Repo] = field(default_factory=list)
    plan_name: str = "free"
    date_joined: datetime | None = None

    def repo(self, name: str) -> Repo | None:
        """The repository called `name`, if any."""
        return next((r for r in self.repos if r.name == name), None)


@dataclass
class User:
    """Credentials the fake accepts: a Docker ID with a PAT, or an organization with an OAT."""

    username: str
    token: str  # the secret (PAT `dckr_pat_...`, OAT `dckr_oat_...` or a password)
    orgs: list[str] = field(default_factory=list)  # organizations this user is a member of
    kind: Literal["user", "oat"] = "user"  # "oat": organization access token, username = org name


@dataclass
class GitHubRepo:
    """A GitHub repository as far as the license endpoint is concerned."""

    spdx_id: str | None  # None: no license file (404); "NOASSERTION": file GitHub cannot classify
    license_text: str = ""
    path: str = "LICENSE"
    default_branch: str = "main"


@dataclass
class World:
    """Everything the fake servers serve."""

    namespaces: list[Namespace] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    github_repos: dict[str, GitHubRepo] = field(default_factory=dict)  # "owner/repo" -> repo
    blob_redirect: bool = True  # registry answers blob GETs with a 307 to the CDN server
    # True: repository-list `next` URLs point at a mirror of the Hub on another loopback host,
    # which records any Authorization header it receives (a token must never reach it).
    hub_next_on_mirror: bool = False
    hub_rate_limit: int = 100_000  # X-RateLimit-Limit per minute on the Hub API
    enforce_hub_rate_limit: bool = False  # True: 429 once Remaining reaches 0
    hub_rate_window: float = 60.0  # seconds per rate-limit window (short ones make fast tests)
    latency: float = 0.0  # seconds every server waits before answering (benchmarks)
    hub_token_ttl: int = 600  # seconds a /v2/auth/token JWT stays valid
    registry_token_ttl: int = 300  # seconds a registry token stays valid
    registry_service: str = "registry.fake.test"
    # False: the /v2/namespaces/... routes answer 404 (an older Hub), so only the legacy
    # /v2/repositories/... routes work
    namespaces_api: bool = True
    unlimited_pull_namespaces: list[str] = field(default_factory=list)  # no ratelimit-* headers
    pull_budget: int = 100_000  # registry pulls (manifest GETs) left in the window
    # GitHub API requests left this hour without a token (the real limit is 60; tests lower it).
    github_anonymous_budget: int = 100_000

    def namespace(self, name: str) -> Namespace | None:
        """The namespace called `name`, if any."""
        return next((n for n in self.namespaces if n.name == name), None)

    def user(self, username: str) -> User | None:
        """The credentials entry for `username`, if any."""
        return next((u for u in self.users if u.username == username), None)

    def is_member(self, username: str | None, namespace: str) -> bool:
        """Whether `username` owns `namespace` or is a member of that organization."""
        if not username:
            return False
        if username == namespace:
            return True
        ns = self.namespace(namespace)
        if ns is not None and username in ns.members:
            return True
        user = self.user(username)
        return user is not None and user.kind == "user" and namespace in user.orgs

    def orgs_of(self, username: str) -> list[Namespace]:
        """Organizations `username` is a member of, in world order."""
        return [
            n
            for n in self.namespaces
            if n.kind == "organization" and n.name != username and self.is_member(username, n.name)
        ]
