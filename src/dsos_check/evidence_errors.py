"""Why an evidence file is refused, in one line: bad JSON, the wrong kind of file, or the first
problem the validator found, named by where it is in the file."""

from __future__ import annotations

import json
import re
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from dsos_check import __version__
from dsos_check.evidence_document import EVIDENCE_KIND, SUPPORTED_SCHEMA_VERSIONS
from dsos_check.text import shorten

__all__ = ["HEADER", "MAX_NESTING", "describe"]

# Nesting is capped by pydantic-core's JSON parser, which refuses more than this many levels
# (the format itself needs fewer than ten); the value is only used to word the error.
MAX_NESTING: Final = 200

_STATUSES: Final = ("collected", "error")
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Header(BaseModel):
    """Just enough of any JSON object to word an error (which tool version wrote it) and to
    know whether it needs migrating."""

    model_config = ConfigDict(extra="ignore")

    tool: dict[str, Any] | None = None
    schema_version: Any = None


HEADER: Final = TypeAdapter(_Header)


_NAIVE: Final = "the datetime has no time zone (write it in UTC, e.g. 2026-11-20T12:00:00Z)"


def describe(data: bytes, exc: ValidationError) -> str:
    """One line for the most telling problem: bad JSON, the wrong kind of file, else the first."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    if first["type"] == "json_invalid":
        return _invalid_json(str(first.get("ctx", {}).get("error", first["msg"])))
    for error in errors:
        if error["loc"] == () and error["type"] in ("model_type", "model_attributes_type"):
            return f"not an evidence file: the top level is {_json_type(error['input'])}, not an object"
    for error in errors:
        if error["loc"][:1] == ("kind",):
            return _wrong_kind(error)
    for error in errors:
        if error["loc"][:1] == ("schema_version",):
            return _wrong_version(error, data)
    message = f"{_path(first['loc'])}: {_message(first, data)}"
    more = len(errors) - 1
    if more:
        message += f" (and {more} more {'problem' if more == 1 else 'problems'})"
    return message


def _invalid_json(reason: str) -> str:
    if reason.startswith("EOF while parsing"):
        return f"the file is truncated (invalid JSON: {reason})"
    if reason.startswith("invalid unicode code point"):
        return f"invalid JSON, not UTF-8 text: {reason}"
    if reason.startswith("recursion limit exceeded"):
        where = reason.removeprefix("recursion limit exceeded").strip()
        return f"invalid JSON: nested more than {MAX_NESTING} levels deep {where}"
    return f"invalid JSON: {reason}"


def _wrong_kind(error: ErrorDetails) -> str:
    if error["type"] == "missing":
        found = error["input"] if isinstance(error["input"], dict) else {}
        if "policy" in found and "namespaces" in found:
            return (
                "this is a dsos-check report (--format json), not an evidence file; "
                "save evidence with --save-evidence"
            )
        return f'not an evidence file: "kind" is missing (expected "{EVIDENCE_KIND}")'
    return f'not an evidence file: "kind" is {_shown(error["input"])}, expected "{EVIDENCE_KIND}"'


def _wrong_version(error: ErrorDetails, data: bytes) -> str:
    supported = ", ".join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)
    if error["type"] == "missing":
        return f"schema_version is missing (supported: {supported})"
    writer = _writer(data)
    by = (
        f"; the file was written by dsos-check {writer}, this is {__version__}"
        if writer and writer != __version__
        else ""
    )
    return f"unsupported schema_version {_shown(error['input'])} (supported: {supported}){by}"


def _message(error: ErrorDetails, data: bytes) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        writer = _writer(data)
        newer = (
            f"; the file was written by dsos-check {writer}, this is {__version__}"
            if writer and writer != __version__
            else ""
        )
        return f"unknown field{newer}"
    if kind == "missing":
        return "required field is missing"
    if kind == "timezone_aware":
        return _NAIVE
    if kind == "too_short" and error["loc"] == ("namespaces",):
        return "the file holds no namespaces"
    if kind == "union_tag_not_found":
        return 'required field "status" is missing ("collected" or "error")'
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        return f'"status" is {_shown(tag)}, expected "collected" or "error"'
    message = str(error["msg"])
    value = error.get("input")
    if isinstance(value, str | int | float | bool) or value is None:
        message += f" (got {_shown(value)})"
    else:
        message += f" (got {_json_type(value)})"
    return message


def _writer(data: bytes) -> str | None:
    """The dsos-check version named in the file's `tool`, if any (for error messages only)."""
    try:
        tool = HEADER.validate_json(data).tool or {}
    except ValidationError:
        return None
    version = tool.get("version")
    return shorten(version, 40) if isinstance(version, str) else None


def _path(loc: tuple[int | str, ...]) -> str:
    """`namespaces[0].evidence.repositories[3].last_updated` for a pydantic error location."""
    if len(loc) >= 3 and loc[0] == "namespaces" and loc[2] in _STATUSES:
        loc = (*loc[:2], *loc[3:])  # the discriminated union adds the tag; the file has none
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.fullmatch(part):
            path += f".{part}" if path else part
        else:
            path += f"[{json.dumps(shorten(part, 60), ensure_ascii=True)}]"
    return path or "(top level)"


def _shown(value: object) -> str:
    """A value from the file as JSON, short and on one line."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__
