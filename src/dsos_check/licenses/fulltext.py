"""Recognise a LICENSE file's text with licenseclassifier and flag what it adds (licenses.md §4.2)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from dsos_check.licenses.riders import COMMONS_CLAUSE, Rider, find_riders
from dsos_check.licenses.similar import nearest_license, twins
from dsos_check.licenses.spdx import evaluate
from dsos_check.text import shorten

if TYPE_CHECKING:
    from licenseclassifier import LicenseIdentificationResult

__all__ = [
    "CLEAN_COVERAGE",
    "LICENSE_COVERAGE",
    "MAX_LICENSE_TEXT",
    "FullTextMatch",
    "classify_license_text",
]

# Characters (or bytes, before decoding) looked at.
MAX_LICENSE_TEXT: Final = 200_000
# Below this coverage the text is not a license file (README prose, a note that names a license).
LICENSE_COVERAGE: Final = 75.0
# At or above it, with no riders, the file is the license text and nothing else.
CLEAN_COVERAGE: Final = 98.0

# Classifier ids that are riders rather than licenses. Its "CommonsClause" pattern is the older
# draft wording ("Commons Cause License Condition notice"), which the name search cannot see.
_RIDER_IDS: Final = {"CommonsClause": COMMONS_CLAUSE}
_SNIPPET_LIMIT: Final = 80

# The classifier widens a match back to a "copyright" word up to 50 words before it (licensecheck's
# copyright back-fill), so text between a copyright line and the license proper counts as covered.
# Those words are searched like uncovered text. Its words are runs of letters and digits; its
# copyright words are "copyright", "(c)", "©" and "&copy;".
_COPYRIGHT_WORD: Final = re.compile(r"copyright|\(c\)|©|&copy;", re.IGNORECASE)
_WORD: Final = re.compile(r"[^\W_]+")
_BACKFILL_WORDS: Final = 50 + 5  # the classifier's limit, and a little slack


@dataclass(frozen=True)
class FullTextMatch:
    """What a license text is: the matched SPDX ids, how much of it they explain, what it adds."""

    ids: tuple[str, ...]  # distinct ids in text order, as the classifier gives them ("GPL-2.0")
    expression: str | None  # ids joined with " AND " (all apply); None when nothing matched
    coverage: float  # percent (0-100) of the stripped text inside matched regions
    riders: tuple[Rider, ...]  # restrictions in the unmatched text, restrictive names anywhere
    clean: bool  # coverage >= 98 and no riders: the file is the license text and nothing else
    reason: str  # one plain sentence
    # Text the file adds to the license it was made from, quoted (titles and copyright lines
    # are not additions), longest first.
    added: tuple[str, ...] = ()
    # For a text the classifier cannot match: the license it is a modified copy of.
    modified_from: str | None = None
    # Licenses the text matches word for word better than `expression`, with another OSI verdict.
    twins: tuple[str, ...] = ()


def _identify(text: str) -> list[LicenseIdentificationResult]:
    # Imported on first use: the import is cheap, but the first call loads the compiled scanner
    # (~0.2 s), and modules that never classify a text should not pay for either.
    from licenseclassifier import identify_license

    return identify_license(text, coverage_threshold=0)


def _prepare(text: str | bytes) -> str:
    candidate: object = text  # callers are typed, but a non-str must not raise either
    if isinstance(candidate, bytes | bytearray):
        candidate = bytes(candidate[:MAX_LICENSE_TEXT]).decode("utf-8", errors="replace")
    if not isinstance(candidate, str):
        return ""
    return candidate[:MAX_LICENSE_TEXT].replace("\x00", "").strip()


def _merge(regions: Iterable[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Sorted, non-overlapping regions clipped to [0, size]."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(size, e)) for s, e in regions):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _gaps(merged: Sequence[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    gaps: list[tuple[int, int]] = []
    position = 0
    for start, end in merged:
        if start > position:
            gaps.append((position, start))
        position = end
    if position < size:
        gaps.append((position, size))
    return gaps


def _backfill(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of a matched region that a copyright back-fill may have pulled in, if any."""
    line_end = text.find("\n", start, end)
    copyright_word = _COPYRIGHT_WORD.search(text, start, end if line_end < 0 else line_end)
    if copyright_word is None:
        return None
    stop = copyright_word.end()
    for count, word in enumerate(_WORD.finditer(text, stop, end), start=1):
        stop = word.end()
        if count >= _BACKFILL_WORDS:
            break
    return start, stop


