"""Find license statements in a Docker Hub overview (hostile Markdown): licenses.md §4.3."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal
from urllib.parse import parse_qs, unquote

from dsos_check.licenses.spdx import canonical_license_id, evaluate
from dsos_check.text import clean, shorten

__all__ = [
    "MAX_OVERVIEW_LENGTH",
    "ClueKind",
    "Confidence",
    "OverviewClue",
    "find_overview_clues",
    "map_license_name",
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


@dataclass(frozen=True)
class OverviewClue:
    """One statement of a license found in an overview, mapped to an SPDX expression."""

    kind: ClueKind
    text: str  # the snippet that stated it, on one line, at most 80 characters
    expression: str  # SPDX expression, ids in SPDX casing
    confidence: Confidence


# --------------------------------------------------------------------------- name → SPDX id

# Spellings that neither the SPDX list nor licenselynx (src=spdx) map; "mit license" and
# "bsd 3-clause" need no entry, the SPDX list maps "mit" and "bsd-3-clause". Keys are compared
# after `_alias_key` (case, dashes, "v"/"version", a trailing ".0" and a leading "the" do not
# matter), so "apache 2.0" also covers apache2, Apache-2, apache v2 and "apache version 2". A None
# value means "known not to name one license": the lookup stops there instead of trying a shorter
# prefix, so "Fair Source" never shrinks to `Fair` and "Commons Clause" (a rider) maps to nothing.
# GNU spellings without "or later" are `-only`; "or later" / "+" is handled in `_lookup`.
_ALIAS_TABLE: Final[Mapping[str, str | None]] = {
    "apache 2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "asl 2.0": "Apache-2.0",
    "apache software license 2.0": "Apache-2.0",
    "gpl v2": "GPL-2.0-only",
    "gpl v3": "GPL-3.0-only",
    "gnu gpl v2": "GPL-2.0-only",
    "gnu gpl v3": "GPL-3.0-only",
    "gnu general public license v2": "GPL-2.0-only",
    "gnu general public license v3": "GPL-3.0-only",
    "agpl v3": "AGPL-3.0-only",
    "gnu agpl v3": "AGPL-3.0-only",
    "affero general public license v3": "AGPL-3.0-only",
    "gnu affero general public license v3": "AGPL-3.0-only",
    "lgpl v2.1": "LGPL-2.1-only",
    "lgpl v3": "LGPL-3.0-only",
    "gnu lgpl v2.1": "LGPL-2.1-only",
    "gnu lgpl v3": "LGPL-3.0-only",
    "gnu lesser general public license v2.1": "LGPL-2.1-only",
    "gnu lesser general public license v3": "LGPL-3.0-only",
    "mpl 2.0": "MPL-2.0",
    "mozilla public license 2.0": "MPL-2.0",
    "sspl": "SSPL-1.0",
    "sspl v1": "SSPL-1.0",
    "server side public license": "SSPL-1.0",
    "server side public license v1": "SSPL-1.0",
    "bsl 1.1": "BUSL-1.1",  # "BSL 1.0" is Boost (BSL-1.0); 1.1 is the Business Source License
    "busl": "BUSL-1.1",
    "business source license": "BUSL-1.1",
    "business source license 1.1": "BUSL-1.1",
    "elastic license": "Elastic-2.0",
    "elastic license 2.0": "Elastic-2.0",
    "elv2": "Elastic-2.0",
    "expat": "MIT",
    "3-clause bsd": "BSD-3-Clause",
    "bsd 3": "BSD-3-Clause",
    "new bsd": "BSD-3-Clause",
    "modified bsd": "BSD-3-Clause",
    "revised bsd": "BSD-3-Clause",
    "2-clause bsd": "BSD-2-Clause",
    "simplified bsd": "BSD-2-Clause",
    "cc0": "CC0-1.0",
    "eupl 1.2": "EUPL-1.2",
    "eclipse public license 2.0": "EPL-2.0",
    "polyform noncommercial": "PolyForm-Noncommercial-1.0.0",
    "polyform small business": "PolyForm-Small-Business-1.0.0",
    # Known not to name one SPDX license: ambiguous, not a license, or a rider.
    "bsd": None,
    "gpl": None,
    "lgpl": None,
    "agpl": None,
    "gnu gpl": None,
    "gnu general public license": None,
    "fair source": None,
    "commons clause": None,
    "open source": None,
    "proprietary": None,
    "commercial": None,
    "public domain": None,
}

_KEY_SEPARATORS = re.compile(r"[-_/,]+")
_KEY_VERSION_WORD = re.compile(r"\bversion\b")
_KEY_GLUED_V = re.compile(r"(?<=[a-z])v(?=\d)")  # gplv3 → gpl v3
_KEY_V = re.compile(r"\bv\s*+(?=\d)")  # gpl v3 → gpl 3
_KEY_GLUED_DIGIT = re.compile(r"(?<=[a-z])(?=\d)")  # apache2 → apache 2
_KEY_DOT_ZERO = re.compile(r"(?<=\d)\.0\b")  # 2.0 → 2
_KEY_OTHER = re.compile(r"[^\w\s.+]")


def _alias_key(name: str) -> str:
    key = name.casefold().replace("licence", "license")
    key = _KEY_SEPARATORS.sub(" ", key)
    key = _KEY_VERSION_WORD.sub(" v", key)
    key = _KEY_GLUED_V.sub(" v", key)
    key = _KEY_V.sub("", key)
    key = _KEY_GLUED_DIGIT.sub(" ", key)
    key = _KEY_DOT_ZERO.sub("", key)
    key = " ".join(_KEY_OTHER.sub(" ", key).split())
    return key.removeprefix("the ")


_ALIASES: Final[Mapping[str, str | None]] = {
    _alias_key(name): target for name, target in _ALIAS_TABLE.items()
}

_QUOTES: Final = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"  # straight, curly and angle quotes
_DASHES: Final = "-\u2013\u2014"  # hyphen, en dash, em dash
_LEADING_JUNK: Final = frozenset(_QUOTES + _DASHES + "([{<*_`~#>:;,.!?|\u2022")
_TRAILING_JUNK: Final = frozenset(_QUOTES + _DASHES + ")]}>*_`~:;,.!?|")
_CLOSERS: Final[Mapping[str, str]] = {")": "(", "]": "[", "}": "{"}
_THE = re.compile(r"(?i)the\s++")
_TRAILING_PARENTHETICAL = re.compile(r"\s*+\([^()]*+\)\Z")
_TRAILING_LICENSE_WORD = re.compile(r"(?i)\s++licen[cs]e[sd]?\Z")
_OR_LATER = re.compile(
    r"(?i)(?:\s*+\+|,?\s++or\s++(?:\(at\s++your\s++option\)\s++)?(?:any\s++)?"
    r"(?:later|newer|greater|higher|above)(?:\s++versions?)?)\Z"
)
_EXPRESSION_CHARS = re.compile(r"[A-Za-z0-9.+:() -]++")
_HYPHENATE = re.compile(r"[\s_]++")
_SPECIAL_VALUES: Final = frozenset({"NONE", "NOASSERTION"})
_LEAF = re.compile(r"[()]|[^\s()]++")
_LICENSE_REF = re.compile(r"(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+")


def _clean_name(name: str) -> str:
    """`name` on one line, without wrapping quotes, emphasis, brackets and trailing punctuation."""
    text = " ".join(clean(name).split())
    while text:
        first, last = text[0], text[-1]
        if first in _LEADING_JUNK:
            text = text[1:].lstrip()
        elif last in _TRAILING_JUNK and not (
            last in _CLOSERS and text.count(_CLOSERS[last]) >= text.count(last)
        ):
            text = text[:-1].rstrip()
        else:
            break
    return text


def _candidates(name: str) -> Iterator[str]:
    """`name`, then without a leading "the", a trailing "(…)" and trailing license words."""
    seen: set[str] = set()
    text = name
    for step in range(4):
        if step == 1:
            the = _THE.match(text)
            text = text[the.end() :] if the is not None else text
        elif step == 2:
            text = _TRAILING_PARENTHETICAL.sub("", text)
        elif step == 3:
            text = _TRAILING_LICENSE_WORD.sub("", text)
        if text and text not in seen:
            seen.add(text)
            yield text


@functools.cache
def _lynx_mapper() -> Callable[[str], object] | None:
    try:  # imported lazily: its first call loads a 1 MB JSON map (about 60-110 ms)
        from licenselynx.licenselynx import LicenseLynx  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    mapper: Callable[[str], object] = LicenseLynx.map
    return mapper


def _lynx(name: str) -> str | None:
    """licenselynx's answer for `name`, only when it is an SPDX id (`src == "spdx"`)."""
    mapper = _lynx_mapper()
    if mapper is None:  # pragma: no cover
        return None
    try:
        found = mapper(name)
    except Exception:
        return None
    source = getattr(found, "src", None)
    source = getattr(source, "value", source)  # a plain str today, a StrEnum in its type hints
    license_id = getattr(found, "id", None)
    if source == "spdx" and isinstance(license_id, str):
        return license_id
    return None


