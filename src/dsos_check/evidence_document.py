"""The evidence file's document: a header and one entry per namespace (schema version 2)."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import AwareDatetime, Field

from dsos_check.models import (
    Collected,
    CollectionFailure,
    Model,
    NamespaceEvidence,
    ToolInfo,
)

__all__ = [
    "EVIDENCE_KIND",
    "EVIDENCE_SCHEMA_VERSION",
    "SUPPORTED_SCHEMA_VERSIONS",
    "CollectedEntry",
    "Entry",
    "EvidenceFile",
    "FailedEntry",
]

EVIDENCE_SCHEMA_VERSION: Final = 2
SUPPORTED_SCHEMA_VERSIONS: Final = (1, 2)
EVIDENCE_KIND: Final = "dsos-check-evidence"


class CollectedEntry(Model):
    """A namespace whose evidence was collected."""

    status: Literal["collected"] = "collected"
    evidence: NamespaceEvidence


class FailedEntry(Model):
    """A namespace that could not be checked, and why."""

    status: Literal["error"] = "error"
    failure: CollectionFailure


Entry = Annotated[CollectedEntry | FailedEntry, Field(discriminator="status")]


class EvidenceFile(Model):
    """The whole evidence file: a header and one entry per namespace, in the order checked."""

    schema_version: Literal[2]
    kind: Literal["dsos-check-evidence"]
    tool: ToolInfo
    generated_at: AwareDatetime
    namespaces: tuple[Entry, ...] = Field(min_length=1)

    @property
    def items(self) -> list[Collected]:
        """The namespaces as the pipeline knows them: evidence, or the failure to collect it."""
        return [
            entry.evidence if isinstance(entry, CollectedEntry) else entry.failure
            for entry in self.namespaces
        ]
