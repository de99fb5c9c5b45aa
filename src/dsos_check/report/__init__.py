"""Renderers: each turns a Report, and nothing but a Report, into text; the CLI picks one by Format.

Every format is a `Renderer` class built with `RenderOptions` and called as `render(report)`.
"""

from __future__ import annotations

from collections.abc import Mapping

from dsos_check.choices import Format
from dsos_check.report.application import ApplicationRenderer
from dsos_check.report.badge import BadgeRenderer
from dsos_check.report.base import Renderer, RenderOptions
from dsos_check.report.json_report import JsonRenderer
from dsos_check.report.junit import JunitRenderer
from dsos_check.report.markdown import MarkdownRenderer
from dsos_check.report.sarif import SarifRenderer
from dsos_check.report.table import TableRenderer

__all__ = ["RENDERERS", "Format", "RenderOptions", "Renderer", "renderer_for"]

RENDERERS: Mapping[Format, type[Renderer]] = {
    Format.TABLE: TableRenderer,
    Format.JSON: JsonRenderer,
    Format.MARKDOWN: MarkdownRenderer,
    Format.JUNIT: JunitRenderer,
    Format.SARIF: SarifRenderer,
    Format.BADGE: BadgeRenderer,
    Format.APPLICATION: ApplicationRenderer,
}


def renderer_for(fmt: Format, options: RenderOptions | None = None) -> Renderer:
    """The renderer of a format, built with the options it will use."""
    return RENDERERS[fmt](options)
