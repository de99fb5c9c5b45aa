"""The JSON report, schema_version 1, as the contract defines it."""

from __future__ import annotations

from dsos_check.models import Report

# Only a run with --baseline has something to say here; otherwise the fields are left out.
BASELINE_FIELDS = frozenset({"changes", "license_changes"})


def render(report: Report) -> str:
    """The report as indented JSON (remote text kept as sent, JSON-escaped)."""
    baseline = any(ns.changes is not None for ns in report.namespaces)
    exclude = None if baseline else {"namespaces": {"__all__": set(BASELINE_FIELDS)}}
    return report.model_dump_json(indent=2, exclude=exclude) + "\n"
