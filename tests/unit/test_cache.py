"""The on-disk cache: immutable objects, ETag revalidation, short-lived answers, corruption, secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import respx

from dsos_check.collect.cache import CacheMode, HttpCache, cache_key
from dsos_check.collect.http import Http, Response
from dsos_check.collect.hub import HubClient
from tests.helpers import run

URL = "https://registry.example.test/v2/acme/app/manifests/sha256:abc"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def fetch(cache: HttpCache, url: str, mode: CacheMode, **kwargs: Any) -> Response:
    async with httpx.AsyncClient() as client:
        return await Http(client, cache=cache).request("GET", url, cache=mode, **kwargs)


@respx.mock
def test_immutable_answers_are_never_fetched_twice(tmp_path: Path) -> None:
    route = respx.get(URL).respond(
        200,
        json={"schemaVersion": 2},
        headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
    )
    cache = HttpCache(tmp_path)
    first = run(fetch(cache, URL, CacheMode.IMMUTABLE))
    second = run(fetch(HttpCache(tmp_path), URL, CacheMode.IMMUTABLE))
    assert route.call_count == 1
    assert first.body == second.body
    assert not first.from_cache
    assert second.from_cache
    assert second.headers["content-type"] == "application/vnd.oci.image.manifest.v1+json"


@respx.mock
def test_etag_revalidation_turns_a_304_into_the_cached_answer(tmp_path: Path) -> None:
    url = "https://api.github.example/repos/acme/app/license"
    route = respx.get(url).mock(
        side_effect=[
            httpx.Response(200, json={"license": {"spdx_id": "MIT"}}, headers={"ETag": '"v1"'}),
            httpx.Response(304, headers={"ETag": '"v1"'}),
        ]
    )
    cache = HttpCache(tmp_path)
    run(fetch(cache, url, CacheMode.REVALIDATE))
    again = run(fetch(cache, url, CacheMode.REVALIDATE))
    assert route.call_count == 2
    assert route.calls[1].request.headers["if-none-match"] == '"v1"'
    assert again.status == 200
    assert again.from_cache
    assert b"MIT" in again.body
    assert cache.revalidated == 1


@respx.mock
def test_short_answers_live_for_the_ttl_only(tmp_path: Path) -> None:
    url = "https://hub.example.test/v2/orgs/acme/"
    route = respx.get(url).respond(200, json={"orgname": "acme"})
    clock = Clock()
    cache = HttpCache(tmp_path, short_ttl=60, clock=clock)
    run(fetch(cache, url, CacheMode.SHORT))
    run(fetch(cache, url, CacheMode.SHORT))
    assert route.call_count == 1
    clock.now += 61
    run(fetch(cache, url, CacheMode.SHORT))
    assert route.call_count == 2


@respx.mock
def test_by_default_hub_answers_are_never_reused_so_a_fix_shows_at_once(tmp_path: Path) -> None:
    url = "https://hub.example.test/v2/repositories/acme/app/"
    route = respx.get(url).mock(
        side_effect=[
            httpx.Response(200, json={"full_description": "old"}),
            httpx.Response(200, json={"full_description": "fixed"}),
        ]
    )
    cache = HttpCache(tmp_path)
    run(fetch(cache, url, CacheMode.SHORT))
    second = run(fetch(cache, url, CacheMode.SHORT))
    assert route.call_count == 2
    assert b"fixed" in second.body
    assert cache.usage() is None


@respx.mock
def test_usage_counts_reused_answers_that_may_have_changed_and_the_oldest_age(
    tmp_path: Path,
) -> None:
    clock = Clock()
    cache = HttpCache(tmp_path, short_ttl=600, clock=clock)
    hub = "https://hub.example.test/v2/orgs/acme/"
    respx.get(hub).respond(200, json={"orgname": "acme"})
    respx.get(URL).respond(200, json={"ok": True})
    run(fetch(cache, hub, CacheMode.SHORT))
    run(fetch(cache, URL, CacheMode.IMMUTABLE))
    clock.now += 125
    run(fetch(cache, hub, CacheMode.SHORT))
    run(fetch(cache, URL, CacheMode.IMMUTABLE))
    usage = cache.usage()
    assert usage is not None
    assert (usage.answers, usage.oldest_seconds) == (1, 125)  # the digest-addressed one can't age


@respx.mock
def test_not_found_is_remembered_briefly_but_server_errors_are_not(tmp_path: Path) -> None:
    gone = "https://api.github.example/repos/a/gone/license"
    broken = "https://api.github.example/repos/a/broken/license"
    gone_route = respx.get(gone).respond(404, json={"message": "Not Found"})
    broken_route = respx.get(broken).respond(500)
    cache = HttpCache(tmp_path, short_ttl=300)
    for _ in range(2):
        assert run(fetch(cache, gone, CacheMode.REVALIDATE)).status == 404
        run(fetch(cache, broken, CacheMode.REVALIDATE))
    assert gone_route.call_count == 1
    assert broken_route.call_count == 2


@respx.mock
def test_a_corrupt_entry_is_ignored_and_removed(tmp_path: Path) -> None:
    route = respx.get(URL).respond(200, json={"ok": True})
    cache = HttpCache(tmp_path)
    run(fetch(cache, URL, CacheMode.IMMUTABLE))
    files = list(cache.directory.rglob("*.json"))
    assert len(files) == 1
    files[0].write_text("{not json")
    answer = run(fetch(cache, URL, CacheMode.IMMUTABLE))
    assert answer.status == 200
    assert route.call_count == 2
    (files[0]).write_bytes(b"\x00\xff")
    assert cache.get(cache_key("GET", URL)) is None
    assert not files[0].exists()


@respx.mock
def test_an_unwritable_cache_directory_is_not_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    respx.get(URL).respond(200, json={"ok": True})
    answer = run(fetch(HttpCache(blocker), URL, CacheMode.IMMUTABLE))
    assert answer.status == 200


@respx.mock
def test_anonymous_and_authenticated_answers_are_kept_apart_and_tokens_never_stored(
    tmp_path: Path,
) -> None:
    hub = "https://hub.example.test"
    respx.post(f"{hub}/v2/auth/token").respond(200, json={"access_token": "JWT-SECRET"})
    listing = f"{hub}/v2/namespaces/acme/repositories"
    route = respx.get(listing).mock(
        side_effect=lambda request: httpx.Response(
            200,
            json={
                "count": 1,
                "next": None,
                "results": [
                    {"name": "private" if "authorization" in request.headers else "public"}
                ],
            },
        )
    )
    cache = HttpCache(tmp_path, short_ttl=300)

    async def names(login: bool) -> list[str]:
        async with httpx.AsyncClient() as client:
            client_hub = HubClient(Http(client, cache=cache), hub)
            if login:
                await client_hub.login("acmebot", "dckr_pat_SECRET")
            return [e.name or "" for e in await client_hub.repositories("acme")]

    assert run(names(False)) == ["public"]
    assert run(names(True)) == ["private"]
    assert run(names(False)) == ["public"]
    assert route.call_count == 2
    stored = b"".join(p.read_bytes() for p in cache.directory.rglob("*.json"))
    names_on_disk = "".join(p.name for p in cache.directory.rglob("*"))
    for secret in (b"dckr_pat_SECRET", b"JWT-SECRET"):
        assert secret not in stored
        assert secret.decode() not in names_on_disk


# --------------------------------------------------------------------------- trust


def test_an_entry_from_the_future_is_never_fresh(tmp_path: Path) -> None:
    clock = Clock()
    cache = HttpCache(tmp_path, short_ttl=300, clock=clock)
    key = cache_key("GET", URL)
    clock.now += 10**9  # stored "in the future"
    cache.put(key, URL, {}, b"x")
    clock.now -= 10**9
    entry = cache.get(key)
    assert entry is not None
    assert not cache.fresh(entry, CacheMode.SHORT)
    assert not cache.fresh(entry, CacheMode.REVALIDATE)


def test_a_symlinked_shard_directory_is_neither_read_nor_written(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path / "c")
    key = cache_key("GET", URL)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache.directory.mkdir(parents=True)
    (cache.directory / key[:2]).symlink_to(elsewhere)
    cache.put(key, URL, {}, b"planted?")
    assert list(elsewhere.iterdir()) == []
    # a file planted behind the link is not trusted either
    HttpCache(tmp_path / "d").put(key, URL, {}, b"planted")
    planted = next((tmp_path / "d").rglob("*.json"))
    (elsewhere / planted.name).write_bytes(planted.read_bytes())
    assert cache.get(key) is None


def test_a_symlinked_entry_is_not_followed(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path / "c")
    key = cache_key("GET", URL)
    cache.put(key, URL, {}, b"real")
    path = next(cache.directory.rglob("*.json"))
    target = tmp_path / "target.json"
    target.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(target)
    assert cache.get(key) is None


def test_validators_are_visible_ascii_only(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path)
    key = cache_key("GET", URL)
    cache.put(
        key, URL, {"etag": '"caf\xe9"', "last-modified": "Wed, 21 Oct 2015 07:28:00 GMT"}, b"x"
    )
    entry = cache.get(key)
    assert entry is not None
    assert entry.validators == {"If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT"}


def test_new_entries_are_private(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path)
    cache.put(cache_key("GET", URL), URL, {}, b"x")
    assert next(cache.directory.rglob("*.json")).stat().st_mode & 0o077 == 0
