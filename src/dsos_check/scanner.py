"""A linear keyword pre-scan shared by the text scanners (license riders, commercial signals).

Each pattern of a scanner has keywords that every match of it contains. One pass over the
lower-cased text finds which keywords occur at a word start (no letter before them); only the
patterns whose keywords occurred then run. Keywords of three letters or fewer must be whole words: as prefixes they sit in
too many words ("pro" in "project", "per" in "person"). Keywords that start with a symbol ("$",
"sales@") are matched anywhere.
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


def _alternative(key: str) -> str:
    escaped = re.escape(key)
    if not key[0].isalnum():
        return escaped
    # Letters only: digits may touch a keyword ("usd5", "5usd").
    whole = r"(?![a-z])" if len(key) <= _SHORT else ""
    return rf"(?<![a-z]){escaped}{whole}"


class KeywordScanner:
    """Finds the specs worth running on a text, in one pass over it."""

    def __init__(self, specs: Iterable[Spec], extra_keys: Iterable[str] = ()) -> None:
        self.specs: tuple[Spec, ...] = tuple(specs)
        keys = {key for spec in self.specs for key in spec.keys} | set(extra_keys)
        ordered = sorted(keys, key=len, reverse=True)  # longest first: "sales@" before "sales"
        self._keys = re.compile("|".join(_alternative(key) for key in ordered))
        # A longer keyword found also stands for the shorter keywords it starts with.
        self._implied = {key: frozenset(k for k in keys if key.startswith(k)) for key in keys}

    def present(self, lowered: str) -> frozenset[str]:
        """The keywords that occur in `lowered` (already lower-cased), at word starts."""
        seen = {match.group() for match in self._keys.finditer(lowered)}
        found: set[str] = set()
        for key in seen:
            found |= self._implied.get(key, frozenset((key,)))
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