# Lines a license file carries besides the license without changing it: titles ("MIT License",
# "Apache License Version 2.0, January 2004"), copyright and "all rights reserved" lines, links.
_BENIGN_LINE: Final = re.compile(
    r"(?i)^\W*(?:copyright\b|\(c\)|©|all rights reserved|https?://|spdx-license-identifier)"
)
_TITLE_WORDS: Final = 10
_MIN_ADDED_WORDS: Final = 6
_QUOTE_LIMIT: Final = 240


def _added_text(text: str, gaps: Iterable[tuple[int, int]]) -> tuple[str, ...]:
    """The uncovered text that says something: not blank, a title, a copyright line or a link."""
    quotes: list[str] = []
    for start, end in gaps:
        kept = []
        for line in text[start:end].splitlines():
            words = _WORD.findall(line)
            title = len(words) <= _TITLE_WORDS and re.search(r"(?i)licen[cs]e", line)
            if not words or title or _BENIGN_LINE.match(line):
                continue
            kept.append(line.strip())
        quote = " ".join(" ".join(kept).split())
        if len(_WORD.findall(quote)) >= _MIN_ADDED_WORDS:
            quotes.append(quote[:_QUOTE_LIMIT])
    return tuple(sorted(quotes, key=len, reverse=True))


def _unique(riders: Iterable[Rider]) -> tuple[Rider, ...]:
    seen: set[str] = set()
    kept: list[Rider] = []
    for rider in riders:
        if rider.name not in seen:
            seen.add(rider.name)
            kept.append(rider)
    return tuple(kept)


def _names(riders: Iterable[Rider]) -> str:
    return ", ".join(rider.name for rider in riders)


def _percent(coverage: float) -> str:
    # Rounded down, so "98%" is never shown for a text that misses the 98 % bar.
    return f"{math.floor(coverage)}%"


def _unrecognised(text: str, coverage: float, reason: str) -> FullTextMatch:
    riders = _unique(find_riders(text))
    if riders:
        reason = f"{reason.removesuffix('.')}, but it mentions: {_names(riders)}."
    return FullTextMatch(
        ids=(), expression=None, coverage=coverage, riders=riders, clean=False, reason=reason
    )


def _modified(text: str, coverage: float) -> FullTextMatch | None:
    """A text the classifier cannot match that is a known license with text added, if it is one.

    The diff finds the added runs; the classifier, run again without them, names the license the
    text was made from (word sets alone cannot tell MIT from JSON, which adds one sentence).
    """
    nearest = nearest_license(text)
    if nearest is None:
        return None
    base = nearest.license_id
    if nearest.spans:
        kept, position = [], 0
        for start, end in nearest.spans:
            kept.append(text[position:start])
            position = end
        rest = "\n\n".join(part.strip() for part in [*kept, text[position:]] if part.strip())
        try:
            again = _identify(rest)
        except Exception:
            again = []
        if again:
            base = " AND ".join(dict.fromkeys(r.id for r in again))
    added = tuple(quote for quote in nearest.added)
    riders = _unique(
        [*find_riders(" ".join(added), license_additions=True), *find_riders(text, names_only=True)]
    )
    what = f"; it adds: {shorten(added[0], 100)!r}" if added else ""
    reason = (
        f"The text is a modified copy of {base} ({round(nearest.similarity * 100)}% similar){what}"
    )
    if riders:
        reason += f"; restrictions: {_names(riders)}"
    return FullTextMatch(
        ids=(),
        expression=None,
        coverage=coverage,
        riders=riders,
        clean=False,
        reason=reason + ".",
        added=added or ("(the wording differs from the license)",),
        modified_from=base,
    )