def _normalise(expression: str | None, compound: bool) -> str | None:
    """`expression` as `evaluate` renders it, if it is a known SPDX expression."""
    if expression is None:
        return None
    result = evaluate(expression)
    rendered = result.expression
    if result.status not in ("approved", "not-approved") or rendered is None:
        return None
    if rendered.upper() in _SPECIAL_VALUES:  # NONE / NOASSERTION are not license names
        return None
    if not compound and (" AND " in rendered or " OR " in rendered):
        return None
    return rendered if _known_leaves(rendered) else None


def _known_leaves(rendered: str) -> bool:
    """Every license in `rendered` is on the SPDX list (or a LicenseRef), every exception too.

    `evaluate` approves "MIT OR Apache 2.0" for its MIT branch; a name mapping must not.
    """
    after_with = False
    for token in _LEAF.findall(rendered):
        upper = token.upper()
        if token in "()" or upper in ("AND", "OR"):
            continue
        if upper == "WITH":
            after_with = True
            continue
        if after_with:
            known = evaluate(f"MIT WITH {token}").status == "approved"
            after_with = False
        else:
            known = _LICENSE_REF.fullmatch(token) is not None
            known = known or canonical_license_id(token.removesuffix("+")) is not None
        if not known:
            return False
    return True


def _direct(candidate: str, compound: bool) -> str | None:
    """SPDX id or expression, then licenselynx (src=spdx), then the alias table."""
    found = _normalise(canonical_license_id(candidate), compound)
    if found:
        return found
    hyphenated = _HYPHENATE.sub("-", candidate)  # "Apache 2.0" → Apache-2.0, "CC BY-NC 4.0"
    if hyphenated != candidate:
        found = _normalise(canonical_license_id(hyphenated), compound)
        if found:
            return found
    if _EXPRESSION_CHARS.fullmatch(candidate) and any(ch.isalpha() for ch in candidate):
        found = _normalise(candidate, compound)  # "MIT OR Apache-2.0", "GPL-2.0+"
        if found:
            return found
    for variant in dict.fromkeys((candidate, candidate.lower())):
        found = _normalise(_lynx(variant), compound)
        if found:
            return found
    return _normalise(_ALIASES.get(_alias_key(candidate)), compound)


