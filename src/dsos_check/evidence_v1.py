"""Reading evidence files of schema version 1, as the version-2 models: validated straight from
their bytes in their own shape (`DOCUMENT_V1`, `REPOSITORIES_V1`), or, where that fails and the
error must be worded, migrated in Python first (`migrate_v1`).

Version 2 dropped a field nothing filled (`tag_content_types`) and types what version 1 said only
in words: which look-up a repository's problem or image error stands for. A version-1 file never
said it, so its sentences are read here, once, and nowhere else.
"""

from __future__ import annotations

import re
from typing import Any, Final

from pydantic_core import SchemaValidator
from pydantic_core import core_schema as cs

from dsos_check.evidence_schema import Fields, document_schema, fields_of, instance, plain
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
# to be a sentence (see evidence_schema for how the models are built).

# A version-1 file as dsos-check writes it says so in its first lines.
_VERSION_1: Final = re.compile(rb'"schema_version"\s*:\s*1\s*[,}]')
_HEADER_BYTES: Final = 4096


def says_version_1(data: bytes) -> bool:
    """Whether the file's first lines say schema version 1: only which validator to try first,
    as the one chosen checks schema_version itself."""
    return _VERSION_1.search(data, 0, _HEADER_BYTES) is not None


def _repository(fields: Fields) -> RepositoryEvidence:
    values, _, fields_set = fields
    del values["tag_content_types"]
    fields_set.discard("tag_content_types")
    image: ImageEvidence | None = values["image"]
    if image is not None and image.error is not None and "failure" not in image.model_fields_set:
        values["image"] = image.model_copy(update={"failure": _image_failure(image.error)})
    return instance(RepositoryEvidence, values, fields_set)


def _problem(message: str) -> Problem:
    return Problem(service=_problem_service(message), message=message)


_PROBLEM: Final = cs.union_schema(
    [
        cs.no_info_after_validator_function(_problem, cs.str_schema()),
        Problem.__pydantic_core_schema__,
    ]
)
REPOSITORY_V1: Final = fields_of(
    RepositoryEvidence,
    {
        "problems": cs.with_default_schema(cs.tuple_variable_schema(_PROBLEM), default=()),
        "tag_content_types": cs.with_default_schema(cs.any_schema(), default=None),
    },
    _repository,
)
_NAMESPACE: Final = fields_of(
    NamespaceEvidence,
    {"repositories": cs.with_default_schema(cs.tuple_variable_schema(REPOSITORY_V1), default=())},
    plain(NamespaceEvidence),
)

# A version-1 document's JSON validated as the version-2 models `migrate_v1` would give.
DOCUMENT_V1: Final = SchemaValidator(document_schema(1, _NAMESPACE))
REPOSITORIES_V1: Final = SchemaValidator(cs.tuple_variable_schema(REPOSITORY_V1))
