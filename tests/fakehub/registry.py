"""The fake registry, its token service and blob CDN (registry-1.docker.io, auth, CDN)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs

from tests.fakehub.content import (
    MANIFEST_TYPES,
    MT_DOCKER_LIST,
    MT_OCI_INDEX,
    MT_OCI_MANIFEST,
    Blob,
    RepoContent,
)
from tests.fakehub.http import LOOPBACK, Request, Response, json_response, registry_error
from tests.fakehub.state import IssuedToken, State
from tests.fakehub.world import Namespace, User

# ======================================================================== registry


_REG_PATH = re.compile(
    r"/v2/(?P<name>[a-z0-9]+(?:[._-][a-z0-9]+)*/[a-z0-9._-]+)/(?P<kind>manifests|blobs|tags)/(?P<ref>[^/]+(?:/list)?)"
)


def _accepts(header: str) -> set[str]:
    return {part.split(";")[0].strip() for part in header.split(",") if part.strip()}


class RegistryApp:
    """registry-1.docker.io: bearer-token challenge, manifests, blobs (redirected to the CDN)."""

    def __init__(self, state: State, *, realm: Callable[[], str], cdn: Callable[[], str]) -> None:
        self.state = state
        self.world = state.world
        self.realm = realm
        self.cdn = cdn

    def _challenge(self, scope: str | None, detail: object = None) -> Response:
        value = f'Bearer realm="{self.realm()}",service="{self.world.registry_service}"'
        if scope:
            value += f',scope="{scope}"'
        return json_response(
            401,
            {
                "errors": [
                    {"code": "UNAUTHORIZED", "message": "authentication required", "detail": detail}
                ]
            },
            [("WWW-Authenticate", value), ("Docker-Distribution-Api-Version", "registry/2.0")],
        )

    def _token(self, req: Request) -> tuple[str, IssuedToken] | None:
        token = req.bearer()
        if token is None:
            return None
        with self.state.lock:
            issued = self.state.registry_tokens.get(token)
        if issued is None or issued.expires < time.time():
            return None
        return token, issued

    def __call__(self, req: Request) -> Response:
        if req.path in ("/v2/", "/v2"):
            if self._token(req) is None:
                return self._challenge(None)
            return json_response(200, {}, [("Docker-Distribution-Api-Version", "registry/2.0")])
        m = _REG_PATH.fullmatch(req.path)
        if m is None:
            return json_response(
                404,
                {"errors": [{"code": "NOT_FOUND", "message": "page not found", "detail": None}]},
            )
        name, kind, ref = m.group("name", "kind", "ref")
        if req.method not in ("GET", "HEAD"):
            return json_response(
                405,
                {"errors": [{"code": "UNSUPPORTED", "message": "The operation is unsupported."}]},
            )
        scope = f"repository:{name}:pull"
        tok = self._token(req)
        if tok is None or name not in tok[1].access:
            return self._challenge(
                scope,
                [{"Type": "repository", "Class": "", "Name": name, "Action": "pull"}],
            )
        found = self.state.find_repo(name)
        if found is None:  # cannot happen: tokens only grant existing repositories
            return registry_error(404)
        ns, repo = found
        rc = self.state.content[(ns.name, repo.name)]
        if kind == "tags":
            if ref != "list":
                return registry_error(404)
            return json_response(200, {"name": name, "tags": [t.name for t in repo.tags]})
        if kind == "manifests":
            return self._manifest(req, ns, rc, ref)
        return self._blob(req, rc, ref)

    def _rate_headers(self, ns: Namespace, *, count: bool) -> list[tuple[str, str]]:
        if ns.name in self.world.unlimited_pull_namespaces:
            return []
        with self.state.lock:
            if count:
                self.state.pulls_remaining = max(0, self.state.pulls_remaining - 1)
            remaining = self.state.pulls_remaining
        return [
            ("ratelimit-limit", "100000;w=21600"),
            ("ratelimit-remaining", f"{remaining};w=21600"),
            ("docker-ratelimit-source", LOOPBACK),
        ]

    def _manifest(self, req: Request, ns: Namespace, rc: RepoContent, ref: str) -> Response:
        if ref.startswith("sha256:"):
            blob = rc.manifests.get(ref)
            if blob is None:
                return json_response(
                    404,
                    {
                        "errors": [
                            {
                                "code": "MANIFEST_UNKNOWN",
                                "message": "manifest unknown",
                                "detail": {"Digest": ref},
                            }
                        ]
                    },
                )
        else:
            tc = rc.tags.get(ref)
            if tc is None:
                return json_response(
                    404,
                    {
                        "errors": [
                            {
                                "code": "MANIFEST_UNKNOWN",
                                "message": "manifest unknown",
                                "detail": f"unknown tag={ref}",
                            }
                        ]
                    },
                )
            blob = rc.manifests[tc.digest]
        accepted = _accepts(req.headers.get("accept", "")) & MANIFEST_TYPES
        if blob.media_type == MT_DOCKER_LIST and blob.media_type not in accepted:
            if not ref.startswith("sha256:"):  # distribution rewrites a tag to linux/amd64
                blob = self._default_platform(rc, blob)
        elif blob.media_type in (MT_OCI_INDEX, MT_OCI_MANIFEST) and blob.media_type not in accepted:
            what = "index" if blob.media_type == MT_OCI_INDEX else "manifest"
            return json_response(
                404,
                {
                    "errors": [
                        {
                            "code": "MANIFEST_UNKNOWN",
                            "message": f"OCI {what} found, but accept header does not support OCI {what}s",
                            "detail": None,
                        }
                    ]
                },
            )
        if req.method == "GET" and self._pulls_spent(ns):
            return registry_error(429)
        headers = [
            ("Docker-Content-Digest", blob.digest),
            ("Docker-Distribution-Api-Version", "registry/2.0"),
            ("ETag", f'"{blob.digest}"'),
            *self._rate_headers(ns, count=req.method == "GET"),
        ]
        return Response(200, blob.data, headers, content_type=blob.media_type)

    def _pulls_spent(self, ns: Namespace) -> bool:
        """Docker Hub answers a manifest GET past the pull budget with 429 (and counts it)."""
        if ns.name in self.world.unlimited_pull_namespaces:
            return False
        with self.state.lock:
            if self.state.pulls_remaining > 0:
                return False
            self.state.pulls_refused += 1
            return True

    @staticmethod
    def _default_platform(rc: RepoContent, index: Blob) -> Blob:
        manifests = json.loads(index.data)["manifests"]
        for d in manifests:
            p = d.get("platform") or {}
            if p.get("os") == "linux" and p.get("architecture") == "amd64":
                return rc.manifests[d["digest"]]
        return rc.manifests[manifests[0]["digest"]]

    def _blob(self, req: Request, rc: RepoContent, digest: str) -> Response:
        blob = rc.blobs.get(digest)
        if blob is None:
            return json_response(
                404,
                {
                    "errors": [
                        {
                            "code": "BLOB_UNKNOWN",
                            "message": "blob unknown to registry",
                            "detail": digest,
                        }
                    ]
                },
            )
        headers = [
            ("Docker-Content-Digest", digest),
            ("Docker-Distribution-Api-Version", "registry/2.0"),
        ]
        if req.method == "HEAD" or not self.world.blob_redirect:
            return Response(200, blob.data, headers, content_type="application/octet-stream")
        expires = int(time.time()) + 1200
        hexd = digest.split(":", 1)[1]
        location = (
            f"{self.cdn()}/registry-v2/docker/registry/v2/blobs/sha256/{hexd[:2]}/{hexd}/data"
            f"?verify={cdn_signature(self.state, digest, expires)}&expires={expires}"
        )
        return Response(307, b"", [("Location", location), *headers], content_type=None)


def cdn_signature(state: State, digest: str, expires: int) -> str:
    """The `verify` query value the CDN checks (so clients must keep the redirect's query)."""
    return hmac.new(state.secret, f"{digest}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]


_CDN_PATH = re.compile(
    r"/registry-v2/docker/registry/v2/blobs/sha256/[0-9a-f]{2}/(?P<hex>[0-9a-f]{64})/data"
)


class CdnApp:
    """The blob CDN the registry redirects to: no auth; signed URLs."""

    def __init__(self, state: State) -> None:
        self.state = state

    def __call__(self, req: Request) -> Response:
        m = _CDN_PATH.fullmatch(req.path)
        blob = self.state.blobs.get("sha256:" + m.group("hex")) if m else None
        if m is None or blob is None:
            return Response(
                404, b"<Error><Code>NoSuchKey</Code></Error>", content_type="application/xml"
            )
        try:
            expires = int(req.q("expires") or "0")
        except ValueError:
            expires = 0
        if expires < time.time() or req.q("verify") != cdn_signature(
            self.state, blob.digest, expires
        ):
            return Response(
                403, b"<Error><Code>AccessDenied</Code></Error>", content_type="application/xml"
            )
        return Response(
            200,
            blob.data,
            [("Cache-Control", "max-age=1500")],
            content_type="application/octet-stream",
        )


class AuthApp:
    """auth.docker.io: the registry token service named by the registry's challenge."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.world = state.world

    def __call__(self, req: Request) -> Response:
        if req.path not in ("/token", "/token/"):
            return json_response(404, {"details": "not found"})
        if req.method == "POST":
            form = parse_qs(req.body.decode(errors="replace"))
            params = form
            username = (form.get("username") or [""])[0]
            password = (form.get("password") or [""])[0]
            creds = (username, password) if username else None
        elif req.method == "GET":
            params = req.query
            creds = req.basic()
            if req.headers.get("authorization") and creds is None:
                return json_response(401, {"details": "incorrect username or password"})
        else:
            return json_response(405, {"details": "method not allowed"})
        service = (params.get("service") or [""])[0]
        if service and service != self.world.registry_service:
            return json_response(400, {"details": f"invalid service {service!r}"})
        user: User | None = None
        if creds is not None:
            user = self.state.check_user(*creds)
            if user is None:
                return json_response(401, {"details": "incorrect username or password"})
        access: set[str] = set()
        for raw in params.get("scope", []):
            for scope in raw.split():
                parts = scope.split(":")
                if len(parts) != 3 or parts[0] != "repository" or "pull" not in parts[2].split(","):
                    continue
                found = self.state.find_repo(parts[1])
                if found is None:
                    continue
                ns, repo = found
                if self.state.can_see(user.username if user else None, ns, repo):
                    access.add(parts[1])
        token = self.state.issue_registry_token(user.username if user else None, frozenset(access))
        return json_response(
            200,
            {
                "token": token,
                "access_token": token,
                "expires_in": self.world.registry_token_ttl,
                "issued_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            },
        )
