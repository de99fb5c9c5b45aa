"""The words Docker Hub and the registry use on the wire, named once for collectors and checks.

Both sides read the same media types, artifact kinds and badges; they import them from here so a
new type is added in one place and the gathering and the judging can never disagree on it.
"""

from __future__ import annotations

from typing import Final

# ---------------------------------------------------------------- registry media types
OCI_INDEX: Final = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST_LIST: Final = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST: Final = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST: Final = "application/vnd.docker.distribution.manifest.v2+json"
OCI_IMAGE_CONFIG: Final = "application/vnd.oci.image.config.v1+json"
DOCKER_IMAGE_CONFIG: Final = "application/vnd.docker.container.image.v1+json"
# `docker buildx build --cache-to type=registry` pushes an index whose entries are layer blobs
# and one cache config, none with a platform: a build cache, not an image.
BUILDKIT_CACHE_CONFIG: Final = "application/vnd.buildkit.cacheconfig.v0"

INDEX_TYPES: Final = frozenset({OCI_INDEX, DOCKER_MANIFEST_LIST})
MANIFEST_TYPES: Final = frozenset({OCI_MANIFEST, DOCKER_MANIFEST})
IMAGE_CONFIG_TYPES: Final = frozenset({OCI_IMAGE_CONFIG, DOCKER_IMAGE_CONFIG})
# Media types only container images use. The OCI manifest and index types are deliberately
# absent: Helm charts and other OCI artifacts use them too.
IMAGE_ONLY_TYPES: Final = IMAGE_CONFIG_TYPES | {
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
    "application/vnd.docker.distribution.manifest.v1+json",
}

# ---------------------------------------------------------------- artifact kinds
# Docker Hub's `content_types` words, and the kinds named from a media type.
IMAGE: Final = "image"
HELM: Final = "helm"
PLUGIN: Final = "plugin"
VOLUME: Final = "volume"
WASM: Final = "wasm"
COMPOSE: Final = "compose"
MODEL: Final = "model"
# Docker Hub's word for a tag it could not name; the registry is asked what such a tag holds.
UNRECOGNIZED: Final = "unrecognized"
BUILD_CACHE: Final = "BuildKit build cache"
# Kinds that are surely not images ("unrecognized" is not among them).
NON_IMAGE_KINDS: Final = frozenset({HELM, PLUGIN, VOLUME, WASM, COMPOSE, MODEL})
# Media types that identify an artifact other than an image; `content_types` covers the rest.
KIND_OF_MEDIA_TYPE: Final[dict[str, str]] = {
    "application/vnd.cncf.helm.config.v1+json": HELM,
    "application/vnd.cncf.helm.chart.content.v1.tar+gzip": HELM,
    "application/vnd.docker.plugin.v1+json": PLUGIN,
    "application/vnd.docker.volume.v1+tar.gz": VOLUME,
    "application/vnd.wasm.config.v1+json": WASM,
    BUILDKIT_CACHE_CONFIG: BUILD_CACHE,
}

# ---------------------------------------------------------------- Docker Hub badges
OPEN_SOURCE_BADGE: Final = "open_source"  # the DSOS program's badge
VERIFIED_PUBLISHER_BADGE: Final = "verified_publisher"  # a commercial Docker partner
