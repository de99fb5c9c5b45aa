"""Registry content synthesised from the world: manifests, config blobs, digests, Hub tag bodies."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakehub.world import Platform, Repo, Tag

MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MT_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MT_DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
MT_DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
MT_HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json"
MT_HELM_CHART = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
MT_PLUGIN_CONFIG = "application/vnd.docker.plugin.v1+json"
MT_INTOTO = "application/vnd.in-toto+json"
MT_BUILDKIT_CACHE = "application/vnd.buildkit.cacheconfig.v0"

INDEX_TYPES = frozenset({MT_OCI_INDEX, MT_DOCKER_LIST})
MANIFEST_TYPES = frozenset({MT_OCI_INDEX, MT_DOCKER_LIST, MT_OCI_MANIFEST, MT_DOCKER_MANIFEST})

JSON = dict[str, Any]


def iso(dt: datetime | None) -> str | None:
    """Docker Hub's timestamp format: RFC 3339, UTC, microseconds, `Z`."""
    if dt is None:
        return None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha256(data: bytes) -> str:
    """`sha256:<hex>` digest of `data`."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def stable_int(*parts: object, modulo: int = 10**9) -> int:
    """A deterministic positive integer id derived from `parts`."""
    h = hashlib.sha256("\x00".join(map(str, parts)).encode()).digest()
    return int.from_bytes(h[:8], "big") % modulo + 1


def compact(obj: object) -> bytes:
    """JSON as BuildKit writes OCI manifests: compact."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def pretty(obj: object) -> bytes:
    """JSON as the Docker registry writes schema-2 manifests: three-space indentation."""
    return json.dumps(obj, indent=3, ensure_ascii=False).encode()


@dataclass
class Blob:
    """Bytes stored under their digest."""

    media_type: str
    data: bytes

    @property
    def digest(self) -> str:
        return sha256(self.data)

    def descriptor(self, **extra: Any) -> JSON:
        d: JSON = {"mediaType": self.media_type, "digest": self.digest, "size": len(self.data)}
        d.update(extra)
        return d


@dataclass
class TagContent:
    """What a tag resolves to in the registry, plus the Hub tags-API body for it."""

    name: str
    digest: str  # the manifest/index digest the tag points at
    media_type: str
    hub_body: JSON


@dataclass
class RepoContent:
    """All manifests and blobs of one repository."""

    manifests: dict[str, Blob] = field(default_factory=dict)
    blobs: dict[str, Blob] = field(default_factory=dict)
    tags: dict[str, TagContent] = field(default_factory=dict)
    media_types: set[str] = field(default_factory=set)
    content_types: list[str] = field(default_factory=list)
    total_size: int = 0

    def add_manifest(self, blob: Blob) -> Blob:
        self.manifests[blob.digest] = blob
        self.media_types.add(blob.media_type)
        return blob

    def add_blob(self, blob: Blob) -> Blob:
        self.blobs[blob.digest] = blob
        self.media_types.add(blob.media_type)
        return blob


def _fake_layer(seed: str, media_type: str) -> JSON:
    size = 1_000_000 + stable_int(seed, modulo=30_000_000)
    return {"mediaType": media_type, "digest": sha256(seed.encode()), "size": size}


def _platform(p: Platform) -> JSON:
    d: JSON = {"architecture": p[1], "os": p[0]}
    if len(p) > 2:
        d["variant"] = p[2]
    return d


