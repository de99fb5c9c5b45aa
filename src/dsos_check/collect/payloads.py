"""Lenient mirrors of Docker Hub and registry JSON: missing, null, extra and mistyped fields tolerated."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter, ValidationError

from dsos_check.collect.wire import wire_datetime
from dsos_check.errors import ApiError
from dsos_check.text import without_surrogates

_DATETIME = TypeAdapter(datetime)


def lenient_datetime(value: Any) -> datetime | None:
    """A datetime from an ISO string (naive → UTC), or None for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and len(value) > 64:
        return None
    try:
        parsed = _DATETIME.validate_python(value)
    except (ValidationError, OverflowError, ValueError):
        return None
    return wire_datetime(parsed)


def _lenient_str(value: Any) -> str | None:
    # Bodies come through wire_json (no lone surrogates); this also covers values built by hand.
    return without_surrogates(value) if isinstance(value, str) else None


def _lenient_bool(value: Any) -> bool:
    return value is True


def _lenient_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def _dict_list(value: Any) -> list[Any]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str_dict(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


When = Annotated[datetime | None, BeforeValidator(lenient_datetime)]
Text = Annotated[str | None, BeforeValidator(_lenient_str)]
Flag = Annotated[bool, BeforeValidator(_lenient_bool)]
Count = Annotated[int | None, BeforeValidator(_lenient_int)]
Strings = Annotated[list[str], BeforeValidator(_str_list)]
StrDict = Annotated[dict[str, str], BeforeValidator(_str_dict)]


class Payload(BaseModel):
    """Ignores unknown keys; every field optional."""

    model_config = ConfigDict(extra="ignore", frozen=True)


P = TypeVar("P", bound=Payload)


def _results(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("results is not a list")
    return _dict_list(value)


class Page(Payload):
    """The list envelope shared by repositories, tags and orgs; `results` must be a list."""

    count: Count = None
    next: Text = None
    results: Annotated[list[dict[str, Any]], BeforeValidator(_results)] = []


class Account(Payload):
    """/v2/orgs/{ns}/ or /v2/users/{ns}/: only what the evidence keeps (the endpoint that
    answered says whether it is an organization)."""

    full_name: Text = None
    company: Text = None
    profile_url: Text = None
    badge: Text = None


class RepositoryEntry(Payload):
    """A repository as listed, or its detail (`repository_info`)."""

    name: Text = None
    repository_type: Text = None
    description: Text = None
    full_description: Text = None
    is_private: Flag = False
    last_updated: When = None
    media_types: Strings = []
    content_types: Strings = []


class HubTagEntry(Payload):
    """A tag as Docker Hub's tag API lists it: the index digest and one digest per platform."""

    name: Text = None
    digest: Text = None
    media_type: Text = None
    content_type: Text = None
    tag_last_pushed: When = None
    last_updated: When = None
    images: Annotated[list[dict[str, Any]], BeforeValidator(_dict_list)] = []

    @property
    def platform_digests(self) -> dict[str, str]:
        """`os/arch[/variant]` → manifest digest, attestations (`unknown/unknown`) left out."""
        found: dict[str, str] = {}
        for image in self.images:
            os_name, arch = image.get("os"), image.get("architecture")
            digest, variant = image.get("digest"), image.get("variant")
            if not (isinstance(os_name, str) and isinstance(arch, str) and isinstance(digest, str)):
                continue
            if not (os_name and arch and digest):
                continue
            if "unknown" in (os_name, arch):
                continue
            name = f"{os_name}/{arch}" + (
                f"/{variant}" if isinstance(variant, str) and variant else ""
            )
            found.setdefault(name, digest)
        return found


class Descriptor(Payload):
    """An OCI descriptor (in an index's manifests[] or a manifest's config)."""

    mediaType: Text = None
    digest: Text = None
    platform: Annotated[
        dict[str, Any], BeforeValidator(lambda v: v if isinstance(v, dict) else {})
    ] = {}
    annotations: StrDict = {}


class Manifest(Payload):
    """An image manifest, an OCI index or a Docker manifest list."""

    mediaType: Text = None
    config: Annotated[
        Descriptor | None, BeforeValidator(lambda v: v if isinstance(v, dict) else None)
    ] = None
    manifests: Annotated[list[Descriptor], BeforeValidator(_dict_list)] = []
    annotations: StrDict = {}


class ImageConfig(Payload):
    """The image config blob; labels live at .config.Labels."""

    config: Annotated[
        dict[str, Any], BeforeValidator(lambda v: v if isinstance(v, dict) else {})
    ] = {}

    @property
    def labels(self) -> dict[str, str]:
        """`config.Labels`, keeping only string values."""
        return _str_dict(self.config.get("Labels"))


def parse(model: type[P], data: Any, what: str) -> P:
    """Validate a payload; anything that is not a JSON object is an error naming `what`."""
    if not isinstance(data, dict):
        raise ApiError(f"{what}: expected a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError:
        raise ApiError(f"{what}: malformed answer") from None
