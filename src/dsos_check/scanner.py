"""A linear keyword pre-scan shared by the text scanners (license riders, commercial signals).

Each pattern of a scanner has keywords that every match of it contains. The pre-scan finds which
keywords occur at a word start (no letter before them), and only the patterns whose keywords
occurred then run. Keywords of three letters or fewer must be whole words: as prefixes they sit
in too many words ("pro" in "project", "per" in "person"). Keywords that start with a symbol
("$") are matched anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["KeywordScanner", "Spec"]

_SHORT: Final = 3


@dataclass(frozen=True)
class Spec:
    """One pattern, the label of what it finds, and the keywords every match contains."""

    label: str
    keys: tuple[str, ...]
    pattern: re.Pattern[str]


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

    def __init__(self, specs: Iterable[Spec], extra_keys: Iterable[str] = ()) -> None:
        self.specs: tuple[Spec, ...] = tuple(specs)
        self._keys = tuple(
            sorted({key for spec in self.specs for key in spec.keys} | set(extra_keys))
        )

    def present(self, lowered: str) -> frozenset[str]:
        """The keywords that occur in `lowered` (already lower-cased), at word starts.

        A C-speed substring search per keyword; only its occurrences are looked at, so the work
        is linear in the text (an alternation of look-behinds would try every keyword at every
        position).
        """
        found: set[str] = set()
        for key in self._keys:
            start = lowered.find(key)
            while start >= 0:
                if _at_word_start(lowered, start, key):
                    found.add(key)
                    break
                start = lowered.find(key, start + 1)
        return frozenset(found)

    def candidates(
        self, present: frozenset[str], specs: Sequence[Spec] | None = None
    ) -> list[Spec]:
        """The specs (all, or those given) with at least one keyword in `present`."""
        return [
            spec
            for spec in (self.specs if specs is None else specs)
            if present.intersection(spec.keys)
        ]
