"""Renderers: each turns a Report, and nothing but a Report, into text; the CLI picks one by Format.

Every format is a `Renderer` class built with `RenderOptions` and called as `render(report)`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from dsos_check.choices import Format
from dsos_check.report.base import Renderer, RenderOptions

__all__ = ["RENDERERS", "Format", "RenderOptions", "Renderer", "renderer_for"]

# Each format's module and class. A run renders one format, so the others are not imported
# (SARIF's models alone take longer to import than rendering a large JSON report).
_CLASSES: Mapping[Format, tuple[str, str]] = {
    Format.TABLE: ("table", "TableRenderer"),
    Format.JSON: ("json_report", "JsonRenderer"),
    Format.MARKDOWN: ("markdown", "MarkdownRenderer"),
    Format.JUNIT: ("junit", "JunitRenderer"),
    Format.SARIF: ("sarif", "SarifRenderer"),
    Format.BADGE: ("badge", "BadgeRenderer"),
    Format.APPLICATION: ("application", "ApplicationRenderer"),
}


class _Renderers(Mapping[Format, type[Renderer]]):
    """Format -> renderer class, each imported when first looked up."""

    def __getitem__(self, fmt: Format) -> type[Renderer]:
        module, name = _CLASSES[fmt]
        renderer: type[Renderer] = getattr(
            importlib.import_module(f"dsos_check.report.{module}"), name
        )
        return renderer

    def __iter__(self) -> Iterator[Format]:
        return iter(_CLASSES)

    def __len__(self) -> int:
        return len(_CLASSES)


RENDERERS: Mapping[Format, type[Renderer]] = _Renderers()


def renderer_for(fmt: Format, options: RenderOptions | None = None) -> Renderer:
    """The renderer of a format, built with the options it will use."""
    return RENDERERS[fmt](options)
