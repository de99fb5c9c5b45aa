"""The start of a collection: each listing page's repositories are worked on while the next page
loads, and what needs the whole listing (the pull plan, the GitHub batch) still waits for it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from dsos_check.collect.collector import Collector
from dsos_check.collect.github import GitHubClient
from dsos_check.collect.http import Http
from dsos_check.collect.hub import HubClient
from dsos_check.collect.registry import RegistryClient
from dsos_check.errors import NamespaceNotFound
from dsos_check.models import NamespaceEvidence
from tests.helpers import run

HUB = "https://hub.example.test"
REGISTRY = "https://registry.example.test"
GITHUB = "https://api.github.example.test"
LISTING = f"{HUB}/v2/namespaces/acme/repositories"
NAMES = [f"r{i:03d}" for i in range(120)]
PER_PAGE = 60  # a Hub may answer fewer per page than asked for


def _entry(name: str) -> dict[str, Any]:
    # Private: no registry work, so a repository is done as soon as its detail is read.
    return {
        "name": name,
        "is_private": True,
        "repository_type": "image",
        "last_updated": "2026-11-01T12:00:00Z",
    }


def _page(number: int) -> httpx.Response:
    chunk = NAMES[(number - 1) * PER_PAGE : number * PER_PAGE]
    more = number * PER_PAGE < len(NAMES)
    nxt = f"{LISTING}?page={number + 1}&page_size=100" if more else None
    body = {"count": len(NAMES), "next": nxt, "results": [_entry(n) for n in chunk]}
    return httpx.Response(200, json=body)


def _mock_hub(second_page_waits_for: asyncio.Event | None) -> None:
    respx.get(f"{HUB}/v2/orgs/acme/").mock(return_value=httpx.Response(200, json={}))

    async def listing(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        if number == 2 and second_page_waits_for is not None:
            # Answered only once a repository of page 1 has asked for its detail: a collector
            # that waited for the whole listing first would never get here (and time out).
            await asyncio.wait_for(second_page_waits_for.wait(), 5)
        return _page(number)

    def detail(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        if name in NAMES[:PER_PAGE] and second_page_waits_for is not None:
            second_page_waits_for.set()
        overview = f"Source: https://github.com/acme/{name}"
        return httpx.Response(200, json={"name": name, "full_description": overview})

    respx.get(LISTING).mock(side_effect=listing)
    respx.get(url__regex=rf"{LISTING}/r\d+$").mock(side_effect=detail)
    respx.get(f"{REGISTRY}/v2/").mock(return_value=httpx.Response(200))


async def _collect(github_token: str | None = None) -> NamespaceEvidence:
    async with httpx.AsyncClient(timeout=10) as client:
        http = Http(client, concurrency=8)
        collector = Collector(
            hub=HubClient(http, HUB),
            registry=RegistryClient(http, REGISTRY),
            github=GitHubClient(http, GITHUB, github_token),
        )
        return await collector.collect("acme")


@respx.mock
def test_the_details_of_page_one_are_read_while_page_two_loads() -> None:
    respx.get(url__startswith=f"{GITHUB}/repos/").mock(return_value=httpx.Response(404))

    async def go() -> NamespaceEvidence:
        _mock_hub(asyncio.Event())
        return await _collect()

    evidence = run(go())
    assert [r.name for r in evidence.repositories] == NAMES
    assert all(r.full_description for r in evidence.repositories)


@respx.mock
def test_the_github_batch_waits_for_the_whole_listing() -> None:
    # Page 1's repositories are all done before page 2 is answered; their look-ups must not go
    # out alone: one batch of 60 and one of 60 would be a request more than 100 and 20.
    asked: list[int] = []

    def graphql(request: httpx.Request) -> httpx.Response:
        variables = json.loads(request.content)["variables"]
        asked.append(len(variables) // 2)
        return httpx.Response(200, json={"data": {}})

    respx.post(f"{GITHUB}/graphql").mock(side_effect=graphql)

    async def go() -> NamespaceEvidence:
        _mock_hub(asyncio.Event())
        return await _collect(github_token="ghp_test")

    evidence = run(go())
    assert len(evidence.repositories) == len(NAMES)
    assert asked == [100, 20]


@respx.mock
def test_a_namespace_not_found_leaves_no_repository_work_running() -> None:
    respx.get(f"{HUB}/v2/orgs/acme/").mock(return_value=httpx.Response(404, json={}))
    respx.get(f"{HUB}/v2/users/acme/").mock(return_value=httpx.Response(404, json={}))

    async def slow_detail(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.2)  # still in flight when the account look-up fails
        return httpx.Response(200, json={})

    respx.get(LISTING).mock(return_value=_page(1))
    respx.get(url__regex=rf"{LISTING}/r\d+$").mock(side_effect=slow_detail)
    respx.get(f"{REGISTRY}/v2/").mock(return_value=httpx.Response(200))

    async def go() -> set[asyncio.Task[Any]]:
        with pytest.raises(NamespaceNotFound):
            await _collect()
        await asyncio.sleep(0)  # let the cancelled tasks finish
        return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}

    assert run(go()) == set()
