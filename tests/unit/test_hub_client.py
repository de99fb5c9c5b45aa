"""Docker Hub client against respx: pagination, auth scoping, legacy fallbacks, real shapes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from dsos_check.collect.http import Http
from dsos_check.collect.hub import HubClient
from dsos_check.errors import ApiError, AuthError, HubUnavailable, NamespaceNotFound, RateLimited
from tests.helpers import run

HUB = "https://hub.example.test"
NOT_FOUND = {"message": "httperror 404: object not found", "errinfo": {}}


async def _no_sleep(_: float) -> None:
    return None


def make_hub() -> tuple[HubClient, Http, httpx.AsyncClient]:
    client = httpx.AsyncClient(timeout=5)
    http = Http(client, concurrency=4, sleep=_no_sleep)
    return HubClient(http, HUB), http, client


def repo_entry(name: str, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": name,
        "namespace": "acme",
        "repository_type": "image",
        "status": 1,
        "status_description": "active",
        "description": "",
        "is_private": False,
        "star_count": 0,
        "pull_count": 1,
        "last_updated": "2026-11-01T12:00:00.123456Z",
        "last_modified": "2024-10-16T13:48:34.145251Z",
        "date_registered": "2021-12-20T17:19:58.507614Z",
        "affiliation": "",
        "media_types": ["application/vnd.oci.image.index.v1+json"],
        "content_types": ["image"],
        "categories": [],
    }
    entry.update(extra)
    return entry


def page(results: list[dict[str, Any]], next_url: str | None, count: int) -> dict[str, Any]:
    return {"count": count, "next": next_url, "previous": None, "results": results}


@respx.mock
def test_repositories_follow_absolute_next_urls_to_the_end() -> None:
    names = [f"r{i:03d}" for i in range(250)]
    base = f"{HUB}/v2/namespaces/acme/repositories"

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        size = int(request.url.params["page_size"])
        assert size == 100
        chunk = names[(number - 1) * size : number * size]
        nxt = f"{base}?page={number + 1}&page_size=100" if number * size < len(names) else None
        return httpx.Response(200, json=page([repo_entry(n) for n in chunk], nxt, len(names)))

    route = respx.get(base).mock(side_effect=handler)

    async def go() -> list[str]:
        hub, _, client = make_hub()
        async with client:
            return [e.name or "" for e in await hub.repositories("acme")]

    assert run(go()) == names
    assert route.call_count == 3


@respx.mock
def test_page_past_the_end_404_ends_the_list() -> None:
    base = f"{HUB}/v2/namespaces/acme/repositories"
    respx.get(base, params={"page": "1"}).respond(
        200, json=page([repo_entry("a")], f"{base}?page=2&page_size=100", 5)
    )
    respx.get(base, params={"page": "2"}).respond(404, json=NOT_FOUND)

    async def go() -> list[str]:
        hub, _, client = make_hub()
        async with client:
            return [e.name or "" for e in await hub.repositories("acme")]

    assert run(go()) == ["a"]


@respx.mock
def test_list_falls_back_to_the_legacy_endpoint() -> None:
    respx.get(f"{HUB}/v2/namespaces/acme/repositories").respond(
        404, json={"message": "404: Page Not Found"}
    )
    legacy = respx.get(f"{HUB}/v2/repositories/acme/").respond(
        200, json=page([repo_entry("old")], None, 1)
    )

    async def go() -> list[str]:
        hub, _, client = make_hub()
        async with client:
            return [e.name or "" for e in await hub.repositories("acme")]

    assert run(go()) == ["old"]
    assert legacy.called


@respx.mock
def test_missing_null_and_extra_fields_are_tolerated() -> None:
    sparse = {
        "name": "sparse",
        "repository_type": None,
        "last_updated": None,
        "new_field": {"x": 1},
    }
    odd = repo_entry("odd", is_private=None, media_types=None, content_types=["image", 3])
    respx.get(f"{HUB}/v2/namespaces/acme/repositories").respond(
        200, json=page([sparse, odd, {"no": "name"}], None, 3)
    )

    async def go() -> list[Any]:
        hub, _, client = make_hub()
        async with client:
            return await hub.repositories("acme")

    entries = run(go())
    assert [e.name for e in entries] == ["sparse", "odd"]
    assert entries[0].last_updated is None
    assert entries[1].is_private is False
    assert entries[1].content_types == ["image"]


@respx.mock
def test_account_org_then_user_then_not_found() -> None:
    respx.get(f"{HUB}/v2/orgs/someone/").respond(404, json=NOT_FOUND)
    respx.get(f"{HUB}/v2/users/someone/").respond(
        200, json={"id": "f9", "username": "someone", "type": "User", "company": "X"}
    )
    respx.get(f"{HUB}/v2/orgs/binacle/").respond(
        200, json={"orgname": "binacle", "type": "Organization", "badge": "open_source"}
    )
    respx.get(f"{HUB}/v2/orgs/ghost/").respond(404, json=NOT_FOUND)
    respx.get(f"{HUB}/v2/users/ghost/").respond(404, json=NOT_FOUND)

    async def go() -> tuple[Any, Any]:
        hub, _, client = make_hub()
        async with client:
            user = await hub.account("someone")
            org = await hub.account("binacle")
            with pytest.raises(NamespaceNotFound, match="not found on Docker Hub"):
                await hub.account("ghost")
            return user, org

    user, org = run(go())
    assert (user.type, user.badge) == ("user", None)
    assert (org.type, org.badge) == ("organization", "open_source")


@respx.mock
def test_bearer_goes_to_the_hub_origin_only() -> None:
    seen: list[tuple[str, str | None]] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.headers.get("authorization")))
        if request.url.host == "elsewhere.test":
            return httpx.Response(200, json=page([repo_entry("b")], None, 2))
        return httpx.Response(
            200, json=page([repo_entry("a")], "https://elsewhere.test/v2/next?page=2", 2)
        )

    login = respx.post(f"{HUB}/v2/auth/token").respond(200, json={"access_token": "JWT123"})
    respx.get(f"{HUB}/v2/namespaces/acme/repositories").mock(side_effect=record)
    respx.get("https://elsewhere.test/v2/next").mock(side_effect=record)

    async def go() -> list[str]:
        hub, _, client = make_hub()
        async with client:
            await hub.login("acmebot", "dckr_pat_SECRET")
            return [e.name or "" for e in await hub.repositories("acme")]

    assert run(go()) == ["a", "b"]
    body = json.loads(login.calls[0].request.content)
    assert body == {"identifier": "acmebot", "secret": "dckr_pat_SECRET"}
    assert seen == [("hub.example.test", "Bearer JWT123"), ("elsewhere.test", None)]


@respx.mock
def test_rejected_credentials_raise_auth_error_without_the_token() -> None:
    respx.post(f"{HUB}/v2/auth/token").respond(
        401, json={"detail": "Incorrect authentication credentials"}
    )

    async def go() -> None:
        hub, _, client = make_hub()
        async with client:
            await hub.login("acmebot", "dckr_pat_SECRET")

    with pytest.raises(AuthError) as info:
        run(go())
    assert "dckr_pat_SECRET" not in str(info.value)


@respx.mock
def test_detail_is_read_and_unreadable_detail_is_none() -> None:
    respx.get(f"{HUB}/v2/namespaces/acme/repositories/app").respond(
        200, json={**repo_entry("app"), "full_description": "# App", "permissions": {"read": True}}
    )
    respx.get(f"{HUB}/v2/namespaces/acme/repositories/gone").respond(404, json=NOT_FOUND)
    respx.get(f"{HUB}/v2/repositories/acme/gone/").respond(404, json=NOT_FOUND)

    async def go() -> tuple[Any, Any]:
        hub, _, client = make_hub()
        async with client:
            return await hub.repository("acme", "app"), await hub.repository("acme", "gone")

    app, gone = run(go())
    assert app.full_description == "# App"
    assert gone is None


@respx.mock
def test_429_is_retried_after_retry_after_then_succeeds() -> None:
    route = respx.get(f"{HUB}/v2/orgs/acme/").mock(
        side_effect=[
            httpx.Response(
                429,
                headers={"Retry-After": "1"},
                json={"detail": "Rate limit exceeded", "error": False},
            ),
            httpx.Response(200, json={"orgname": "acme"}),
        ]
    )

    async def go() -> str:
        hub, _, client = make_hub()
        async with client:
            return (await hub.account("acme")).type

    assert run(go()) == "organization"
    assert route.call_count == 2


@respx.mock
def test_persistent_429_is_rate_limited_error() -> None:
    respx.get(f"{HUB}/v2/orgs/acme/").respond(429, headers={"Retry-After": "1"})

    async def go() -> None:
        hub, _, client = make_hub()
        async with client:
            await hub.account("acme")

    with pytest.raises(RateLimited):
        run(go())


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(200, content=b'{"count": 3, "results": [{"na'), ApiError),
        (httpx.Response(200, content=b"<html>oops</html>"), ApiError),
        (httpx.Response(500, json={"code": 13, "message": "internal"}), ApiError),
    ],
    ids=["truncated-json", "html", "server-error"],
)
@respx.mock
def test_malformed_answers_are_api_errors(response: httpx.Response, error: type[Exception]) -> None:
    respx.get(f"{HUB}/v2/namespaces/acme/repositories").mock(return_value=response)

    async def go() -> None:
        hub, _, client = make_hub()
        async with client:
            await hub.repositories("acme")

    with pytest.raises(error):
        run(go())


@respx.mock
def test_timeouts_become_hub_unavailable() -> None:
    respx.get(f"{HUB}/v2/orgs/acme/").mock(side_effect=httpx.ReadTimeout("slow"))

    async def go() -> None:
        hub, _, client = make_hub()
        async with client:
            await hub.account("acme")

    with pytest.raises(HubUnavailable, match="timed out"):
        run(go())


@respx.mock
def test_concurrency_is_bounded() -> None:
    in_flight = 0
    peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json={"orgname": "x"})

    respx.get(url__regex=rf"{HUB}/v2/orgs/.*").mock(side_effect=slow)

    async def go() -> None:
        client = httpx.AsyncClient()
        http = Http(client, concurrency=3)
        hub = HubClient(http, HUB)
        async with client:
            await asyncio.gather(*(hub.account(f"ns{i}") for i in range(12)))

    run(go())
    assert peak == 3


@respx.mock
def test_a_dropped_connection_is_retried_for_reads_only() -> None:
    route = respx.get(f"{HUB}/v2/orgs/acme/").mock(
        side_effect=[
            httpx.RemoteProtocolError("peer closed"),
            httpx.Response(200, json={"orgname": "acme"}),
        ]
    )
    login = respx.post(f"{HUB}/v2/auth/token").mock(side_effect=httpx.ConnectError("refused"))

    async def go() -> str:
        hub, _, client = make_hub()
        async with client:
            with pytest.raises(HubUnavailable):
                await hub.login("acmebot", "secret")
            return (await hub.account("acme")).type

    assert run(go()) == "organization"
    assert route.call_count == 2
    assert login.call_count == 1


@respx.mock
def test_an_expired_bearer_is_exchanged_again_once() -> None:
    login = respx.post(f"{HUB}/v2/auth/token").mock(
        side_effect=[
            httpx.Response(200, json={"access_token": "JWT1"}),
            httpx.Response(200, json={"access_token": "JWT2"}),
        ]
    )

    def by_token(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") == "Bearer JWT2":
            return httpx.Response(200, json={"orgname": "acme"})
        return httpx.Response(401, json={"detail": "token expired"})

    respx.get(f"{HUB}/v2/orgs/acme/").mock(side_effect=by_token)

    async def go() -> str:
        hub, _, client = make_hub()
        async with client:
            await hub.login("acmebot", "secret")
            return (await hub.account("acme")).type

    assert run(go()) == "organization"
    assert login.call_count == 2


@respx.mock
def test_newest_push_from_tags_only_when_asked() -> None:
    tags = {
        "count": 2,
        "next": None,
        "results": [
            {"name": "old", "tag_last_pushed": "2024-01-01T00:00:00Z"},
            {"name": "new", "tag_last_pushed": "2026-11-01T12:00:00.613197154Z"},
            {"name": "odd", "tag_last_pushed": "not a date"},
        ],
    }
    respx.get(f"{HUB}/v2/namespaces/acme/repositories/app/tags").respond(403, json={"detail": "no"})
    legacy = respx.get(f"{HUB}/v2/repositories/acme/app/tags/").respond(200, json=tags)

    async def go() -> Any:
        hub, _, client = make_hub()
        async with client:
            return await hub.newest_push("acme", "app")

    newest = run(go())
    assert newest is not None
    assert newest.isoformat().startswith("2026-11-01T12:00:00")
    assert legacy.called


@respx.mock
def test_a_next_link_leading_back_ends_the_list_after_one_round() -> None:
    base = f"{HUB}/v2/namespaces/acme/repositories"
    first = f"{base}?page_size=100&page=1"
    second = f"{base}?page=2&page_size=100"
    respx.get(base, params={"page": "1"}).respond(200, json=page([repo_entry("a")], second, 9))
    route = respx.get(base, params={"page": "2"}).respond(
        200, json=page([repo_entry("b")], first, 9)
    )

    async def go() -> list[str]:
        hub, _, client = make_hub()
        async with client:
            return [e.name or "" for e in await hub.repositories("acme")]

    assert run(go()) == ["a", "b"]
    assert route.call_count == 1


@respx.mock
def test_a_legacy_fallback_is_per_namespace_and_per_listing() -> None:
    # One namespace's 404 on the new API must not send the others to the legacy URL (the
    # switch used to be run-wide, so a slower namespace in the same batch became `error`).
    respx.get(f"{HUB}/v2/namespaces/old/repositories").respond(404, json=NOT_FOUND)
    legacy = respx.get(f"{HUB}/v2/repositories/old/").respond(
        200, json=page([repo_entry("x")], None, 1)
    )
    modern = respx.get(f"{HUB}/v2/namespaces/new/repositories").respond(
        200, json=page([repo_entry("y")], None, 1)
    )
    respx.get(f"{HUB}/v2/repositories/new/").respond(404, json=NOT_FOUND)

    async def go() -> tuple[list[str], list[str]]:
        hub, _, client = make_hub()
        async with client:
            old = await hub.repositories("old")
            new = await hub.repositories("new")
            return [e.name or "" for e in old], [e.name or "" for e in new]

    assert run(go()) == (["x"], ["y"])
    assert legacy.call_count == 1
    assert modern.call_count == 1
