"""httpcore's connection pool with asyncio's own locks on its HTTP/1.1 connections.

httpcore guards each connection with anyio locks, and anyio's lock yields to the event loop on
every acquire, a free one included (a fairness checkpoint). A request takes three: its
connection's request lock and the HTTP/1.1 state lock before it is written, the state lock again
when its response is closed. Each yield puts the request behind every other task the loop has
ready (other answers being read and parsed), so it is written later and gives its place in the
gate back later: on the bench namespace, 1-2 ms more in flight per request, about 4 % of a cold
run. `asyncio.Lock` takes a free lock without yielding. An HTTP/1.1 connection carries one
request at a time and its locks are never contended, so the swap changes no behaviour; HTTP/2
connections, whose streams do share their locks, keep httpcore's.

The locks are private attributes of httpcore's connections (stable through httpcore 1.0): a
lock not found where expected is left alone, and `owns_locks` lets the tests notice.
"""

from __future__ import annotations

import asyncio

import httpcore

_AnyioLock: type | None
try:  # what is replaced, and nothing else; a later httpcore without it keeps its own locks
    from httpcore._synchronization import AsyncLock as _AnyioLock
except ImportError:  # pragma: no cover - depends on the installed httpcore
    _AnyioLock = None

# Where httpcore 1.0 keeps the locks: on the connection, and on its HTTP/1.1 protocol object.
_REQUEST_LOCK = "_request_lock"
_STATE_LOCK = "_state_lock"
_PROTOCOL = "_connection"


class AsyncioLock:
    """httpcore's lock interface (`async with`) on `asyncio.Lock`."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> AsyncioLock:
        await self._lock.acquire()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._lock.release()


class AsyncioPool(httpcore.AsyncConnectionPool):
    """A pool whose HTTP/1.1 connections take their locks without yielding to the loop."""

    def create_connection(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        connection = super().create_connection(origin)
        _replace(connection, _REQUEST_LOCK)
        return connection

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        response = await super().handle_async_request(request)
        # A connection's protocol object (HTTP/1.1 or HTTP/2) exists once its first request
        # has connected; only then can its state lock be replaced.
        for connection in self.connections:
            protocol = getattr(connection, _PROTOCOL, None)
            if isinstance(protocol, httpcore.AsyncHTTP11Connection):
                _replace(protocol, _STATE_LOCK)
        return response


def _replace(holder: object, name: str) -> None:
    if _AnyioLock is not None and type(getattr(holder, name, None)) is _AnyioLock:
        setattr(holder, name, AsyncioLock())


def owns_locks(connection: object) -> bool:
    """Whether an HTTP/1.1 connection of an `AsyncioPool` takes only asyncio locks."""
    protocol = getattr(connection, _PROTOCOL, None)
    return isinstance(getattr(connection, _REQUEST_LOCK, None), AsyncioLock) and isinstance(
        getattr(protocol, _STATE_LOCK, None), AsyncioLock
    )
