"""The one place where wire values (numbers, dates, URLs, JSON, header text) become trusted ones.

Everything a server sends is hostile until it passes through here: numbers are ASCII digits of a
bounded length, dates are in a range every later step can format, URLs have a valid port, JSON is
nested to a bounded depth and holds no lone surrogates. A value that fails is None (or an
ApiError for a whole body), never an exception from deep inside the standard library.
"""

from __future__ import annotations

import email.utils
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from dsos_check.errors import ApiError
from dsos_check.text import without_surrogates as scrub_surrogates

# More digits than any real count, size or epoch (and far below int()'s 4,300-digit limit).
MAX_DIGITS = 18
# JSON deeper than this is no API answer; the standard parser would hit the recursion limit.
MAX_JSON_DEPTH = 64
# Dates outside these years are not real pushes, and near datetime's edges they cannot even be
# converted to UTC or formatted.
MIN_YEAR = 1970
MAX_YEAR = 9000
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
_DECIMAL = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]{{1,9}})?")
# A JSON \u escape of a surrogate: only then can the parsed value hold a lone one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
# Every byte that cannot change the nesting, deleted before counting (in C, so it is fast).
_UNSTRUCTURAL = bytes(b for b in range(256) if b not in b'[]{}"\\')
# Header values fit to send back (validators): visible ASCII and spaces only.
_HEADER_TEXT = re.compile(r"[\x20-\x7e]{1,1024}")


def wire_int(value: str | None) -> int | None:
    """A non-negative integer written in ASCII digits, of a sane length; else None."""
    text = (value or "").strip()
    return int(text) if _DIGITS.fullmatch(text) else None


def wire_seconds(value: str | None) -> float | None:
    """A non-negative decimal number of seconds (or an epoch); else None."""
    text = (value or "").strip()
    return float(text) if _DECIMAL.fullmatch(text) else None


def wire_http_date(value: str | None) -> datetime | None:
    """An HTTP date (`Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`), in UTC and in range."""
    text = (value or "").strip()
    if not text or len(text) > 64:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return wire_datetime(parsed)


def wire_datetime(value: datetime | None) -> datetime | None:
    """A datetime in UTC within MIN_YEAR..MAX_YEAR (naive means UTC); else None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if not MIN_YEAR <= value.year <= MAX_YEAR:  # also keeps astimezone() from overflowing
        return None
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def wire_header_text(value: str | None) -> str | None:
    """A header value safe to send back to a server (an ETag, say): visible ASCII only."""
    return value if value is not None and _HEADER_TEXT.fullmatch(value) else None


def wire_url(value: Any) -> str | None:
    """An absolute http(s) URL with a host and a valid port; else None."""
    if not isinstance(value, str) or len(value) > 8192 or not value.isascii():
        return None
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError for a port out of range or not a number
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return value


def wire_json(body: bytes, what: str) -> Any:
    """Parse a JSON body: bounded nesting, no lone surrogates; ApiError naming `what` otherwise."""
    depth = _max_depth(body)
    if depth > MAX_JSON_DEPTH:
        raise ApiError(f"{what} nests JSON {depth} levels deep, more than {MAX_JSON_DEPTH}")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        snippet = "truncated or malformed JSON" if body.lstrip()[:1] in (b"{", b"[") else "not JSON"
        raise ApiError(f"{what} with {snippet}") from None
    if _SURROGATE_ESCAPE.search(body) or b"\xed" in body:
        data = scrub_surrogates(data)
    return data


def _max_depth(body: bytes) -> int:
    """How deeply brackets nest, outside strings (a cheap pre-check before the real parser);
    stops counting once past the limit."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for byte in body.translate(None, _UNSTRUCTURAL):  # only brackets, quotes and backslashes
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest
