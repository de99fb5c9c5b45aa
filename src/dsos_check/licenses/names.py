"""Map one free-text license name ("Apache License, Version 2.0", "GPLv3") to an SPDX id.

The single-name half of the name mapper (licenses.md §4.3); `name_list.py` reads several names in
running words. Order: SPDX id or expression, licenselynx (SPDX answers only), a small alias table.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Final

from dsos_check.licenses.spdx import canonical_license_id, evaluate
from dsos_check.text import clean

__all__ = ["MAX_NAME", "QUOTES", "clean_name", "lookup_name", "normalise_expression"]

MAX_NAME: Final = 200  # a license name longer than this is not a name


# Spellings that neither the SPDX list nor licenselynx (src=spdx) map; "mit license" and
# "bsd 3-clause" need no entry, the SPDX list maps "mit" and "bsd-3-clause". Keys are compared
# after `_alias_key` (case, dashes, "v"/"version", a trailing ".0" and a leading "the" do not
# matter), so "apache 2.0" also covers apache2, Apache-2, apache v2 and "apache version 2". A None
# value means "known not to name one license": the lookup stops there instead of trying a shorter
# prefix, so "Fair Source" never shrinks to `Fair` and "Commons Clause" (a rider) maps to nothing.
# GNU spellings without "or later" are `-only`; "or later" / "+" is handled in `lookup_name`.
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

QUOTES: Final = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"  # straight, curly and angle quotes
_DASHES: Final = "-\u2013\u2014"  # hyphen, en dash, em dash
_LEADING_JUNK: Final = frozenset(QUOTES + _DASHES + "([{<*_`~#>:;,.!?|\u2022")
_TRAILING_JUNK: Final = frozenset(QUOTES + _DASHES + ")]}>*_`~:;,.!?|")
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


def clean_name(name: str) -> str:
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


# The quotes licenselynx reads as an ASCII apostrophe before it looks a name up (its
# `_QuotesHandler`): the table below is looked up the same way.
_LYNX_QUOTES: Final = str.maketrans(
    dict.fromkeys(
        "\u2018\u2019\u201a\u201b\u2032\uff07\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02", "'"
    )
)


@functools.cache
def _lynx_table() -> dict[str, str] | None:
    """licenselynx's stable map, cut to what is asked of it: name to SPDX id, for the names it
    maps to an SPDX license. Its own API builds an object for each of its 25,000 entries, stable
    and risky, spdx or not: about 8 MiB and 60 ms in every process that looks a name up, where
    this table is under 1 MiB and 15 ms. None if its data cannot be read this way (the API is
    then asked instead)."""
    try:
        from importlib import resources

        data = resources.files("licenselynx.resources").joinpath("merged_data.json")
        stable = json.loads(data.read_bytes())["stableMap"]
        return {
            name: entry["id"]
            for name, entry in stable.items()
            if entry.get("src") == "spdx" and isinstance(entry.get("id"), str)
        }
    except Exception:  # a dependency's data file, not its API: without it, the API answers
        return None


def _lynx(name: str) -> str | None:
    """licenselynx's answer for `name`, only when it is an SPDX id (`src == "spdx"`)."""
    table = _lynx_table()
    if table is not None:
        return table.get(name.translate(_LYNX_QUOTES))
    return _lynx_by_api(name)


@functools.cache
def _lynx_mapper() -> Callable[[str], object] | None:
    try:  # imported lazily: its first call loads a 1 MB JSON map (about 60-110 ms)
        from licenselynx.licenselynx import LicenseLynx  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    mapper: Callable[[str], object] = LicenseLynx.map
    return mapper


def _lynx_by_api(name: str) -> str | None:
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


def normalise_expression(expression: str | None, compound: bool) -> str | None:
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
    found = normalise_expression(canonical_license_id(candidate), compound)
    if found:
        return found
    hyphenated = _HYPHENATE.sub("-", candidate)  # "Apache 2.0" → Apache-2.0, "CC BY-NC 4.0"
    if hyphenated != candidate:
        found = normalise_expression(canonical_license_id(hyphenated), compound)
        if found:
            return found
    if _EXPRESSION_CHARS.fullmatch(candidate) and any(ch.isalpha() for ch in candidate):
        found = normalise_expression(candidate, compound)  # "MIT OR Apache-2.0", "GPL-2.0+"
        if found:
            return found
    for variant in dict.fromkeys((candidate, candidate.lower())):
        found = normalise_expression(_lynx(variant), compound)
        if found:
            return found
    return normalise_expression(_ALIASES.get(_alias_key(candidate)), compound)


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
def lookup_name(name: str, compound: bool) -> tuple[str | None, bool]:
    """(SPDX expression or None, stop): `stop` says the name is known not to be one license."""
    if len(name) > 4 * MAX_NAME:
        return None, False
    text = clean_name(name)
    if not text or len(text) > MAX_NAME:
        return None, False
    found, stop = _lookup_plain(text, compound)
    if found or stop:
        return found, stop
    later = _OR_LATER.search(text)
    if later is None or later.start() == 0:
        return None, False
    base, stop = _lookup_plain(clean_name(text[: later.start()]), False)
    if base is None:
        return None, stop
    if base.endswith("-only"):
        or_later = canonical_license_id(base.removesuffix("-only") + "-or-later")
        if or_later is not None:
            return or_later, False
    return base, False  # e.g. "MPL 2.0 or later": MPL-2.0 already lets users pick later versions
