"""httpcore's network backend on asyncio's own transports (used by `session.PerHostTransport`).

httpcore reaches asyncio only through anyio, which costs about 0.6 ms of CPU per request on
loopback (a third of httpcore's whole cost): every read and write enters a cancel scope, and
before each request the pool asks every idle connection whether the server closed it with a
`poll()` system call. A run is hundreds of small requests on one event loop, so that CPU is paid
in series. Here an asyncio Protocol keeps what the socket delivered: a read takes from that
buffer, and whether an idle connection was closed is a look at the buffer (asyncio's selector
already watches the socket). Hand-written because neither httpx nor httpcore ships such a
backend; it is small and covers only what httpcore asks of one (no Unix sockets).
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore

# Bytes held unread before the socket is no longer read (bounded memory for a fast sender);
# reading resumes once a reader has taken the buffer below the low mark.
HIGH_WATER = 256 * 1024
LOW_WATER = 64 * 1024
# RFC 8305's "Connection Attempt Delay", as anyio uses: an address family that does not answer
# in this time is raced by the next.
HAPPY_EYEBALLS_DELAY = 0.25


class _Buffered(asyncio.Protocol):
    """What a connection delivered and how it ended, with one reader and one writer waiting."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.data = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self._reading_paused = False
        self._writing_paused = False
        self._readable: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.data += data
        if len(self.data) > HIGH_WATER and not self._reading_paused and self.transport:
            self._reading_paused = True
            self.transport.pause_reading()
        _wake(self._readable)

    def eof_received(self) -> bool:
        self.eof = True
        _wake(self._readable)
        return False  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        _wake(self._readable)
        _wake(self._writable)

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        _wake(self._writable)

    def take(self, max_bytes: int) -> bytes:
        """Up to `max_bytes` of what was delivered (resuming the socket once drained)."""
        chunk = bytes(self.data[:max_bytes])
        del self.data[:max_bytes]
        if self._reading_paused and len(self.data) < LOW_WATER and self.transport:
            self._reading_paused = False
            self.transport.resume_reading()
        return chunk

    async def readable(self, timeout: float | None) -> None:
        """Wait until data or the end of the connection arrives."""
        self._readable = asyncio.get_running_loop().create_future()
        try:
            await _within(self._readable, timeout)
        finally:
            self._readable = None

    async def writable(self, timeout: float | None) -> None:
        """Wait until the transport's write buffer has drained below its limit."""
        if not self._writing_paused or self.eof:
            return
        self._writable = asyncio.get_running_loop().create_future()
        try:
            await _within(self._writable, timeout)
        finally:
            self._writable = None


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


async def _within(waiter: asyncio.Future[None], timeout: float | None) -> None:
    if timeout is None:
        await waiter
        return
    async with asyncio.timeout(timeout):
        await waiter


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection, plain or TLS."""

    def __init__(self, transport: asyncio.Transport, protocol: _Buffered) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.data and not protocol.eof:
            try:
                await protocol.readable(timeout)
            except TimeoutError:
                raise httpcore.ReadTimeout("no data within the read timeout") from None
        if protocol.data:
            return protocol.take(max_bytes)
        if protocol.error is not None:
            raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__)
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._protocol.eof or self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        try:
            await self._protocol.writable(timeout)
        except TimeoutError:
            raise httpcore.WriteTimeout("the data was not taken within the write timeout") from None

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                tls = await loop.start_tls(
                    self._transport,
                    self._protocol,
                    ssl_context,
                    server_hostname=server_hostname,
                )
        except TimeoutError:
            self._transport.abort()
            raise httpcore.ConnectTimeout("the TLS handshake timed out") from None
        except OSError as exc:  # ssl.SSLError and certificate errors included
            self._transport.abort()
            raise httpcore.ConnectError(str(exc)) from None
        if tls is None:  # the connection closed during the handshake
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        assert isinstance(tls, asyncio.Transport)
        # start_tls does not call connection_made again: pause and resume go to the TLS layer.
        self._protocol.transport = tls
        return AsyncioStream(tls, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # An idle HTTP/1.1 connection may only ever read the server's close.
            return bool(self._protocol.data) or self._protocol.eof
        names = {
            "ssl_object": "ssl_object",
            "client_addr": "sockname",
            "server_addr": "peername",
            "socket": "socket",
        }
        return self._transport.get_extra_info(names[info]) if info in names else None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections with asyncio's `create_connection` (happy eyeballs on)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Buffered,
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=_race_delay(host),
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"connecting to {host}:{port} timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from None
        assert isinstance(transport, asyncio.Transport)
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _race_delay(host: str) -> float | None:
    """Happy eyeballs only where there is a race to run: a host name, which may resolve to
    several addresses. An address is one attempt, made without asyncio's `staggered_race`,
    which in Python 3.11 loses a socket that connected just as the request was cancelled (a
    deadline, the end of a run): the socket is then closed only by the garbage collector."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return HAPPY_EYEBALLS_DELAY
    return None