def _lookup_plain(name: str, compound: bool) -> tuple[str | None, bool]:
    for candidate in _candidates(name):
        key = _alias_key(candidate)
        if key in _ALIASES and _ALIASES[key] is None:
            return None, True
        found = _direct(candidate, compound)
        if found:
            return found, False
    return None, False


@functools.lru_cache(maxsize=4096)
def _lookup(name: str, compound: bool) -> tuple[str | None, bool]:
    """(SPDX expression or None, stop): `stop` says the name is known not to be one license."""
    if len(name) > 4 * _MAX_NAME:
        return None, False
    text = _clean_name(name)
    if not text or len(text) > _MAX_NAME:
        return None, False
    found, stop = _lookup_plain(text, compound)
    if found or stop:
        return found, stop
    later = _OR_LATER.search(text)
    if later is None or later.start() == 0:
        return None, False
    base, stop = _lookup_plain(_clean_name(text[: later.start()]), False)
    if base is None:
        return None, stop
    if base.endswith("-only"):
        or_later = canonical_license_id(base.removesuffix("-only") + "-or-later")
        if or_later is not None:
            return or_later, False
    return base, False  # e.g. "MPL 2.0 or later": MPL-2.0 already lets users pick later versions


# --------------------------------------------------------------------------- words → expression


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int
    closes: bool  # the clause ends after this word ("MIT." / "2.0;")

    @property
    def bare(self) -> str:
        return self.text.strip(_QUOTES + "()[]{}<>*_`~.,;:!?").casefold()


