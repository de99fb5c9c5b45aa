"""Making strangers' text safe to show: no control characters, no escape sequences, bounded length."""

from __future__ import annotations

import re

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
# C0 and C1 controls except tab and newline, plus DEL and bidi overrides.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_ALL_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Remove escape sequences and control characters (tabs and newlines kept)."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def one_line(text: str) -> str:
    """Clean text folded onto one line."""
    return " ".join(clean(text).split())


def shorten(text: str, limit: int) -> str:
    """Clean, one-line text of at most `limit` characters (an ellipsis marks a cut)."""
    line = one_line(text)
    return line if len(line) <= limit else line[: max(0, limit - 1)] + "…"


def visible(text: str) -> str:
    """Control characters and escape bytes spelled out (`\\x1b`), so hostile text shows as such."""
    return _ALL_CONTROLS.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )
