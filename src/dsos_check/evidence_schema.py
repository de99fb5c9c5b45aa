"""Core schemas for reading an evidence file in other shapes than its models': a version-1 file,
or a large file's outline with its repositories validated apart (evidence_v1, evidence_slices).

The models these schemas make are built here as `model_construct` builds them (which is 7 times
slower, as it looks for defaults the validator has already filled): a "model" core schema cannot
be used, as pydantic-core then takes the class's own validator in its place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Literal, TypeVar, cast

from pydantic import BaseModel
from pydantic_core import CoreSchema
from pydantic_core import core_schema as cs
from pydantic_core.core_schema import ModelFieldsSchema, ModelSchema

from dsos_check.evidence_document import CollectedEntry, EvidenceFile, FailedEntry

# What pydantic-core's model-fields schema gives: the field values, extras, the fields given.
Fields = tuple[dict[str, Any], Any, set[str]]
M = TypeVar("M", bound=BaseModel)
_new: Final = object.__new__
_set: Final = object.__setattr__


def instance(model: type[M], values: dict[str, Any], fields_set: set[str]) -> M:
    """A `model` holding `values`, already validated, as `model_construct` makes it."""
    made = _new(model)
    _set(made, "__dict__", values)
    _set(made, "__pydantic_fields_set__", fields_set)
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made


def plain(model: type[M]) -> Callable[[Fields], M]:
    """Builds `model` from its validated fields as they are."""
    return lambda fields: instance(model, fields[0], fields[2])


def fields_of(
    model: type[BaseModel],
    replaced: dict[str, CoreSchema],
    build: Callable[..., Any],
    *,
    with_info: bool = False,
) -> CoreSchema:
    """`model`'s fields with some replaced or added, made into a value by `build` (given the
    `Fields`, and pydantic-core's validation info if `with_info`)."""
    schema = cast(ModelSchema, model.__pydantic_core_schema__)
    fields_schema = cast(ModelFieldsSchema, schema["schema"])
    fields = {**fields_schema["fields"], **{k: cs.model_field(v) for k, v in replaced.items()}}
    extra = schema.get("config", {}).get("extra_fields_behavior")
    made = cs.model_fields_schema(fields, model_name=model.__name__, extra_behavior=extra)
    if with_info:
        return cs.with_info_after_validator_function(build, made)
    return cs.no_info_after_validator_function(build, made)


def _document(fields: Fields) -> EvidenceFile:
    fields[0]["schema_version"] = 2  # what it is read as
    return instance(EvidenceFile, fields[0], fields[2])


def document_schema(version: Literal[1, 2], namespace: CoreSchema) -> CoreSchema:
    """An evidence file of schema `version`, read as an `EvidenceFile` (version 2) whose collected
    namespaces are validated by `namespace`."""
    entry = cs.tagged_union_schema(
        {
            "collected": fields_of(CollectedEntry, {"evidence": namespace}, plain(CollectedEntry)),
            "error": FailedEntry.__pydantic_core_schema__,
        },
        discriminator="status",
    )
    return fields_of(
        EvidenceFile,
        {
            "schema_version": cs.literal_schema([version]),
            "namespaces": cs.tuple_variable_schema(entry, min_length=1),
        },
        _document,
    )
