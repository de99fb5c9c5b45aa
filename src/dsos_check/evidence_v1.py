"""Reading evidence files of schema version 1: each is migrated to version 2 before validation.

Version 2 dropped a field nothing filled (`tag_content_types`) and types what version 1 said only
in words: which look-up a repository's problem or image error stands for. A version-1 file never
said it, so its sentences are read here, once, and nowhere else.
"""

from __future__ import annotations

from typing import Any, Final

from dsos_check.models import LookupFailure

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
