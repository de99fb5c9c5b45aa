"""Read license names in running words: "MIT or Apache 2.0", "GPLv2 with Classpath exception".

The word half of the name mapper (licenses.md §4.3): its own tokenizer splits a clause into words,
and the longest word prefix (at most 8 words) that `names.lookup_name` maps is one license.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Final, NamedTuple

from dsos_check.licenses.names import MAX_NAME, QUOTES, clean_name, lookup_name
from dsos_check.licenses.spdx import evaluate

__all__ = [
    "Token",
    "leading_names",
    "map_license_name",
    "parse_clause",
    "parse_names",
    "tokenize",
]

_MAX_WORDS: Final = 8  # words tried per license name, longest prefix first (licenses.md §4.3)
_MAX_PARTS: Final = 4  # licenses joined by "or"/"and" in one statement
_MAX_TOKENS: Final = 40


class Token(NamedTuple):
    """One word of a clause (a tuple: the parser makes one per word of every statement it reads,
    so it is built in C and its bare form is computed once)."""

    text: str
    start: int
    end: int
    closes: bool  # the clause ends after this word ("MIT." / "2.0;")
    bare: str  # the word lower-cased, without quotes, brackets, emphasis and punctuation


_BARE_STRIP: Final = QUOTES + "()[]{}<>*_`~.,;:!?"
_WORD = re.compile(r"[^\s/]++|/")
_CLOSING_QUOTES: Final = QUOTES + ")]}*_`"
_CONNECTORS: Final[Mapping[str, str]] = {"or": "OR", "/": "OR", "and": "AND", "&": "AND"}
# Words that may follow a bare one-word name ("MIT"): anything else ("Fair Source", "doc folder",
# "Ruby gems") means the word was not a license name.
_FOLLOWERS: Final = frozenset(
    {"license", "licence", "licenses", "licences", "licensed", "licenced", "or", "and", "with"}
    | {"unless", "except", "see", "for", "so", "which", "but", "as", "by", "at", "you", "please"}
    | {"is", "are", "too", "also", "copyright"}
)
_OR_WORDS: Final = frozenset({"either", "dual", "dually", "dual-licensed", "dual-licenced"})
_SKIP_WORDS: Final = frozenset({"the", "of"}) | _OR_WORDS  # "either of X or Y"
# A name followed by these is qualified ("with Commons Clause", "+ a rider"): only an SPDX
# exception after "with" keeps the statement.
_QUALIFIERS: Final = frozenset({"with", "plus", "+"})


def tokenize(segment: str, offset: int) -> list[Token]:
    tokens: list[Token] = []
    for match in _WORD.finditer(segment):
        word = match.group()
        if len(tokens) >= _MAX_TOKENS or len(word) > 60 or "://" in word:
            break
        closes = word.rstrip(_CLOSING_QUOTES).endswith((".", ";", ":", "!", "?"))
        bare = word.strip(_BARE_STRIP).casefold()
        tokens.append(Token(word, offset + match.start(), offset + match.end(), closes, bare))
        if closes:
            break
    return tokens


def _follows_name(token: Token) -> bool:
    return not token.text[0].isalnum() or token.bare in _FOLLOWERS


def _longest_name(tokens: Sequence[Token], start: int) -> tuple[str, int] | None:
    """The longest word-prefix (≤ 8 words) from `start` that names one license."""
    window: list[Token] = []
    for token in tokens[start : start + _MAX_WORDS]:
        window.append(token)
        if token.closes:
            break
    for size in range(len(window), 0, -1):
        last = window[size - 1]
        if last.bare in _CONNECTORS or not any(ch.isalnum() for ch in last.text):
            continue  # a name never ends on "or"/"and" or on a lone dash
        found, stop = lookup_name(" ".join(token.text for token in window[:size]), False)
        if stop:
            return None
        if found is None:
            continue
        word = window[0]
        following = start + 1
        if (
            size == 1
            and not any(ch.isdigit() for ch in word.text)
            and not word.closes
            and following < len(tokens)
            and not _follows_name(tokens[following])
        ):
            return None
        return found, size
    return None


def _connector(tokens: Sequence[Token], index: int) -> tuple[str, int] | None:
    if index >= len(tokens):
        return None
    op = _CONNECTORS.get(tokens[index].bare) if tokens[index].text != "/" else "OR"
    if op is None:
        return None
    # "and/or" is OR
    if (
        op == "AND"
        and index + 2 < len(tokens)
        and tokens[index + 1].text == "/"
        and tokens[index + 2].bare == "or"
    ):
        return "OR", 3
    return op, 1


def _with_exception(expression: str, tokens: Sequence[Token], index: int) -> tuple[str, int] | None:
    """`expression` WITH the SPDX exception named after `tokens[index]` ("with LLVM exception")."""
    if tokens[index].bare != "with":
        return None
    start = index + 1
    if start < len(tokens) and tokens[start].bare == "the" and not tokens[start].closes:
        start += 1
    for size in range(min(4, len(tokens) - start), 0, -1):
        words = tokens[start : start + size]
        if any(token.closes for token in words[:-1]):
            continue
        name = "-".join(token.bare for token in words).removesuffix("s")
        for exception in (name, f"{name}-2.0"):
            result = evaluate(f"{expression} WITH {exception}")
            if result.status in ("approved", "not-approved") and result.expression:
                return result.expression, start + size
    return None


def parse_names(tokens: Sequence[Token], *, dual: bool = False) -> tuple[str, int] | None:
    """Licenses named at the start of `tokens`: (SPDX expression, tokens used), or None.

    "X or Y" is OR. Prose "X and Y" is OR after "dual"/"either" (licenses.md §4.3), otherwise
    AND, the reading that cannot overstate approval.
    """
    parts: list[str] = []
    ops: list[str] = []
    used = 0
    index = 0
    pending: str | None = None
    or_context = dual
    while len(parts) < _MAX_PARTS:
        while index < len(tokens) and tokens[index].bare in _SKIP_WORDS:
            or_context = or_context or tokens[index].bare in _OR_WORDS
            if tokens[index].closes:
                break
            index += 1
        match = _longest_name(tokens, index)
        if match is None:
            break
        expression, size = match
        used = index + size
        if not tokens[used - 1].closes and used < len(tokens) and tokens[used].bare in _QUALIFIERS:
            qualified = _with_exception(expression, tokens, used)
            if qualified is None:
                return None  # "Apache 2.0 with Commons Clause": not the plain license
            expression, used = qualified
        if pending is not None:
            ops.append(pending)
        parts.append(expression)
        if tokens[used - 1].closes:
            break
        link = _connector(tokens, used)
        if link is None:
            break
        pending, step = link
        index = used + step
    if not parts:
        return None
    if or_context:
        ops = ["OR"] * len(ops)
    combined = parts[0]
    previous: str | None = None
    for op, part in zip(ops, parts[1:], strict=True):
        if previous is not None and previous != op:
            combined = f"({combined})"
        combined = f"{combined} {op} {part}"
        previous = op
    result = evaluate(combined)
    if result.status == "invalid" or result.expression is None:
        return parts[0], used  # pragma: no cover - every part is a valid expression
    return result.expression, used


# --------------------------------------------------------------------------- public mapping


def map_license_name(name: str) -> str | None:
    """A free-text license name ("Apache License, Version 2.0", "GPLv3") as an SPDX expression.

    Tries an SPDX id or expression, then licenselynx (SPDX answers only), then a small alias
    table; "X or Y" joins names. Ambiguous names (`BSD`, `GPL`) and non-licenses map to None.
    """
    candidate: object = name
    if not isinstance(candidate, str) or len(candidate) > 4 * MAX_NAME:
        return None
    try:
        found, stop = lookup_name(candidate, True)
        if found or stop:
            return found
        text = clean_name(candidate)
        tokens = tokenize(text, 0)
        parsed = parse_names(tokens)
        if parsed is not None and parsed[1] == len(tokens) and tokens[-1].end >= len(text):
            return parsed[0]
    except Exception:  # a last resort: hostile text must not crash the check
        return None
    return None


def leading_names(value: str) -> str | None:
    """The license(s) named at the start of `value` ("MIT (see LICENSE file)" → MIT)."""
    cleaned = clean_name(value)
    end = _CLAUSE_END.search(cleaned)
    # Cached by the first clause, all the tokenizer reads: lines that go on differently after it
    # ("Licensed under MIT. See https://github.com/acme/<repo>") are parsed once.
    return _leading_names(cleaned if end is None else cleaned[: end.end()])


@functools.lru_cache(maxsize=2048)
def _leading_names(clause: str) -> str | None:
    parsed = parse_names(tokenize(clause, 0))
    return parsed[0] if parsed is not None else None


# The end of the first clause: the tokenizer stops after the word that closes it, so the text up
# to there is all a parse reads, and the key under which the same clause is parsed only once.
_CLAUSE_END: Final = re.compile(r"[.;:!?][\"'\u201d\u2019)\]}*_`]*(?=\s|\Z)")


def parse_clause(segment: str, *, dual: bool = False) -> tuple[str, int] | None:
    """Licenses named at the start of `segment`: (SPDX expression, end offset of the names)."""
    end = _CLAUSE_END.search(segment)
    return _parse_clause(segment if end is None else segment[: end.end()], dual)


@functools.lru_cache(maxsize=2048)
def _parse_clause(clause: str, dual: bool) -> tuple[str, int] | None:
    tokens = tokenize(clause, 0)
    parsed = parse_names(tokens, dual=dual)
    if parsed is None:
        return None
    expression, used = parsed
    return expression, tokens[used - 1].end
