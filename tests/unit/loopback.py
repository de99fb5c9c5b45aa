"""A tiny loopback HTTP/1.1 server for transport tests (asyncio streams, optionally TLS)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def http_answers(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes, close: bool
) -> None:
    """Answer every request on the connection with `body`; close after the first if asked."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        if not head:
            break
        extra = b"Connection: close\r\n" if close else b""
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n" % (len(body), extra))
        writer.write(body)
        await writer.drain()
        if close:
            break
    writer.close()


class LoopbackServer:
    """A loopback server counting its connections; on exit every connection is closed."""

    def __init__(self, handler: Handler, context: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.context = context
        self.connections = 0
        self.server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> LoopbackServer:
        async def counted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            task = asyncio.current_task()
            assert task is not None
            self._tasks.add(task)
            try:
                await self.handler(reader, writer)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.transport.abort()

        self.server = await asyncio.start_server(counted, "127.0.0.1", 0, ssl=self.context)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.sleep(0.01)  # let the aborted transports close their sockets

    @property
    def port(self) -> int:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        assert isinstance(port, int)
        return port
