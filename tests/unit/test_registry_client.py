"""Registry client against respx: challenge, batched tokens, index → platform, config blob redirect."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import pytest
import respx

from dsos_check.collect.http import Http
from dsos_check.collect.payloads import Descriptor
from dsos_check.collect.registry import RegistryClient, choose_platform, parse_challenge
from dsos_check.models import ImageEvidence

REG = "https://registry.example.test"
AUTH = "https://auth.example.test/token"
CDN = "https://cdn.example.test"
T = TypeVar("T")

INDEX_TYPE = "application/vnd.oci.image.index.v1+json"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


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


def registry() -> tuple[RegistryClient, httpx.AsyncClient]:
    client = httpx.AsyncClient(timeout=5)
    return RegistryClient(Http(client, concurrency=4), REG), client


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
def test_index_to_amd64_labels_and_annotations_with_one_batched_token() -> None:
    token_route = challenge_routes()
    respx.get(f"{REG}/v2/acme/app/manifests/sha256:idx").respond(
        200,
        json=index(
            ("linux", "arm64", "sha256:arm"),
            ("linux", "amd64", "sha256:amd"),
            ("unknown", "unknown", "sha256:att"),
            annotations={"org.opencontainers.image.source": "https://github.com/acme/app"},
        ),
        headers={"Content-Type": INDEX_TYPE},
    )
    respx.get(f"{REG}/v2/acme/app/manifests/sha256:amd").respond(
        200, json=manifest("sha256:cfg", **{"org.opencontainers.image.licenses": "MIT"})
    )
    respx.get(f"{REG}/v2/acme/app/blobs/sha256:cfg").respond(
        307, headers={"Location": f"{CDN}/blob/cfg?sig=abc"}
    )
    cdn = respx.get(f"{CDN}/blob/cfg").respond(
        200,
        json={
            "architecture": "amd64",
            "config": {"Labels": {"org.opencontainers.image.licenses": "Apache-2.0"}},
        },
    )

    async def go() -> ImageEvidence:
        reg, client = registry()
        async with client:
            await reg.prepare(["acme/app", "acme/other"])
            return await reg.image("acme/app", "sha256:idx")

    image = run(go())
    assert image.error is None
    assert image.platform == "linux/amd64"
    assert image.labels == {"org.opencontainers.image.licenses": "Apache-2.0"}
    assert image.annotations["org.opencontainers.image.licenses"] == "MIT"
    assert image.annotations["org.opencontainers.image.source"] == "https://github.com/acme/app"
    assert token_route.call_count == 1
    scopes = token_route.calls[0].request.url.params.get_list("scope")
    assert scopes == ["repository:acme/app:pull", "repository:acme/other:pull"]
    # The registry token went to the registry, never to the CDN host.
    assert all(c.request.headers.get("authorization") is None for c in cdn.calls)
    manifest_calls = [c for c in respx.calls if "/manifests/" in c.request.url.path]
    assert all(
        c.request.headers["authorization"] == "Bearer REGTOKEN"
        for c, _ in [(c, None) for c in manifest_calls]
    )


@respx.mock
def test_helm_chart_config_is_not_an_image() -> None:
    challenge_routes()
    respx.get(f"{REG}/v2/acme/chart/manifests/sha256:m").respond(
        200, json=manifest("sha256:c", config_type="application/vnd.cncf.helm.config.v1+json")
    )

    async def go() -> ImageEvidence:
        reg, client = registry()
        async with client:
            return await reg.image("acme/chart", "sha256:m")

    image = run(go())
    assert image.config_media_type == "application/vnd.cncf.helm.config.v1+json"
    assert image.error is not None
    assert "not a container image" in image.error


@respx.mock
def test_expired_token_is_refreshed_once() -> None:
    token_route = challenge_routes()
    respx.get(f"{REG}/v2/acme/app/manifests/v1").mock(
        side_effect=[
            httpx.Response(401, json={"errors": [{"code": "UNAUTHORIZED"}]}),
            httpx.Response(200, json=manifest("sha256:cfg")),
        ]
    )
    respx.get(f"{REG}/v2/acme/app/blobs/sha256:cfg").respond(200, json={"config": {"Labels": None}})

    async def go() -> ImageEvidence:
        reg, client = registry()
        async with client:
            return await reg.image("acme/app", "v1")

    image = run(go())
    assert image.error is None
    assert image.labels == {}
    assert token_route.call_count == 2


@pytest.mark.parametrize(
    ("status", "fragment"),
    [(404, "does not know"), (401, "refused"), (500, "HTTP 500")],
)
@respx.mock
def test_registry_failures_are_recorded_not_raised(status: int, fragment: str) -> None:
    challenge_routes()
    respx.get(f"{REG}/v2/acme/app/manifests/v1").respond(status, json={"errors": []})

    async def go() -> ImageEvidence:
        reg, client = registry()
        async with client:
            return await reg.image("acme/app", "v1")

    image = run(go())
    assert image.error is not None
    assert fragment in image.error


@respx.mock
def test_open_registry_needs_no_token() -> None:
    respx.get(f"{REG}/v2/").respond(200, json={})
    route = respx.get(f"{REG}/v2/acme/app/manifests/v1").respond(200, json=manifest("sha256:cfg"))
    respx.get(f"{REG}/v2/acme/app/blobs/sha256:cfg").respond(
        200, content=json.dumps({"config": {"Labels": {"a": "b"}}}).encode()
    )

    async def go() -> ImageEvidence:
        reg, client = registry()
        async with client:
            return await reg.image("acme/app", "v1")

    assert run(go()).labels == {"a": "b"}
    assert "authorization" not in route.calls[0].request.headers


@respx.mock
def test_tags_resolved_with_heads_latest_first() -> None:
    challenge_routes()
    head = respx.head(f"{REG}/v2/acme/app/manifests/latest").respond(
        200, headers={"Docker-Content-Digest": "sha256:idx", "Content-Type": INDEX_TYPE}
    )

    async def go() -> Any:
        reg, client = registry()
        async with client:
            return await reg.tags("acme/app")

    tags = run(go())
    assert tags.chosen is not None
    assert (tags.chosen.name, tags.chosen.digest, tags.chosen.media_type) == (
        "latest",
        "sha256:idx",
        INDEX_TYPE,
    )
    assert head.call_count == 1
    assert not [
        c for c in respx.calls if c.request.method == "GET" and "/manifests/" in c.request.url.path
    ]


@respx.mock
def test_tags_without_latest_pick_the_highest_version() -> None:
    challenge_routes()
    respx.head(f"{REG}/v2/acme/app/manifests/latest").respond(404)
    respx.get(f"{REG}/v2/acme/app/tags/list").respond(
        200, json={"name": "acme/app", "tags": ["edge", "1.3.0", "1.4.0-rc1", "1.4.0"]}
    )
    respx.head(f"{REG}/v2/acme/app/manifests/1.4.0").respond(
        200, headers={"Docker-Content-Digest": "sha256:v140", "Content-Type": MANIFEST_TYPE}
    )
    respx.head(f"{REG}/v2/acme/empty/manifests/latest").respond(404)
    respx.get(f"{REG}/v2/acme/empty/tags/list").respond(
        200, json={"name": "acme/empty", "tags": None}
    )

    async def go() -> Any:
        reg, client = registry()
        async with client:
            return await reg.tags("acme/app"), await reg.tags("acme/empty")

    app, empty = run(go())
    assert (app.count, app.chosen.name, app.chosen.digest) == (4, "1.4.0", "sha256:v140")
    assert (empty.count, empty.chosen) == (0, None)


@respx.mock
def test_low_pull_budget_stops_label_reads() -> None:
    challenge_routes()
    respx.head(f"{REG}/v2/acme/app/manifests/latest").respond(
        200,
        headers={
            "Docker-Content-Digest": "sha256:idx",
            "Content-Type": INDEX_TYPE,
            "ratelimit-remaining": "3;w=21600",
        },
    )
    manifests = respx.get(url__regex=rf"{REG}/v2/acme/app/manifests/.*").respond(200, json={})

    async def go() -> ImageEvidence:
        reg, client = registry()
        async with client:
            tags = await reg.tags("acme/app")
            assert tags.chosen is not None
            return await reg.image("acme/app", tags.chosen.digest)

    image = run(go())
    assert image.error is not None
    assert "pull budget" in image.error
    assert not manifests.called
