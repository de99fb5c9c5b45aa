"""What a renderer is: a format built with its options, exposing one `render(report) -> str`.

The shape follows pip-audit's `VulnerabilityFormat`: whatever a format needs (colour, width,
detail) is given when it is constructed, so every format is called the same way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from dsos_check.models import Report
from dsos_check.text import encodable


@dataclass(frozen=True)
class RenderOptions:
    """How the report will be shown: colours only on a terminal, width, detail."""

    color: bool = False
    width: int = 120
    verbose: bool = False


class Renderer(ABC):
    """One output format; formats that need no option simply ignore `options`."""

    def __init__(self, options: RenderOptions | None = None) -> None:
        self.options = options or RenderOptions()

    @abstractmethod
    def render(self, report: Report) -> str:
        """The report as this format's text (renderers see only the Report)."""

    def render_utf8(self, report: Report) -> bytes:
        """The report as the UTF-8 that is written (lone surrogates replaced). A format that
        builds its text as UTF-8 returns it as is: decoding a large report only to encode it
        again costs more than building it."""
        return encodable(self.render(report)).encode("utf-8")