_WORD = re.compile(r"[^\s/]++|/")
_CLOSING_QUOTES: Final = _QUOTES + ")]}*_`"
_CONNECTORS: Final[Mapping[str, str]] = {"or": "OR", "/": "OR", "and": "AND", "&": "AND"}
# Words that may follow a bare one-word name ("MIT"): anything else ("Fair Source", "doc folder",
# "Ruby gems") means the word was not a license name.
_FOLLOWERS: Final = frozenset(
    {"license", "licence", "licenses", "licences", "licensed", "licenced", "or", "and", "with"}
    | {"unless", "except", "see", "for", "so", "which", "but", "as", "by", "at", "you", "please"}
    | {"is", "are", "too", "also", "copyright"}
)
_OR_WORDS: Final = frozenset({"either", "dual", "dually", "dual-licensed", "dual-licenced"})
_SKIP_WORDS: Final = frozenset({"the"}) | _OR_WORDS
# A name followed by these is qualified ("with Commons Clause", "+ a rider"): only an SPDX
# exception after "with" keeps the statement.
_QUALIFIERS: Final = frozenset({"with", "plus", "+"})


def _tokenize(segment: str, offset: int) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _WORD.finditer(segment):
        word = match.group()
        if len(tokens) >= _MAX_TOKENS or len(word) > 60 or "://" in word:
            break
        closes = word.rstrip(_CLOSING_QUOTES).endswith((".", ";", ":", "!", "?"))
        tokens.append(_Token(word, offset + match.start(), offset + match.end(), closes))
        if closes:
            break
    return tokens


def _follows_name(token: _Token) -> bool:
    return not token.text[0].isalnum() or token.bare in _FOLLOWERS


def _longest_name(tokens: Sequence[_Token], start: int) -> tuple[str, int] | None:
    """The longest word-prefix (≤ 8 words) from `start` that names one license."""
    window: list[_Token] = []
    for token in tokens[start : start + _MAX_WORDS]:
        window.append(token)
        if token.closes:
            break
    for size in range(len(window), 0, -1):
        last = window[size - 1]
        if last.bare in _CONNECTORS or not any(ch.isalnum() for ch in last.text):
            continue  # a name never ends on "or"/"and" or on a lone dash
        found, stop = _lookup(" ".join(token.text for token in window[:size]), False)
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


def _connector(tokens: Sequence[_Token], index: int) -> tuple[str, int] | None:
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


def _with_exception(
    expression: str, tokens: Sequence[_Token], index: int
) -> tuple[str, int] | None:
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


def _parse_names(tokens: Sequence[_Token], *, dual: bool = False) -> tuple[str, int] | None:
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
    if not isinstance(candidate, str) or len(candidate) > 4 * _MAX_NAME:
        return None
    try:
        found, stop = _lookup(candidate, True)
        if found or stop:
            return found
        text = _clean_name(candidate)
        tokens = _tokenize(text, 0)
        parsed = _parse_names(tokens)
        if parsed is not None and parsed[1] == len(tokens) and tokens[-1].end >= len(text):
            return parsed[0]
    except Exception:  # a last resort: hostile text must not crash the check
        return None
    return None


# --------------------------------------------------------------------------- Markdown helpers

_IMAGE = re.compile(r"!\[[^\[\]\n]*+\](?:\([^()\s]*+(?:[ \t]++\"[^\"\n]*+\")?\)|\[[^\[\]\n]*+\])")
_EMPTY_LINK = re.compile(r"\[[ \t]*+\]\([^()\s]*+\)")
_LINK = re.compile(r"\[([^\[\]\n]*+)\]\([^()\s]*+(?:[ \t]++\"[^\"\n]*+\")?\)")
_REF_LINK = re.compile(r"\[([^\[\]\n]*+)\]\[[^\[\]\n]*+\]")
_HTML_TAG = re.compile(r"<[A-Za-z/!][^<>\n]*+>")
_EMPHASIS = re.compile(r"[*`~]++|(?<![A-Za-z0-9])_++|_++(?![A-Za-z0-9])")


