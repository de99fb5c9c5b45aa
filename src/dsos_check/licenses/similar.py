"""Which known license a modified text was made from, and what was added (licenses.md §4.4).

licenseclassifier matches a license as one pattern, so one paragraph inserted in the middle of
MIT drops its answer to nothing. This is the diff-aware fallback for such texts: pick the nearest
license by word-set similarity (as licensee does, a Sørensen-Dice coefficient), then align the
text's words with that license's words (difflib) and quote the longest runs the license does not
have. The license words come from the classifier's own patterns, so both agree on what a license
says.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import json
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = ["MIN_SIMILARITY", "Nearest", "nearest_license", "twins"]

TWIN_SIMILARITY: Final = 0.97  # word sets this close: the text could be either license
MIN_SIMILARITY: Final = 0.75  # Dice coefficient on word sets, below it the text is not a license
_MIN_ALIGNED: Final = 0.7  # share of the text's words found, in order, in the license
_MIN_WORDS: Final = 40  # a shorter text is a note, not a modified license
_MAX_WORDS: Final = 6_000  # the alignment is quadratic at worst: longer texts are not aligned
_MIN_RUN: Final = 6  # added runs shorter than this are names, years, "Materials" for "Software"
_MAX_QUOTE: Final = 240
_CANDIDATES: Final = 3

_WORD: Final = re.compile(r"[a-z0-9]+")
# Every ASCII character but a-z and 0-9 to a space: `_words` of ASCII text is then a `split`.
_NOT_WORD: Final = str.maketrans(
    {
        chr(code): " "
        for code in range(128)
        if not ("a" <= chr(code) <= "z" or "0" <= chr(code) <= "9")
    }
)
_COMMENT: Final = re.compile(r"//\*\*.*?\*\*//", re.DOTALL)
_OPERATOR: Final = re.compile(r"\(\(|\)\)|\|\||\?\?|__\d+__")
# Runs that a real license file adds without changing its terms: copyright lines, titles.
_BENIGN: Final = re.compile(r"(?i)^\W*(?:copyright|\(c\)|©|all rights reserved|https?://)")


# The "how to apply" appendix of a license, filled in or not: "<name of author>", "[yyyy]".
_PLACEHOLDER: Final = re.compile(r"<[^<>]{1,40}>|\[[^\[\]]{1,40}\]")


@dataclass(frozen=True)
class Nearest:
    """The license a text is closest to, and the text it adds."""

    license_id: str
    similarity: float  # Dice coefficient of the word sets, 0-1
    added: tuple[str, ...]  # the added runs, longest first, each quoted from the text
    spans: tuple[tuple[int, int], ...] = ()  # where the added runs are in the text, in order


@dataclass(frozen=True, slots=True)
class _Template:
    """One license pattern of the classifier, compactly: its words as numbers in the shared
    vocabulary, and its word set as one bit per vocabulary word (a Python int). Held as word
    tuples and frozensets, the 700 templates took about 16 MiB in every process that analyses;
    held this way, under 4. The Dice coefficient's intersection is then an AND and a popcount."""

    license_id: str
    numbers: array[int]  # the pattern's words in order, as vocabulary numbers
    bits: int  # the word set
    size: int  # how many distinct words


@dataclass(frozen=True, slots=True)
class _Store:
    """Every template, in order of word-set size (and those sizes), by id, and the vocabulary
    (word to number, and number to word)."""

    ordered: tuple[_Template, ...]
    sizes: list[int]
    by_id: dict[str, _Template]
    numbers: dict[str, int]
    words: tuple[str, ...]


class _Vocabulary(dict[str, int]):
    """Word to number, numbering each new word as it is first looked up."""

    def __missing__(self, word: str) -> int:
        number = self[word] = len(self)
        return number


@functools.cache
def _store() -> _Store:
    """The templates of every pattern the classifier ships; none if it cannot be read."""
    numbers = _Vocabulary()
    by_id: dict[str, _Template] = {}
    for license_id, pattern in _patterns():
        words = _words(_OPERATOR.sub(" ", _COMMENT.sub(" ", pattern)).lower())
        if len(words) < _MIN_WORDS // 2 or license_id in by_id:
            continue
        coded = array("I", map(numbers.__getitem__, words))
        distinct = set(coded)
        by_id[license_id] = _Template(license_id, coded, _bits(distinct), len(distinct))
    ordered = tuple(sorted(by_id.values(), key=lambda template: template.size))
    return _Store(ordered, [t.size for t in ordered], by_id, numbers, tuple(numbers))


def _patterns() -> list[tuple[str, str]]:
    """(id, pattern) of every license the classifier ships, in its order; none if unreadable."""
    try:
        import licenseclassifier

        path = Path(licenseclassifier.__file__).parent / "_engine" / "licenses.json.gz"
        entries = json.loads(gzip.decompress(path.read_bytes()))
    except Exception:  # a private file of a dependency: without it, there is no fallback
        return []
    return [
        (entry["id"], entry["lre"])
        for entry in (entries if isinstance(entries, list) else ())
        if isinstance(entry, dict)
        and isinstance(entry.get("id"), str)
        and isinstance(entry.get("lre"), str)
        and entry["lre"]
    ]


