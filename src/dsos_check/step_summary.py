"""GitHub Actions' job summary: the Markdown report appended to `$GITHUB_STEP_SUMMARY`, whatever
`--format` the run printed, so a json, junit or sarif run still shows its verdict on the run page."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from dsos_check.models import Report
from dsos_check.redact import redact


def write_step_summary(
    report: Report,
    rendered: str | None,
    note: Callable[[str], None],
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Append the Markdown report (`rendered` when the run already made it) to the job summary."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    if rendered is None:
        from dsos_check.report.markdown import MarkdownRenderer  # only under GitHub Actions

        rendered = MarkdownRenderer().render(report)
    try:
        with open(target, "a", encoding="utf-8", errors="replace") as handle:
            handle.write(redact(rendered) + "\n")
    except OSError as exc:
        note(f"could not append to GITHUB_STEP_SUMMARY: {exc.strerror}")
