"""Making strangers' text safe to show: no control, format or surrogate characters, no escape
sequences, bounded length."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Final

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences, and C1 forms.
_ANSI = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]          # CSI
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC, terminated by BEL or ST (or unterminated)
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?  # DCS, SOS, PM, APC
    | \x1b.?                         # any other escape
    | \x9b[0-?]*[ -/]*[@-~]          # 8-bit CSI
    | \x9d[^\x07\x9c]*[\x07\x9c]?    # 8-bit OSC
    """,
    re.VERBOSE,
)
# Categories that are never shown as themselves: controls (Cc), format characters such as
# zero-width spaces and bidi marks, overrides and isolates (Cf), and lone surrogates (Cs), which
# cannot even be encoded. They are dropped as a class, not as a list, so new ones are covered.
_HIDDEN = frozenset({"Cc", "Cf", "Cs"})
_SURROGATE = re.compile("[\ud800-\udfff]")
# Line and paragraph separators (Zl, Zp) and odd spaces (Zs) become a plain space.
_SPACES = frozenset({"Zl", "Zp", "Zs"})


# Everything but printable ASCII, tabs and newlines: the only characters that need a decision,
# so ordinary text is copied by the regex engine instead of looked at one character at a time.
_NOT_PLAIN = re.compile(r"[^ -~\t\n]")


@lru_cache(maxsize=4096)  # bounded: hostile text may hold every code point
def _shown_as(char: str) -> str:
    """What one character that is not plain ASCII becomes: itself, a space, or nothing."""
    if char.isprintable():
        return char
    category = unicodedata.category(char)
    if category in _SPACES:
        return " "
    # private-use and unassigned code points are shown as they are
    return "" if category in _HIDDEN else char


# The ASCII characters `str.isprintable` refuses but tabs and newlines: ASCII text without them
# is plain.
_ASCII_CONTROLS: Final = bytes([*range(9), *range(11, 32), 127])


def _scrub(text: str) -> str:
    if text.isprintable():  # the usual case, checked in C
        return text
    # Text with newlines or tabs: when every other character is printable, each one that
    # _NOT_PLAIN would find is shown as itself. Checked in C, not one character at a time:
    # ASCII text (most overviews) by deleting its control bytes, which copies it once, where
    # `isprintable` looks each character up in the Unicode tables.
    if text.isascii():
        raw = text.encode("ascii")
        if len(raw.translate(None, _ASCII_CONTROLS)) == len(raw):
            return text
    elif text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return _NOT_PLAIN.sub(lambda match: _shown_as(match.group()), text)


def clean(text: str) -> str:
    """Remove escape sequences and control, format and surrogate characters (tabs and newlines
    kept)."""
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:  # every _ANSI match starts so
        text = _ANSI.sub("", text)
    return _scrub(text)


def one_line(text: str) -> str:
    """Clean text folded onto one line."""
    # Printable text has no escape, control or format character, and no whitespace but " ":
    # without two in a row or one at an end, it is its own answer (most snippets), checked in C.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(clean(text).split())


def shorten(text: str, limit: int) -> str:
    """Clean, one-line text of at most `limit` characters (an ellipsis marks a cut)."""
    line = one_line(text)
    return line if len(line) <= limit else line[: max(0, limit - 1)] + "…"


def without_surrogates(value: Any) -> Any:
    """The same data (strings, lists, tuples, dicts) with every lone surrogate, in keys and
    strings, replaced by U+FFFD: what a JSON escape like "\ud800" leaves in parsed data."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list | tuple):
        return [without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    return value


def encodable(text: str) -> str:
    """Text whose lone surrogates are replaced, so that it can always be written as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def visible(text: str) -> str:
    """Hidden characters and escape bytes spelled out (`\\x1b`, `\\u200f`), so hostile text shows
    as such."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if char.isprintable() or unicodedata.category(char) not in _HIDDEN:
            out.append(char)
        else:
            out.append(f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}")
    return "".join(out)
