"""What every fake service shares: the world, issued tokens and who may see what."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from tests.fakehub.content import (
    Blob,
    RepoContent,
    build_repo_content,
    stable_int,
)
from tests.fakehub.http import JSON, Request, Response, json_response
from tests.fakehub.world import Namespace, Repo, User, World

# ======================================================================== shared state


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class IssuedToken:
    """A token the fake issued: who it belongs to and what it grants."""

    token: str
    username: str | None
    expires: float
    access: frozenset[str] = frozenset()  # registry tokens: "ns/repo" names with pull


class RepoContents(Mapping[tuple[str, str], RepoContent]):
    """Each repository's registry content, built the first time it is asked for: a world of
    hundreds of repositories starts at once, and a test pays only for what its run reads."""

    def __init__(self, world: World, blobs: dict[str, Blob]) -> None:
        self._repos = {
            (ns.name, repo.name): (ns, repo) for ns in world.namespaces for repo in ns.repos
        }
        self._built: dict[tuple[str, str], RepoContent] = {}
        self._blobs = blobs
        self._lock = threading.Lock()

    def __getitem__(self, key: tuple[str, str]) -> RepoContent:
        with self._lock:
            if key not in self._built:
                ns, repo = self._repos[key]
                built = build_repo_content(ns.name, repo)
                self._blobs.update(built.blobs)
                self._built[key] = built
            return self._built[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._repos)

    def __len__(self) -> int:
        return len(self._repos)


class State:
    """World-derived content plus the mutable bits shared by the servers (tokens, counters)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.lock = threading.Lock()
        self.secret = secrets.token_bytes(32)
        # Blobs by digest, for the CDN: a client learns a digest only from a manifest of its
        # repository, and asking for that manifest built the repository's content.
        self.blobs: dict[str, Blob] = {}
        self.content = RepoContents(world, self.blobs)
        self.hub_tokens: dict[str, IssuedToken] = {}
        self.registry_tokens: dict[str, IssuedToken] = {}
        self.hub_window_start = time.time()
        self.hub_window_count = 0
        self.hub_429s = 0  # requests answered (or that would be answered) with 429
        self.pulls_remaining = world.pull_budget
        self.pulls_refused = 0  # manifest GETs answered 429 because the budget was spent
        self.github_anonymous_left = world.github_anonymous_budget
        # Set by FakeDockerHub: the base URL `next` links use instead of the server's own.
        self.next_base: Callable[[], str] | None = None

    # ------------------------------------------------------------------ tokens

    def jwt(self, payload: JSON) -> str:
        header = _b64url(b'{"alg":"RS256","kid":"fakehub","typ":"JWT"}')
        body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
        sig = _b64url(hmac.new(self.secret, f"{header}.{body}".encode(), hashlib.sha256).digest())
        return f"{header}.{body}.{sig}"

    def issue_hub_token(self, username: str) -> str:
        now = int(time.time())
        exp = now + self.world.hub_token_ttl
        user_uuid = str(uuid.UUID(int=stable_int("uuid", username, modulo=2**120)))
        token = self.jwt(
            {
                "aud": ["https://hub.docker.com"],
                "exp": exp,
                "iat": now,
                "iss": "https://login.docker.com/",
                "jti": secrets.token_hex(8),
                "sub": user_uuid,
                "username": username,
                "https://hub.docker.com": {
                    "email": f"{username}@example.invalid",
                    "roles": [],
                    "session_id": secrets.token_hex(8),
                    "source": {"id": secrets.token_hex(4), "type": "pat"},
                    "username": username,
                    "uuid": user_uuid,
                },
            }
        )
        with self.lock:
            self.hub_tokens[token] = IssuedToken(token, username, exp)
        return token

    def issue_registry_token(self, username: str | None, access: frozenset[str]) -> str:
        now = int(time.time())
        exp = now + self.world.registry_token_ttl
        token = self.jwt(
            {
                "access": [
                    {"type": "repository", "name": name, "actions": ["pull"]}
                    for name in sorted(access)
                ],
                "aud": self.world.registry_service,
                "exp": exp,
                "iat": now,
                "iss": "auth.fake.test",
                "jti": secrets.token_hex(8),
                "nbf": now - 1,
                "sub": username or "",
            }
        )
        with self.lock:
            self.registry_tokens[token] = IssuedToken(token, username, exp, access)
        return token

    def hub_user(self, req: Request) -> tuple[str | None, Response | None]:
        """(username, None) for a valid Hub bearer, (None, None) when anonymous, else a 401."""
        token = req.bearer()
        if token is None:
            if req.headers.get("authorization"):
                return None, json_response(
                    401, {"detail": "Authentication credentials were not provided."}
                )
            return None, None
        with self.lock:
            issued = self.hub_tokens.get(token)
        if issued is None:
            return None, json_response(401, {"detail": "Error decoding signature."})
        if issued.expires < time.time():
            return None, json_response(401, {"detail": "Signature has expired."})
        return issued.username, None

    def check_user(self, username: str, secret: str) -> User | None:
        user = self.world.user(username)
        if user is None or not hmac.compare_digest(user.token.encode(), secret.encode()):
            return None
        return user

    @property
    def all_issued_tokens(self) -> list[str]:
        with self.lock:
            return list(self.hub_tokens) + list(self.registry_tokens)

    # ------------------------------------------------------------------ visibility

    def can_see(self, username: str | None, ns: Namespace, repo: Repo) -> bool:
        return not repo.private or self.world.is_member(username, ns.name)

    def find_repo(self, full_name: str) -> tuple[Namespace, Repo] | None:
        ns_name, _, repo_name = full_name.partition("/")
        ns = self.world.namespace(ns_name)
        repo = ns.repo(repo_name) if ns else None
        return (ns, repo) if ns is not None and repo is not None else None
