"""A linear keyword pre-scan shared by the text scanners (license riders, commercial signals).

Each pattern of a scanner has keywords that every match of it contains. The pre-scan finds which
keywords occur at a word start (no letter before them), and only the patterns whose keywords
occurred then run. Keywords of three letters or fewer must be whole words: as prefixes they sit
in too many words ("pro" in "project", "per" in "person"). Keywords that start with a symbol
("$") are matched anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final, NamedTuple

from ahocorasick_rs import AhoCorasick, BytesAhoCorasick

__all__ = [
    "Anchored",
    "KeywordScanner",
    "Literals",
    "Occurrences",
    "Scanned",
    "Spec",
    "Uncompiled",
    "fold",
    "found_at",
    "matches_at",
    "occurrences",
]

_SHORT: Final = 3


@dataclass(frozen=True)
class Uncompiled:
    """A pattern's source, compiled the first time a text needs it (`Spec.pattern`,
    `Anchored.pattern`). A scanner's patterns run only on texts holding their keywords, so most
    are never tried in a run; compiling them all at import cost an offline run's start-up about
    30 ms (the rider and commercial-signal scanners' 64 patterns)."""

    source: str
    flags: int = 0


def _compiled(regex: re.Pattern[str] | Uncompiled) -> re.Pattern[str]:
    return regex if isinstance(regex, re.Pattern) else re.compile(regex.source, regex.flags)


@dataclass(frozen=True)
class Spec:
    """One pattern, the label of what it finds, and the keywords every match contains."""

    label: str
    keys: tuple[str, ...]
    regex: re.Pattern[str] | Uncompiled
    anchored: Anchored | None = None  # where matches can start, when that is known

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The pattern, compiled (once: the anchored form's when there is one)."""
        if self.anchored is not None and self.anchored.regex is self.regex:
            return self.anchored.pattern
        return _compiled(self.regex)

    def finditer(
        self, text: str, folded: str, memo: Occurrences | None = None
    ) -> Iterator[re.Match[str]]:
        """The pattern's matches in `text` (`folded` is `fold(text)`)."""
        if self.anchored is None:
            return self.pattern.finditer(text)
        return self.anchored.finditer(text, folded, memo)

    def search(
        self, text: str, folded: str, memo: Occurrences | None = None
    ) -> re.Match[str] | None:
        """The pattern's first match in `text`, as `pattern.search(text)` finds it."""
        if self.anchored is None:
            return self.pattern.search(text)
        return self.anchored.search(text, folded, memo)


def _at_word_start(text: str, start: int, key: str) -> bool:
    if key[0].isalnum() and start > 0 and text[start - 1].isalpha():
        return False
    end = start + len(key)
    # Letters only: digits may touch a keyword ("usd5", "5usd").
    return not (
        len(key) <= _SHORT and key[-1].isalnum() and end < len(text) and text[end].isalpha()
    )


class KeywordScanner:
    """Finds the specs worth running on a text, in one pass over it."""

    def __init__(
        self,
        specs: Iterable[Spec],
        extra_keys: Iterable[str] = (),
        extra_anchors: Iterable[str] = (),
    ) -> None:
        self.specs: tuple[Spec, ...] = tuple(specs)
        self._keys = tuple(
            sorted({key for spec in self.specs for key in spec.keys} | set(extra_keys))
        )
        self._by_key: dict[str, list[int]] = {}
        for index, spec in enumerate(self.specs):
            for key in spec.keys:
                self._by_key.setdefault(key, []).append(index)
        anchors = [a for spec in self.specs if spec.anchored for a in spec.anchored.anchors]
        self._key_set = frozenset(self._keys)
        # What `_at_word_start` asks of each keyword: no letter before it (one that starts with
        # a letter or digit), and none after it (a short one).
        self._rules = {
            key: (key[0].isalnum(), len(key) <= _SHORT and key[-1].isalnum()) for key in self._keys
        }
        self._literals = Literals([*self._keys, *anchors, *extra_anchors])

    @property
    def keywords(self) -> tuple[str, ...]:
        """Every keyword of the specs, and the extra ones."""
        return self._keys

    def scan(self, text: str) -> Scanned:
        """`present(text.lower())`, `fold(text)` and the word starts of every keyword and anchor
        of the specs (the memo their `finditer` takes), from one pass over the text."""
        folded = fold(text)
        memo = self._literals.word_starts(folded)
        if not text.isascii() and folded != text.lower():  # a letter only `fold` makes
            present = self.present(text.lower())
        else:
            present = self._present_in(memo.found, folded)
        return Scanned(text, present, folded, memo)

    def _present_in(self, found: dict[str, list[int]], folded: str) -> frozenset[str]:
        """`present(folded)` from the positions of the literals in `folded` (`found`): the
        keywords with an occurrence that `_at_word_start` accepts, each looked at in one loop
        (most scans have a handful of keywords, checked at their first occurrence)."""
        size = len(folded)
        present = []
        for key in found.keys() & self._key_set:
            start, whole = self._rules[key]
            end = len(key)
            for at in found[key]:
                if start and at and folded[at - 1].isalpha():
                    continue
                if whole and at + end < size and folded[at + end].isalpha():
                    continue
                present.append(key)
                break
        return frozenset(present)

    def present(self, lowered: str) -> frozenset[str]:
        """The keywords that occur in `lowered` (already lower-cased), at word starts.

        A C-speed substring search per keyword; only its occurrences are looked at, so the work
        is linear in the text (an alternation of look-behinds would try every keyword at every
        position).
        """
        found: set[str] = set()
        # Most keywords do not occur at all: one `in` each settles them.
        for key in [key for key in self._keys if key in lowered]:
            start = lowered.find(key)
            while start >= 0:
                if _at_word_start(lowered, start, key):
                    found.add(key)
                    break
                start = lowered.find(key, start + 1)
        return frozenset(found)

    def candidates(
        self, present: frozenset[str], specs: Sequence[Spec] | None = None, first: int = -1
    ) -> list[Spec]:
        """The specs (all, those given, or the `first` so many) with at least one keyword in
        `present`, in their order."""
        if not present:  # most short texts: no spec to look at
            return []
        if specs is None:  # through the keyword index: no spec without a present keyword is seen
            chosen = sorted({i for key in present for i in self._by_key.get(key, ())})
            if first >= 0:
                return [self.specs[i] for i in chosen if i < first]
            return [self.specs[i] for i in chosen]
        return [
            spec
            for spec in (self.specs if specs is None else specs)
            if present.intersection(spec.keys)
        ]


# The only characters outside ASCII that a case-insensitive pattern matches to an ASCII letter:
# dotted capital I and dotless i (i), long s (s), the Kelvin sign (k). str.lower() turns the
# dotted capital I into two characters.
_FOLD: Final = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}


def fold(text: str) -> str:
    """`text` lower-cased character for character (same length, same offsets): wherever a
    case-insensitive pattern matches an ASCII letter, `fold(text)` has that letter."""
    if not text.isascii():
        for odd, letter in _FOLD.items():
            if odd in text:
                text = text.replace(odd, letter)
    return text.lower()


class Scanned(NamedTuple):
    """One text as a `KeywordScanner` read it, for the caller to hand to the other scanners of
    the same text (their anchors among the scanner's `extra_anchors`)."""

    text: str
    present: frozenset[str]  # the scanner's keywords at word starts
    folded: str  # fold(text)
    memo: Occurrences  # word starts of every keyword and anchor: the memo of `occurrences`


class WordStarts(dict[str, list[int]]):
    """A memo for `occurrences` that knows every literal of a `Literals` it was made from: one
    missing from it does not occur at a word start. A literal's word starts are picked out of
    its occurrences when first asked for: a text holds many literals that only patterns it
    does not need would look up."""

    __slots__ = ("covered", "folded", "found")

    def __init__(
        self, covered: frozenset[str], folded: str = "", found: dict[str, list[int]] | None = None
    ) -> None:
        super().__init__()
        self.covered = covered
        self.folded = folded
        self.found = {} if found is None else found  # `Literals.positions(folded)`

    def starts(self, literal: str) -> list[int]:
        """`occurrences(self.folded, literal, self)`."""
        known = self.get(literal)
        if known is not None:
            return known
        every = self.found.get(literal)
        if every is None:
            return occurrences(self.folded, literal, self)
        folded = self.folded
        known = self[literal] = [at for at in every if not (at and folded[at - 1].isalpha())]
        return known


_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")


class Literals:
    """Every occurrence of a fixed set of literals in a text, found in one pass over it by an
    Aho-Corasick automaton (`ahocorasick_rs`, in Rust) rather than one `str.find` walk per
    literal: a scanner looks up 30-80 words per text, most of them absent."""

    def __init__(self, literals: Iterable[str]) -> None:
        self.literals = frozenset(literals)
        self._by_index = tuple(sorted(self.literals))
        self._automaton = AhoCorasick(self._by_index) if self.literals else None
        # ASCII text is searched as bytes (offsets are the same): about twice as fast.
        encoded = [name.encode() for name in self._by_index]
        self._bytes = BytesAhoCorasick(encoded) if self.literals else None

    def positions(self, text: str) -> dict[str, list[int]]:
        """Literal → the start of each of its occurrences in `text` (overlapping ones too), in
        ascending order; absent literals are left out."""
        found: dict[str, list[int]] = {}
        if self._automaton is None or self._bytes is None:
            return found
        names = self._by_index
        if text.isascii():
            matches = self._bytes.find_matches_as_indexes(text.encode("ascii"), overlapping=True)
        else:
            try:
                matches = self._automaton.find_matches_as_indexes(text, overlapping=True)
            except UnicodeEncodeError:
                # A lone surrogate (from a JSON escape): no literal holds one, and U+FFFD in
                # its place is one character too, so the offsets stay the same.
                text = _SURROGATE.sub("\ufffd", text)
                matches = self._automaton.find_matches_as_indexes(text, overlapping=True)
        # Reported by end position: one literal's occurrences, all of one length, in order.
        for index, start, _ in matches:
            name = names[index]
            if name in found:
                found[name].append(start)
            else:
                found[name] = [start]
        return found

    def word_starts(self, folded: str) -> WordStarts:
        """The memo `occurrences` would fill for every literal in `folded`."""
        return WordStarts(self.literals, folded, self.positions(folded))


# A character `\w` does not match: the position after it is a word start (as is position 0).
_NON_WORD: Final = re.compile(r"\W")


def _word_starts(text: str, lo: int, hi: int) -> Iterator[int]:
    """The positions in [lo, hi) of `text` that no word character precedes, found by the regex
    engine rather than a Python loop over every position."""
    if lo == 0 < hi:
        yield 0
    for match in _NON_WORD.finditer(text, max(lo - 1, 0), hi - 1):
        yield match.end()


def _word_starts_at(
    text: str, lo: int, hi: int, first: frozenset[str], before: re.Pattern[str]
) -> Iterator[int]:
    r"""The positions of `_word_starts(text, lo, hi)` that hold one of `first` (`before`: one of
    `first` that a character `\W` precedes): the regex engine skips to those characters."""
    if lo == 0 < hi and text[0] in first:
        yield 0
    for match in before.finditer(text, lo, hi):
        yield match.start()


# Where each anchor occurs at a word start in one folded text: patterns that share anchors
# ("pro", "per", "enterprise") look each up once per text.
Occurrences = dict[str, list[int]]


def occurrences(folded: str, anchor: str, memo: Occurrences | None = None) -> list[int]:
    """The positions of `anchor` in `folded` that no letter precedes (memoised in `memo`)."""
    if memo is not None:
        known = memo.get(anchor)
        if known is not None:
            return known
        if isinstance(memo, WordStarts) and anchor in memo.covered:
            if anchor in memo.found:
                return memo.starts(anchor)
            return []  # looked for in one pass, and absent
    found = []
    at = folded.find(anchor)
    while at >= 0:
        if not (at and folded[at - 1].isalpha()):
            found.append(at)
        at = folded.find(anchor, at + 1)
    if memo is not None:
        memo[anchor] = found
    return found


@dataclass(frozen=True)
class Anchored:
    """A pattern whose every match starts at one of `anchors` (lower-case literals, looked up in
    the folded text), or at a word boundary at most `reach` characters before one. No letter
    precedes an anchor where it counts; with `whole`, none follows it either; with `first`, a
    match can only start at one of those characters (a case-sensitive pattern's capitals).

    The pattern is tried only there, which gives the matches `pattern.finditer` gives (same
    order, same non-overlapping choice) while the regex engine never walks the rest of the text:
    most overviews hold no anchor at all. `tests/unit/test_scanner.py` checks every anchored
    pattern against `finditer`.
    """

    regex: re.Pattern[str] | Uncompiled
    anchors: tuple[str, ...]
    reach: int = 0
    whole: bool = False
    first: frozenset[str] | None = None
    _anchor_set: frozenset[str] = field(init=False, repr=False, compare=False)
    _before_first: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_anchor_set", frozenset(self.anchors))
        first = None
        if self.first is not None:
            chars = "".join(map(re.escape, sorted(self.first)))
            # The look-behind sees the text before the search's start.
            first = re.compile(rf"[{chars}](?<=\W.)", re.DOTALL)
        object.__setattr__(self, "_before_first", first)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The pattern, compiled."""
        return _compiled(self.regex)

    def _starts(self, text: str, folded: str, memo: Occurrences | None) -> list[int]:
        if not self.reach and self.first is None:
            return self._anchor_starts(folded, memo)
        return self._reach_starts(text, folded, memo)

    def _anchor_starts(self, folded: str, memo: Occurrences | None) -> list[int]:
        """The anchors' positions that count (no letter before; none after, with `whole`), in
        order: all the starts of a pattern without `reach` or `first` (most). Gathered in a list
        that needs neither a set nor a sort when one anchor occurs (its positions come in
        order)."""
        scanned = memo if isinstance(memo, WordStarts) else None
        anchors: Iterable[str] = self.anchors
        if scanned is not None and self._anchor_set <= scanned.covered:
            anchors = self._anchor_set.intersection(scanned.found)
            if not anchors:  # most texts: none of the anchors occurs
                return []
        found: list[int] = []
        several = False
        end = len(folded)
        for anchor in anchors:
            if scanned is not None and anchor in scanned.covered:
                if anchor not in scanned.found:
                    continue
                positions = scanned.starts(anchor)
            elif memo is None and anchor not in folded:  # most anchors of a lone text
                continue
            else:
                positions = occurrences(folded, anchor, memo)
            if self.whole:
                after = len(anchor)
                positions = [
                    at
                    for at in positions
                    if not (at + after < end and folded[at + after].isalpha())
                ]
            if positions:
                several = several or bool(found)
                found += positions
        return sorted(set(found)) if several else found

    def _reach_starts(self, text: str, folded: str, memo: Occurrences | None) -> list[int]:
        """Where a match can start: at an anchor, or at a word start up to `reach` before one
        (of those, only at one of `first` when it is given)."""
        at_anchors = self._anchor_starts(folded, memo)
        found = set(at_anchors)
        for at in at_anchors if self.reach else ():
            lo = max(0, at - self.reach)
            if self.first is not None and self._before_first is not None:
                found.update(_word_starts_at(text, lo, at, self.first, self._before_first))
            else:
                found.update(_word_starts(text, lo, at))
        if self.first is not None:
            return sorted(at for at in found if text[at] in self.first)
        return sorted(found)

    def finditer(
        self, text: str, folded: str, memo: Occurrences | None = None
    ) -> Iterator[re.Match[str]]:
        """The matches of the pattern in `text` (`folded` is `fold(text)`), left to right;
        `memo` shares anchor look-ups between the patterns run on the same text."""
        return _matches_from(self.pattern, text, self._starts(text, folded, memo))

    def search(
        self, text: str, folded: str, memo: Occurrences | None = None
    ) -> re.Match[str] | None:
        """The first match, as `pattern.search(text)` finds it."""
        match = self.pattern.match
        for at in self._starts(text, folded, memo):
            found = match(text, at)
            if found is not None:
                return found
        return None


def matches_at(
    pattern: re.Pattern[str], text: str, folded: str, *literals: str
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern every match of which starts with one of `literals`
    (lower case, looked up in `folded`, which is `fold(text)`): the pattern is tried only where
    one occurs, left to right, the next time at or after the previous match's end, as `finditer`
    goes on. A pattern that starts with a look-behind or is case-insensitive gets no skip-ahead
    from the regex engine, which then tries it at every position of a long overview; `match`
    still sees the text before the position.
    """
    starts: set[int] = set()
    for literal in literals:
        at = folded.find(literal)
        while at >= 0:
            starts.add(at)
            at = folded.find(literal, at + 1)
    return _matches_from(pattern, text, sorted(starts))


def found_at(pattern: re.Pattern[str], text: str, folded: str, *literals: str) -> bool:
    """Whether `pattern.search(text)` finds a match, for a pattern every match of which starts
    with one of `literals` (as for `matches_at`). Only whether there is one: the first start
    where the pattern matches answers, whatever the order, with no starts gathered or sorted."""
    match = pattern.match
    for literal in literals:
        at = folded.find(literal)
        while at >= 0:
            if match(text, at) is not None:
                return True
            at = folded.find(literal, at + 1)
    return False


def _matches_from(
    pattern: re.Pattern[str], text: str, starts: Iterable[int]
) -> Iterator[re.Match[str]]:
    """The pattern's matches at `starts` (ascending), skipping starts inside an earlier match:
    the non-overlapping choice `finditer` makes."""
    end = 0
    for at in starts:
        if at < end:
            continue
        match = pattern.match(text, at)
        if match is not None:
            end = max(match.end(), at + 1)
            yield match
