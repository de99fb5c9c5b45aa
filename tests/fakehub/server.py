"""Loopback-only fake Docker Hub API, registry, token service, blob CDN and GitHub API servers,
started together as one stack."""

from __future__ import annotations

import socket
from collections.abc import Iterator

from tests.fakehub.github import GitHubApp
from tests.fakehub.http import (
    LOOPBACK,
    FakeServer,
    Fault,
    RecordedRequest,
    github_error,
    html_error,
    hub_error,
    registry_error,
)
from tests.fakehub.hub_api import HubApp
from tests.fakehub.registry import AuthApp, CdnApp, RegistryApp
from tests.fakehub.state import State
from tests.fakehub.world import World

# ======================================================================== the whole stack


def _cdn_host() -> str:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.2", 0))
    except OSError:
        return LOOPBACK
    return "127.0.0.2"


class FakeDockerHub:
    """Hub API + registry + token service + CDN + GitHub API, all on loopback, for one World."""

    def __init__(self, world: World | None = None) -> None:
        self.world = world or World()
        self.state = State(self.world)
        self.hub = FakeServer("hub", HubApp(self.state), error_body=hub_error)
        self.auth = FakeServer("auth", AuthApp(self.state), error_body=registry_error)
        self.cdn = FakeServer("cdn", CdnApp(self.state), host=_cdn_host(), error_body=html_error)
        self.registry = FakeServer(
            "registry",
            RegistryApp(
                self.state, realm=lambda: f"{self.auth.url}/token", cdn=lambda: self.cdn.url
            ),
            error_body=registry_error,
        )
        self.github = FakeServer("github", GitHubApp(self.state), error_body=github_error)
        self.mirror = FakeServer(
            "mirror", HubApp(self.state), host=_cdn_host(), error_body=hub_error
        )
        self.state.next_base = lambda: self.mirror.url
        self._started = False

    @property
    def servers(self) -> dict[str, FakeServer]:
        """Every server by name: hub, registry, auth, cdn, github, mirror."""
        servers = (self.hub, self.registry, self.auth, self.cdn, self.github, self.mirror)
        return {s.name: s for s in servers}

    def start(self) -> FakeDockerHub:
        """Start every server (idempotent)."""
        if not self._started:
            for s in self.servers.values():
                s.start()
            self._started = True
        return self

    def stop(self) -> None:
        """Stop every server."""
        if self._started:
            for s in self.servers.values():
                s.stop()
            self._started = False

    def __enter__(self) -> FakeDockerHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ conveniences

    @property
    def hub_url(self) -> str:
        return self.hub.url

    @property
    def registry_url(self) -> str:
        return self.registry.url

    @property
    def auth_url(self) -> str:
        return self.auth.url

    @property
    def cdn_url(self) -> str:
        return self.cdn.url

    @property
    def github_url(self) -> str:
        return self.github.url

    def cli_args(self) -> list[str]:
        """The options that point dsos-check at this stack."""
        return [
            "--hub-url",
            self.hub_url,
            "--registry-url",
            self.registry_url,
            "--github-api-url",
            self.github_url,
        ]

    def all_requests(self) -> list[RecordedRequest]:
        """Every recorded request on every server (grouped by server)."""
        return [r for s in self.servers.values() for r in s.requests]

    def request_count(self) -> int:
        """Total requests recorded across all servers."""
        return sum(len(s.requests) for s in self.servers.values())

    def iter_requests(self, since: dict[str, int] | None = None) -> Iterator[RecordedRequest]:
        """Requests recorded after the `mark()` snapshot `since` (all when None)."""
        for name, s in self.servers.items():
            yield from s.requests[(since or {}).get(name, 0) :]

    def mark(self) -> dict[str, int]:
        """A snapshot of per-server request counts, for `iter_requests(since=...)`."""
        return {name: len(s.requests) for name, s in self.servers.items()}

    def clear(self) -> None:
        """Forget recorded requests and pending faults on every server."""
        for s in self.servers.values():
            s.clear()

    def inject(self, server: str, path_prefix: str, *faults: Fault) -> None:
        """Queue faults on one server (`hub`, `registry`, `auth`, `cdn` or `github`)."""
        self.servers[server].inject(path_prefix, *faults)

    @property
    def issued_tokens(self) -> list[str]:
        """Every Hub JWT and registry token issued so far (secrets that must never leak)."""
        return self.state.all_issued_tokens

    @property
    def hub_tokens(self) -> list[str]:
        with self.state.lock:
            return list(self.state.hub_tokens)

    @property
    def registry_tokens(self) -> list[str]:
        with self.state.lock:
            return list(self.state.registry_tokens)

    @property
    def token_requests(self) -> int:
        """How many requests reached the registry token service."""
        return self.auth.count("/token")
