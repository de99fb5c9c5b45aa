"""The gate's occupancy figure (`-v`): requests in flight on average while the run talked."""

from __future__ import annotations

import asyncio

import httpx

from dsos_check.collect.http import Http
from dsos_check.collect.occupancy import Occupancy


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_mean_is_request_seconds_over_the_span_from_first_sent_to_last_answered() -> None:
    clock = Clock()
    occupancy = Occupancy(clock=clock)
    assert occupancy.mean == 0.0  # nothing sent yet
    occupancy.taken()  # t=0: one in flight
    clock.now += 1
    occupancy.taken()  # t=1: two
    clock.now += 1
    occupancy.given_back()  # t=2: one
    clock.now += 2
    occupancy.given_back()  # t=4: none
    assert occupancy.span == 4.0
    assert occupancy.busy == 1 + 2 + 2  # 1 s alone, 1 s together, 2 s alone
    assert occupancy.mean == 5 / 4


def test_a_full_gate_shows_the_concurrency_and_requests_one_by_one_show_one() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return httpx.Response(200, stream=httpx.ByteStream(b"{}"))

    async def run(concurrency: int, together: bool) -> float:
        client = httpx.AsyncClient(transport=httpx.MockTransport(slow))
        http = Http(client, concurrency=concurrency)
        urls = [f"https://hub.example/{i}" for i in range(8)]
        if together:
            await asyncio.gather(*(http.request("GET", u) for u in urls))
        else:
            for url in urls:
                await http.request("GET", url)
        await client.aclose()
        return http.occupancy.mean

    full = asyncio.run(run(4, together=True))
    assert 3.0 < full <= 4.0
    assert 0.8 < asyncio.run(run(4, together=False)) <= 1.0