class _Builder:
    """Builds the content of one repository."""

    def __init__(self, full_name: str, repo: Repo) -> None:
        self.full_name = full_name
        self.repo = repo
        self.out = RepoContent()

    def build(self) -> RepoContent:
        for tag in self.repo.tags:
            self._tag(tag)
        return self.out

    # ---------------------------------------------------------------- configs and manifests

    def _image_config(self, tag: Tag, p: Platform, *, oci: bool) -> Blob:
        cfg: JSON = {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": ["/app"],
            "WorkingDir": "/",
        }
        if tag.labels:
            cfg["Labels"] = dict(tag.labels)
        elif not oci:
            cfg["Labels"] = None  # what the Docker engine writes for an image without labels
        seed = f"{self.full_name}:{tag.name}:{p}:{iso(tag.last_pushed)}"
        layer_diff = sha256(("diff" + seed).encode())
        body: JSON = {
            "architecture": p[1],
            "config": cfg,
            "created": iso(tag.last_pushed),
            "history": [
                {
                    "created": iso(tag.last_pushed),
                    "created_by": "COPY app /app # buildkit",
                    "comment": "buildkit.dockerfile.v0",
                }
            ],
            "os": p[0],
            "rootfs": {"type": "layers", "diff_ids": [layer_diff]},
        }
        if len(p) > 2:
            body["variant"] = p[2]
        return self.out.add_blob(Blob(MT_OCI_CONFIG if oci else MT_DOCKER_CONFIG, compact(body)))

    def _image_manifest(self, tag: Tag, p: Platform, *, oci: bool) -> tuple[Blob, int]:
        config = self._image_config(tag, p, oci=oci)
        seed = f"{self.full_name}:{tag.name}:{p}:{iso(tag.last_pushed)}"
        layers = [
            _fake_layer("base" + seed, MT_OCI_LAYER if oci else MT_DOCKER_LAYER),
            _fake_layer("app" + seed, MT_OCI_LAYER if oci else MT_DOCKER_LAYER),
        ]
        size = sum(int(layer["size"]) for layer in layers)
        m: JSON = {
            "schemaVersion": 2,
            "mediaType": MT_OCI_MANIFEST if oci else MT_DOCKER_MANIFEST,
            "config": config.descriptor(),
            "layers": layers,
        }
        if oci and tag.annotations:
            m["annotations"] = dict(tag.annotations)
        data = compact(m) if oci else pretty(m)
        return self.out.add_manifest(Blob(str(m["mediaType"]), data)), size

    def _attestation_manifest(self, tag: Tag, subject: str) -> Blob:
        cfg = self.out.add_blob(
            Blob(
                MT_OCI_CONFIG,
                compact(
                    {
                        "architecture": "unknown",
                        "os": "unknown",
                        "config": {},
                        "rootfs": {"type": "layers", "diff_ids": [sha256(subject.encode())]},
                    }
                ),
            )
        )
        layers = [
            {
                **_fake_layer("sbom" + subject, MT_INTOTO),
                "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"},
            },
            {
                **_fake_layer("prov" + subject, MT_INTOTO),
                "annotations": {"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"},
            },
        ]
        for layer in layers:
            layer["size"] = int(layer["size"]) % 20_000 + 500
        m = {
            "schemaVersion": 2,
            "mediaType": MT_OCI_MANIFEST,
            "config": cfg.descriptor(),
            "layers": layers,
        }
        return self.out.add_manifest(Blob(MT_OCI_MANIFEST, compact(m)))

    # ---------------------------------------------------------------- tags

    def _hub_image(self, p: Platform | None, digest: str, size: int, tag: Tag) -> JSON:
        pulled = tag.last_pulled or (datetime.now(UTC) - timedelta(hours=3))
        return {
            "architecture": p[1] if p else "unknown",
            "features": "",
            "variant": (p[2] if p and len(p) > 2 else None),
            "digest": digest,
            "os": p[0] if p else "unknown",
            "os_features": "",
            "os_version": None,
            "size": size,
            "status": "active",
            "last_pulled": iso(pulled),
            "last_pushed": iso(tag.last_pushed),
        }

    def _build_cache(self, tag: Tag) -> tuple[str, str]:
        """What `docker buildx build --cache-to type=registry,ref=...` pushes: an OCI index whose
        entries are layer blobs and one cache config, none of them a manifest or for a platform."""
        layers = [
            _fake_layer(f"cache:{self.full_name}:{tag.name}:{i}", MT_OCI_LAYER) for i in range(2)
        ]
        records = {"layers": [{"blob": layer["digest"]} for layer in layers], "records": []}
        cache_config = self.out.add_blob(Blob(MT_BUILDKIT_CACHE, compact(records)))
        index: JSON = {
            "schemaVersion": 2,
            "mediaType": MT_OCI_INDEX,
            "manifests": [*layers, cache_config.descriptor()],
        }
        blob = self.out.add_manifest(Blob(MT_OCI_INDEX, compact(index)))
        return blob.digest, blob.media_type

    def _tag(self, tag: Tag) -> None:
        images: list[JSON] = []
        top_digest: str
        media_type: str
        content_type = "image"
        full_size = 0
        if tag.kind in ("multiarch", "manifestlist", "attestation-only"):
            oci = tag.kind != "manifestlist"
            entries: list[JSON] = []
            attestations: list[JSON] = []
            att_images: list[JSON] = []
            platforms = () if tag.kind == "attestation-only" else tag.platforms
            for p in platforms:
                manifest, size = self._image_manifest(tag, p, oci=oci)
                full_size = full_size or size
                entries.append(manifest.descriptor(platform=_platform(p)))
                images.append(self._hub_image(p, manifest.digest, size, tag))
                if oci and (tag.with_attestations or tag.kind == "attestation-only"):
                    att = self._attestation_manifest(tag, manifest.digest)
                    attestations.append(
                        att.descriptor(
                            annotations={
                                "vnd.docker.reference.digest": manifest.digest,
                                "vnd.docker.reference.type": "attestation-manifest",
                            },
                            platform={"architecture": "unknown", "os": "unknown"},
                        )
                    )
                    att_images.append(self._hub_image(None, att.digest, 0, tag))
            if tag.kind == "attestation-only":
                att = self._attestation_manifest(tag, f"{self.full_name}:{tag.name}")
                attestations.append(
                    att.descriptor(
                        annotations={"vnd.docker.reference.type": "attestation-manifest"},
                        platform={"architecture": "unknown", "os": "unknown"},
                    )
                )
                att_images.append(self._hub_image(None, att.digest, 0, tag))
                content_type = "unrecognized"
            index: JSON = {
                "schemaVersion": 2,
                "mediaType": MT_OCI_INDEX if oci else MT_DOCKER_LIST,
                "manifests": entries + attestations,
            }
            images.extend(att_images)  # Hub lists them in index order: platforms, then attestations
            if oci and tag.index_annotations:
                index["annotations"] = dict(tag.index_annotations)
            blob = self.out.add_manifest(
                Blob(str(index["mediaType"]), compact(index) if oci else pretty(index))
            )
            top_digest, media_type = blob.digest, blob.media_type
        elif tag.kind in ("single", "oci-single"):
            oci = tag.kind == "oci-single"
            p = tag.platforms[0]
            manifest, full_size = self._image_manifest(tag, p, oci=oci)
            images.append(self._hub_image(p, manifest.digest, full_size, tag))
            top_digest, media_type = manifest.digest, manifest.media_type
            if not tag.top_level_digest:
                media_type = MT_OCI_CONFIG if oci else MT_DOCKER_CONFIG
        elif tag.kind == "helm":
            cfg = self.out.add_blob(
                Blob(
                    MT_HELM_CONFIG,
                    compact(
                        {
                            "name": self.repo.name,
                            "version": tag.name,
                            "description": "A Helm chart for Kubernetes",
                            "apiVersion": "v2",
                            "appVersion": tag.name,
                            "type": "application",
                        }
                    ),
                )
            )
            layer = _fake_layer(f"chart:{self.full_name}:{tag.name}", MT_HELM_CHART)
            layer["size"] = int(layer["size"]) % 50_000 + 3_000
            m: JSON = {
                "schemaVersion": 2,
                "config": cfg.descriptor(),
                "layers": [layer],
                "annotations": {
                    "org.opencontainers.image.created": iso(tag.last_pushed),
                    "org.opencontainers.image.title": self.repo.name,
                    "org.opencontainers.image.version": tag.name,
                    **tag.annotations,
                },
            }
            blob = self.out.add_manifest(Blob(MT_OCI_MANIFEST, compact(m)))
            top_digest, media_type, content_type = blob.digest, MT_OCI_MANIFEST, "helm"
            full_size = int(layer["size"])
        elif tag.kind == "plugin":
            cfg = self.out.add_blob(
                Blob(
                    MT_PLUGIN_CONFIG,
                    compact(
                        {
                            "Description": "A volume plugin",
                            "Documentation": "https://docs.docker.com/engine/extend/",
                            "Entrypoint": ["/usr/bin/plugin"],
                            "Interface": {
                                "Socket": "plugin.sock",
                                "Types": ["docker.volumedriver/1.0"],
                            },
                            "Linux": {"Capabilities": ["CAP_SYS_ADMIN"]},
                            "rootfs": {
                                "type": "layers",
                                "diff_ids": [sha256(f"plugin:{self.full_name}".encode())],
                            },
                        }
                    ),
                )
            )
            layer = _fake_layer(f"plugin:{self.full_name}:{tag.name}", MT_DOCKER_LAYER)
            m = {
                "schemaVersion": 2,
                "mediaType": MT_DOCKER_MANIFEST,
                "config": cfg.descriptor(),
                "layers": [layer],
            }
            blob = self.out.add_manifest(Blob(MT_DOCKER_MANIFEST, pretty(m)))
            top_digest, media_type, content_type = blob.digest, MT_PLUGIN_CONFIG, "plugin"
            full_size = int(layer["size"])
        elif tag.kind == "buildkit-cache":
            top_digest, media_type = self._build_cache(tag)
            content_type = "unrecognized"
        else:  # pragma: no cover - exhaustive over TagKind
            raise ValueError(f"unknown tag kind {tag.kind!r}")

        if content_type not in self.out.content_types:
            self.out.content_types.append(content_type)
        self.out.total_size += full_size
        body: JSON = {
            "creator": stable_int("creator", self.full_name),
            "id": stable_int("tag", self.full_name, tag.name),
            "images": images,
            "last_updated": iso(tag.last_pushed),
            "last_updater": stable_int("creator", self.full_name),
            "last_updater_username": self.full_name.split("/")[0] + "bot",
            "name": tag.name,
            "repository": stable_int("repo", self.full_name),
            "full_size": full_size,
            "v2": True,
            "tag_status": "active" if _recent(tag.last_pushed) else "inactive",
            "tag_last_pulled": images[0]["last_pulled"] if images else None,
            "tag_last_pushed": iso(tag.last_pushed),
            "media_type": media_type,
            "content_type": content_type,
        }
        if tag.top_level_digest:
            body["digest"] = top_digest
        self.out.tags[tag.name] = TagContent(tag.name, top_digest, media_type, body)


def _recent(dt: datetime) -> bool:
    return datetime.now(UTC) - dt < timedelta(days=30)


def build_repo_content(namespace: str, repo: Repo) -> RepoContent:
    """Synthesise every manifest, blob and Hub tag body of `namespace/repo`."""
    return _Builder(f"{namespace}/{repo.name}", repo).build()
