"""Registry client against respx: challenge, batched tokens, pulls counted, index → platform → config."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from dsos_check.collect.cache import HttpCache
from dsos_check.collect.http import Http
from dsos_check.collect.images import choose_platform
from dsos_check.collect.payloads import Descriptor, HubTagEntry
from dsos_check.collect.pulls import PullBudget
from dsos_check.collect.registry import Inspection, RegistryClient
from dsos_check.collect.registry_auth import parse_challenge
from tests.helpers import run

REG = "https://registry.example.test"
AUTH = "https://auth.example.test/token"
CDN = "https://cdn.example.test"

INDEX_TYPE = "application/vnd.oci.image.index.v1+json"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"


def index(
    *entries: tuple[str, str, str], annotations: dict[str, str] | None = None
) -> dict[str, Any]:
    manifests = []
    for os_name, arch, digest in entries:
        entry: dict[str, Any] = {
            "mediaType": MANIFEST_TYPE,
            "digest": digest,
            "size": 100,
            "platform": {"os": os_name, "architecture": arch},
        }
        if arch == "unknown":
            entry["annotations"] = {"vnd.docker.reference.type": "attestation-manifest"}
        manifests.append(entry)
    body: dict[str, Any] = {"schemaVersion": 2, "mediaType": INDEX_TYPE, "manifests": manifests}
    if annotations:
        body["annotations"] = annotations
    return body


def manifest(
    config_digest: str, config_type: str = CONFIG_TYPE, **annotations: str
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": config_type, "digest": config_digest, "size": 10},
        "layers": [],
    }
    if annotations:
        body["annotations"] = annotations
    return body


def challenge_routes() -> respx.Route:
    respx.get(f"{REG}/v2/").respond(
        401,
        headers={"WWW-Authenticate": f'Bearer realm="{AUTH}",service="registry.example.test"'},
        json={"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
    )
    return respx.get(AUTH).respond(200, json={"token": "REGTOKEN", "expires_in": 300})


def registry(
    budget: PullBudget | None = None, cache: HttpCache | None = None
) -> tuple[RegistryClient, httpx.AsyncClient]:
    client = httpx.AsyncClient(timeout=5)
    return RegistryClient(Http(client, concurrency=4, cache=cache), REG, budget), client


def manifest_calls(method: str = "GET", since: int = 0) -> list[respx.models.Call]:
    return [
        c
        for c in list(respx.calls)[since:]
        if c.request.method == method and "/manifests/" in c.request.url.path
    ]


def inspect(*repositories: str, **options: Any) -> list[Inspection]:
    async def go() -> list[Inspection]:
        reg, client = registry(**options)
        async with client:
            await reg.start(list(repositories))
            return list(await asyncio.gather(*(reg.inspect(r) for r in repositories)))

    return run(go())


def image_routes(repository: str, config: dict[str, Any], *, multi: bool = True) -> None:
    """`latest` → (an index →) an amd64 manifest → a config blob behind a CDN redirect."""
    name = repository.replace("/", "-")
    amd = manifest(f"sha256:cfg-{name}", **{"org.opencontainers.image.licenses": "MIT"})
    if multi:
        top = index(
            ("linux", "arm64", f"sha256:arm-{name}"),
            ("linux", "amd64", f"sha256:amd-{name}"),
            ("unknown", "unknown", f"sha256:att-{name}"),
            annotations={"org.opencontainers.image.source": "https://github.com/acme/app"},
        )
        respx.get(f"{REG}/v2/{repository}/manifests/sha256:amd-{name}").respond(200, json=amd)
    else:
        top = amd
    respx.get(f"{REG}/v2/{repository}/manifests/latest").respond(
        200,
        json=top,
        headers={
            "Docker-Content-Digest": f"sha256:top-{name}",
            "Content-Type": INDEX_TYPE if multi else MANIFEST_TYPE,
        },
    )
    respx.get(f"{REG}/v2/{repository}/blobs/sha256:cfg-{name}").respond(
        307, headers={"Location": f"{CDN}/blob/{name}?sig=abc"}
    )
    respx.get(f"{CDN}/blob/{name}").respond(200, json=config)
    respx.head(f"{REG}/v2/{repository}/manifests/latest").respond(
        200, headers={"Docker-Content-Digest": f"sha256:top-{name}"}
    )


def test_parse_challenge() -> None:
    parsed = parse_challenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull"'
    )
    assert parsed is not None
    assert (parsed.realm, parsed.service) == ("https://auth.docker.io/token", "registry.docker.io")
    assert parse_challenge('Basic realm="x"') is None
    assert parse_challenge('Bearer realm="file:///etc/passwd"') is None


def test_choose_platform_skips_attestations_and_falls_back() -> None:
    def d(os_name: str, arch: str, digest: str) -> Descriptor:
        return Descriptor.model_validate(
            {"digest": digest, "platform": {"os": os_name, "architecture": arch}}
        )

    def pick(*descriptors: Descriptor) -> str | None:
        chosen = choose_platform(list(descriptors))
        return chosen.digest if chosen else None

    assert (
        pick(d("unknown", "unknown", "a"), d("linux", "arm64", "b"), d("linux", "amd64", "c"))
        == "c"
    )
    assert pick(d("unknown", "unknown", "a"), d("linux", "arm64", "b")) == "b"
    assert choose_platform([d("unknown", "unknown", "a")]) is None


@respx.mock
def test_multi_platform_image_costs_two_manifest_gets_and_no_head() -> None:
    token_route = challenge_routes()
    config = {
        "config": {"Labels": {"org.opencontainers.image.licenses": "Apache-2.0"}},
        "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:abc in / ", "empty_layer": False},
            {
                "created_by": "LABEL org.opencontainers.image.licenses=Apache-2.0" + "x" * 5000,
                "empty_layer": True,
                "comment": "buildkit.dockerfile.v0",
            },
            "not a step",
        ],
    }
    image_routes("acme/app", config)
    [found] = inspect("acme/app")
    image = found.image
    assert image is not None
    assert image.error is None
    assert found.tag is not None
    assert found.tag.digest == "sha256:top-acme-app"
    assert image.platform == "linux/amd64"
    assert image.labels == {"org.opencontainers.image.licenses": "Apache-2.0"}
    assert image.annotations["org.opencontainers.image.licenses"] == "MIT"
    assert image.annotations["org.opencontainers.image.source"] == "https://github.com/acme/app"
    assert [s.empty_layer for s in image.history] == [False, True]
    assert len(image.history[1].created_by) == 1024
    assert len(manifest_calls("GET")) == 2
    # One free HEAD per run (not per repository) reads the pull budget before the first pull.
    assert len(manifest_calls("HEAD")) == 1
    assert token_route.call_count == 1
    assert all(
        c.request.headers.get("authorization") is None
        for c in respx.calls
        if CDN in str(c.request.url)
    )


@respx.mock
def test_single_platform_image_costs_one_manifest_get() -> None:
    challenge_routes()
    image_routes("acme/app", {"config": {"Labels": {"a": "b"}}}, multi=False)
    [found] = inspect("acme/app")
    assert found.image is not None
    assert found.image.labels == {"a": "b"}
    assert len(manifest_calls("GET")) == 1


@respx.mock
def test_annotations_of_index_entry_are_merged_between_index_and_manifest() -> None:
    challenge_routes()
    top = index(("linux", "amd64", "sha256:amd"), annotations={"k": "index", "only-index": "1"})
    top["manifests"][0]["annotations"] = {"k": "entry", "only-entry": "1"}
    respx.get(f"{REG}/v2/acme/app/manifests/latest").respond(200, json=top)
    respx.get(f"{REG}/v2/acme/app/manifests/sha256:amd").respond(200, json=manifest("sha256:c"))
    respx.get(f"{REG}/v2/acme/app/blobs/sha256:c").respond(200, json={"config": {}})
    [found] = inspect("acme/app", budget=PullBudget(unlimited=True))
    assert found.image is not None
    assert found.image.annotations == {"k": "entry", "only-index": "1", "only-entry": "1"}


@respx.mock
def test_buildkit_cache_index_is_not_an_image_and_its_entries_are_never_requested() -> None:
    challenge_routes()
    cache_index = {
        "schemaVersion": 2,
        "mediaType": INDEX_TYPE,
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": "sha256:l1",
                "size": 9,
            },
            {
                "mediaType": "application/vnd.buildkit.cacheconfig.v0",
                "digest": "sha256:cc",
                "size": 9,
            },
        ],
    }
    respx.get(f"{REG}/v2/acme/cache/manifests/latest").respond(200, json=cache_index)
    entries = respx.get(url__regex=rf"{REG}/v2/acme/cache/manifests/sha256:.*").respond(404)
    [found] = inspect("acme/cache", budget=PullBudget(unlimited=True))
    assert found.image is not None
    assert found.image.config_media_type == "application/vnd.buildkit.cacheconfig.v0"
    assert found.image.error is not None
    assert "BuildKit build cache" in found.image.error
    assert not entries.called


@respx.mock
def test_helm_chart_config_is_not_an_image() -> None:
    challenge_routes()
    respx.get(f"{REG}/v2/acme/chart/manifests/latest").respond(
        200, json=manifest("sha256:c", config_type="application/vnd.cncf.helm.config.v1+json")
    )
    [found] = inspect("acme/chart", budget=PullBudget(unlimited=True))
    assert found.image is not None
    assert found.image.config_media_type == "application/vnd.cncf.helm.config.v1+json"
    assert found.image.error is not None
    assert "not a container image" in found.image.error


@respx.mock
def test_expired_token_is_refreshed_once() -> None:
    token_route = challenge_routes()
    respx.get(f"{REG}/v2/acme/app/manifests/latest").mock(
        side_effect=[
            httpx.Response(401, json={"errors": [{"code": "UNAUTHORIZED"}]}),
            httpx.Response(200, json=manifest("sha256:cfg")),
        ]
    )
    respx.get(f"{REG}/v2/acme/app/blobs/sha256:cfg").respond(200, json={"config": {"Labels": None}})

    async def go() -> Inspection:
        reg, client = registry(budget=PullBudget(unlimited=True))
        async with client:
            return await reg.inspect("acme/app")

    found = run(go())
    assert found.image is not None
    assert found.image.error is None
    assert token_route.call_count == 2


@pytest.mark.parametrize(("status", "fragment"), [(401, "refused"), (500, "HTTP 500")])
@respx.mock
def test_registry_failures_are_recorded_not_raised(status: int, fragment: str) -> None:
    challenge_routes()
    respx.get(f"{REG}/v2/acme/app/manifests/latest").respond(status, json={"errors": []})
    [found] = inspect("acme/app", budget=PullBudget(unlimited=True))
    assert found.problem is not None
    assert fragment in found.problem.message


@respx.mock
def test_open_registry_needs_no_token() -> None:
    respx.get(f"{REG}/v2/").respond(200, json={})
    route = respx.get(f"{REG}/v2/acme/app/manifests/latest").respond(
        200, json=manifest("sha256:cfg")
    )
    respx.get(f"{REG}/v2/acme/app/blobs/sha256:cfg").respond(
        200, content=json.dumps({"config": {"Labels": {"a": "b"}}}).encode()
    )
    [found] = inspect("acme/app", budget=PullBudget(unlimited=True))
    assert found.image is not None
    assert found.image.labels == {"a": "b"}
    assert "authorization" not in route.calls[0].request.headers


@respx.mock
def test_without_latest_the_highest_version_is_read() -> None:
    challenge_routes()
    respx.get(f"{REG}/v2/acme/app/manifests/latest").respond(404)
    respx.get(f"{REG}/v2/acme/app/tags/list").respond(
        200, json={"name": "acme/app", "tags": ["edge", "1.3.0", "1.4.0-rc1", "1.4.0"]}
    )
    respx.get(f"{REG}/v2/acme/app/manifests/1.4.0").respond(
        200, json=manifest("sha256:c"), headers={"Docker-Content-Digest": "sha256:v140"}
    )
    respx.get(f"{REG}/v2/acme/app/blobs/sha256:c").respond(200, json={"config": {}})
    respx.get(f"{REG}/v2/acme/empty/manifests/latest").respond(404)
    respx.get(f"{REG}/v2/acme/empty/tags/list").respond(
        200, json={"name": "acme/empty", "tags": None}
    )
    app, empty = inspect("acme/app", "acme/empty", budget=PullBudget(unlimited=True))
    assert app.tag is not None
    assert (app.tag_count, app.tag.name, app.tag.digest) == (4, "1.4.0", "sha256:v140")
    assert (empty.tag_count, empty.tag) == (0, None)


@respx.mock
def test_pull_budget_is_never_overshot_and_a_head_still_names_the_tag() -> None:
    challenge_routes()
    repositories = [f"acme/app{i}" for i in range(6)]
    for repository in repositories:
        image_routes(repository, {"config": {}}, multi=False)
        respx.head(f"{REG}/v2/{repository}/manifests/latest").respond(
            200,
            headers={"Docker-Content-Digest": "sha256:top", "ratelimit-remaining": "3;w=21600"},
        )
    found = inspect(*repositories)
    assert len(manifest_calls("GET")) == 3
    read = [f for f in found if f.image and f.image.error is None]
    skipped = [f for f in found if f.image and f.image.error and "pull budget" in f.image.error]
    assert (len(read), len(skipped)) == (3, 3)
    assert all(f.tag is not None for f in skipped)


def test_budget_unknown_allows_one_pull_in_flight_until_an_answer_says() -> None:
    async def go() -> list[bool]:
        budget = PullBudget()
        first = await budget.take()
        waiter = asyncio.ensure_future(budget.take())
        await asyncio.sleep(0)
        assert not waiter.done()
        budget.settle({"ratelimit-remaining": "0;w=21600"}, 200)
        return [first, await waiter]

    assert run(go()) == [True, False]


@respx.mock
def test_config_blobs_are_fetched_once_per_digest() -> None:
    challenge_routes()
    for repository in ("acme/a", "acme/b"):
        respx.get(f"{REG}/v2/{repository}/manifests/latest").respond(
            200, json=manifest("sha256:same")
        )
    blob = respx.get(url__regex=rf"{REG}/v2/acme/./blobs/sha256:same").respond(
        200, json={"config": {}}
    )
    inspect("acme/a", "acme/b", budget=PullBudget(unlimited=True))
    assert blob.call_count == 1


@respx.mock
def test_tokens_cover_100_scopes_each_fetched_together() -> None:
    token_route = challenge_routes()

    async def go() -> None:
        reg, client = registry()
        async with client:
            await reg.auth.prepare([f"acme/r{i}" for i in range(250)])

    run(go())
    assert token_route.call_count == 3
    assert sorted(len(c.request.url.params.get_list("scope")) for c in token_route.calls) == [
        50,
        100,
        100,
    ]


@respx.mock
def test_warm_run_sends_no_manifest_get(tmp_path: Any) -> None:
    challenge_routes()
    image_routes("acme/app", {"config": {"Labels": {"a": "b"}}})
    clock = [1000.0]
    cache = HttpCache(tmp_path, short_ttl=300, clock=lambda: clock[0])
    inspect("acme/app", cache=cache, budget=PullBudget(unlimited=True))
    cold = len(manifest_calls("GET"))
    mark = len(respx.calls)
    [warm] = inspect("acme/app", cache=cache, budget=PullBudget(unlimited=True))
    sent = [str(c.request.url) for c in list(respx.calls)[mark:]]
    assert cold == 2
    assert not [url for url in sent if "/manifests/" in url or "/token" in url]
    clock[0] += 3600  # the tag's answer is old now: a free HEAD checks it still points there
    mark = len(respx.calls)
    [later] = inspect("acme/app", cache=cache, budget=PullBudget(unlimited=True))
    assert len(manifest_calls("GET", mark)) == 0
    assert len(manifest_calls("HEAD", mark)) == 1
    assert warm.image == later.image
    assert later.image is not None
    assert later.image.labels == {"a": "b"}


@respx.mock
def test_hub_tag_path_costs_one_pull_per_repository() -> None:
    challenge_routes()
    image_routes("acme/app", {"config": {"Labels": {"a": "b"}}})
    tag = HubTagEntry.model_validate(
        {
            "name": "latest",
            "digest": "sha256:top-acme-app",
            "media_type": INDEX_TYPE,
            "images": [
                {"os": "linux", "architecture": "arm64", "digest": "sha256:arm-acme-app"},
                {"os": "linux", "architecture": "amd64", "digest": "sha256:amd-acme-app"},
                {"os": "unknown", "architecture": "unknown", "digest": "sha256:att"},
            ],
        }
    )

    async def go() -> Inspection:
        reg, client = registry(budget=PullBudget(remaining=1))
        async with client:
            return await reg.inspect_hub_tag("acme/app", tag, 3)

    found = run(go())
    assert [c.request.url.path for c in manifest_calls()] == [
        "/v2/acme/app/manifests/sha256:amd-acme-app"
    ]
    assert found.image is not None
    assert found.image.labels == {"a": "b"}
    assert found.image.platform == "linux/amd64"
    assert found.tag is not None
    assert found.tag.platform_digests["linux/arm64"] == "sha256:arm-acme-app"
