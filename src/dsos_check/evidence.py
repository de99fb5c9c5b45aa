"""Evidence files: everything collected, as JSON (--save-evidence), re-read offline (--evidence)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, cast

from pydantic import (
    TypeAdapter,
    ValidationError,
)
from pydantic_core import (
    PydanticSerializationError,
    from_json,
    to_json,
)

from dsos_check import __version__
from dsos_check.atomic import atomic_write
from dsos_check.errors import UsageError
from dsos_check.evidence_document import (
    EVIDENCE_KIND,
    EVIDENCE_SCHEMA_VERSION,
    SUPPORTED_SCHEMA_VERSIONS,
    CollectedEntry,
    EvidenceFile,
    FailedEntry,
)
from dsos_check.evidence_errors import HEADER, describe
from dsos_check.evidence_slices import Layout, layout_of, read_in_slices, reopen
from dsos_check.evidence_v1 import DOCUMENT_V1, REPOSITORIES_V1, migrate_v1, says_version_1
from dsos_check.inputs import validate_namespace
from dsos_check.licenses.spdx import SPDX_LICENSE_LIST_VERSION
from dsos_check.models import (
    Collected,
    CollectionNotes,
    NamespaceEvidence,
    RepositoryEvidence,
    ToolInfo,
    to_utc,
)
from dsos_check.redact import redact
from dsos_check.text import without_surrogates

__all__ = [
    "EVIDENCE_KIND",
    "EVIDENCE_SCHEMA_VERSION",
    "MAX_EVIDENCE_BYTES",
    "SUPPORTED_SCHEMA_VERSIONS",
    "EvidenceFile",
    "dump_evidence",
    "load_evidence",
    "read_evidence",
    "write_evidence",
]

# A 5,000-repository namespace with long overviews is tens of MiB; the cap only bounds memory.
MAX_EVIDENCE_BYTES: Final = 512 * 1024 * 1024

_UTF8_BOM: Final = b"\xef\xbb\xbf"


_DOCUMENT: Final = TypeAdapter(EvidenceFile)
_REPOSITORIES: Final = TypeAdapter(tuple[RepositoryEvidence, ...])


# --------------------------------------------------------------------------- writing


def dump_evidence(items: Sequence[Collected], *, generated_at: datetime) -> str:
    """The evidence file's JSON text for `items` (every datetime written in UTC with a `Z`).

    Nothing collected is dropped. Two things JSON cannot hold are adjusted: a naive datetime is
    taken as UTC (as everywhere else in dsos-check), and a lone UTF-16 surrogate (which a
    stranger's JSON can smuggle into a string) becomes U+FFFD.
    """
    if not items:
        raise ValueError("no namespaces to save as evidence")
    document = EvidenceFile(
        schema_version=EVIDENCE_SCHEMA_VERSION,
        kind=EVIDENCE_KIND,
        tool=ToolInfo(version=__version__, spdx_license_list_version=SPDX_LICENSE_LIST_VERSION),
        generated_at=_utc(generated_at),
        namespaces=tuple(_entry(item) for item in items),
    )
    try:
        return document.model_dump_json(indent=2) + "\n"
    except PydanticSerializationError:
        # Only a lone surrogate gets here: the slow path scrubs every string and dict key.
        scrubbed = EvidenceFile.model_validate(without_surrogates(document.model_dump()))
        return scrubbed.model_dump_json(indent=2) + "\n"


def write_evidence(path: str, items: Sequence[Collected], *, generated_at: datetime) -> None:
    """Write the evidence file (see atomic_write: a FIFO or device is written through, a
    regular file replaced atomically, keeping its mode), with every known secret redacted.
    An OSError becomes a UsageError naming the file."""
    text = redact(dump_evidence(items, generated_at=generated_at))
    try:
        atomic_write(path, text, durable=True)
    except OSError as exc:
        raise UsageError(f"cannot write the evidence file {path!r}: {exc.strerror}") from None


def _entry(item: Collected) -> CollectedEntry | FailedEntry:
    if isinstance(item, NamespaceEvidence):
        return CollectedEntry(evidence=_utc_evidence(item))
    return FailedEntry(failure=item)


def _is_utc(value: datetime) -> bool:
    return value.utcoffset() == timedelta(0)


def _utc(value: datetime) -> datetime:
    """`value` in UTC; a naive datetime is taken as UTC."""
    return value if value.tzinfo is not None and _is_utc(value) else to_utc(value)


def _utc_evidence(evidence: NamespaceEvidence) -> NamespaceEvidence:
    """The evidence with every datetime in UTC (the same object when it already is)."""
    repositories = tuple(_utc_repository(r) for r in evidence.repositories)
    changed = any(a is not b for a, b in zip(repositories, evidence.repositories, strict=True))
    notes = _utc_notes(evidence.notes)
    if _is_utc(evidence.collected_at) and not changed and notes is evidence.notes:
        return evidence
    return evidence.model_copy(
        update={
            "collected_at": _utc(evidence.collected_at),
            "repositories": repositories,
            "notes": notes,
        }
    )


def _utc_notes(notes: CollectionNotes) -> CollectionNotes:
    update = {
        name: _utc(value)
        for name in ("pull_budget_refills_by", "github_resets_at")
        if (value := getattr(notes, name)) is not None and not _is_utc(value)
    }
    return notes.model_copy(update=update) if update else notes


def _utc_repository(repo: RepositoryEvidence) -> RepositoryEvidence:
    update: dict[str, Any] = {}
    if repo.last_updated is not None and not _is_utc(repo.last_updated):
        update["last_updated"] = _utc(repo.last_updated)
    tag = repo.newest_tag
    if tag is not None and tag.last_pushed is not None and not _is_utc(tag.last_pushed):
        update["newest_tag"] = tag.model_copy(update={"last_pushed": _utc(tag.last_pushed)})
    return repo.model_copy(update=update) if update else repo


# --------------------------------------------------------------------------- reading


def load_evidence(path: str) -> list[Collected]:
    """The namespaces of an evidence file, validated strictly; UsageError naming the file."""
    return read_evidence(path).items


def read_evidence(path: str) -> EvidenceFile:
    """The whole evidence file (header included), validated strictly; UsageError naming the file."""
    data = _read(path)
    if len(data) >= BATCHED_FROM and _is_regular(path):
        layout = layout_of(data)
        del data  # read again in parts as needed: the text is not held while validating
        document = _large(path, layout)
        data = b"" if document is not None else _read(path, again=True)
    else:  # small, or from a FIFO or device, which cannot be read again
        document = _straight(data)
    if document is not None:
        return _checked(path, document)
    # Validated again as it was before the paths above, migrated in Python: the messages name
    # the problem the same way whichever path found it.
    try:
        document = _DOCUMENT.validate_json(_upgraded(data), strict=True)
    except ValidationError as exc:
        raise UsageError(f"{path}: {describe(data, exc)}") from None
    return _checked(path, document)


def _straight(data: bytes) -> EvidenceFile | None:
    """The document validated straight from the file's bytes, a version-1 file as `migrate_v1`
    would make it; None if it does not validate so."""
    try:
        if says_version_1(data):
            return cast(EvidenceFile, DOCUMENT_V1.validate_json(data, strict=True))
        return _DOCUMENT.validate_json(data, strict=True)
    except ValidationError:
        return None


def _checked(path: str, document: EvidenceFile) -> EvidenceFile:
    problem = _semantic_problem(document)
    if problem is not None:
        raise UsageError(f"{path}: {problem}")
    return document


def _is_version_1(data: bytes) -> bool:
    try:
        version = HEADER.validate_json(data).schema_version
    except ValidationError:
        return False  # validation names what is wrong with the text
    return version == 1 and not isinstance(version, bool)


def _upgraded(data: bytes) -> bytes:
    """A version-1 file's text migrated to version 2; any other text unchanged (validation
    then names what is wrong with it)."""
    return to_json(migrate_v1(from_json(data))) if _is_version_1(data) else data


# --------------------------------------------------------------------------- large files

# From this size the file is validated a batch of repositories at a time; a smaller one, of either
# version, straight from its bytes (the fastest way). Validated whole, a file's peak memory holds
# its bytes, pydantic-core's tree of all of it and every model at once: about 5 times its size
# (164 MiB for a 33 MB file), where slices of it hold the models and one batch (103 MiB).
BATCHED_FROM: Final = 16 * 1024 * 1024
_BATCH: Final = 256  # repositories per validation: big enough that the calls cost nothing


def _large(path: str, layout: Layout | None) -> EvidenceFile | None:
    """A large file's document, validated a batch of repositories at a time: from slices of its
    text if it is laid out as dsos-check writes it, else from its parse; None if not valid."""
    if layout is not None and (document := read_in_slices(path, layout)) is not None:
        return document
    # The bytes are freed once parsed, before the repositories are validated.
    return _in_batches(_parsed(_read(path, again=True)))


def _parsed(data: bytes) -> Any:
    try:
        return from_json(data)
    except ValueError:
        return None  # validation words what is wrong with the text


def _in_batches(parsed: Any) -> EvidenceFile | None:
    """The document of a parsed file, its repositories validated a batch at a time and dropped
    from the parse as they are; None if any part does not validate (the caller then validates
    the file whole, which words the error as for any file)."""
    if not isinstance(parsed, dict):
        return None
    version = parsed.get("schema_version")
    version_1 = version == 1 and not isinstance(version, bool)
    namespaces = parsed.get("namespaces")
    pending = (
        [_take_repositories(entry) for entry in namespaces] if isinstance(namespaces, list) else []
    )
    # A version-1 file's repositories are validated in their own shape (see evidence_v1); what
    # is left of the parse is small, and migrated in Python.
    validate_json = (REPOSITORIES_V1 if version_1 else _REPOSITORIES).validate_json
    try:
        skeleton = _DOCUMENT.validate_json(
            to_json(migrate_v1(parsed) if version_1 else parsed), strict=True
        )
        entries = tuple(
            _with_repositories(entry, _validated(repositories, validate_json))
            for entry, repositories in zip(skeleton.namespaces, pending, strict=True)
        )
    except (ValidationError, ValueError):  # ValueError: no JSON for it (a lone surrogate)
        return None
    return skeleton.model_copy(update={"namespaces": entries})


def _take_repositories(entry: object) -> list[Any] | None:
    """An entry's repositories, replaced in the parse by an empty list (None: it has none)."""
    evidence = entry.get("evidence") if isinstance(entry, dict) else None
    repositories = evidence.get("repositories") if isinstance(evidence, dict) else None
    if not isinstance(repositories, list) or not isinstance(evidence, dict):
        return None
    evidence["repositories"] = []
    return repositories