def _bits(numbers: Collection[int]) -> int:
    """The set of vocabulary numbers as an int with those bits set."""
    mask = bytearray(max(numbers, default=-1) // 8 + 1)
    for number in numbers:
        mask[number >> 3] |= 1 << (number & 7)
    return int.from_bytes(mask, "little")


def _words(lowered: str) -> list[str]:
    """`_WORD.findall(lowered)`, by C string methods, which are several times faster than the
    regex engine's loop (700 license templates are read this way). Outside ASCII no character
    is a word character, so each becomes a "?", a separator like any other."""
    if not lowered.isascii():
        lowered = lowered.encode("ascii", "replace").decode("ascii")
    return lowered.translate(_NOT_WORD).split()


def _word_set(words: Iterable[str]) -> tuple[int, int]:
    """A text's word set as vocabulary bits (words no template has cannot be shared with one,
    and are left out) and its size (they count there)."""
    distinct = set(words)
    known = _store().numbers
    return _bits([known[word] for word in distinct if word in known]), len(distinct)


def _dice(bits: int, size: int, template: _Template) -> float:
    """The Sørensen-Dice coefficient of a word set (as `_word_set` gives it) and a template's."""
    total = size + template.size
    return 2 * (bits & template.bits).bit_count() / total if total else 0.0


def _near_in_size(count: int, least: float) -> tuple[_Template, ...]:
    """The templates whose Dice coefficient with a set of `count` words may reach `least`: the
    coefficient of sets of a and b >= a words is at most 2a / (a + b), so sets whose sizes are
    further apart are left out without being compared (most of the 700)."""
    store = _store()
    # The smallest size ratio r with 2r / (1 + r) >= least, a little lower for rounding.
    ratio = least / (2 - least) - 1e-6
    low, high = bisect_left(store.sizes, count * ratio), bisect_right(store.sizes, count / ratio)
    return store.ordered[low:high]


_Runs = tuple[tuple[tuple[int, int], ...], float]


def _added_runs(
    text: str, spans: Sequence[tuple[int, int]], words: Sequence[str], template: Sequence[str]
) -> _Runs:
    """(character spans of the added runs, share of the text's words aligned with the license)."""
    matcher = difflib.SequenceMatcher(None, template, words, autojunk=False)
    runs: list[tuple[int, int]] = []
    aligned = 0
    for tag, _, _, first, last in matcher.get_opcodes():
        if tag == "equal":
            aligned += last - first
        elif tag in ("insert", "replace") and last - first >= _MIN_RUN:
            run = (spans[first][0], spans[last - 1][1])
            quote = text[run[0] : run[1]]
            if not _BENIGN.match(quote) and not _PLACEHOLDER.search(quote):
                runs.append(run)
    return tuple(runs), aligned / max(1, len(words))


def nearest_license(text: str) -> Nearest | None:
    """The known license `text` is a modified copy of, with what it adds; None if none is near.

    Bounded: texts of fewer than 40 or more than 6,000 words are not compared.
    """
    matches = list(_WORD.finditer(text.lower()))
    if not _MIN_WORDS <= len(matches) <= _MAX_WORDS:
        return None
    words = [match.group() for match in matches]
    spans = [match.span() for match in matches]
    bits, size = _word_set(words)
    # Only the templates that may reach MIN_SIMILARITY: the others end the loop below anyway.
    scored = sorted(
        (
            (_dice(bits, size, template), template.license_id, template)
            for template in _near_in_size(size, MIN_SIMILARITY)
        ),
        key=lambda scoring: scoring[:2],
        reverse=True,
    )
    # Near-identical licenses (MIT and JSON, which adds one sentence) tie on word sets: of the
    # closest few, the one that explains most of the text in order wins.
    vocabulary = _store().words
    best: tuple[float, float, str, tuple[tuple[int, int], ...]] | None = None
    for score, license_id, template in scored[:_CANDIDATES]:
        if score < MIN_SIMILARITY:
            break
        template_words = [vocabulary[number] for number in template.numbers]
        runs, aligned = _added_runs(text, spans, words, template_words)
        if aligned >= _MIN_ALIGNED and (best is None or (aligned, score) > best[:2]):
            best = (aligned, score, license_id, runs)
    if best is None:
        return None
    quotes = sorted((" ".join(text[a:b].split())[:_MAX_QUOTE] for a, b in best[3]), key=len)
    return Nearest(best[2], best[1], tuple(reversed(quotes)), best[3])


def twins(text: str, license_id: str) -> tuple[str, ...]:
    """Other licenses whose words match `text` better than `license_id`'s, nearly exactly.

    The classifier names one license for a text that is word for word a variant of it (HPND for
    dtoa or metamail, BSD-2-Clause for BSD-2-Clause-pos-unchanged); the variant may carry a
    different OSI verdict, so the caller must not trust the classifier's name alone.
    """
    bits, size = _word_set(_words(text[:200_000].lower()))
    if size < _MIN_WORDS // 2:
        return ()
    near = _near_in_size(size, TWIN_SIMILARITY)  # no other can be a twin
    scores = {template.license_id: _dice(bits, size, template) for template in near}
    own_template = _store().by_id.get(license_id)
    own = _dice(bits, size, own_template) if own_template is not None else 0.0
    found = [(score, lid) for lid, score in scores.items() if score >= TWIN_SIMILARITY]
    return tuple(lid for score, lid in sorted(found, reverse=True) if score > own)