def classify_license_text(text: str | bytes) -> FullTextMatch:
    """Classify a license file's text: SPDX ids, coverage, and the restrictions it adds. Never raises.

    Bytes are decoded as UTF-8 with replacement; only the first 200 KB are read.
    """
    stripped = _prepare(text)
    if not stripped:
        return _unrecognised("", 0.0, "The text is empty.")
    try:
        results = _identify(stripped)
    except Exception:  # a third-party scanner on a stranger's text: report, never crash
        return _unrecognised(stripped, 0.0, "The text could not be classified.")

    size = len(stripped)
    merged = _merge(((r.start, r.end) for r in results), size)
    coverage = min(100.0, 100.0 * sum(end - start for start, end in merged) / size)
    if coverage < LICENSE_COVERAGE:
        modified = _modified(stripped, coverage)
        if modified is not None:
            return modified
        return _unrecognised(stripped, coverage, "Not a recognisable license text.")

    return _matched(stripped, results, merged, coverage)


def _riders_of_match(
    text: str, results: Sequence[LicenseIdentificationResult], merged: Sequence[tuple[int, int]]
) -> tuple[tuple[Rider, ...], list[Rider]]:
    """(riders in the text the match does not explain, restrictive names anywhere else)."""
    searched = _gaps(merged, len(text)) + [
        window for start, end in merged if (window := _backfill(text, start, end)) is not None
    ]
    added = _unique(
        rider
        for start, end in sorted(searched)
        for rider in find_riders(text[start:end], license_additions=True)
    )
    from_ids = [
        Rider(name=_RIDER_IDS[r.id], snippet=shorten(text[r.start : r.end], _SNIPPET_LIMIT))
        for r in results
        if r.id in _RIDER_IDS
    ]
    already = {rider.name for rider in added}
    named = [
        rider
        for rider in _unique([*from_ids, *find_riders(text, names_only=True)])
        if rider.name not in already
    ]
    return added, named


def _matched(
    text: str,
    results: Sequence[LicenseIdentificationResult],
    merged: Sequence[tuple[int, int]],
    coverage: float,
) -> FullTextMatch:
    """The answer for a text the classifier matched (coverage at least 75 %)."""
    ids = tuple(dict.fromkeys(r.id for r in results))
    expression = " AND ".join(ids)
    added, named = _riders_of_match(text, results, merged)
    quotes = _added_text(text, _gaps(merged, len(text)))
    reason = f"The text matches {expression} ({_percent(coverage)} covered)"
    if added:
        # Riders in a fully covered text sat inside a copyright back-fill.
        rest = "the rest" if coverage < 100 else "it also"
        reason += f"; {rest} adds: {_names(added)}"
    elif quotes:
        reason += f"; the rest adds: {shorten(quotes[0], 100)!r}"
    elif coverage < CLEAN_COVERAGE:
        reason += "; the rest adds no recognised restriction"
    if named:
        reason += f"; it names: {_names(named)}"
    other = _other_verdicts(text, ids)
    if other:
        reason += f"; word for word it is closer to {', '.join(other)}"
    riders = (*added, *named)
    return FullTextMatch(
        ids=ids,
        expression=expression,
        coverage=coverage,
        riders=riders,
        clean=coverage >= CLEAN_COVERAGE and not riders and not quotes and not other,
        reason=reason + ".",
        added=quotes,
        twins=other,
    )


def _other_verdicts(text: str, ids: Sequence[str]) -> tuple[str, ...]:
    """Near-exact variants of a single approved match that are not approved (licenses.md §4.4)."""
    if len(ids) != 1 or evaluate(ids[0]).osi_approved is not True:
        return ()
    return tuple(t for t in twins(text, ids[0]) if evaluate(t).osi_approved is not True)
