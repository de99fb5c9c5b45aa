"""The JSON report, schema_version 1, as the contract defines it."""

from __future__ import annotations

import json

from pydantic_core import PydanticSerializationError

from dsos_check.models import Report
from dsos_check.report.base import Renderer
from dsos_check.text import without_surrogates

# Only a run with --baseline has something to say here; otherwise the fields are left out.
BASELINE_FIELDS = frozenset({"changes", "license_changes"})


class JsonRenderer(Renderer):
    """The `json` format."""

    def render(self, report: Report) -> str:
        """The report as indented JSON (remote text kept as sent, JSON-escaped)."""
        return self.render_utf8(report).decode("utf-8")

    def render_utf8(self, report: Report) -> bytes:
        """The JSON as pydantic serialises it: UTF-8 already, and always valid (a lone surrogate
        cannot be encoded, so pydantic refuses it and it is replaced here)."""
        baseline = any(ns.changes is not None for ns in report.namespaces)
        exclude = None if baseline else {"namespaces": {"__all__": set(BASELINE_FIELDS)}}
        try:
            raw = report.__pydantic_serializer__.to_json(report, indent=2, exclude=exclude)
        except PydanticSerializationError:
            # Only a lone surrogate gets here (it cannot be encoded): replace it in the JSON-mode
            # data and lay that out as pydantic does (tested byte for byte), rather than
            # validating the whole report again only to serialise it.
            data = without_surrogates(report.model_dump(mode="json", exclude=exclude))
            raw = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
        return raw + b"\n"
