"""Find added restrictions and source-available license names in free text (licenses.md §4.2)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from dsos_check.licenses.scope import MIXED_ANCHORS
from dsos_check.scanner import Anchored, KeywordScanner, Scanned, Spec, Uncompiled
from dsos_check.text import shorten

__all__ = ["MAX_RIDER_TEXT", "Rider", "find_riders", "scan_for_riders"]

# Only the start of a text is searched: a LICENSE or an overview puts its terms up front, and the
# bound keeps every search cheap whatever a stranger sends.
MAX_RIDER_TEXT: Final = 200_000
_SNIPPET_LIMIT: Final = 80

COMMONS_CLAUSE: Final = "Commons Clause"
NON_COMMERCIAL: Final = "non-commercial restriction"
SALE: Final = "sale restriction"
HOSTED_SERVICE: Final = "hosted-service restriction"
FIELD_OF_USE: Final = "field-of-use restriction"
PRODUCTION_USE: Final = "production-use restriction"
AI_TRAINING: Final = "AI-training restriction"
USE_RESTRICTION: Final = "use restriction"
OPEN_CORE: Final = "parts under other terms"


@dataclass(frozen=True, slots=True)
class Rider:
    """One added restriction or source-available marker found in a text."""

    name: str  # a short human label: "Commons Clause", "non-commercial restriction", ...
    snippet: str  # the matching text, cleaned to one line, at most 80 characters
    start: int = field(default=0, compare=False)  # where it starts in the searched text


# Every pattern starts with a literal word and uses only bounded or whitespace-only repetition
# between literals, so a search is linear in the length of the text.
# Between the words of a name: "Server-Side", "Server Side", "ServerSide", Unicode dashes.
_SEP: Final = r"[\s\-\u2010\u2011\u2013\u2014_]*"
_WS: Final = r"\s+"
_LICENSE: Final = r"licen[cs]e"
_NOT: Final = r"(?:\s+not|not|n?['\u2019]t)"  # "may not", "cannot", "can't"
_MODAL: Final = rf"\b(?:may|must|shall|can){_NOT}"
_MODALS: Final = "may|must|shall|can"  # the words a _MODAL match starts with


def _name(*words: str) -> str:
    return r"\b" + _SEP.join(words) + r"\b"


# (label, keywords separated by "|", pattern). Every match contains a keyword at a word start: a
# pattern runs only when the shared keyword pre-scan (`scanner.py`) found one, which keeps the
# common case (no marker at all) to one pass over the text.
# (label, keywords, pattern[, the words every match starts with, separated by "|"; by default
# the keywords]).
_Spec = tuple[str, str, str] | tuple[str, str, str, str]

# Source-available license names and riders: markers wherever they appear, even inside a
# recognised license text (no OSI-approved text names them).
_NAME_SPECS: Final[tuple[_Spec, ...]] = (
    (COMMONS_CLAUSE, "commons", _name("commons", "clause")),
    ("Server Side Public License", "server", _name("server", "side", "public", _LICENSE)),
    ("Server Side Public License", "sspl", r"\bsspl(?:[\s\-]?v?1(?:\.0)?)?\b"),
    ("Business Source License", "business", _name("business", "source", _LICENSE)),
    ("Business Source License", "busl", r"\bbusl(?:[\s\-]?v?1(?:\.[01])?)?\b"),
    ("Elastic License", "elastic", _name("elastic", _LICENSE)),
    ("Elastic License", "elv2", r"\belv2\b"),
    ("PolyForm license", "polyform", r"\bpolyform\b"),
    ("Functional Source License", "functional", _name("functional", "source", _LICENSE)),
    ("Functional Source License", "fsl-1", r"\bfsl-1\.\d\b"),
    ("Sustainable Use License", "sustainable", _name("sustainable", "use", _LICENSE)),
    ("Confluent Community License", "confluent", _name("confluent", "community", _LICENSE)),
    (
        "Redis Source Available License",
        "redis",
        _name("redis", "source", "available", _LICENSE),
    ),
    ("Redis Source Available License", "rsal", r"\brsal[\s\-]?v?2\b"),
    # "Fair Source" is a source-available label; the OSI-approved "Fair License" is not matched.
    ("Fair Source", "fair", _name("fair", "source")),
)

_PHRASE_SPECS: Final[tuple[_Spec, ...]] = (
    (SALE, "sell", rf"\bright{_WS}to{_WS}sell{_WS}the{_WS}software\b", "right"),
    (SALE, "sold|resold", rf"{_MODAL}{_WS}be{_WS}(?:re)?sold\b", _MODALS),
    (SALE, "sell|resell", rf"\b(?:may|must|shall){_WS}not{_WS}(?:re)?sell\b", "may|must|shall"),
    (
        NON_COMMERCIAL,
        "commercial",
        rf"\bnot{_WS}for{_WS}(?:any{_WS})?commercial{_WS}(?:use|purpose|distribution)",
        "not",
    ),
    (
        NON_COMMERCIAL,
        "commercial",
        rf"\bcommercial{_WS}use{_WS}(?:is{_WS})?(?:strictly{_WS})?"
        rf"(?:prohibited|forbidden|not{_WS}(?:permitted|allowed)|requires)",
        "commercial",
    ),
    # Not the trademark notices' "No commercial use of these trademarks may be made ...".
    (
        NON_COMMERCIAL,
        "commercial",
        rf"\bno{_WS}commercial{_WS}use\b"
        rf"(?!{_WS}of{_WS}(?:th\w*|its|our|any){_WS}(?:trade|name|logo))",
        "no",
    ),
    (NON_COMMERCIAL, "nc", r"\bcc[\s\-]by[\s\-]nc\b", "cc"),
    (
        AI_TRAINING,
        "train",
        rf"\b(?:no|not|prohibit\w*|forbid\w*|disallow\w*)\b[^.;\n]{{0,60}}?"
        rf"\b(?:ai|ml|llms?|machine{_WS}learning|artificial{_WS}intelligence|model){_WS}training\b",
        "no|not|prohibit|forbid|disallow",
    ),
)

# Only in the text a LICENSE file adds to a known license (the preamble of an open-core
# repository, a sentence after the license), where any of these changes the terms; in an
# overview they are ordinary prose ("a commercial license is available").
_ADDITION_SPECS: Final[tuple[_Spec, ...]] = (
    (
        OPEN_CORE,
        "licen",
        r"\b(?:commercial|proprietary|enterprise|separate|different)\s+licen[cs]e"
        r"|\blicen[cs]ed\s+under\s+(?:the\s+)?(?:licen[cs]e\s+)?(?:defined|found|contained)\s+in\b",
        "commercial|proprietary|enterprise|separate|different|licensed|licenced",
    ),
    (
        PRODUCTION_USE,
        "production",
        r"\bnot\s+(?:for|to\s+be\s+used\s+(?:for|in))\s+(?:use\s+in\s+)?production\b",
        "not",
    ),
    (
        OPEN_CORE,
        "director",
        r"\b(?:director(?:y|ies)|folders?)\b[^.;\n]{0,120}?\b(?:licen[cs]|terms\b)",
        "director|folder",
    ),
)
# Any other "may not be used for/in/to ...": counted only when no specific object matched.
_ANY_USE: Final = Uncompiled(
    rf"{_MODAL}{_WS}be{_WS}used{_WS}(?:for|in|by|to|with)\b[^.;:!?\n]{{0,40}}", re.IGNORECASE
)

# "may not be used" counts only with an object that makes it a restriction: the BSD "may not be
# used to endorse or promote products" clause is not one. The gap is bounded and stops at a
# sentence end; one pattern, each object a named group.
_USE_OBJECTS: Final[tuple[tuple[str, str], ...]] = (
    (NON_COMMERCIAL, r"commercial"),
    (HOSTED_SERVICE, r"hosted|managed|saas\b|as\s+an?\s+(?:\w+\s+)?service|compet"),
    (FIELD_OF_USE, r"military|weapon|surveillance|warfare|law\s+enforcement|police"),
    (PRODUCTION_USE, r"production"),
    (AI_TRAINING, r"train|artificial\s+intelligence|machine\s+learning|ai\b|ml\b|llms?\b"),
)
_USE_LABELS: Final = {f"use{i}": label for i, (label, _) in enumerate(_USE_OBJECTS)}
_USE_RE: Final = Uncompiled(
    rf"{_MODAL}{_WS}be{_WS}used\b[^.;:!?]{{0,80}}?\b"
    + "(?:"
    + "|".join(f"(?P<use{i}>{obj})" for i, (_, obj) in enumerate(_USE_OBJECTS))
    + r")\w*",
    re.IGNORECASE,
)

# "may not be used in any advertising or publicity to endorse or promote any products or
# commercial entity" (NetCDF, BSD-style name clauses) is about names, not a use restriction.
_ENDORSEMENT: Final = re.compile(r"endorse|promot|advertis|publicity", re.IGNORECASE)

# "non-commercial", unless the sentence pairs it with "commercial" to grant both ("for both
# commercial and non-commercial use") or it is GPL-1.0/2.0's own wording for the §3c alternative
# ("allowed only for noncommercial distribution and only if you received the program"): those
# are matched first and skipped. "noncommercially" (GPL-3.0 §6d, GFDL) is not matched.
_NONCOMM: Final = r"non[\s\-\u2010\u2011]?commercial"
_PAIR_JOIN: Final = rf"\s*(?:and|or|&|/|,|as{_WS}well{_WS}as)\s*(?:for{_WS})?"
_NON_COMMERCIAL_RE: Final = Uncompiled(
    rf"(?P<benign>\bcommercial{_PAIR_JOIN}{_NONCOMM}\b"
    rf"|\b{_NONCOMM}{_PAIR_JOIN}commercial\b"
    rf"|\b{_NONCOMM}{_WS}distribution{_WS}and{_WS}only{_WS}if{_WS}you{_WS}received)"
    rf"|\b{_NONCOMM}\b",
    re.IGNORECASE,
)

# The same patterns, tried only where their first word occurs.
_USE_AT: Final = Anchored(_USE_RE, tuple(_MODALS.split("|")))
_ANY_USE_AT: Final = Anchored(_ANY_USE, tuple(_MODALS.split("|")))
_NON_COMMERCIAL_AT: Final = Anchored(_NON_COMMERCIAL_RE, ("commercial", "non"))


def _compile(specs: tuple[_Spec, ...]) -> tuple[Spec, ...]:
    """The specs, each tried only where a match can start (`scanner.Anchored`): every pattern
    starts with a word boundary and one of the words given (`tests/unit/test_scanner.py` checks
    each against `finditer`)."""
    compiled = []
    for label, keys, pattern, *starts in specs:
        regex = Uncompiled(pattern, re.IGNORECASE)
        anchors = tuple((starts[0] if starts else keys).split("|"))
        compiled.append(Spec(label, tuple(keys.split("|")), regex, Anchored(regex, anchors)))
    return tuple(compiled)


_NAMES: Final = _compile(_NAME_SPECS)
_PHRASES: Final = _compile(_PHRASE_SPECS)
_ADDITIONS: Final = _compile(_ADDITION_SPECS)
_SCANNER: Final = KeywordScanner(
    (*_NAMES, *_PHRASES, *_ADDITIONS),
    extra_keys=("used",),
    extra_anchors=(
        *(*_USE_AT.anchors, *_ANY_USE_AT.anchors, *_NON_COMMERCIAL_AT.anchors),
        *MIXED_ANCHORS,  # the overview's mixed-contents look-up shares the scan
    ),
)


def scan_for_riders(text: str) -> Scanned:
    """`text` as `find_riders` reads it: every keyword and start word ("not", "may") that its
    patterns share, and those of `scope.mixed_contents`, found in one pass."""
    return _SCANNER.scan(text[:MAX_RIDER_TEXT])


def _hits(scanned: Scanned, names_only: bool, additions: bool) -> list[tuple[int, str, str]]:
    """(position, label, matched text) of the first hit of every pattern, unordered."""
    text = scanned.text
    present, folded, memo = scanned.present, scanned.folded, scanned.memo
    lowered = folded if text.isascii() else text.lower()
    # The scanner's specs are the names, the phrases, then the additions: the first so many.
    first = len(_NAMES) if names_only else len(_NAMES) + len(_PHRASES)
    if additions:
        first += len(_ADDITIONS)
    hits = [
        (match.start(), spec.label, match.group())
        for spec in _SCANNER.candidates(present, first=first)
        if (match := spec.search(text, folded, memo)) is not None
    ]
    if names_only:
        return hits
    found: set[str] = set()
    if "used" in present:
        for match in _USE_AT.finditer(text, folded, memo):
            label = _USE_LABELS[str(match.lastgroup)]
            if label not in found and _ENDORSEMENT.search(match.group()) is None:
                found.add(label)
                hits.append((match.start(), label, match.group()))
    if additions and "used" in present and not found:
        for match in _ANY_USE_AT.finditer(text, folded, memo):
            if _ENDORSEMENT.search(match.group()) is None:
                hits.append((match.start(), USE_RESTRICTION, match.group()))
                break
    if "commercial" in lowered:  # a substring test: "noncommercial" has it inside a word
        for match in _NON_COMMERCIAL_AT.finditer(text, folded, memo):
            if match.group("benign") is None:
                hits.append((match.start(), NON_COMMERCIAL, match.group()))
                break
    return hits


def _holds_no_keyword(text: str) -> bool:
    """ASCII text in which no keyword of the scan occurs, even inside a word: `_hits` can find
    nothing in it (every pattern it runs needs a keyword at a word start, and the
    non-commercial one "commercial" anywhere), so it is not scanned. A substring search per
    keyword, in C, is a fraction of a scan's cost on a short text."""
    if not text.isascii():
        return False
    lowered = text.lower()
    return not any(key in lowered for key in _SCANNER.keywords)


