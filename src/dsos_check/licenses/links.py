"""License badges and links to license texts in an overview: what each one names."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Final, Literal
from urllib.parse import parse_qs, unquote

from dsos_check.licenses.name_list import leading_names
from dsos_check.licenses.names import lookup_name, normalise_expression
from dsos_check.licenses.spdx import canonical_license_id
from dsos_check.scanner import fold, matches_at

__all__ = ["LICENSE_HOSTS", "LinkClue", "badges", "license_urls"]

_MAX_MATCHES: Final = 200  # per detector: bounds the work on adversarial input
# (position, kind, the text that said it, SPDX expression)
LinkClue = tuple[int, Literal["badge", "url"], str, str]

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
    return leading_names(message) if "licen" in label.casefold() else None


def badges(text: str) -> Iterator[LinkClue]:
    folded = fold(text)
    static = matches_at(_SHIELDS_STATIC, text, folded, "img.shields.io/badge/")
    for count, match in enumerate(static):
        if count >= _MAX_MATCHES:
            break
        parts = _shields_parts(match.group(1))
        if len(parts) < 3:
            continue  # "<message>-<color>" has no label, so nothing says it is a license
        label, message = _shields_part(parts[0]), _shields_part("-".join(parts[1:-1]))
        found = _badge_value(label, message)
        if found:
            yield match.start(), "badge", match.group(), found
    for count, match in enumerate(
        matches_at(_SHIELDS_QUERY, text, folded, "img.shields.io/static/v1?")
    ):
        if count >= _MAX_MATCHES:
            break
        query = parse_qs(match.group(1).replace("&amp;", "&"), max_num_fields=20)
        label, message = query.get("label", [""])[0], query.get("message", [""])[0]
        found = _badge_value(label, message)
        if found:
            yield match.start(), "badge", match.group(), found
    for count, match in enumerate(matches_at(_BADGEN, text, folded, "badgen.net/badge/")):
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
LICENSE_HOSTS: Final = (
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
        return lookup_name(key, False)[0] if key else None
    if groups["spdx"]:
        return normalise_expression(
            canonical_license_id(_URL_SUFFIX.sub("", groups["spdx"])), False
        )
    if groups["apache"]:
        return normalise_expression(canonical_license_id(f"Apache-{groups['apache']}"), False)
    if groups["mpl"]:
        return normalise_expression(canonical_license_id(f"MPL-{groups['mpl']}"), False)
    if groups["gnu"]:
        # The URL of the text does not say "only" or "or later". `-only` is the conservative
        # reading, and OSI approval is the same for both.
        version = groups["gnuv"] if "." in groups["gnuv"] else groups["gnuv"] + ".0"
        family = _GNU_FAMILY[groups["gnu"].lower()]
        return normalise_expression(canonical_license_id(f"{family}-{version}-only"), False)
    if groups["cc0"]:
        return "CC0-1.0"
    if groups["cc"]:
        return normalise_expression(
            canonical_license_id(f"CC-{groups['cc']}-{groups['ccv']}"), False
        )
    if groups["cal"]:  # choosealicense.com keys are lower-cased SPDX ids
        return normalise_expression(canonical_license_id(groups["cal"].rstrip(".")), False)
    return None  # pragma: no cover - one group always matches


def license_urls(text: str) -> Iterator[LinkClue]:
    # Every alternative of the pattern starts with one of the hosts.
    for count, match in enumerate(matches_at(_LICENSE_URL, text, fold(text), *LICENSE_HOSTS)):
        if count >= _MAX_MATCHES:
            break
        found = _url_expression(match)
        if found:
            yield match.start(), "url", match.group(), found