def _inline(text: str) -> str:
    """Markdown/HTML inline markup removed: images dropped, links reduced to their text."""
    text = _IMAGE.sub("", text)
    text = _EMPTY_LINK.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    return html.unescape(text)


def _snippet(text: str) -> str:
    return shorten(text, _SNIPPET)


# --------------------------------------------------------------------------- detectors

_Found = tuple[int, ClueKind, str, str]  # (position, kind, snippet, expression)

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


_SHIELDS_STATIC = re.compile(r"(?<![\w-])img\.shields\.io/badge/([^\s/?#)\"'<>\]]{1,300})", re.I)
_SHIELDS_QUERY = re.compile(r"(?<![\w-])img\.shields\.io/static/v1\?([^\s)\"'<>\]]{1,500})", re.I)
_BADGEN = re.compile(
    r"(?<![\w-])badgen\.net/badge/([^\s/?#)\"'<>\]]{1,100})/([^\s/?#)\"'<>\]]{1,200})", re.I
)


def _shields_part(part: str) -> str:
    """One part of a static badge path: `__` → `_`, `_` → space, then percent-decoded."""
    return unquote(part.replace("__", "\0").replace("_", " ").replace("\0", "_"))


def _shields_parts(path: str) -> list[str]:
    """Split a static badge path on single dashes; `--` stands for a dash."""
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(path):
        if path.startswith("--", index):
            current.append("-")
            index += 2
        elif path[index] == "-":
            parts.append("".join(current))
            current = []
            index += 1
        else:
            current.append(path[index])
            index += 1
    parts.append("".join(current))
    return parts


def _badge_value(label: str, message: str) -> str | None:
    return _leading_names(message) if "licen" in label.casefold() else None


def _badges(text: str) -> Iterator[_Found]:
    for count, match in enumerate(_SHIELDS_STATIC.finditer(text)):
        if count >= _MAX_MATCHES:
            break
        parts = _shields_parts(match.group(1))
        if len(parts) < 3:
            continue  # "<message>-<color>" has no label, so nothing says it is a license
        label, message = _shields_part(parts[0]), _shields_part("-".join(parts[1:-1]))
        found = _badge_value(label, message)
        if found:
            yield match.start(), "badge", match.group(), found
    for count, match in enumerate(_SHIELDS_QUERY.finditer(text)):
        if count >= _MAX_MATCHES:
            break
        query = parse_qs(match.group(1).replace("&amp;", "&"), max_num_fields=20)
        label, message = query.get("label", [""])[0], query.get("message", [""])[0]
        found = _badge_value(label, message)
        if found:
            yield match.start(), "badge", match.group(), found
    for count, match in enumerate(_BADGEN.finditer(text)):
        if count >= _MAX_MATCHES:
            break
        found = _badge_value(unquote(match.group(1)), unquote(match.group(2)))
        if found:
            yield match.start(), "badge", match.group(), found


# A link to a LICENSE file (github.com/o/r/blob/main/LICENSE) names no license, so only hosts
# whose paths are license ids are read.
_LICENSE_URL = re.compile(
    r"(?<![\w-])(?:"
    r"opensource\.org/licen[cs]es?/(?P<osi>[A-Za-z0-9.+_-]{1,80})"
    r"|spdx\.org/licenses/(?P<spdx>[A-Za-z0-9.+-]{1,80})"
    r"|apache\.org/licenses/LICENSE-(?P<apache>\d\.\d)"
    r"|mozilla\.org/(?:[A-Za-z]{2}(?:-[A-Za-z]{2})?/)?MPL/(?P<mpl>\d\.\d)"
    r"|gnu\.org/licenses/(?:old-licenses/)?(?P<gnu>gpl|lgpl|agpl|fdl)-(?P<gnuv>\d(?:\.\d)?)"
    r"|creativecommons\.org/publicdomain/zero/(?P<cc0>1\.0)"
    r"|creativecommons\.org/licenses/(?P<cc>by(?:-nc)?(?:-sa|-nd)?)/(?P<ccv>\d\.\d)"
    r"|choosealicense\.com/licenses/(?P<cal>[A-Za-z0-9.-]{1,40})"
    r")",
    re.IGNORECASE,
)
_LICENSE_HOSTS: Final = (
    "opensource.org",
    "spdx.org",
    "apache.org",
    "mozilla.org",
    "gnu.org",
    "creativecommons.org",
    "choosealicense.com",
)
_URL_SUFFIX = re.compile(r"(?i)(?:\.(?:php|html?|txt|json))?\.*\Z")
_GNU_FAMILY: Final[Mapping[str, str]] = {
    "gpl": "GPL",
    "lgpl": "LGPL",
    "agpl": "AGPL",
    "fdl": "GFDL",
}


