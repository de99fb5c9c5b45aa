"""Find license statements in a Docker Hub overview (hostile Markdown): licenses.md §4.3."""

from __future__ import annotations

import itertools
import operator
import re
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Final, Literal, NamedTuple

from dsos_check.licenses.links import LICENSE_HOSTS, badges, license_urls
from dsos_check.licenses.markdown import inline
from dsos_check.licenses.name_list import leading_names, parse_clause
from dsos_check.licenses.names import lookup_name
from dsos_check.licenses.scope import scope_of_statement, scoped_subject
from dsos_check.licenses.spdx import evaluate
from dsos_check.scanner import Anchored, fold
from dsos_check.text import clean, shorten

__all__ = [
    "MAX_OVERVIEW_LENGTH",
    "ClueKind",
    "Confidence",
    "OverviewClue",
    "find_overview_clues",
]

Confidence = Literal["high", "medium", "low"]
ClueKind = Literal["spdx-identifier", "badge", "url", "license-line", "license-heading", "phrase"]

# Docker Hub caps an overview at 25,000 characters; anything past 100,000 is not looked at.
MAX_OVERVIEW_LENGTH: Final = 100_000
_SNIPPET: Final = 80
_MAX_NAME: Final = 200  # a license name longer than this is not a name
_MAX_WORDS: Final = 8  # words tried per license name, longest prefix first (licenses.md §4.3)
_MAX_PARTS: Final = 4  # licenses joined by "or"/"and" in one statement
_MAX_TOKENS: Final = 40
_MAX_MATCHES: Final = 200  # per detector: bounds the work on adversarial input
_MAX_CLUES: Final = 50
_LINE_SCAN: Final = 2_000  # characters of one line that the line-based detectors look at
_HEADING_LOOKAHEAD: Final = 12
_RANK: Final[Mapping[Confidence, int]] = {"high": 0, "medium": 1, "low": 2}
_CONFIDENCE: Final[Mapping[ClueKind, Confidence]] = {
    "spdx-identifier": "high",
    "badge": "medium",
    "url": "medium",
    "license-line": "medium",
    "license-heading": "medium",
    "phrase": "low",
}


class OverviewClue(NamedTuple):
    """One statement of a license found in an overview, mapped to an SPDX expression."""

    kind: ClueKind
    text: str  # the snippet that stated it, on one line, at most 80 characters
    expression: str  # SPDX expression, ids in SPDX casing
    confidence: Confidence
    # What the sentence licenses instead of the image's software ("Dockerfiles"), if anything.
    scope: str | None = None


def _snippet(text: str) -> str:
    return shorten(text, _SNIPPET)


# --------------------------------------------------------------------------- detectors

_Found = tuple[int, ClueKind, str, str]  # (position, kind, snippet, expression)
_LEAF = re.compile(r"[()]|[^\s()]++")

_SPDX_TAG = re.compile(
    r"^[ \t>]*+(?:(?:<!--|/\*++|\*|//|#|--|-|;|`)[ \t]*+)?"
    r"SPDX-License-Identifier[ \t]*+:[ \t]*+([^\n]*+)",
    re.IGNORECASE | re.MULTILINE,
)
_TAG_END = re.compile(r"-->|\*/|`")
_TAG_VALUE = re.compile(r"[A-Za-z0-9.+:() \t-]*+")


def _single_word_leaves(expression: str) -> bool:
    """No license leaf made of several words ("headers in all files")."""
    previous_word = False
    for token in _LEAF.findall(expression):
        if token in "()" or token.upper() in ("AND", "OR", "WITH"):
            previous_word = False
        elif previous_word:
            return False
        else:
            previous_word = True
    return True


def _spdx_tags(text: str) -> Iterator[_Found]:
    for count, match in enumerate(_SPDX_TAG.finditer(text)):
        if count >= _MAX_MATCHES:
            break
        value = match.group(1)[:2_000]
        end = _TAG_END.search(value)
        if end is not None:
            value = value[: end.start()]
        head = _TAG_VALUE.match(value)
        value = head.group().strip() if head is not None else ""
        if not value:
            continue
        result = evaluate(value)
        if result.status == "invalid" or result.expression is None:
            continue
        if not _single_word_leaves(result.expression):
            continue
        snippet = f"SPDX-License-Identifier: {value}"
        yield match.start(), "spdx-identifier", snippet, result.expression


