"""Property tests: every wire parser takes any text a server can send and returns a trusted value
or None (or our ApiError), never another exception; the decoder never exceeds its cap."""

from __future__ import annotations

import contextlib
import gzip
import json
import zlib
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsos_check.collect.decode import MAX_ENCODINGS, STEP, Decoder
from dsos_check.collect.http import Response, origin, redact_url, retry_delay
from dsos_check.collect.images import pick_tag
from dsos_check.collect.pacing import Pacer
from dsos_check.collect.payloads import lenient_datetime
from dsos_check.collect.registry_auth import parse_challenge
from dsos_check.collect.wire import (
    MAX_JSON_DEPTH,
    wire_datetime,
    wire_header_text,
    wire_http_date,
    wire_int,
    wire_json,
    wire_seconds,
    wire_url,
)
from dsos_check.errors import ApiError
from dsos_check.models import RepositoryEvidence, TagEvidence, format_time, to_utc

# The widest offset `datetime.timezone` accepts.
MAX_OFFSET = timedelta(hours=23, minutes=59)
# Any Unicode, lone surrogates and controls included.
ANY_TEXT = st.text(st.characters(codec=None), max_size=60)
NUMBERISH = st.one_of(
    ANY_TEXT,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text("0123456789.²³¹٣e+- ", max_size=40),
    st.just("9" * 5000),
)


@given(NUMBERISH)
def test_wire_numbers_are_bounded_or_none(value: str) -> None:
    number = wire_int(value)
    assert number is None or 0 <= number < 10**18
    seconds = wire_seconds(value)
    assert seconds is None or 0 <= seconds < 10**18


@given(
    st.one_of(
        ANY_TEXT,
        st.just("Wed, 21 Oct 2015 07:28:00 GMT"),
        st.just("Fri, 31 Dec 9999 23:59:59 -2359"),
    )
)
def test_wire_http_dates_are_in_range_or_none(value: str) -> None:
    when = wire_http_date(value)
    assert when is None or (when.tzinfo is UTC and 1970 <= when.year <= 9000)


@given(
    st.datetimes(
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-14)), None]
        )
    )
)
def test_any_datetime_formats_and_converts(value: datetime) -> None:
    text = format_time(value)
    assert len(text) == 20
    assert text.endswith("Z")
    assert to_utc(value).utcoffset() == timedelta(0)
    checked = wire_datetime(value)
    assert checked is None or format_time(checked) == text


@given(st.one_of(ANY_TEXT, st.integers(), st.none(), st.just("0001-01-01T00:30:00+01:00")))
def test_lenient_datetimes_never_raise(value: object) -> None:
    when = lenient_datetime(value)
    assert when is None or (when.tzinfo is not None and format_time(when))


URLISH = st.one_of(
    ANY_TEXT,
    st.builds(
        lambda scheme, host, port, path: f"{scheme}://{host}:{port}{path}",
        st.sampled_from(["http", "https", "ftp", "javascript", ""]),
        st.sampled_from(["127.0.0.1", "[::1]", "", "h\u200bost", "a@b"]),
        st.one_of(st.integers(-5, 200_000).map(str), ANY_TEXT),
        ANY_TEXT,
    ),
)


@given(URLISH)
def test_wire_urls_are_http_with_a_valid_port_or_none(value: str) -> None:
    url = wire_url(value)
    if url is not None:
        assert url.startswith(("http://", "https://"))
        _scheme, host, port = origin(url)
        assert host
        assert port is not None
        assert 0 <= port <= 65535
    # and the helpers used on unchecked URLs in messages never raise either
    origin(value)
    redact_url(value)


@given(ANY_TEXT)
def test_header_text_is_visible_ascii_or_none(value: str) -> None:
    text = wire_header_text(value)
    assert text is None or (text.isascii() and text.isprintable())


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4)
    ),
    max_leaves=25,
)


@given(JSONISH)
def test_wire_json_gives_encodable_data(value: object) -> None:
    body = json.dumps(value).encode()  # ensure_ascii: surrogates travel as \ud800 escapes
    parsed = wire_json(body, "x")
    json.dumps(parsed, ensure_ascii=False).encode("utf-8")  # no lone surrogate left


@given(st.binary(max_size=200), st.integers(0, 3000))
def test_wire_json_on_any_bytes_is_data_or_api_error(body: bytes, depth: int) -> None:
    for candidate in (body, b"[" * depth + body + b"]" * depth):
        with contextlib.suppress(ApiError):
            wire_json(candidate, "x")


def test_wire_json_refuses_deep_nesting_even_inside_quotes_tricks() -> None:
    assert wire_json(b'{"a": "[[[[[[' + b"[" * 100 + b'"}', "x") == {"a": "[[[[[[" + "[" * 100}
    with pytest.raises(ApiError, match="nests JSON"):
        wire_json(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "x")


