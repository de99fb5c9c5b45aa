"""Renderers: each turns a Report, and nothing but a Report, into text; the CLI picks one by Format."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from dsos_check.choices import Format
from dsos_check.models import Report
from dsos_check.report import application, badge, json_report, junit, markdown, sarif, table


@dataclass(frozen=True)
class RenderOptions:
    """How the report will be shown: colours only on a terminal, width, detail."""

    color: bool = False
    width: int = 120
    verbose: bool = False


__all__ = ["RENDERERS", "Format", "RenderOptions", "Renderer"]

Renderer = Callable[[Report, RenderOptions], str]

RENDERERS: Mapping[Format, Renderer] = {
    Format.TABLE: lambda report, options: table.render(
        report, color=options.color, width=options.width, verbose=options.verbose
    ),
    Format.JSON: lambda report, options: json_report.render(report),
    Format.MARKDOWN: lambda report, options: markdown.render(report),
    Format.JUNIT: lambda report, options: junit.render(report),
    Format.SARIF: lambda report, options: sarif.render(report),
    Format.BADGE: lambda report, options: badge.render(report),
    Format.APPLICATION: lambda report, options: application.render(report),
}
