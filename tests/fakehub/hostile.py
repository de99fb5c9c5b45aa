"""The hostile-server kit: make any fake listener answer with raw bytes of our choosing.

A `Raw` answer is written straight to the socket: any status line, header bytes that no
well-behaved server would send (non-ASCII, huge numbers, stacked encodings), and a body sent
whole, cut short, or dripped a few bytes at a time. Queue one with
`fake.inject("hub", "/v2/orgs/", ("raw", Raw(...)))`, or make a path answer that way every time
with `always(server, "/v2/", Raw(...))`.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fakehub.http import FakeServer


@dataclass(frozen=True)
class Raw:
    """One raw HTTP/1.1 answer."""

    status: int = 200
    headers: Sequence[tuple[bytes, bytes]] = ()
    body: bytes = b""
    # Content-Length: the body's length (True), none (False: close ends the body), or a lie.
    content_length: bool | int = True
    # Send the body `chunk` bytes at a time with `drip` seconds between pieces (0: all at once).
    chunk: int = 0
    drip: float = 0.0
    # Close the connection after this many body bytes (a truncated answer).
    cut_at: int | None = None
    reason: bytes = b"Whatever"

    def head(self) -> bytes:
        """The status line and headers, as bytes."""
        lines = [b"HTTP/1.1 %d %s" % (self.status, self.reason)]
        lines += [name + b": " + value for name, value in self.headers]
        if self.content_length is True:
            lines.append(b"Content-Length: %d" % len(self.body))
        elif self.content_length is not False:
            lines.append(b"Content-Length: %d" % self.content_length)
        lines.append(b"Connection: close")
        return b"\r\n".join(lines) + b"\r\n\r\n"

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        """Write this answer on the handler's connection, then close it."""
        handler.close_connection = True
        body = self.body if self.cut_at is None else self.body[: self.cut_at]
        with contextlib.suppress(OSError):
            handler.wfile.write(self.head())
            handler.wfile.flush()
            if handler.command == "HEAD":
                return
            step = self.chunk or len(body) or 1
            for start in range(0, len(body), step):
                if start and self.drip:
                    time.sleep(self.drip)
                handler.wfile.write(body[start : start + step])
                handler.wfile.flush()
            handler.connection.shutdown(socket.SHUT_WR)


def always(server: FakeServer, path_prefix: str, answer: Raw | None) -> None:
    """Answer every request under `path_prefix` with `answer` (None: back to normal)."""
    with server._lock:
        if answer is None:
            server.raw_answers.pop(path_prefix, None)
        else:
            server.raw_answers[path_prefix] = answer


def raw_answer(server: FakeServer, path: str) -> Raw | None:
    """The standing raw answer for `path`, if any (the longest matching prefix wins)."""
    with server._lock:
        best = max((p for p in server.raw_answers if path.startswith(p)), key=len, default=None)
        return server.raw_answers[best] if best is not None else None


def json_raw(
    text: str | bytes, *, status: int = 200, extra: Sequence[tuple[bytes, bytes]] = ()
) -> Raw:
    """A JSON answer from raw text, with extra raw headers."""
    body = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return Raw(status=status, headers=[(b"Content-Type", b"application/json"), *extra], body=body)


@cache
def bomb(decoded_bytes: int, layers: int = 2) -> bytes:
    """Zeros compressed `layers` times with gzip: tiny on the wire, `decoded_bytes` when undone.

    The first layer is many copies of one gzip member of 16 MiB of zeros (a gzip stream may hold
    several members), so building a 2 GiB bomb takes a fraction of a second."""
    member_size = 16 * 1024 * 1024
    member = gzip.compress(bytes(member_size), 9)
    data = member * max(1, decoded_bytes // member_size)
    for _ in range(layers - 1):
        data = gzip.compress(data, 9)
    return data


def bomb_answer(decoded_bytes: int, layers: int = 2) -> Raw:
    """A JSON-typed answer whose body is a gzip bomb with `layers` stacked encodings."""
    encoding = b", ".join([b"gzip"] * layers)
    return Raw(
        headers=[(b"Content-Type", b"application/json"), (b"Content-Encoding", encoding)],
        body=bomb(decoded_bytes, layers),
    )
