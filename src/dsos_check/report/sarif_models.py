"""The subset of SARIF 2.1.0 that dsos-check emits, as typed models.

Hand-written rather than taken from a library: the Python SARIF object models on the package
index (sarif-om, its generator jschema-to-python) have not been released since 2019. Field names
follow the OASIS schema (camelCase via aliases); `None` fields are left out when serialised.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

Level = Literal["none", "note", "warning", "error"]


class SarifModel(BaseModel):
    """Frozen, camelCase on the wire, nothing unknown."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True
    )


class Message(SarifModel):
    """A plain-text message (GitHub shows `text`)."""

    text: str


class MultiformatMessage(SarifModel):
    """A message in plain text and, optionally, Markdown."""

    text: str
    markdown: str | None = None


class ReportingConfiguration(SarifModel):
    """A rule's default severity."""

    level: Level


class RuleProperties(SarifModel):
    """GitHub's rule properties: tags, precision and the problem severity it sorts alerts by."""

    tags: tuple[str, ...] = ()
    precision: Literal["very-high", "high", "medium", "low"] = "high"
    problem_severity: Literal["error", "warning", "recommendation"] = Field(
        alias="problem.severity"
    )


class ReportingDescriptor(SarifModel):
    """One rule: a check, with what it asks and how to fix it."""

    id: str
    name: str
    short_description: MultiformatMessage
    full_description: MultiformatMessage
    help: MultiformatMessage
    help_uri: str | None = None
    default_configuration: ReportingConfiguration
    properties: RuleProperties


class ToolComponent(SarifModel):
    """The tool that made the run."""

    name: str
    version: str
    semantic_version: str | None = None
    information_uri: str | None = None
    rules: tuple[ReportingDescriptor, ...] = ()


class Tool(SarifModel):
    """`run.tool`: only the driver."""

    driver: ToolComponent


class ArtifactLocation(SarifModel):
    """A file, relative to `uriBaseId` (the checked-out repository's root)."""

    uri: str
    uri_base_id: str | None = "%SRCROOT%"


class Region(SarifModel):
    """Where in the file: GitHub needs at least a start line."""

    start_line: int = Field(default=1, ge=1)


class PhysicalLocation(SarifModel):
    """A file and a region in it."""

    artifact_location: ArtifactLocation
    region: Region = Region()


class Location(SarifModel):
    """Where a result points."""

    physical_location: PhysicalLocation


class ResultProperties(SarifModel):
    """What a result is about, for tools that read more than the message."""

    namespace: str
    repository: str | None = None
    outcome: str
    fix_where: str | None = None
    fix_snippet: str | None = None


class Result(SarifModel):
    """One outcome that is not a pass."""

    rule_id: str
    rule_index: int = Field(ge=0)
    level: Level
    message: Message
    locations: tuple[Location, ...]
    partial_fingerprints: dict[str, str]
    properties: ResultProperties


class Notification(SarifModel):
    """A problem of the run itself (a namespace that could not be checked)."""

    level: Level
    message: Message


class Invocation(SarifModel):
    """Whether the run could do its job."""

    execution_successful: bool
    tool_execution_notifications: tuple[Notification, ...] = ()


class RunAutomationDetails(SarifModel):
    """`id` is `category/`: GitHub keeps one analysis per category, here one per namespace."""

    id: str


class Run(SarifModel):
    """One namespace's run: every rule, the results, and whether it could be checked."""

    tool: Tool
    automation_details: RunAutomationDetails
    invocations: tuple[Invocation, ...]
    results: tuple[Result, ...]


class SarifLog(SarifModel):
    """The whole file."""

    schema_uri: str = Field(default=SARIF_SCHEMA_URI, alias="$schema")
    version: Literal["2.1.0"] = "2.1.0"
    runs: tuple[Run, ...]

    def to_json(self) -> str:
        """The log as indented JSON, without empty optional fields."""
        return self.model_dump_json(indent=2, by_alias=True, exclude_none=True) + "\n"

    def to_utf8(self) -> bytes:
        """`to_json` as UTF-8, without building the text."""
        raw = self.__pydantic_serializer__.to_json(self, indent=2, by_alias=True, exclude_none=True)
        return raw + b"\n"
