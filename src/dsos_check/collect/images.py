"""Pure reading of OCI/Docker manifests: which entry is the image, what a tag holds, its history."""

from __future__ import annotations

import re
from typing import Any

from dsos_check.collect.payloads import Descriptor, Manifest
from dsos_check.collect.wire import wire_int
from dsos_check.models import HistoryStep
from dsos_check.vocabulary import BUILDKIT_CACHE_CONFIG, INDEX_TYPES, MANIFEST_TYPES

ACCEPT = ", ".join(sorted(INDEX_TYPES | MANIFEST_TYPES))
# Bounds on what is kept of an image config's history: a few hundred steps is far beyond any
# real Dockerfile chain, and a RUN line longer than 1 KiB says nothing more about labels.
MAX_HISTORY_STEPS = 256
MAX_CREATED_BY = 1024
# And at most this much text per image in all, so a saved evidence file stays small.
MAX_HISTORY_CHARS = 64 * 1024

_VERSION = re.compile(r"v?(\d+(?:\.\d+){0,3})(?:[-+.]?(.*))?")


def is_index(manifest: Manifest) -> bool:
    """Whether a manifest is an index (or a manifest list), going by its type or its shape."""
    return (manifest.mediaType or "") in INDEX_TYPES or (
        bool(manifest.manifests) and manifest.config is None
    )


def holds_build_cache(index: Manifest) -> bool:
    """Whether an index is a BuildKit registry cache: a cache config among its entries and no
    entry that is a manifest for a platform."""
    types = {entry.mediaType or "" for entry in index.manifests}
    if BUILDKIT_CACHE_CONFIG not in types:
        return False
    return not any(
        (entry.mediaType or "") in MANIFEST_TYPES | INDEX_TYPES and entry.platform
        for entry in index.manifests
    )


def _is_attestation(descriptor: Descriptor) -> bool:
    platform = descriptor.platform
    if descriptor.annotations.get("vnd.docker.reference.type") == "attestation-manifest":
        return True
    return platform.get("os") == "unknown" or platform.get("architecture") == "unknown"


def _is_manifest_entry(descriptor: Descriptor) -> bool:
    """An entry the registry serves from `/manifests/`: a manifest type, or untyped (old lists)."""
    media_type = descriptor.mediaType
    return media_type is None or media_type in MANIFEST_TYPES | INDEX_TYPES


def choose_platform(manifests: list[Descriptor]) -> Descriptor | None:
    """linux/amd64 if present, else the first entry for a real platform; attestations, cache
    blobs and other non-manifest entries are never chosen."""
    real = [m for m in manifests if m.digest and _is_manifest_entry(m) and not _is_attestation(m)]
    for descriptor in real:
        platform = descriptor.platform
        if platform.get("os") == "linux" and platform.get("architecture") == "amd64":
            return descriptor
    return real[0] if real else None


def platform_name(platform: dict[str, Any]) -> str | None:
    """`os/arch[/variant]` of an OCI platform object, or None when it is not one."""
    os_name, arch = platform.get("os"), platform.get("architecture")
    if not isinstance(os_name, str) or not isinstance(arch, str):
        return None
    variant = platform.get("variant")
    return f"{os_name}/{arch}" + (f"/{variant}" if isinstance(variant, str) and variant else "")


def merged_annotations(
    index: Manifest | None, entry: Descriptor | None, manifest: Manifest
) -> dict[str, str]:
    """Annotations of the index, then of its chosen entry, then of the manifest: the nearer to
    the image, the stronger (later ones win)."""
    merged: dict[str, str] = {}
    if index is not None:
        merged.update(index.annotations)
    if entry is not None:
        merged.update(entry.annotations)
    merged.update(manifest.annotations)
    return merged


def history_steps(config: dict[str, Any]) -> tuple[HistoryStep, ...]:
    """The config's `history`, bounded: its last steps (the project's own come last, after its
    base image's), at most MAX_HISTORY_STEPS of them and MAX_HISTORY_CHARS of text, each
    `created_by` cut to MAX_CREATED_BY characters."""
    raw = config.get("history")
    if not isinstance(raw, list):
        return ()
    steps: list[HistoryStep] = []
    chars = 0
    for item in reversed(raw[-MAX_HISTORY_STEPS:]):
        if not isinstance(item, dict):
            continue
        created_by = item.get("created_by")
        comment = item.get("comment")
        step = HistoryStep(
            created_by=created_by[:MAX_CREATED_BY] if isinstance(created_by, str) else "",
            empty_layer=item.get("empty_layer") is True,
            comment=comment[:MAX_CREATED_BY] if isinstance(comment, str) else None,
        )
        chars += len(step.created_by) + len(step.comment or "")
        if chars > MAX_HISTORY_CHARS:
            break
        steps.append(step)
    return tuple(reversed(steps))


def pick_tag(names: list[str]) -> str:
    """The tag most likely to be the newest release: the highest version number, plain versions
    (`1.4.0`) before suffixed ones (`1.4.0-rc1`), else the last tag listed."""

    def key(name: str) -> tuple[int, tuple[int, ...], int]:
        match = _VERSION.fullmatch(name)
        if match is None:
            return (0, (), 0)
        # A part too long to be a real version number counts as 0 (and never reaches int()).
        numbers = tuple(wire_int(part) or 0 for part in match.group(1).split("."))
        return (1, numbers, 0 if match.group(2) else 1)

    return max(reversed(names), key=key)  # reversed: among equals, the last listed wins