def find_riders(
    text: str,
    *,
    names_only: bool = False,
    license_additions: bool = False,
    scanned: Scanned | None = None,
) -> list[Rider]:
    """Restrictions and source-available markers in `text`, in text order, one per name.

    `names_only` keeps to the names of source-available licenses and riders ("Commons Clause",
    "Business Source License", ...); it suits recognised license texts, whose own wording can
    contain phrases like "noncommercial distribution" (GPL-2.0 §3c). `license_additions` also
    looks for what only matters in text added to a license: parts under other terms (open core),
    any "may not be used for/in/to ...". `scanned`: `scan_for_riders(text)`, if the caller has it.
    """
    if not isinstance(text, str) or not text:
        return []
    if scanned is None or scanned.text is not text[:MAX_RIDER_TEXT]:
        if _holds_no_keyword(text[:MAX_RIDER_TEXT]):
            return []  # most short descriptions
        scanned = scan_for_riders(text)
    hits = sorted(
        _hits(scanned, names_only, license_additions and not names_only), key=lambda hit: hit[0]
    )
    riders: list[Rider] = []
    seen: set[str] = set()
    for start, label, matched in hits:
        if label not in seen:
            seen.add(label)
            riders.append(Rider(label, shorten(matched, _SNIPPET_LIMIT), start))
    return riders