def _validated(
    repositories: list[Any] | None, validate_json: Callable[..., Any]
) -> tuple[RepositoryEvidence, ...] | None:
    if repositories is None:
        return None
    validated: list[RepositoryEvidence] = []
    for start in range(0, len(repositories), _BATCH):
        batch = repositories[start : start + _BATCH]
        validated += validate_json(to_json(batch), strict=True)
        repositories[start : start + _BATCH] = [None] * len(batch)
    return tuple(validated)


def _with_repositories(
    entry: CollectedEntry | FailedEntry, repositories: tuple[RepositoryEvidence, ...] | None
) -> CollectedEntry | FailedEntry:
    if repositories is None or not isinstance(entry, CollectedEntry):
        return entry
    evidence = entry.evidence.model_copy(update={"repositories": repositories})
    return entry.model_copy(update={"evidence": evidence})


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _read(path: str, *, again: bool = False) -> bytes:
    """The file's bytes, checked; `again`: a regular file read before, which must still be one
    (opened without waiting, so a FIFO put in its place cannot hang the run)."""
    try:
        with open(path, "rb", opener=reopen if again else None) as handle:
            # Asked for up to the cap, a read allocates that much first (3-4 times slower for a
            # 10 MB file): a regular file is read at its size, anything else (or more) to the cap.
            size = min(os.fstat(handle.fileno()).st_size, MAX_EVIDENCE_BYTES)
            data = handle.read(size + 1) if size > 0 else b""
            if size == 0 or len(data) > size:
                data += handle.read(MAX_EVIDENCE_BYTES + 1 - len(data))
    except OSError as exc:
        raise UsageError(f"cannot read the evidence file {path!r}: {exc.strerror}") from None
    if len(data) > MAX_EVIDENCE_BYTES:
        raise UsageError(
            f"{path}: larger than {MAX_EVIDENCE_BYTES // (1024 * 1024)} MiB, "
            "too large for an evidence file"
        )
    if not data or data.isspace():  # not `strip()`: that copies a file of up to the cap
        raise UsageError(f"{path}: the file is empty, not an evidence file")
    # Editors on Windows like to add a byte-order mark; it is not part of the JSON.
    return data.removeprefix(_UTF8_BOM)


def _semantic_problem(document: EvidenceFile) -> str | None:
    """What the schema cannot say: invalid namespace names."""
    for index, entry in enumerate(document.namespaces):
        where = f"namespaces[{index}]"
        if isinstance(entry, FailedEntry):
            namespace = entry.failure.namespace
            name_at = f"{where}.failure.namespace"
        else:
            evidence = entry.evidence
            namespace = evidence.namespace
            name_at = f"{where}.evidence.namespace"
        try:
            validate_namespace(namespace)
        except UsageError as exc:
            return f"{name_at}: {exc.message}"
    return None
