"""Per-host connection pools, and the pure manifest readers (history bounds, build caches)."""

from __future__ import annotations

import asyncio
import ssl

import httpx

from dsos_check.collect.images import (
    MAX_HISTORY_CHARS,
    MAX_HISTORY_STEPS,
    choose_platform,
    history_steps,
    holds_build_cache,
)
from dsos_check.collect.payloads import Descriptor, Manifest
from dsos_check.collect.session import MAX_POOLS, PerHostTransport


def test_one_pool_per_origin_sharing_one_ssl_context() -> None:
    transport = PerHostTransport(4)
    hub = transport._pool(httpx.URL("https://hub.example/v2/a"))
    assert transport._pool(httpx.URL("https://hub.example/v2/b")) is hub
    registry = transport._pool(httpx.URL("https://registry.example/v2/"))
    other_port = transport._pool(httpx.URL("https://hub.example:8443/"))
    assert len({id(hub), id(registry), id(other_port)}) == 3
    assert transport._ssl is not None
    asyncio.run(transport.aclose())


def test_pools_are_bounded_and_retired_ones_closed_at_the_end() -> None:
    transport = PerHostTransport(2)
    for i in range(MAX_POOLS + 3):
        transport._pool(httpx.URL(f"https://host{i}.example/"))
    assert len(transport._pools) == MAX_POOLS
    assert len(transport._retired) == 3
    asyncio.run(transport.aclose())
    assert not transport._pools
    assert not transport._retired


def test_history_is_bounded_to_the_last_steps() -> None:
    config = {
        "history": [{"created_by": f"RUN step {i}"} for i in range(MAX_HISTORY_STEPS + 50)]
        + [{"created_by": "x" * 10_000, "empty_layer": True}, 7, None]
    }
    steps = history_steps(config)
    assert len(steps) == MAX_HISTORY_STEPS - 2  # the last 256 entries, two of them not steps
    assert steps[-1].empty_layer
    assert len(steps[-1].created_by) == 1024
    assert history_steps({"history": "nope"}) == ()
    long_steps = {"history": [{"created_by": f"{i:04d}" + "y" * 2000} for i in range(200)]}
    kept = history_steps(long_steps)
    assert sum(len(s.created_by) for s in kept) <= MAX_HISTORY_CHARS
    assert kept[-1].created_by.startswith("0199")  # the newest steps are the ones kept


def test_build_cache_detection_and_that_its_entries_are_never_chosen() -> None:
    cache = Manifest.model_validate(
        {
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:l"},
                {"mediaType": "application/vnd.buildkit.cacheconfig.v0", "digest": "sha256:c"},
            ],
        }
    )
    assert holds_build_cache(cache)
    assert choose_platform(cache.manifests) is None
    image = Descriptor.model_validate(
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:m",
            "platform": {"os": "linux", "architecture": "amd64"},
        }
    )
    mixed = cache.model_copy(update={"manifests": [*cache.manifests, image]})
    assert not holds_build_cache(mixed)
    assert choose_platform(mixed.manifests) == image


def test_https_pools_verify_and_plain_http_pools_trust_nothing() -> None:
    transport = PerHostTransport(2)
    secure = transport._context(httpx.URL("https://hub.docker.com/v2/"))
    assert secure.verify_mode is ssl.CERT_REQUIRED
    assert secure.check_hostname
    assert secure.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded
    plain = transport._context(httpx.URL("http://127.0.0.1:8080/v2/"))
    # Never used for TLS (pools are per scheme); if it were, it would fail closed.
    assert plain.verify_mode is ssl.CERT_REQUIRED
    assert plain.check_hostname
    assert plain.cert_store_stats()["x509_ca"] == 0