_FENCE = re.compile(r"[ \t]{0,3}(?:```|~~~)")
_LICENSE_FIELD = re.compile(
    r"[ \t>]*+(?:#{1,6}[ \t]++)?(?:[-*+•][ \t]++|\d{1,3}[.)][ \t]++)?"
    r"licen[cs]e(?:s|\(s\))?[ \t]*+[:=][ \t]*+(.*)",
    re.IGNORECASE,
)
_FIELD_NAME = re.compile(r"(?i)licen[cs]e(?:s|\(s\))?:?")
_HEADING_TEXT = re.compile(
    r"(?:copyright and )?licen[cs](?:e|es|ing)(?: and copyright)?(?: information| info)?"
)
_HEADING_WORDS = re.compile(r"[^a-z0-9 ]")
_SHORTCODE = re.compile(r":[a-z0-9_+-]{1,40}:")  # :page_facing_up:
_COPYRIGHT_LINE = re.compile(r"(?i)\s*+(?:copyright\b|©|\(c\))")
_TRIGGER = re.compile(
    r"\b(?:licen[cs]ed|released|distributed|available|provided)[ \t\n]++under\b[ \t\n]*+"
    r"(?:the[ \t\n]++)?(?:terms[ \t\n]++(?:and[ \t\n]++conditions[ \t\n]++)?of[ \t\n]++"
    r"(?:the[ \t\n]++)?)?",
    re.IGNORECASE,
)
_LOOSE_TRIGGER = re.compile(
    r"\bunder[ \t]++(?:the[ \t]++)?(?:terms[ \t]++of[ \t]++(?:the[ \t]++)?)?", re.IGNORECASE
)
# The words the triggers start with: they are tried only there.
_TRIGGER_AT: Final = Anchored(
    _TRIGGER, ("licensed", "licenced", "released", "distributed", "available", "provided")
)
_LOOSE_TRIGGER_AT: Final = Anchored(_LOOSE_TRIGGER, ("under",))
_LICENSED_WORD = re.compile(r"(?i)(?:(?<=\s)|^)(?:(\S{1,60}?)-)?licen[cs]ed\b")
_PARAGRAPH_END = re.compile(r"\n[ \t]*+\n")
_DUAL = re.compile(r"(?i)\b(?:dual(?:ly)?|multi|triple)[- ]?licen[cs]ed\b")


def _table_value(line: str) -> str | None:
    cells = line.strip().strip("|").split("|", 20)
    for index, cell in enumerate(cells[:-1]):
        if _FIELD_NAME.fullmatch(cell.strip()):
            value = cells[index + 1].strip()
            if value:
                return value
    return None


def _heading_text(line: str, following: str | None) -> str | None:
    """The text of an ATX (`## License`) or setext heading on `line`, else None."""
    stripped = line.strip()
    if stripped.startswith("#"):
        level = len(stripped) - len(stripped.lstrip("#"))
        rest = stripped[level:]
        if level > 6 or (rest and not (rest[0] in " \t" or rest[0].isalpha())):
            return None  # "#License" is accepted: overview authors often omit the space
        return rest.strip().rstrip("#").strip()
    if following is not None and stripped:
        underline = following.strip()
        if underline and underline[0] in "=-" and len(set(underline)) == 1:
            return stripped
    return None


# Headings repeat from one overview to the next ("License", "Licence", "LICENSE"): each title
# is read once. Bounded: a hostile overview may hold many distinct titles.
@lru_cache(maxsize=1024)
def _is_license_heading(title: str) -> bool:
    words = _SHORTCODE.sub(" ", inline(title).casefold()).replace("&", " and ")
    words = _HEADING_WORDS.sub(" ", words)
    parts = [word for word in words.split() if not word.isdigit()]
    return _HEADING_TEXT.fullmatch(" ".join(parts)) is not None


