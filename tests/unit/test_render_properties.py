"""Property tests: every renderer takes a report holding any Unicode (controls, bidi marks, lone
surrogates) in every remote string and gives encodable output; the text formats show no hidden
character, the JSON and XML formats stay parseable."""

from __future__ import annotations

import json
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsos_check.choices import Format
from dsos_check.report import RENDERERS, RenderOptions
from dsos_check.report.json_report import JsonRenderer
from dsos_check.text import encodable, without_surrogates
from tests.unit.test_report_formats import hostile, report_of

ANY_TEXT = st.text(st.characters(codec=None), min_size=1, max_size=40)
HIDDEN = {"Cc", "Cf", "Cs"}
PARSERS: dict[Format, Callable[[str], object]] = {
    Format.JSON: json.loads,
    Format.JUNIT: ET.fromstring,
    Format.SARIF: json.loads,
    Format.BADGE: json.loads,
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT, st.booleans())
def test_every_renderer_takes_any_text(text: str, verbose: bool) -> None:
    report = report_of(hostile(text))
    for fmt, renderer in RENDERERS.items():
        out = renderer(RenderOptions(color=False, width=80, verbose=verbose)).render(report)
        out.encode("utf-8")
        # What is written to a file: the same text, as UTF-8 (JSON builds it so directly).
        assert renderer(RenderOptions(width=80, verbose=verbose)).render_utf8(report) == (
            encodable(out).encode("utf-8")
        )
        if fmt in PARSERS:
            PARSERS[fmt](out)
        if fmt is not Format.JSON:  # JSON keeps remote text as sent, escaped as JSON
            shown = {c for c in out if unicodedata.category(c) in HIDDEN and c not in "\n\t"}
            assert not shown, (fmt, [hex(ord(c)) for c in shown])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_json_with_a_lone_surrogate_is_the_json_of_its_replacement(text: str) -> None:
    """A lone surrogate cannot be encoded, so the JSON renderer lays out the scrubbed dump itself:
    byte for byte what pydantic writes for the same report with U+FFFD in its place (escapes,
    indentation, excluded fields), and without a serializer warning."""
    with_surrogate = "\ud800" + text
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = JsonRenderer().render_utf8(report_of(hostile(with_surrogate)))
    replaced = without_surrogates(with_surrogate)
    assert got == JsonRenderer().render_utf8(report_of(hostile(replaced)))
