"""A deterministic measure of a scanner's work, so that tests catch a quadratic or exponential
scanner without a clock (speed itself is measured by `bench/`, never asserted).

The measure is the number of function calls, Python and C (every regex call, `str.find`, ...),
made while the scanner runs. A scanner that loops over the text once per match or per line, or
that calls a pattern again from every position, makes calls in proportion to the square of the
text; one that stays linear makes at most about four times the calls on a text four times as
long.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

# Constant work: imports on first use, caches filling, the fixed cost of a call.
SLACK = 3_000


def calls(scan: Callable[[str], object], text: str) -> int:
    """Function calls (Python and C) made while `scan(text)` runs."""
    count = 0

    def profiler(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        scan(text)
    finally:
        sys.setprofile(previous)
    return count


def assert_linear(scan: Callable[[str], object], text: str, per_char: float = 4.0) -> None:
    """The work on `text` is at most about four times the work on its first quarter, and at most
    `per_char` calls per character: no quadratic loop, no call per position and match."""
    scan(text[:100])  # warm up: imports and caches are not the scanner's work
    quarter = calls(scan, text[: len(text) // 4])
    whole = calls(scan, text)
    assert whole <= 4.5 * quarter + SLACK, f"{whole} calls on the text, {quarter} on a quarter"
    assert whole <= per_char * len(text) + SLACK, f"{whole} calls for {len(text):,} characters"