def _phrases(
    text: str, offset: int, trigger: Anchored, folded: str | None = None
) -> Iterator[_Found]:
    """Prose statements in `text` (`folded`: `fold(text)`, when the caller has it)."""
    folded = fold(text) if folded is None else folded
    for count, match in enumerate(trigger.finditer(text, folded)):
        if count >= _MAX_MATCHES:
            break
        segment = text[match.end() : match.end() + 400]
        paragraph = _PARAGRAPH_END.search(segment)
        if paragraph is not None:
            segment = segment[: paragraph.start()]
        start = max(0, match.start() - 20)
        window = folded[start : match.end()]  # every _DUAL match holds one of these words
        dual = ("dual" in window or "multi" in window or "triple" in window) and _DUAL.search(
            text[start : match.end()]
        ) is not None
        parsed = parse_clause(segment, dual=dual) or _listed(text, match.end(), segment)
        if parsed is None:
            continue
        expression, end = parsed
        snippet = text[match.start() : match.end() + end]
        yield offset + match.start(), "phrase", snippet, expression


# "Licensed under either of" followed by a list, one license per item (the Rust convention).
_CHOICE_INTRO = re.compile(r"(?i)\s*(?:either|one|any)\s+of(?:\s+the\s+following)?\s*:?\s*\Z")
# The marker is optional: in the plain text, "*" list markers went with the emphasis markup.
_LIST_ITEM = re.compile(r"[ \t]*+(?:(?:[-*+•]|\d{1,2}[.)])[ \t]++)?(\S[^\n]{0,299})")
_MAX_ITEMS: Final = 6


def _listed(text: str, start: int, segment: str) -> tuple[str, int] | None:
    """The licenses of a list that a "licensed under either of" sentence introduces, joined by OR."""
    if _CHOICE_INTRO.match(segment) is None:
        return None
    names: list[str] = []
    position = start + len(segment)
    for line in text[position : position + 2_000].split("\n")[: 2 * _MAX_ITEMS + 2]:
        item = _LIST_ITEM.match(line)
        if item is None:
            continue  # a blank line
        name = leading_names(item.group(1))
        if name is None:
            break  # the list ended ("at your option.")
        names.append(name)
        if len(names) >= _MAX_ITEMS:
            break
    if len(names) < 2:
        return None
    joined = evaluate(" OR ".join(f"({name})" for name in names))
    return (joined.expression, len(segment)) if joined.expression else None


def _named_before_licensed(content: str) -> str | None:
    """ "This project is MIT licensed" / "Apache-2.0-licensed": the name just before "licensed".

    Only used under a License heading, where such a sentence is about the project itself.
    """
    match = _LICENSED_WORD.search(content)
    if match is None:
        return None
    words = content[: match.start()].split()[-4:]
    if match.group(1):  # "MIT-licensed": the name is glued to the word
        words = [*words, match.group(1)]
    for size in range(len(words), 0, -1):
        found, stop = lookup_name(" ".join(words[-size:]), False)
        if found is not None:
            negated = size < len(words) and words[-size - 1].casefold() in ("not", "no", "never")
            return None if negated else found
        if stop:
            return None
    return None


def _heading_clue(
    lines: Sequence[str], plain: Sequence[str] | None, index: int, offset: int
) -> _Found | None:
    """The license stated by the first line of text under the heading at `lines[index]`."""
    position = offset
    for number in range(index + 1, min(len(lines), index + 1 + _HEADING_LOOKAHEAD)):
        raw = lines[number][:_LINE_SCAN]
        position += len(lines[number - 1]) + 1
        if _FENCE.match(raw) or not raw.strip():
            continue
        stripped = raw.strip()
        if stripped and stripped[0] in "=-" and len(set(stripped)) == 1:
            continue  # the setext underline of this heading
        following = lines[number + 1] if number + 1 < len(lines) else None
        if _heading_text(raw, following) is not None:
            return None  # the section is empty
        content = " ".join((plain[number] if plain else inline(raw))[:_LINE_SCAN].split())
        if not content.strip(" .,;:-|>*[]()"):
            continue  # a badge-only line, an HTML tag or comment
        mapped = leading_names(content)
        if mapped is not None:
            return position, "license-heading", content, mapped
        for trigger in (_TRIGGER_AT, _LOOSE_TRIGGER_AT):
            for _, _, _, expression in _phrases(content, 0, trigger):
                # The whole line, so that its subject ("The Dockerfiles are ...") is scoped.
                return position, "license-heading", content, expression
        named = _named_before_licensed(content)
        if named is not None:
            return position, "license-heading", content, named
        if not _COPYRIGHT_LINE.match(content):
            return None
    return None


