"""httpcore's network backend on asyncio transports: what the collector's pools run on.

Each test serves a tiny HTTP/1.1 server on loopback (asyncio streams, optionally TLS with the
throwaway certificate in tests/data/tls) and checks one duty of the backend: reuse, TLS with
verification, a server's close of an idle connection, timeouts, resets and back-pressure.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import struct
from pathlib import Path

import httpcore
import httpx
import pytest

from dsos_check.collect import asyncio_backend
from dsos_check.collect.asyncio_backend import HIGH_WATER, AsyncioBackend
from dsos_check.collect.session import make_client
from tests.unit.loopback import LoopbackServer, http_answers

TLS = Path(__file__).resolve().parent.parent / "data" / "tls"


def _server_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS / "loopback.pem", TLS / "loopback.key")
    context.set_alpn_protocols(["http/1.1"])
    return context


def _trusting_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(TLS / "loopback.pem"))
    context.set_alpn_protocols(["http/1.1"])
    return context


def test_the_collectors_pools_run_on_this_backend_and_keep_connections_alive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str] = []
    connect = AsyncioBackend.connect_tcp

    async def spy(self: AsyncioBackend, host: str, port: int, **kwargs: object) -> object:
        opened.append(host)
        return await connect(self, host, port, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(AsyncioBackend, "connect_tcp", spy)

    async def main() -> list[bytes]:
        async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await http_answers(r, w, b"hello", close=False)

        async with LoopbackServer(handler) as server, make_client(4, 5.0) as client:
            url = f"http://127.0.0.1:{server.port}/"
            bodies = [(await client.get(url)).content for _ in range(3)]
            assert server.connections == 1  # kept alive and reused
            return bodies

    assert asyncio.run(main()) == [b"hello"] * 3
    assert opened == ["127.0.0.1"]


def test_tls_is_verified_and_alpn_is_offered() -> None:
    async def main() -> None:
        async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await http_answers(r, w, b"secure", close=False)

        async with LoopbackServer(handler, _server_context()) as server:
            backend = AsyncioBackend()
            stream = await backend.connect_tcp("127.0.0.1", server.port, timeout=5)
            tls = await stream.start_tls(_trusting_context(), "localhost", timeout=5)
            assert tls.get_extra_info("ssl_object").selected_alpn_protocol() == "http/1.1"
            await tls.write(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", timeout=5)
            answer = b""
            while not answer.endswith(b"secure"):
                answer += await tls.read(65536, timeout=5)
            assert answer.startswith(b"HTTP/1.1 200 OK")
            await tls.aclose()

            for context, name in (
                (ssl.create_default_context(), "localhost"),  # a certificate nobody vouches for
                (_trusting_context(), "registry.example"),  # a name the certificate does not hold
            ):
                plain = await backend.connect_tcp("127.0.0.1", server.port, timeout=5)
                with pytest.raises(httpcore.ConnectError):
                    await plain.start_tls(context, name, timeout=5)

    asyncio.run(main())


def test_a_server_closing_an_idle_connection_costs_a_new_connection_not_a_failure() -> None:
    async def main() -> None:
        async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await http_answers(r, w, b"once", close=True)

        async with LoopbackServer(handler) as server:
            pool = httpcore.AsyncConnectionPool(network_backend=AsyncioBackend())
            async with pool:
                url = f"http://127.0.0.1:{server.port}/"
                for _ in range(3):
                    response = await pool.request("GET", url)
                    assert response.content == b"once"
                    await asyncio.sleep(0.05)  # the server's close arrives while idle
            assert server.connections == 3

    asyncio.run(main())


def test_a_silent_server_times_out_and_a_reset_is_a_read_error() -> None:
    async def main() -> None:
        async def silent(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await asyncio.sleep(5)

        async with LoopbackServer(silent) as server:
            stream = await AsyncioBackend().connect_tcp("127.0.0.1", server.port, timeout=5)
            with pytest.raises(httpcore.ReadTimeout):
                await stream.read(1024, timeout=0.05)
            await stream.aclose()

        async def reset(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await r.readuntil(b"\r\n\r\n")
            # Linger 0: closing sends a TCP reset instead of an orderly end.
            w.get_extra_info("socket").setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            w.transport.abort()

        async with LoopbackServer(reset) as server:
            stream = await AsyncioBackend().connect_tcp("127.0.0.1", server.port, timeout=5)
            await stream.write(b"GET / HTTP/1.1\r\n\r\n", timeout=5)
            with pytest.raises(httpcore.ReadError):
                await _read_to_end(stream)

    asyncio.run(main())


async def _read_to_end(stream: httpcore.AsyncNetworkStream) -> bytes:
    data = b""
    while chunk := await stream.read(65536, timeout=5):
        data += chunk
    return data


def test_nothing_listening_is_a_connect_error() -> None:
    async def main() -> None:
        async with LoopbackServer(lambda r, w: asyncio.sleep(0)) as server:
            port = server.port
        await asyncio.sleep(0.05)
        with pytest.raises(httpcore.ConnectError):
            await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)

    asyncio.run(main())


def test_a_fast_sender_is_paused_so_the_buffer_stays_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    peak = 0
    received = asyncio_backend._Buffered.data_received

    def measured(self: asyncio_backend._Buffered, data: bytes) -> None:
        nonlocal peak
        received(self, data)
        peak = max(peak, len(self.data))

    monkeypatch.setattr(asyncio_backend._Buffered, "data_received", measured)
    size = 8 * HIGH_WATER

    async def main() -> int:
        async def flood(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            w.write(b"x" * size)
            await w.drain()
            w.close()

        async with LoopbackServer(flood) as server:
            stream = await AsyncioBackend().connect_tcp("127.0.0.1", server.port, timeout=5)
            await asyncio.sleep(0.2)  # the sender runs ahead of a reader that has not started
            return len(await _read_to_end(stream))

    assert asyncio.run(main()) == size
    assert peak < 2 * HIGH_WATER


def test_httpx_errors_still_name_what_failed() -> None:
    async def main() -> None:
        async def silent(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await asyncio.sleep(5)

        async with LoopbackServer(silent) as server, make_client(2, 0.1) as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(f"http://127.0.0.1:{server.port}/")

    asyncio.run(main())


def test_http1_connections_take_asyncio_locks_that_never_yield_when_free() -> None:
    # anyio's locks yield to the event loop on every acquire; a request on a connection of ours
    # must reach the socket without waiting behind the other tasks the loop has ready.
    from dsos_check.collect.pool import AsyncioLock, AsyncioPool, owns_locks

    async def main() -> tuple[list[bytes], bool, int]:
        async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await http_answers(r, w, b"hello", close=False)

        async with LoopbackServer(handler) as server, make_client(4, 5.0) as client:
            url = f"http://127.0.0.1:{server.port}/"
            bodies = [(await client.get(url)).content for _ in range(3)]
            transport = client._transport
            pool = transport._pool(httpx.URL(url))._pool  # type: ignore[attr-defined]
            assert isinstance(pool, AsyncioPool)
            owned = all(owns_locks(c) for c in pool.connections) and len(pool.connections) == 1

            # A free AsyncioLock is taken without a trip through the event loop: a task that
            # the loop had ready before it still has not run once the lock is held.
            ran: list[str] = []
            other = asyncio.ensure_future(_note(ran))
            async with AsyncioLock():
                held_first = not ran
            await other
            return bodies, owned and held_first, server.connections

    bodies, owned, connections = asyncio.run(main())
    assert bodies == [b"hello"] * 3
    assert owned
    assert connections == 1


async def _note(ran: list[str]) -> None:
    ran.append("other")


@pytest.mark.parametrize(
    ("host", "delay"),
    [
        ("127.0.0.1", None),
        ("::1", None),
        ("[::1]", None),
        ("registry-1.docker.io", asyncio_backend.HAPPY_EYEBALLS_DELAY),
    ],
)
def test_only_a_host_name_races_its_addresses(
    monkeypatch: pytest.MonkeyPatch, host: str, delay: float | None
) -> None:
    # An address has nothing to race, and asyncio's race (Python 3.11) can lose the socket of a
    # connection cancelled as it completes: an address is connected to directly.
    seen: list[object] = []

    async def create_connection(*args: object, **kwargs: object) -> object:
        seen.append(kwargs.get("happy_eyeballs_delay"))
        raise OSError("not connecting in this test")

    async def attempt() -> None:
        loop = asyncio.get_running_loop()
        monkeypatch.setattr(loop, "create_connection", create_connection)
        with pytest.raises(httpcore.ConnectError):
            await AsyncioBackend().connect_tcp(host, 443, timeout=5)

    asyncio.run(attempt())
    assert seen == [delay]
