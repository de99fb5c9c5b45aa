"""Loopback-only fake Docker Hub API, registry, token service, blob CDN and GitHub API servers."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import math
import re
import secrets
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakehub.content import (
    MANIFEST_TYPES,
    MT_DOCKER_LIST,
    MT_OCI_INDEX,
    MT_OCI_MANIFEST,
    Blob,
    RepoContent,
    build_repo_content,
    iso,
    stable_int,
)
from tests.fakehub.hostile import Raw, raw_answer
from tests.fakehub.world import GitHubRepo, Namespace, Repo, User, World

JSON = dict[str, Any]
Fault = tuple[Any, ...]
"""A fault: ("status", code[, headers[, body]]), ("html", code), ("truncate",),
("truncate", "short-read"), ("stall", seconds), ("reset",), ("raw", hostile.Raw(...))."""

LOOPBACK = "127.0.0.1"
NOT_FOUND_BODY: JSON = {"message": "httperror 404: object not found", "errinfo": {}}


# ======================================================================== HTTP plumbing


@dataclass(frozen=True)
class RecordedRequest:
    """One request as a fake server saw it."""

    server: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes
    status: int = 0
    fault: str | None = None

    @property
    def authorization(self) -> str | None:
        """The raw `Authorization` header, if any."""
        return self.headers.get("authorization")

    @property
    def target(self) -> str:
        """Path plus query string, for messages."""
        q = urlencode([(k, v) for k, vs in self.query.items() for v in vs])
        return self.path + ("?" + q if q else "")


@dataclass
class Request:
    """What an app handler receives."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    base_url: str

    def q(self, name: str) -> str | None:
        """First value of query parameter `name`."""
        values = self.query.get(name)
        return values[0] if values else None

    def bearer(self) -> str | None:
        """The token of an `Authorization: Bearer|JWT <token>` header."""
        auth = self.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() in ("bearer", "jwt") and token.strip():
            return token.strip()
        return None

    def basic(self) -> tuple[str, str] | None:
        """(username, password) of an `Authorization: Basic` header."""
        auth = self.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, sep, password = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return (user, password) if sep else None


@dataclass
class Response:
    """What an app handler returns."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = "application/json"

    def header(self, name: str) -> str | None:
        """First header `name` (case-insensitive)."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def json_response(
    status: int, obj: object, headers: list[tuple[str, str]] | None = None
) -> Response:
    """A JSON response (compact, like Docker Hub)."""
    body = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(status, body, list(headers or []))


App = Callable[[Request], Response]
ErrorBody = Callable[[int], Response]


def _hub_error(status: int) -> Response:
    if status == 429:
        return json_response(429, {"detail": "Rate limit exceeded", "error": False})
    if status == 404:
        return json_response(404, NOT_FOUND_BODY)
    if status == 401:
        return json_response(401, {"detail": "Incorrect authentication credentials"})
    return json_response(status, {"message": f"httperror {status}", "errinfo": {}})


def _registry_error(status: int) -> Response:
    codes = {
        401: ("UNAUTHORIZED", "authentication required"),
        403: ("DENIED", "requested access to the resource is denied"),
        404: ("NAME_UNKNOWN", "repository name not known to registry"),
        429: (
            "TOOMANYREQUESTS",
            "You have reached your pull rate limit. You may increase the limit by "
            "authenticating and upgrading: https://www.docker.com/increase-rate-limits",
        ),
    }
    code, message = codes.get(status, ("UNAVAILABLE", "service unavailable"))
    return json_response(status, {"errors": [{"code": code, "message": message, "detail": None}]})


def _github_error(status: int) -> Response:
    if status in (403, 429):
        return json_response(
            status,
            {
                "message": "API rate limit exceeded for 127.0.0.1.",
                "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
            },
        )
    return json_response(status, {"message": "Server Error"})


def _html(status: int) -> Response:
    reason = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Time-out"}.get(
        status, "Error"
    )
    body = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
    ).encode()
    return Response(status, body, content_type="text/html")