# What a line must hold to change the line scan's state (a fence, a comment) or to be read.
_EVENTS: Final = ("```", "~~~", "<!--", "-->")


def _line_ends(lines: Sequence[str]) -> list[int]:
    """Where each line ends (the offset of its newline) in the text the lines were split from."""
    return list(map(operator.add, itertools.accumulate(map(len, lines)), itertools.count()))


def _event_lines(
    text: str, lines: Sequence[str], folded: str | None = None
) -> list[tuple[int, int]]:
    """The lines `_line_clues` has to look at, in order, as (index, offset of its start): those
    holding a fence, a comment mark or "licen" in any case, and every line with characters
    outside ASCII (case folding may make "licen" of them). A line without any of these changes
    nothing, so it is skipped unread. (`folded`: `fold(text)`, when the caller has it.)
    """
    positions: list[int] = []
    for token in _EVENTS:
        at = text.find(token)
        while at >= 0:
            positions.append(at)
            at = text.find(token, at + 1)
    # The same offsets; lines with other characters are all marked below.
    lowered = fold(text) if folded is None else folded
    at = lowered.find("licen")
    while at >= 0:
        positions.append(at)
        at = lowered.find("licen", at + 1)
    if text.isascii():
        return _lines_at(text, sorted(positions))
    ends = _line_ends(lines)
    found = {bisect_left(ends, position) for position in positions}
    # A line at a time: prose outside ASCII has a run in every word.
    found.update(index for index, line in enumerate(lines) if not line.isascii())
    return [(index, ends[index] - len(lines[index])) for index in sorted(found)]


def _lines_at(text: str, positions: Sequence[int]) -> list[tuple[int, int]]:
    """(index, start offset) of each line holding one of `positions` (ascending), found by
    searching for the line breaks around them, not by measuring every line of the text. Each
    search starts after the last line found, so the text is read once whatever the count."""
    found: list[tuple[int, int]] = []
    lo = index = 0  # a line start, and its index
    for at in positions:
        if at < lo:
            continue  # on the line found last
        start = text.rfind("\n", lo, at) + 1 or lo
        index += text.count("\n", lo, start)
        found.append((index, start))
        end = text.find("\n", at)
        if end < 0:
            break
        lo, index = end + 1, index + 1
    return found


def _line_clues(text: str, plain_text: str, folded: str | None = None) -> Iterator[_Found]:
    """`License: X` lines, `| License | X |` rows and the text under a `## License` heading.

    `plain_text` is `text` without inline markup, computed once: inline markup never spans lines,
    so its lines are the lines of `text` (else each line is reduced on its own). `folded` is
    `fold(text)`, when the caller has it.
    """
    lines = text.split("\n")
    plain: list[str] | None = plain_text.split("\n")
    if plain is not None and len(plain) != len(lines):  # an entity such as &#10; made a line
        plain = None
    in_fence = False
    in_comment = False
    fields = headings = 0
    for index, start in _event_lines(text, lines, folded):
        line = lines[index]
        head = line[:_LINE_SCAN]
        if _FENCE.match(head):
            in_fence = not in_fence
            continue
        if in_comment:
            in_comment = "-->" not in head
            continue
        if "<!--" in head and "-->" not in head[head.index("<!--") :]:
            in_comment = True
        if in_fence or "licen" not in head.casefold():
            continue
        following = lines[index + 1][:_LINE_SCAN] if index + 1 < len(lines) else None
        title = _heading_text(head, following)
        if title is not None and headings < _MAX_MATCHES // 4 and _is_license_heading(title):
            headings += 1
            found = _heading_clue(lines, plain, index, start)
            if found is not None:
                yield found
            continue
        if fields >= _MAX_MATCHES:
            continue
        content = plain[index][:_LINE_SCAN] if plain else inline(head)
        field = _LICENSE_FIELD.match(content)
        value = field.group(1) if field is not None else None
        if value is None and content.lstrip().startswith("|"):
            value = _table_value(content)
        if value is None:
            continue
        fields += 1
        mapped = leading_names(value)
        if mapped is not None:
            yield start, "license-line", content, mapped