HEADER_VALUES = st.one_of(NUMBERISH, st.text(st.characters(codec="latin-1"), max_size=30))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(
            ["retry-after", "x-retry-after", "x-ratelimit-reset", "x-ratelimit-remaining"]
        ),
        HEADER_VALUES,
    ),
    st.integers(1, 5),
)
def test_retry_delay_and_pacing_take_any_headers(headers: dict[str, str], attempt: int) -> None:
    # What httpx makes of raw header bytes: any byte, decoded as latin-1.
    raw = [(k.encode(), v.encode("utf-8", "surrogatepass")) for k, v in headers.items()]
    safe = httpx.Headers([(k, v) for k, v in raw if b"\r" not in v and b"\n" not in v])
    response = Response("https://h/x", 429, safe, b"")
    wait = retry_delay(response, attempt)
    assert 0 <= wait <= 86400
    pacer = Pacer()
    pacer.observe("o", safe)
    assert 0 <= pacer.delay("o") <= pacer.max_wait + 1


@given(ANY_TEXT)
def test_challenges_parse_or_are_none(value: str) -> None:
    challenge = parse_challenge(value)
    assert challenge is None or challenge.realm is None or wire_url(challenge.realm)


@given(
    st.lists(
        st.one_of(ANY_TEXT, st.integers(0, 10**40).map(str), st.just("1" * 5000 + ".2")),
        min_size=1,
        max_size=8,
    )
)
def test_pick_tag_takes_any_names(names: list[str]) -> None:
    assert pick_tag(names) in names


# --------------------------------------------------------------------------- the decoder


def _encode(data: bytes, encodings: list[str]) -> bytes:
    for name in encodings:
        data = gzip.compress(data) if name == "gzip" else zlib.compress(data)
    return data


@settings(max_examples=60)
@given(
    st.binary(max_size=5000),
    st.lists(st.sampled_from(["gzip", "deflate"]), max_size=MAX_ENCODINGS),
    st.integers(1, 97),
)
def test_decoder_round_trips_in_any_chunking(data: bytes, encodings: list[str], chunk: int) -> None:
    wire = _encode(data, encodings)
    decoder = Decoder(", ".join(encodings), 10_000, "x")
    for start in range(0, len(wire), chunk):
        decoder.feed(wire[start : start + chunk])
    assert decoder.body() == data


@settings(max_examples=40)
@given(st.binary(max_size=300), st.text(max_size=30))
def test_decoder_on_garbage_is_an_api_error(data: bytes, encoding: str) -> None:
    try:
        decoder = Decoder(encoding, 1000, "x")
        decoder.feed(data)
    except ApiError:
        return
    assert decoder.size <= 1000


def test_a_bomb_is_stopped_after_one_step_past_the_cap() -> None:
    wire = _encode(bytes(64 * 1024 * 1024), ["gzip", "gzip"])
    decoder = Decoder("gzip, gzip", 1024 * 1024, "x")
    with pytest.raises(ApiError, match="more than the 1048576 bytes"):
        decoder.feed(wire)
    assert decoder.size <= 1024 * 1024 + STEP


def test_raw_deflate_and_concatenated_gzip_members_decode() -> None:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = packer.compress(b"hello") + packer.flush()
    decoder = Decoder("deflate", 100, "x")
    decoder.feed(raw)
    assert decoder.body() == b"hello"
    decoder = Decoder("gzip", 100, "x")
    decoder.feed(gzip.compress(b"ab") + gzip.compress(b"cd"))
    assert decoder.body() == b"abcd"


@pytest.mark.parametrize(
    ("encoding", "message"), [("br", "unsupported"), ("gzip, gzip, gzip", "stacked 3")]
)
def test_decoder_refuses_what_it_cannot_bound(encoding: str, message: str) -> None:
    with pytest.raises(ApiError, match=message):
        Decoder(encoding, 100, "x")


@pytest.mark.parametrize("encodings", [["gzip"], ["deflate"], ["gzip", "gzip"]])
def test_a_compressed_stream_cut_short_is_an_error(encodings: list[str]) -> None:
    wire = _encode(b"x" * 5000 + bytes(range(256)) * 20, encodings)
    decoder = Decoder(", ".join(encodings), 100_000, "x")
    decoder.feed(wire[: len(wire) // 2])
    with pytest.raises(ApiError, match="ended inside a compressed stream"):
        decoder.body()
    empty = Decoder(", ".join(encodings), 10, "x")
    assert empty.body() == b""


@given(
    st.datetimes(
        timezones=st.one_of(st.none(), st.builds(timezone, st.timedeltas(-MAX_OFFSET, MAX_OFFSET)))
    )
)
def test_format_time_is_the_utc_instant_to_the_second(value: datetime) -> None:
    # The fields spelled out one by one: what the report printed before isoformat did it.
    utc = to_utc(value)
    expected = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )
    assert format_time(value) == expected


@given(
    st.one_of(st.none(), st.datetimes(timezones=st.just(UTC))),
    st.one_of(st.none(), st.datetimes(timezones=st.just(UTC))),
)
def test_last_pushed_is_the_newer_of_tag_and_repository(
    updated: datetime | None, pushed: datetime | None
) -> None:
    repo = RepositoryEvidence(
        name="r", last_updated=updated, newest_tag=TagEvidence(name="t", last_pushed=pushed)
    )
    dates = [d for d in (updated, pushed) if d]
    assert repo.last_pushed == (max(dates) if dates else None)
    assert RepositoryEvidence(name="r", last_updated=updated).last_pushed == updated