class FakeServer:
    """One loopback HTTP server: records every request and applies queued faults."""

    def __init__(self, name: str, app: App, *, host: str = LOOPBACK, error_body: ErrorBody) -> None:
        if host not in (LOOPBACK, "127.0.0.2"):
            raise ValueError("fake servers bind loopback only")
        self.name = name
        self.app = app
        state = getattr(app, "state", None)
        self.latency: Callable[[], float] = lambda: state.world.latency if state else 0.0
        self.host = host
        self.error_body = error_body
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._faults: dict[str, deque[Fault]] = {}
        self.raw_answers: dict[str, Raw] = {}  # standing hostile answers (see hostile.always)
        self.connections = 0  # TCP connections accepted since the last clear()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Bind an OS-chosen port and serve in a daemon thread."""
        handler = type(f"{self.name.title()}Handler", (_Handler,), {"fake": self})
        httpd = ThreadingHTTPServer((self.host, 0), handler)
        httpd.daemon_threads = True
        httpd.request_queue_size = 128
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ recording

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def count(self, path_prefix: str = "", method: str | None = None) -> int:
        """How many recorded requests start with `path_prefix` (and use `method`)."""
        return sum(
            1
            for r in self.requests
            if r.path.startswith(path_prefix) and (method is None or r.method == method)
        )

    def clear(self) -> None:
        """Forget recorded requests and pending faults."""
        with self._lock:
            self._requests.clear()
            self._faults.clear()
            self.connections = 0

    def _connected(self) -> None:
        with self._lock:
            self.connections += 1

    def _record(self, rec: RecordedRequest) -> int:
        with self._lock:
            self._requests.append(rec)
            return len(self._requests) - 1

    def _set_status(self, index: int, rec: RecordedRequest, status: int) -> None:
        with self._lock:
            # clear() may have run meanwhile: only update the entry if it is still ours
            if index < len(self._requests) and self._requests[index] is rec:
                self._requests[index] = replace(rec, status=status)

    # ------------------------------------------------------------------ faults

    def inject(self, path_prefix: str, *faults: Fault) -> None:
        """Queue `faults` for requests whose path starts with `path_prefix`, consumed in order."""
        for f in faults:
            _validate_fault(f)
        with self._lock:
            self._faults.setdefault(path_prefix, deque()).extend(faults)

    def clear_faults(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> int:
        """How many queued faults have not fired yet."""
        with self._lock:
            return sum(len(q) for q in self._faults.values())

    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            best = max(
                (p for p, q in self._faults.items() if q and path.startswith(p)),
                key=len,
                default=None,
            )
            return self._faults[best].popleft() if best is not None else None


def _validate_fault(f: Fault) -> None:
    kind = f[0] if f else None
    if kind == "status" and len(f) >= 2 and isinstance(f[1], int):
        return
    if kind == "html" and len(f) == 2 and isinstance(f[1], int):
        return
    if kind == "truncate" and (len(f) == 1 or f[1:] == ("short-read",)):
        return
    if kind == "stall" and len(f) == 2 and isinstance(f[1], int | float):
        return
    if kind == "reset" and len(f) == 1:
        return
    if kind == "raw" and len(f) == 2 and isinstance(f[1], Raw):
        return
    raise ValueError(f"bad fault {f!r}")


class _Handler(BaseHTTPRequestHandler):
    """Dispatches to the owning FakeServer's app; HTTP/1.1 with keep-alive."""

    fake: ClassVar[FakeServer]
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on keep-alive connections
    server_version = "fakehub/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def setup(self) -> None:
        """Count the connection (one handler per accepted TCP connection)."""
        super().setup()
        self.fake._connected()

    def _serve(self) -> None:
        fake = self.fake
        split = urlsplit(self.path)
        headers: dict[str, str] = {}
        for k, v in self.headers.items():
            key = k.lower()
            headers[key] = f"{headers[key]}, {v}" if key in headers else v
        length = int(headers.get("content-length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        req = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers=headers,
            body=body,
            base_url=fake.url,
        )
        latency = fake.latency()
        if latency > 0:
            time.sleep(latency)
        fault = fake._next_fault(req.path)
        rec = _rec(fake, req, 0, str(fault[0]) if fault else None)
        index = fake._record(rec)  # recorded on arrival: a stalled request is visible at once
        short_read = False
        raw = fault[1] if fault and fault[0] == "raw" else raw_answer(fake, req.path)
        if raw is not None:  # the hostile kit: raw bytes, written as they are
            fake._set_status(index, rec, raw.status)
            raw.send(self)
            return
        if fault and fault[0] == "stall":
            time.sleep(float(fault[1]))
        if fault and fault[0] == "reset":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault and fault[0] == "status":
            resp = fake.error_body(int(fault[1]))
            if len(fault) > 2 and fault[2]:
                resp.headers.extend(dict(fault[2]).items())
            if len(fault) > 3 and fault[3] is not None:
                resp.body = fault[3] if isinstance(fault[3], bytes) else str(fault[3]).encode()
        elif fault and fault[0] == "html":
            resp = _html(int(fault[1]))
        else:
            try:
                resp = fake.app(req)
            except Exception as exc:  # a bug in the fake: make it loud but keep serving
                resp = json_response(500, {"message": f"fakehub bug: {exc!r}"})
            if fault and fault[0] == "truncate":
                if fault[1:] == ("short-read",):
                    short_read = True
                else:
                    resp.body = resp.body[: len(resp.body) // 2]
        fake._set_status(index, rec, resp.status)
        self._write(resp, short_read=short_read)

    def _write(self, resp: Response, *, short_read: bool) -> None:
        try:
            self.send_response(resp.status)
            if resp.content_type and resp.header("content-type") is None:
                self.send_header("Content-Type", resp.content_type)
            for k, v in resp.headers:
                if k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(resp.body)))
            if short_read:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(resp.body[: len(resp.body) // 2] if short_read else resp.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


def _rec(fake: FakeServer, req: Request, status: int, fault: str | None) -> RecordedRequest:
    return RecordedRequest(
        server=fake.name,
        method=req.method,
        path=req.path,
        query=req.query,
        headers=req.headers,
        body=req.body,
        status=status,
        fault=fault,
    )


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


class State:
    """World-derived content plus the mutable bits shared by the servers (tokens, counters)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.lock = threading.Lock()
        self.secret = secrets.token_bytes(32)
        self.content: dict[tuple[str, str], RepoContent] = {
            (ns.name, repo.name): build_repo_content(ns.name, repo)
            for ns in world.namespaces
            for repo in ns.repos
        }
        self.blobs: dict[str, Blob] = {}
        for rc in self.content.values():
            self.blobs.update(rc.blobs)
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


# ======================================================================== Hub API


def _page_params(req: Request) -> tuple[int, int] | Response:
    out: list[int] = []
    for name, default in (("page", 1), ("page_size", 10)):
        raw = req.q(name)
        if raw is None or raw == "":
            out.append(default)
            continue
        try:
            value = int(raw)
        except ValueError:
            return json_response(
                400, {"fields": {name: ["A valid integer is required."]}, "text": f"invalid {name}"}
            )
        if value < 1:
            return json_response(
                400,
                {
                    "fields": {name: ["Ensure this value is greater than or equal to 1."]},
                    "text": f"invalid {name}",
                },
            )
        out.append(value)
    return out[0], min(out[1], 100)


def paginate(req: Request, items: list[JSON], base: str | None = None) -> Response:
    """The Hub list envelope with absolute `next`/`previous` URLs; 404 past the end (page > 1)."""
    params = _page_params(req)
    if isinstance(params, Response):
        return params
    page, size = params
    start = (page - 1) * size
    if page > 1 and start >= len(items):
        return json_response(404, NOT_FOUND_BODY)

    def link(p: int) -> str:
        rest = [(k, v) for k, vs in req.query.items() if k not in ("page", "page_size") for v in vs]
        return f"{base or req.base_url}{req.path}?" + urlencode(
            [("page", p), ("page_size", size), *rest]
        )

    return json_response(
        200,
        {
            "count": len(items),
            "next": link(page + 1) if start + size < len(items) else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": items[start : start + size],
        },
    )


REPO_ORDERINGS = ("name", "-name", "last_updated", "-last_updated", "pull_count", "-pull_count")
TAG_ORDERINGS = ("name", "-name", "last_updated", "-last_updated")


class HubApp:
    """hub.docker.com: accounts, repository lists and details, tags, auth."""

    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("POST", r"/v2/auth/token/?", "auth_token"),
        ("POST", r"/v2/users/login/?", "users_login"),
        ("GET", r"/v2/user/?", "current_user"),
        ("GET", r"/v2/user/orgs/?", "user_orgs"),
        ("GET", r"/v2/orgs/(?P<ns>[^/]+)/?", "org"),
        ("GET", r"/v2/users/(?P<ns>[^/]+)/?", "user"),
        ("GET", r"/v2/namespaces/(?P<ns>[^/]+)/repositories/?", "repo_list"),
        ("GET", r"/v2/repositories/(?P<ns>[^/]+)/?", "repo_list"),
        ("GET", r"/v2/namespaces/(?P<ns>[^/]+)/repositories/(?P<repo>[^/]+)/?", "repo_detail"),
        ("GET", r"/v2/repositories/(?P<ns>[^/]+)/(?P<repo>[^/]+)/?", "repo_detail"),
        ("GET", r"/v2/namespaces/(?P<ns>[^/]+)/repositories/(?P<repo>[^/]+)/tags/?", "tags"),
        ("GET", r"/v2/repositories/(?P<ns>[^/]+)/(?P<repo>[^/]+)/tags/?", "tags"),
        (
            "GET",
            r"/v2/namespaces/(?P<ns>[^/]+)/repositories/(?P<repo>[^/]+)/tags/(?P<tag>[^/]+)/?",
            "tag",
        ),
        ("GET", r"/v2/repositories/(?P<ns>[^/]+)/(?P<repo>[^/]+)/tags/(?P<tag>[^/]+)/?", "tag"),
    ]

    def __init__(self, state: State) -> None:
        self.state = state
        self.world = state.world
        self._routes = [(m, re.compile(p), h) for m, p, h in self.ROUTES]

    def __call__(self, req: Request) -> Response:
        limited = self._rate_limit()
        if limited is not None:
            return limited
        resp = self._dispatch(req)
        resp.headers.extend(self._rate_headers())
        return resp

    # ------------------------------------------------------------------ plumbing

    def _rate_limit(self) -> Response | None:
        st = self.state
        with st.lock:
            now = time.time()
            window = self.world.hub_rate_window
            if now - st.hub_window_start >= window:
                st.hub_window_start, st.hub_window_count = now, 0
            st.hub_window_count += 1
            over = st.hub_window_count > self.world.hub_rate_limit
            reset_in = max(1, math.ceil(st.hub_window_start + window - now))
            if over:
                st.hub_429s += 1
        if over and self.world.enforce_hub_rate_limit:
            resp = json_response(429, {"detail": "Rate limit exceeded", "error": False})
            resp.headers.append(("Retry-After", str(reset_in)))
            resp.headers.extend(self._rate_headers())
            return resp
        return None

    def _rate_headers(self) -> list[tuple[str, str]]:
        st = self.state
        with st.lock:
            remaining = max(0, self.world.hub_rate_limit - st.hub_window_count)
            reset = math.ceil(st.hub_window_start + self.world.hub_rate_window)
        return [
            ("X-RateLimit-Limit", str(self.world.hub_rate_limit)),
            ("X-RateLimit-Remaining", str(remaining)),
            ("X-RateLimit-Reset", str(reset)),
        ]

    def _dispatch(self, req: Request) -> Response:
        if not self.world.namespaces_api and req.path.startswith("/v2/namespaces/"):
            return json_response(404, {"message": "404: Page Not Found"})
        method = "GET" if req.method == "HEAD" else req.method
        path_matched = False
        for m, pattern, handler in self._routes:
            match = pattern.fullmatch(req.path)
            if match is None:
                continue
            path_matched = True
            if m == method:
                result: Response = getattr(self, handler)(req, **match.groupdict())
                return result
        if path_matched:
            return json_response(405, {"detail": f'Method "{req.method}" not allowed.'})
        return json_response(404, {"message": "404: Page Not Found"})

    def _user_or_401(self, req: Request) -> tuple[str | None, Response | None]:
        return self.state.hub_user(req)

    # ------------------------------------------------------------------ auth

    def auth_token(self, req: Request) -> Response:
        try:
            payload = json.loads(req.body or b"{}")
        except ValueError:
            return json_response(400, {"detail": "JSON parse error"})
        if not isinstance(payload, dict):
            return json_response(400, {"detail": "JSON object expected"})
        identifier, secret = payload.get("identifier"), payload.get("secret")
        if not isinstance(identifier, str) or not isinstance(secret, str):
            return json_response(
                400,
                {
                    "fields": {"identifier": ["This field is required."]},
                    "text": "identifier and secret are required",
                },
            )
        user = self.state.check_user(identifier, secret)
        if user is None:
            return json_response(401, {"detail": "Incorrect authentication credentials"})
        return json_response(200, {"access_token": self.state.issue_hub_token(user.username)})

    def users_login(self, req: Request) -> Response:
        try:
            payload = json.loads(req.body or b"{}")
        except ValueError:
            return json_response(400, {"detail": "JSON parse error"})
        if not isinstance(payload, dict):
            return json_response(400, {"detail": "JSON object expected"})
        user = self.state.check_user(
            str(payload.get("username", "")), str(payload.get("password", ""))
        )
        if user is None or user.kind != "user":
            return json_response(401, {"detail": "Incorrect authentication credentials"})
        token = self.state.issue_hub_token(user.username)
        return json_response(200, {"token": token, "refresh_token": secrets.token_hex(16)})

    # ------------------------------------------------------------------ accounts

    def _account_common(self, name: str, ns: Namespace | None) -> JSON:
        uid = uuid.UUID(int=stable_int("uuid", name, modulo=2**120))
        joined = (ns.date_joined if ns else None) or datetime(2019, 3, 14, 9, 26, 53, tzinfo=UTC)
        return {
            "id": uid.hex,
            "uuid": str(uid),
            "full_name": ns.full_name if ns else "",
            "location": ns.location if ns else "",
            "company": ns.company if ns else "",
            "profile_url": ns.profile_url if ns else "",
            "date_joined": iso(joined),
            "gravatar_url": "",
            "gravatar_email": "",
        }

    def org(self, req: Request, ns: str) -> Response:
        _, err = self._user_or_401(req)
        if err:
            return err
        namespace = self.world.namespace(ns)
        if namespace is None or namespace.kind != "organization":
            return json_response(404, NOT_FOUND_BODY)
        body = {"orgname": ns, **self._account_common(ns, namespace)}
        body.update({"type": "Organization", "badge": namespace.badge})
        return json_response(200, body)

    def _user_namespace(self, name: str) -> Namespace | bool | None:
        """The user's Namespace, True for a credentials-only user, None when unknown."""
        ns = self.world.namespace(name)
        if ns is not None:
            return ns if ns.kind == "user" else None
        user = self.world.user(name)
        return True if user is not None and user.kind == "user" else None

    def user(self, req: Request, ns: str) -> Response:
        _, err = self._user_or_401(req)
        if err:
            return err
        found = self._user_namespace(ns)
        if found is None:
            return json_response(404, NOT_FOUND_BODY)
        namespace = found if isinstance(found, Namespace) else None
        body = {"username": ns, **self._account_common(ns, namespace), "type": "User"}
        # reorder like the BBOT capture: id, uuid, username, ...
        ordered = {k: body[k] for k in ("id", "uuid", "username")}
        ordered.update(body)
        return json_response(200, ordered)

    def current_user(self, req: Request) -> Response:
        username, err = self._user_or_401(req)
        if err:
            return err
        if username is None:
            return json_response(401, {"detail": "Authentication credentials were not provided."})
        body = {"username": username, **self._account_common(username, None), "type": "User"}
        return json_response(200, body)

    def user_orgs(self, req: Request) -> Response:
        username, err = self._user_or_401(req)
        if err:
            return err
        if username is None:
            return json_response(401, {"detail": "Authentication credentials were not provided."})
        user = self.world.user(username)
        if user is not None and user.kind == "oat":
            return json_response(
                403,
                {
                    "message": "access to the resource is forbidden with organization access token",
                    "errinfo": {},
                },
            )
        items: list[JSON] = []
        for org in self.world.orgs_of(username):
            item = {"orgname": org.name, **self._account_common(org.name, org)}
            item.update(
                {
                    "type": "Organization",
                    "badge": org.badge,
                    "is_active": True,
                    "user_role": "owner" if org.members[:1] == [username] else "member",
                    "user_groups": ["owners"] if org.members[:1] == [username] else ["members"],
                    "org_groups_count": 2,
                    "plan_name": org.plan_name,
                    "parent_name": None,
                }
            )
            items.append(item)
        return paginate(req, items)

    # ------------------------------------------------------------------ repositories

    def _repo_entry(self, ns: Namespace, repo: Repo) -> JSON:
        rc = self.state.content[(ns.name, repo.name)]
        return {
            "name": repo.name,
            "namespace": ns.name,
            "repository_type": repo.repository_type,
            "status": 1,
            "status_description": "active",
            "description": repo.description,
            "is_private": repo.private,
            "star_count": repo.star_count,
            "pull_count": repo.pull_count,
            "last_updated": iso(self._last_updated(repo)),
            "last_modified": "2024-10-16T13:48:34.145251Z",
            "date_registered": iso(self._registered(repo)),
            "affiliation": "",
            "media_types": (
                list(repo.media_types) if repo.media_types is not None else sorted(rc.media_types)
            ),
            "content_types": (
                list(repo.content_types) if repo.content_types is not None else rc.content_types
            ),
            "categories": list(repo.categories),
            "storage_size": repo.storage_size if repo.storage_size is not None else rc.total_size,
        }

    @staticmethod
    def _last_updated(repo: Repo) -> datetime | None:
        if repo.last_updated is not None:
            return repo.last_updated
        return max((t.last_pushed for t in repo.tags), default=None)

    def _registered(self, repo: Repo) -> datetime:
        if repo.date_registered is not None:
            return repo.date_registered
        oldest = min((t.last_pushed for t in repo.tags), default=None)
        return oldest or datetime(2023, 6, 29, 23, 27, 34, 326426, tzinfo=UTC)

    def repo_list(self, req: Request, ns: str) -> Response:
        username, err = self._user_or_401(req)
        if err:
            return err
        ordering = req.q("ordering")
        if ordering and ordering not in REPO_ORDERINGS:
            return json_response(
                400,
                {
                    "fields": {
                        "ordering": [
                            "Invalid ordering value. Must be one of: " + ", ".join(REPO_ORDERINGS)
                        ]
                    },
                    "text": "Invalid ordering value",
                },
            )
        namespace = self.world.namespace(ns)
        entries: list[JSON] = []
        if namespace is not None:
            entries = [
                self._repo_entry(namespace, r)
                for r in namespace.repos
                if self.state.can_see(username, namespace, r)
            ]
        name_filter = req.q("name")
        if name_filter:
            entries = [e for e in entries if name_filter.lower() in e["name"].lower()]
        for key in ("content_types", "media_types"):
            wanted = {v for v in (req.q(key) or "").split(",") if v}
            if wanted:
                entries = [e for e in entries if wanted & set(e[key])]
        if ordering:
            field_name = ordering.lstrip("-")
            entries.sort(
                key=lambda e: (e[field_name] is not None, e[field_name] or ""),
                reverse=ordering.startswith("-"),
            )
        mirror = self.state.next_base if self.state.world.hub_next_on_mirror else None
        return paginate(req, entries, mirror() if mirror else None)

    def _visible_repo(
        self, req: Request, ns: str, repo: str
    ) -> tuple[Namespace, Repo, str | None] | Response:
        username, err = self._user_or_401(req)
        if err:
            return err
        namespace = self.world.namespace(ns)
        r = namespace.repo(repo) if namespace else None
        if namespace is None or r is None or not self.state.can_see(username, namespace, r):
            return json_response(
                404,
                {
                    "message": "httperror 404: object not found",
                    "errinfo": {"namespace": ns, "repository": repo},
                },
            )
        return namespace, r, username

    def repo_detail(self, req: Request, ns: str, repo: str) -> Response:
        found = self._visible_repo(req, ns, repo)
        if isinstance(found, Response):
            return found
        namespace, r, username = found
        member = self.world.is_member(username, ns)
        entry = self._repo_entry(namespace, r)
        legacy = req.path.startswith("/v2/repositories/")
        body: JSON = {
            "user": ns,
            "name": r.name,
            "namespace": ns,
            "repository_type": r.repository_type,
            "status": 1,
            "status_description": "active",
            "description": r.description,
            "is_private": r.private,
            "is_automated": False,
            "star_count": r.star_count,
            "pull_count": r.pull_count,
            "last_updated": entry["last_updated"],
            "last_modified": entry["last_modified"],
            "date_registered": entry["date_registered"],
            "collaborator_count": 0,
            "affiliation": None,
            "hub_user": ns,
            "has_starred": False,
            "full_description": r.full_description,
            "permissions": {"read": True, "write": member, "admin": member},
            "media_types": entry["media_types"],
            "content_types": entry["content_types"],
            "categories": entry["categories"],
            "immutable_tags_settings": {"enabled": False, "rules": []},
            "storage_size": entry["storage_size"],
            "source": None,
        }
        if legacy:
            body["can_edit"] = member
        return json_response(200, body)

    def tags(self, req: Request, ns: str, repo: str) -> Response:
        found = self._visible_repo(req, ns, repo)
        if isinstance(found, Response):
            return found
        namespace, r, _ = found
        ordering = req.q("ordering") or "-last_updated"
        if ordering not in TAG_ORDERINGS:
            ordering = "-last_updated"
        rc = self.state.content[(namespace.name, r.name)]
        bodies = [rc.tags[t.name].hub_body for t in r.tags]
        field_name = ordering.lstrip("-")
        bodies.sort(key=lambda b: str(b[field_name] or ""), reverse=ordering.startswith("-"))
        name_filter = req.q("name")
        if name_filter:
            bodies = [b for b in bodies if name_filter in b["name"]]
        return paginate(req, bodies)

    def tag(self, req: Request, ns: str, repo: str, tag: str) -> Response:
        found = self._visible_repo(req, ns, repo)
        if isinstance(found, Response):
            return found
        namespace, r, _ = found
        tc = self.state.content[(namespace.name, r.name)].tags.get(tag)
        if tc is None:
            return json_response(404, NOT_FOUND_BODY)
        return json_response(200, tc.hub_body)


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
            return _registry_error(404)
        ns, repo = found
        rc = self.state.content[(ns.name, repo.name)]
        if kind == "tags":
            if ref != "list":
                return _registry_error(404)
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
            return _registry_error(429)
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


# ======================================================================== GitHub

_GH_LICENSES: dict[str, tuple[str, str, str]] = {
    "MIT": ("mit", "MIT License", "MDc6TGljZW5zZTEz"),
    "Apache-2.0": ("apache-2.0", "Apache License 2.0", "MDc6TGljZW5zZTI="),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0", "MDc6TGljZW5zZTk="),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License', "MDc6TGljZW5zZTU="),
    "MPL-2.0": ("mpl-2.0", "Mozilla Public License 2.0", "MDc6TGljZW5zZTE0"),
    "AGPL-3.0": ("agpl-3.0", "GNU Affero General Public License v3.0", "MDc6TGljZW5zZTA="),
}
GH_API = "https://api.github.com"


class GitHubApp:
    """api.github.com: repository license look-ups."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.world = state.world

    def _license_meta(self, spdx: str) -> JSON:
        if spdx == "NOASSERTION":
            return {
                "key": "other",
                "name": "Other",
                "spdx_id": "NOASSERTION",
                "url": None,
                "node_id": "MDc6TGljZW5zZTA=",
            }
        key, name, node = _GH_LICENSES.get(spdx, (spdx.lower(), spdx, "MDc6TGljZW5zZTk5"))
        return {
            "key": key,
            "name": name,
            "spdx_id": spdx,
            "url": f"{GH_API}/licenses/{key}",
            "node_id": node,
        }

    def _find(self, full: str) -> tuple[str, GitHubRepo] | None:
        key = next((k for k in self.world.github_repos if k.lower() == full.lower()), None)
        return (key, self.world.github_repos[key]) if key else None

    def _raw(self, req: Request) -> Response:
        """raw.githubusercontent.com: public files, no API rate limit, no JSON."""
        m = re.fullmatch(
            r"/raw/(?P<owner>[^/]+)/(?P<repo>[^/]+)/(?P<ref>[^/]+)/(?P<path>.+)", req.path
        )
        found = self._find(f"{m['owner']}/{m['repo']}") if m else None
        if m is None or found is None or found[1].spdx_id is None or m["path"] != found[1].path:
            return Response(404, b"404: Not Found", content_type="text/plain; charset=utf-8")
        return Response(
            200, found[1].license_text.encode(), content_type="text/plain; charset=utf-8"
        )

    def _graphql(self, req: Request, headers: list[tuple[str, str]]) -> Response:
        """POST /graphql: `repository(owner:, name:)` aliases with licenseInfo and file blobs."""
        if not req.headers.get("authorization"):
            return json_response(
                401, {"message": "This endpoint requires you to be authenticated."}
            )
        try:
            body = json.loads(req.body)
            variables: dict[str, str] = body["variables"]
            query: str = body["query"]
        except (ValueError, KeyError, TypeError):
            return json_response(400, {"message": "Problems parsing JSON"})
        data: JSON = {}
        errors: list[JSON] = []
        for alias, owner_var, name_var in re.findall(
            r"(r\d+): repository\(owner: \$(\w+), name: \$(\w+)\)", query
        ):
            files = re.findall(r'(f\d+): object\(expression: "HEAD:([^"]+)"\)', query)
            found = self._find(f"{variables.get(owner_var)}/{variables.get(name_var)}")
            if found is None:
                data[alias] = None
                errors.append(
                    {"type": "NOT_FOUND", "path": [alias], "message": "Could not resolve"}
                )
                continue
            gh = found[1]
            node: JSON = {
                "licenseInfo": {"spdxId": gh.spdx_id, "name": gh.spdx_id} if gh.spdx_id else None
            }
            for file_alias, path in dict.fromkeys(files):
                has = gh.spdx_id is not None and path == gh.path
                node[file_alias] = {"text": gh.license_text} if has else None
            data[alias] = node
        answer: JSON = {"data": data}
        if errors:
            answer["errors"] = errors
        return json_response(200, answer, headers)

    def _limit_headers(self, authed: bool) -> tuple[list[tuple[str, str]], bool]:
        """Rate-limit headers; anonymous callers get `github_anonymous_budget` requests."""
        with self.state.lock:
            if authed:
                limit, left = 5000, 4999
            else:
                limit = self.world.github_anonymous_budget
                self.state.github_anonymous_left = max(-1, self.state.github_anonymous_left - 1)
                left = self.state.github_anonymous_left
        headers = [
            ("x-ratelimit-limit", str(limit)),
            ("x-ratelimit-remaining", str(max(0, left))),
            ("x-ratelimit-reset", str(int(time.time()) + 3600)),
            ("x-ratelimit-used", "1"),
            ("x-ratelimit-resource", "core"),
            ("x-github-api-version-selected", "2022-11-28"),
        ]
        return headers, left < 0

    def __call__(self, req: Request) -> Response:
        if req.path.startswith("/raw/"):
            return self._raw(req)
        authed = bool(req.headers.get("authorization"))
        headers, spent = self._limit_headers(authed)
        if spent:
            denied = _github_error(403)
            denied.headers.extend(headers)
            return denied
        if req.path == "/graphql" and req.method == "POST":
            return self._graphql(req, headers)
        m = re.fullmatch(r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)(?P<lic>/license)?/?", req.path)
        gh = None
        full = ""
        if m:
            full = f"{m['owner']}/{m['repo']}"
            gh = next(
                (v for k, v in self.world.github_repos.items() if k.lower() == full.lower()), None
            )
        if m is None or gh is None or (m["lic"] and gh.spdx_id is None):
            doc = "https://docs.github.com/rest/licenses/licenses#get-the-license-for-a-repository"
            return json_response(
                404, {"message": "Not Found", "documentation_url": doc, "status": "404"}, headers
            )
        owner_repo = next(k for k in self.world.github_repos if k.lower() == full.lower())
        if not m["lic"]:
            body: JSON = {
                "id": stable_int("gh", owner_repo),
                "name": owner_repo.split("/")[1],
                "full_name": owner_repo,
                "private": False,
                "html_url": f"https://github.com/{owner_repo}",
                "fork": False,
                "archived": False,
                "default_branch": gh.default_branch,
                "license": self._license_meta(gh.spdx_id) if gh.spdx_id else None,
            }
            return json_response(200, body, headers)
        assert gh.spdx_id is not None
        raw = gh.license_text.encode()
        b64 = base64.b64encode(raw).decode()
        content = "\n".join(b64[i : i + 60] for i in range(0, len(b64), 60)) + "\n"
        sha = hashlib.sha1(b"blob %d\x00" % len(raw) + raw).hexdigest()
        url = f"{GH_API}/repos/{owner_repo}/contents/{gh.path}?ref={gh.default_branch}"
        html = f"https://github.com/{owner_repo}/blob/{gh.default_branch}/{gh.path}"
        git = f"{GH_API}/repos/{owner_repo}/git/blobs/{sha}"
        body = {
            "name": gh.path.rsplit("/", 1)[-1],
            "path": gh.path,
            "sha": sha,
            "size": len(raw),
            "url": url,
            "html_url": html,
            "git_url": git,
            "download_url": f"https://raw.githubusercontent.com/{owner_repo}/{gh.default_branch}/{gh.path}",
            "type": "file",
            "content": content,
            "encoding": "base64",
            "_links": {"self": url, "git": git, "html": html},
            "license": self._license_meta(gh.spdx_id),
        }
        return json_response(200, body, headers)


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
        self.hub = FakeServer("hub", HubApp(self.state), error_body=_hub_error)
        self.auth = FakeServer("auth", AuthApp(self.state), error_body=_registry_error)
        self.cdn = FakeServer("cdn", CdnApp(self.state), host=_cdn_host(), error_body=_html)
        self.registry = FakeServer(
            "registry",
            RegistryApp(
                self.state, realm=lambda: f"{self.auth.url}/token", cdn=lambda: self.cdn.url
            ),
            error_body=_registry_error,
        )
        self.github = FakeServer("github", GitHubApp(self.state), error_body=_github_error)
        self.mirror = FakeServer(
            "mirror", HubApp(self.state), host=_cdn_host(), error_body=_hub_error
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
