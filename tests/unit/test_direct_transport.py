"""How the collector's requests leave: straight to the per-host transport (no cookie jar), with
the environment's proxy applied per host."""

from __future__ import annotations

import asyncio

import httpcore
import httpx
import pytest

from dsos_check.collect.http import USER_AGENT, Http
from dsos_check.collect.session import PerHostTransport, environment_proxy, make_client
from tests.unit.loopback import LoopbackServer

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_the_environment_names_a_proxy_per_scheme_and_no_proxy_exempts_hosts(
    no_proxies: pytest.MonkeyPatch,
) -> None:
    assert environment_proxy(httpx.URL("https://hub.example/")) is None
    no_proxies.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    no_proxies.setenv("NO_PROXY", "registry.example")
    assert environment_proxy(httpx.URL("https://hub.example/v2/")) == "http://proxy.example:3128"
    assert environment_proxy(httpx.URL("https://registry.example/v2/")) is None
    assert environment_proxy(httpx.URL("http://hub.example/")) is None  # no http proxy named
    no_proxies.setenv("ALL_PROXY", "all.example:8080")  # no scheme: an http:// proxy
    assert environment_proxy(httpx.URL("http://hub.example/")) == "http://all.example:8080"


def test_a_host_the_proxy_covers_gets_a_proxy_pool_and_the_others_ours(
    no_proxies: pytest.MonkeyPatch,
) -> None:
    no_proxies.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    no_proxies.setenv("NO_PROXY", "registry.example")
    transport = PerHostTransport(2)
    proxied = transport._pool(httpx.URL("https://hub.example/"))
    direct = transport._pool(httpx.URL("https://registry.example/"))
    assert isinstance(proxied._pool, httpcore.AsyncHTTPProxy)
    assert isinstance(direct._pool, httpcore.AsyncConnectionPool)
    assert not isinstance(direct._pool, httpcore.AsyncHTTPProxy)
    asyncio.run(transport.aclose())


async def _recording_server(heads: list[bytes], extra: bytes = b"") -> LoopbackServer:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            heads.append(await reader.readuntil(b"\r\n\r\n"))
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + extra + b"\r\n{}")
            await writer.drain()

    return LoopbackServer(handler)


def test_a_proxied_request_goes_to_the_proxy_in_absolute_form(
    no_proxies: pytest.MonkeyPatch,
) -> None:
    heads: list[bytes] = []

    async def main() -> None:
        async with await _recording_server(heads) as proxy:
            no_proxies.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
            transport = PerHostTransport(2)
            async with make_client(2, 5.0, transport) as client:
                http = Http(client, concurrency=2, transport=transport)
                response = await http.request("GET", "http://hub.example/v2/orgs/acme/")
                assert response.status == 200

    asyncio.run(main())
    assert heads[0].startswith(b"GET http://hub.example/v2/orgs/acme/ HTTP/1.1\r\n")


def test_requests_sent_directly_keep_no_cookies_and_carry_one_user_agent(
    no_proxies: pytest.MonkeyPatch,
) -> None:
    heads: list[bytes] = []

    async def main() -> None:
        async with await _recording_server(heads, b"Set-Cookie: session=abc; Path=/\r\n") as s:
            transport = PerHostTransport(2)
            async with make_client(2, 5.0, transport) as client:
                http = Http(client, concurrency=2, transport=transport)
                for _ in range(2):
                    await http.request(
                        "GET", f"http://127.0.0.1:{s.port}/", headers={"Accept": "x/y"}
                    )

    asyncio.run(main())
    second = heads[1].decode().lower()
    assert "cookie" not in second
    assert second.count("user-agent:") == 1
    assert f"user-agent: {USER_AGENT}".lower() in second
    assert "accept: x/y" in second
    assert second.count("accept:") == 1  # the caller's replaced the client's, whatever the case
    assert second.count("accept-encoding:") == 1
    assert "connection: keep-alive" in second  # the client's own, kept


class _Answer:
    """A run's answer that counts how often it is formatted."""

    def __init__(self) -> None:
        self.formatted = 0

    def __repr__(self) -> str:
        self.formatted += 1
        return "<answer>"


def test_the_event_loop_hands_back_the_runs_answer_without_formatting_it() -> None:
    # Python 3.11's asyncio.run formats its main task, result included, while restoring the
    # Ctrl-C handler: after a large run that is every collected model, written out for nothing.
    from dsos_check.collect.session import run_loop

    answer = _Answer()

    async def collect() -> _Answer:
        await asyncio.sleep(0)
        return answer

    assert run_loop(collect()) is answer
    assert answer.formatted == 0

    async def fail() -> _Answer:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run_loop(fail())
