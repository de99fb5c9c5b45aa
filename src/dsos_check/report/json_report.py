"""The JSON report, schema_version 1, as the contract defines it."""

from __future__ import annotations

from dsos_check.models import Report


def render(report: Report) -> str:
    """The report as indented JSON (remote text kept as sent, JSON-escaped)."""
    return report.model_dump_json(indent=2) + "\n"