# --------------------------------------------------------------------------- entry point


def _prepare(text: str) -> str:
    text = text[:MAX_OVERVIEW_LENGTH].replace("\r\n", "\n").replace("\r", "\n")
    return clean(text)


# What an ASCII text needs for any detector to find something: `_collect` looks for them in it
# (lower-cased) before the detectors, each of which looks for its own again.
_NEEDLES: Final = ("licen", "spdx-license-identifier", "shields.io", "badgen.net", *LICENSE_HOSTS)


def _may_state(lowered: str, folded_plain: str) -> bool:
    """Whether an ASCII text (`lowered`, and its plain text folded) holds a word or host that
    some detector starts from: without one, none can find anything."""
    return any(needle in lowered for needle in _NEEDLES) or any(
        anchor in folded_plain for anchor in _TRIGGER_AT.anchors
    )


# The characters inline markup starts with: text without them is its own plain text.
_MARKUP: Final = ("[", "<", "&", "*", "`", "~", "_")


def _collect(text: str) -> list[OverviewClue]:
    # One printable ASCII line without markup (most short descriptions) is its own prepared,
    # plain and folded text: the gate below is asked at once.
    if text.isascii() and text.isprintable() and not any(mark in text for mark in _MARKUP):
        lowered = text.lower()
        if not _may_state(lowered, lowered):
            return []
    prepared = _prepare(text)
    if not prepared.strip():
        return []
    lowered = prepared.lower()
    plain = inline(prepared)
    folded_plain = fold(plain)
    if prepared.isascii() and not _may_state(lowered, folded_plain):
        return []  # most short descriptions
    found: list[_Found] = []
    folded = lowered if prepared.isascii() else fold(prepared)
    if "spdx-license-identifier" in folded:  # in every tag, whatever its case
        found.extend(_spdx_tags(prepared))
    # The host patterns cannot skip ahead by a literal prefix, so they only run when one of
    # their hosts occurs at all (a substring search is ~50 times faster than the pattern).
    if "shields.io" in lowered or "badgen.net" in lowered:
        found.extend(badges(prepared))
    if any(host in lowered for host in LICENSE_HOSTS):
        found.extend(license_urls(prepared))
    # Every line the line scan reads holds "licen" (in ASCII text, lower() is casefold()).
    if "licen" in lowered or not prepared.isascii():
        found.extend(_line_clues(prepared, plain, folded))
    found.extend(_phrases(plain, 0, _TRIGGER_AT, folded_plain))
    ranked = sorted(
        enumerate(found), key=lambda item: (_RANK[_CONFIDENCE[item[1][1]]], item[1][0], item[0])
    )
    clues: list[OverviewClue] = []
    seen: set[tuple[str, str, bool]] = set()
    for _, (position, kind, snippet, expression) in ranked:
        scope = _scope(plain, position, kind, snippet)
        if (expression, kind, scope is None) in seen:
            continue
        seen.add((expression, kind, scope is None))
        clues.append(OverviewClue(kind, _snippet(snippet), expression, _CONFIDENCE[kind], scope))
        if len(clues) >= _MAX_CLUES:
            break
    return clues


def _scope(plain: str, position: int, kind: ClueKind, snippet: str) -> str | None:
    """What a prose or line statement licenses other than the software (licenses.md §5.3)."""
    if kind == "phrase":
        return scope_of_statement(plain, position)
    if kind in ("license-line", "license-heading"):
        return scoped_subject(snippet, len(snippet))
    return None


def find_overview_clues(text: str) -> list[OverviewClue]:
    """License statements in an overview, high confidence first, then in order of appearance.

    SPDX-License-Identifier lines are high confidence; badges, license URLs, `License:` lines and
    `## License` sections medium; "licensed under …" prose low. One clue per kind and expression.
    Pure and bounded: at most the first 100,000 characters are read, every pattern is linear.
    """
    candidate: object = text
    if not isinstance(candidate, str):
        return []
    try:
        return _collect(candidate)
    except Exception:  # a last resort: hostile text must not crash the check
        return []