def _url_expression(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    if groups["osi"]:
        key = _URL_SUFFIX.sub("", groups["osi"])
        key = re.sub(r"(?i)-licen[cs]e\Z", "", key)  # the old style: /licenses/mit-license.php
        return _lookup(key, False)[0] if key else None
    if groups["spdx"]:
        return _normalise(canonical_license_id(_URL_SUFFIX.sub("", groups["spdx"])), False)
    if groups["apache"]:
        return _normalise(canonical_license_id(f"Apache-{groups['apache']}"), False)
    if groups["mpl"]:
        return _normalise(canonical_license_id(f"MPL-{groups['mpl']}"), False)
    if groups["gnu"]:
        # The URL of the text does not say "only" or "or later". `-only` is the conservative
        # reading, and OSI approval is the same for both.
        version = groups["gnuv"] if "." in groups["gnuv"] else groups["gnuv"] + ".0"
        family = _GNU_FAMILY[groups["gnu"].lower()]
        return _normalise(canonical_license_id(f"{family}-{version}-only"), False)
    if groups["cc0"]:
        return "CC0-1.0"
    if groups["cc"]:
        return _normalise(canonical_license_id(f"CC-{groups['cc']}-{groups['ccv']}"), False)
    if groups["cal"]:  # choosealicense.com keys are lower-cased SPDX ids
        return _normalise(canonical_license_id(groups["cal"].rstrip(".")), False)
    return None  # pragma: no cover - one group always matches


def _urls(text: str) -> Iterator[_Found]:
    for count, match in enumerate(_LICENSE_URL.finditer(text)):
        if count >= _MAX_MATCHES:
            break
        found = _url_expression(match)
        if found:
            yield match.start(), "url", match.group(), found


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
_LICENSED_WORD = re.compile(r"(?i)(?:(?<=\s)|^)(?:(\S{1,60}?)-)?licen[cs]ed\b")
_PARAGRAPH_END = re.compile(r"\n[ \t]*+\n")
_DUAL = re.compile(r"(?i)\b(?:dual(?:ly)?|multi|triple)[- ]?licen[cs]ed\b")


def _leading_names(value: str) -> str | None:
    """The license(s) named at the start of `value` ("MIT (see LICENSE file)" → MIT)."""
    parsed = _parse_names(_tokenize(_clean_name(value), 0))
    return parsed[0] if parsed is not None else None


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
        if underline and len(set(underline)) == 1 and underline[0] in "=-":
            return stripped
    return None


def _is_license_heading(title: str) -> bool:
    words = _SHORTCODE.sub(" ", _inline(title).casefold()).replace("&", " and ")
    words = _HEADING_WORDS.sub(" ", words)
    parts = [word for word in words.split() if not word.isdigit()]
    return _HEADING_TEXT.fullmatch(" ".join(parts)) is not None


def _phrases(text: str, offset: int, trigger: re.Pattern[str]) -> Iterator[_Found]:
    for count, match in enumerate(trigger.finditer(text)):
        if count >= _MAX_MATCHES:
            break
        segment = text[match.end() : match.end() + 400]
        paragraph = _PARAGRAPH_END.search(segment)
        if paragraph is not None:
            segment = segment[: paragraph.start()]
        tokens = _tokenize(segment, match.end())
        before = text[max(0, match.start() - 20) : match.start()]
        dual = _DUAL.search(before + match.group()) is not None
        parsed = _parse_names(tokens, dual=dual)
        if parsed is None:
            continue
        expression, used = parsed
        snippet = text[match.start() : tokens[used - 1].end]
        yield offset + match.start(), "phrase", snippet, expression


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
        found, stop = _lookup(" ".join(words[-size:]), False)
        if found is not None:
            negated = size < len(words) and words[-size - 1].casefold() in ("not", "no", "never")
            return None if negated else found
        if stop:
            return None
    return None


def _heading_clue(lines: Sequence[str], index: int, offset: int) -> _Found | None:
    """The license stated by the first line of text under the heading at `lines[index]`."""
    position = offset
    for number in range(index + 1, min(len(lines), index + 1 + _HEADING_LOOKAHEAD)):
        raw = lines[number][:_LINE_SCAN]
        position += len(lines[number - 1]) + 1
        if _FENCE.match(raw) or not raw.strip():
            continue
        stripped = raw.strip()
        if stripped and len(set(stripped)) == 1 and stripped[0] in "=-":
            continue  # the setext underline of this heading
        following = lines[number + 1] if number + 1 < len(lines) else None
        if _heading_text(raw, following) is not None:
            return None  # the section is empty
        content = " ".join(_inline(raw).split())
        if not content.strip(" .,;:-|>*[]()"):
            continue  # a badge-only line, an HTML tag or comment
        mapped = _leading_names(content)
        if mapped is not None:
            return position, "license-heading", content, mapped
        for trigger in (_TRIGGER, _LOOSE_TRIGGER):
            for _, _, snippet, expression in _phrases(content, 0, trigger):
                return position, "license-heading", snippet, expression
        named = _named_before_licensed(content)
        if named is not None:
            return position, "license-heading", content, named
        if not _COPYRIGHT_LINE.match(content):
            return None
    return None


def _line_clues(text: str) -> Iterator[_Found]:
    """`License: X` lines, `| License | X |` rows and the text under a `## License` heading."""
    lines = text.split("\n")
    offset = 0
    in_fence = False
    in_comment = False
    fields = headings = 0
    for index, line in enumerate(lines):
        start = offset
        offset += len(line) + 1
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
            found = _heading_clue(lines, index, start)
            if found is not None:
                yield found
            continue
        if fields >= _MAX_MATCHES:
            continue
        content = _inline(head)
        field = _LICENSE_FIELD.match(content)
        value = field.group(1) if field is not None else None
        if value is None and content.lstrip().startswith("|"):
            value = _table_value(content)
        if value is None:
            continue
        fields += 1
        mapped = _leading_names(value)
        if mapped is not None:
            yield start, "license-line", content, mapped


# --------------------------------------------------------------------------- entry point


def _prepare(text: str) -> str:
    text = text[:MAX_OVERVIEW_LENGTH].replace("\r\n", "\n").replace("\r", "\n")
    return clean(text)


def _collect(text: str) -> list[OverviewClue]:
    prepared = _prepare(text)
    if not prepared.strip():
        return []
    lowered = prepared.lower()
    found: list[_Found] = []
    found.extend(_spdx_tags(prepared))
    # The host patterns cannot skip ahead by a literal prefix, so they only run when one of
    # their hosts occurs at all (a substring search is ~50 times faster than the pattern).
    if "shields.io" in lowered or "badgen.net" in lowered:
        found.extend(_badges(prepared))
    if any(host in lowered for host in _LICENSE_HOSTS):
        found.extend(_urls(prepared))
    found.extend(_line_clues(prepared))
    found.extend(_phrases(_inline(prepared), 0, _TRIGGER))
    ranked = sorted(
        enumerate(found), key=lambda item: (_RANK[_CONFIDENCE[item[1][1]]], item[1][0], item[0])
    )
    clues: list[OverviewClue] = []
    seen: set[tuple[str, str]] = set()
    for _, (_, kind, snippet, expression) in ranked:
        if (expression, kind) in seen:
            continue
        seen.add((expression, kind))
        clues.append(OverviewClue(kind, _snippet(snippet), expression, _CONFIDENCE[kind]))
        if len(clues) >= _MAX_CLUES:
            break
    return clues


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
