"""Strangers' text made safe for a terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsos_check import text as text_module
from dsos_check.text import clean, one_line, shorten


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b]8;;http://evil\x07link\x1b]8;;\x07", "link"),
        ("\x1b]0;title\x1b\\x", "x"),
        ("a\x00b\x07c\x7fd", "abcd"),
        ("\x9b31mred", "red"),
        ("bidi\u202etxt", "biditxt"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("[bold red]x[/]", "[bold red]x[/]"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_one_line_and_shorten() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    assert shorten("x" * 50, 10) == "x" * 9 + "…"
    assert shorten("\x1b[1m" + "ok", 10) == "ok"


def test_visible_spells_out_controls() -> None:
    from dsos_check.text import visible

    assert visible("\x1b[32mMIT\x1b[0m") == "\\x1b[32mMIT\\x1b[0m"
    assert visible("a\u202eb\tc") == "a\\u202eb\\x09c"
    assert "\x1b" not in visible("\x1b\x9b\x07")


@given(st.text(alphabet="ab \t\n\r\x00\x1b\x7f\x85\u00a0\u200b\u2028\u202e\ue000é漢", max_size=30))
def test_scrub_keeps_text_unchanged_only_when_the_substitution_would(text: str) -> None:
    """The shortcut for printable text with newlines and tabs gives what the substitution gives."""
    expected = text_module._NOT_PLAIN.sub(lambda m: text_module._shown_as(m.group()), text)
    assert text_module._scrub(text) == expected


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_ascii_text_is_kept_unchanged_only_when_the_substitution_would(text: str) -> None:
    """ASCII text, checked by deleting its control bytes: every one of them but tab and
    newline makes it go through the substitution."""
    expected = text_module._NOT_PLAIN.sub(lambda m: text_module._shown_as(m.group()), text)
    assert text_module._scrub(text) == expected
    assert (text_module._scrub(text) is text) == (
        text.replace("\n", "").replace("\t", "").isprintable()
    )


@given(st.text(alphabet="ab  \t\n\r\x00\x1b\x9b\x85\u00a0\u2002\u200b\u2028\u3000é", max_size=20))
def test_one_line_returns_text_that_is_already_one_clean_line_as_it_is(text: str) -> None:
    """The fast path (printable, single spaces, none at an end) answers as the full one does."""
    assert one_line(text) == " ".join(clean(text).split())
