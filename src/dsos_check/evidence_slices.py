"""Reading a large evidence file a batch of repositories at a time, from slices of its bytes.

Validated whole, a file's peak memory holds its bytes, pydantic-core's parse of all of it and
every model at once. Here each batch of 256 repositories is validated from its own slice of the
bytes, and then the file's outline (the bytes with each repositories array replaced by its
number): no parse of the whole file, into Python or pydantic-core's tree, is ever held.

The slices are cut where dsos-check's writer (`model_dump_json(indent=2)`) puts the lines
between repositories; a file laid out otherwise gives None (the caller then reads it another
way). Where the cuts land never decides what is accepted: each slice must be a JSON array of
repositories on its own, and the outline must validate with each number exactly where its
namespace's repositories belong. The outline's text before a number is the file's own, so the
parser is between tokens there in both; a valid array in its place leaves the rest as it was.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, cast

from pydantic import ValidationError, ValidationInfo
from pydantic_core import CoreSchema, SchemaValidator
from pydantic_core import core_schema as cs

from dsos_check.evidence_document import EvidenceFile
from dsos_check.evidence_schema import Fields, document_schema, fields_of, instance
from dsos_check.evidence_v1 import REPOSITORY_V1, says_version_1
from dsos_check.models import NamespaceEvidence, RepositoryEvidence

_KEY: Final = b'"repositories": ['
_UTF8_BOM: Final = b"\xef\xbb\xbf"  # the reader skips it: the positions are counted after it
_BATCH: Final = 256  # repositories per validation: big enough that the calls cost nothing
# The repositories array is 5 levels deep in the file (document, namespaces, entry, evidence,
# array): a slice is wrapped in 4 more so the parser's nesting limit falls where it does whole.
_DEPTH: Final = 4


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a file's repositories arrays are: for each, the positions of its `[`, of the commas
    between its repositories and of its `]` (in the file's text after any byte-order mark)."""

    arrays: list[list[int]]
    size: int
    version_1: bool


def layout_of(data: bytes) -> Layout | None:
    """The file's layout; None if an array is not laid out as the writer lays it out."""
    arrays = _arrays(data)
    return None if arrays is None else Layout(arrays, len(data), says_version_1(data))


def read_in_slices(path: str, layout: Layout) -> EvidenceFile | None:
    """The document, validated a batch of repositories at a time (see the module's doc), each
    read from the file when it is validated, so its whole text is not held meanwhile; None if it
    does not validate so, or cannot be read again."""
    batches = _BATCHES_V1 if layout.version_1 else _BATCHES
    slots: dict[int, tuple[RepositoryEvidence, ...]] = {}
    try:
        with open(path, "rb", opener=reopen) as handle:
            start = len(_UTF8_BOM) if handle.read(len(_UTF8_BOM)) == _UTF8_BOM else 0

            def read(first: int, end: int) -> bytes:
                handle.seek(start + first)
                return handle.read(end - first)

            for number, cuts in enumerate(layout.arrays):
                slots[number] = _validated(read, cuts, batches)
            outline = _outline(read, layout)
        document = (_OUTLINE_V1 if layout.version_1 else _OUTLINE).validate_json(
            outline, strict=True, context=slots
        )
    except (OSError, ValidationError):
        return None
    return cast(EvidenceFile, document) if not slots else None


def reopen(path: str, flags: int) -> int:
    """Opens a file read before, which must still be a regular file: without waiting, so a FIFO
    put in its place cannot hang the run (OSError otherwise)."""
    descriptor = os.open(path, flags | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OSError(errno.ESPIPE, "the file changed while it was read")
    return descriptor


def _arrays(data: bytes) -> list[list[int]] | None:
    """For each repositories array, in order: the positions of its `[`, of the commas between
    its repositories and of its `]`; None if one is not laid out as the writer lays it out."""
    arrays: list[list[int]] = []
    start = data.find(_KEY)
    while start != -1:
        cuts = _cuts(data, start)
        if cuts is None:
            return None
        arrays.append(cuts)
        start = data.find(_KEY, cuts[-1])
    return arrays


def _cuts(data: bytes, key: int) -> list[int] | None:
    opening = key + len(_KEY) - 1
    if data[opening + 1 : opening + 2] == b"]":
        return [opening, opening + 1]
    line = data.rfind(b"\n", 0, key)
    outer = data[line:key]  # the line break and the indentation of the key
    if line == -1 or outer.strip(b" ") != b"\n":
        return None
    inner = outer + b"  "
    if not data.startswith(inner + b"{", opening + 1):
        return None
    end = data.find(inner + b"}" + outer + b"]", opening)
    if end == -1:
        return None
    closing = end + len(inner) + 1 + len(outer)
    separator = b"}," + inner + b"{"
    cuts = [opening]
    comma = data.find(separator, opening, closing)
    while comma != -1:
        cuts.append(comma + 1)
        comma = data.find(separator, comma + len(separator), closing)
    cuts.append(closing)
    return cuts


def _validated(
    read: Callable[[int, int], bytes], cuts: list[int], batches: SchemaValidator
) -> tuple[RepositoryEvidence, ...]:
    validated: list[RepositoryEvidence] = []
    for first in range(0, len(cuts) - 1, _BATCH):
        last = min(first + _BATCH, len(cuts) - 1)
        text = b"[" * (_DEPTH + 1) + read(cuts[first] + 1, cuts[last]) + b"]" * (_DEPTH + 1)
        wrapped = batches.validate_json(text, strict=True)
        for _ in range(_DEPTH):
            (wrapped,) = wrapped
        validated += wrapped
    return tuple(validated)


def _outline(read: Callable[[int, int], bytes], layout: Layout) -> bytes:
    """The file's text with each repositories array replaced by its number."""
    parts: list[bytes] = []
    position = 0
    for number, cuts in enumerate(layout.arrays):
        parts += (read(position, cuts[0]), b"%d" % number)
        position = cuts[-1] + 1
    parts.append(read(position, layout.size))
    return b"".join(parts)


def _namespace(fields: Fields, info: ValidationInfo) -> NamespaceEvidence:
    """The namespace, given the repositories its array's number stands for (each number once)."""
    values, _, fields_set = fields
    slots = cast(dict[int, tuple[RepositoryEvidence, ...]], info.context)
    if "repositories" in fields_set:
        number = values["repositories"]
        if number not in slots:
            raise ValueError("not a repositories array of the file, or one given twice")
        values["repositories"] = slots.pop(number)
    else:
        values["repositories"] = ()
    return instance(NamespaceEvidence, values, fields_set)


def _outline_schema(version: Any) -> SchemaValidator:
    namespace = fields_of(
        NamespaceEvidence,
        {"repositories": cs.with_default_schema(cs.int_schema(), default=-1)},
        _namespace,
        with_info=True,
    )
    return SchemaValidator(document_schema(version, namespace))


def _wrapped(repository: CoreSchema) -> SchemaValidator:
    schema = cs.tuple_variable_schema(repository)
    for _ in range(_DEPTH):
        schema = cs.tuple_positional_schema([schema])
    return SchemaValidator(schema)


_OUTLINE: Final = _outline_schema(2)
_OUTLINE_V1: Final = _outline_schema(1)
_BATCHES: Final = _wrapped(RepositoryEvidence.__pydantic_core_schema__)
_BATCHES_V1: Final = _wrapped(REPOSITORY_V1)
