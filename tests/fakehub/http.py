"""The fake's shared HTTP plumbing: requests, responses, fault injection, one loopback server."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakehub.hostile import Raw, raw_answer

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


def hub_error(status: int) -> Response:
    if status == 429:
        return json_response(429, {"detail": "Rate limit exceeded", "error": False})
    if status == 404:
        return json_response(404, NOT_FOUND_BODY)
    if status == 401:
        return json_response(401, {"detail": "Incorrect authentication credentials"})
    return json_response(status, {"message": f"httperror {status}", "errinfo": {}})


def registry_error(status: int) -> Response:
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


def github_error(status: int) -> Response:
    if status in (403, 429):
        return json_response(
            status,
            {
                "message": "API rate limit exceeded for 127.0.0.1.",
                "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
            },
        )
    return json_response(status, {"message": "Server Error"})


def html_error(status: int) -> Response:
    reason = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Time-out"}.get(
        status, "Error"
    )
    body = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
    ).encode()
    return Response(status, body, content_type="text/html")


class _QuietServer(ThreadingHTTPServer):
    """A threaded server that never prints: a client that hangs up mid-request is what several
    tests do on purpose, and in-process CLI runs would otherwise find the server's traceback in
    the stderr they capture."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A dropped connection is the client's business; the fake has nothing to report."""


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
        httpd = _QuietServer((self.host, 0), handler)
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
            resp = html_error(int(fault[1]))
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
