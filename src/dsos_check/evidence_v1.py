"""Reading evidence files of schema version 1: each is migrated to version 2 before validation.

Version 2 dropped a field nothing filled (`tag_content_types`) and types what version 1 said only
in words: which look-up a repository's problem or image error stands for. A version-1 file never
said it, so its sentences are read here, once, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

from pydantic import BaseModel
from pydantic_core import CoreSchema, SchemaValidator
from pydantic_core import core_schema as cs
from pydantic_core.core_schema import ModelFieldsSchema, ModelSchema

from dsos_check.evidence_document import CollectedEntry, EvidenceFile, FailedEntry
from dsos_check.models import (
    ImageEvidence,
    LookupFailure,
    NamespaceEvidence,
    Problem,
    RepositoryEvidence,
)

# Image errors of version 1 that describe what the registry holds, not a failed look-up.
_CONTENT_ERRORS: Final = (
    "not a container image",
    "no image for a real platform",
    "has no config",
    "BuildKit build cache",
)


def migrate_v1(document: Any) -> Any:
    """The version-2 form of a version-1 document (anything malformed is left for validation
    to name)."""
    if not isinstance(document, dict):
        return document
    namespaces = document.get("namespaces")
    if isinstance(namespaces, list):
        for entry in namespaces:
            evidence = entry.get("evidence") if isinstance(entry, dict) else None
            repositories = evidence.get("repositories") if isinstance(evidence, dict) else None
            if isinstance(repositories, list):
                for repo in repositories:
                    if isinstance(repo, dict):
                        _migrate_repository(repo)
    return {**document, "schema_version": 2}


def _migrate_repository(repo: dict[str, Any]) -> None:
    repo.pop("tag_content_types", None)
    problems = repo.get("problems")
    if isinstance(problems, list):
        repo["problems"] = [
            {"service": _problem_service(p).value, "message": p} if isinstance(p, str) else p
            for p in problems
        ]
    image = repo.get("image")
    if isinstance(image, dict) and isinstance(image.get("error"), str):
        image.setdefault("failure", _image_failure(image["error"]).value)


def _problem_service(message: str) -> LookupFailure:
    if "token service" in message:
        return LookupFailure.TOKEN_SERVICE
    if "registry" in message:
        return LookupFailure.REGISTRY
    return LookupFailure.DOCKER_HUB


def _image_failure(error: str) -> LookupFailure:
    if "pull budget" in error:
        return LookupFailure.PULL_BUDGET
    if any(marker in error for marker in _CONTENT_ERRORS):
        return LookupFailure.CONTENT
    if "token service" in error:
        return LookupFailure.TOKEN_SERVICE
    return LookupFailure.REGISTRY


# --------------------------------------------------------------------------- read straight from bytes
#
# Migrating in Python means parsing the whole file into Python objects, then writing it out again
# to validate it as JSON (JSON-mode strictness: a string where a number belongs is refused).
# Instead pydantic-core validates the version-1 shape straight from the bytes: the version-2
# models' own field schemas, with `tag_content_types` allowed (and dropped) and a problem allowed
# to be a sentence. Only the models holding such a field are built here, in Python.
#
# They are built as `model_construct` builds them (it is 7 times slower, as it looks for defaults
# the validator has already filled): a "model" core schema cannot be used, as pydantic-core then
# takes the class's own (version-2) validator in its place.

_Fields = tuple[dict[str, Any], Any, set[str]]
M = TypeVar("M", bound=BaseModel)
_new: Final = object.__new__
_set: Final = object.__setattr__


def _instance(model: type[M], values: dict[str, Any], fields_set: set[str]) -> M:
    instance = _new(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", fields_set)
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def _fields_of(
    model: type[BaseModel], replaced: dict[str, CoreSchema], build: Callable[[_Fields], Any]
) -> CoreSchema:
    """`model`'s fields with some replaced or added, built by `build` (which gets pydantic-core's
    field values, extras and the set of fields given)."""
    schema = cast(ModelSchema, model.__pydantic_core_schema__)
    fields_schema = cast(ModelFieldsSchema, schema["schema"])
    fields = {**fields_schema["fields"], **{k: cs.model_field(v) for k, v in replaced.items()}}
    extra = schema.get("config", {}).get("extra_fields_behavior")
    return cs.no_info_after_validator_function(
        build, cs.model_fields_schema(fields, model_name=model.__name__, extra_behavior=extra)
    )


def _plain(model: type[BaseModel]) -> Callable[[_Fields], Any]:
    return lambda fields: _instance(model, fields[0], fields[2])


def _repository(fields: _Fields) -> RepositoryEvidence:
    values, _, fields_set = fields
    del values["tag_content_types"]
    fields_set.discard("tag_content_types")
    image: ImageEvidence | None = values["image"]
    if image is not None and image.error is not None and "failure" not in image.model_fields_set:
        values["image"] = image.model_copy(update={"failure": _image_failure(image.error)})
    return _instance(RepositoryEvidence, values, fields_set)


def _problem(message: str) -> Problem:
    return Problem(service=_problem_service(message), message=message)


def _document(fields: _Fields) -> EvidenceFile:
    fields[0]["schema_version"] = 2
    return _instance(EvidenceFile, fields[0], fields[2])


_PROBLEM: Final = cs.union_schema(
    [
        cs.no_info_after_validator_function(_problem, cs.str_schema()),
        Problem.__pydantic_core_schema__,
    ]
)
_REPOSITORY: Final = _fields_of(
    RepositoryEvidence,
    {
        "problems": cs.with_default_schema(cs.tuple_variable_schema(_PROBLEM), default=()),
        "tag_content_types": cs.with_default_schema(cs.any_schema(), default=None),
    },
    _repository,
)
_NAMESPACE: Final = _fields_of(
    NamespaceEvidence,
    {"repositories": cs.with_default_schema(cs.tuple_variable_schema(_REPOSITORY), default=())},
    _plain(NamespaceEvidence),
)
_ENTRY: Final = cs.tagged_union_schema(
    {
        "collected": _fields_of(CollectedEntry, {"evidence": _NAMESPACE}, _plain(CollectedEntry)),
        "error": FailedEntry.__pydantic_core_schema__,
    },
    discriminator="status",
)

# Either validates a version-1 document's JSON as the version-2 models `migrate_v1` would give.
DOCUMENT_V1: Final = SchemaValidator(
    _fields_of(
        EvidenceFile,
        {
            "schema_version": cs.literal_schema([1]),
            "namespaces": cs.tuple_variable_schema(_ENTRY, min_length=1),
        },
        _document,
    )
)
REPOSITORIES_V1: Final = SchemaValidator(cs.tuple_variable_schema(_REPOSITORY))
