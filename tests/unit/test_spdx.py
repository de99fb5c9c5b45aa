"""SPDX expression evaluation: licenses.md §3.4 reference outcomes, §5 pitfalls, data canaries."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsos_check.licenses import spdx
from dsos_check.licenses.spdx import (
    MAX_EXPRESSION_LENGTH,
    MAX_PAREN_DEPTH,
    SPDX_LICENSE_LIST_VERSION,
    LicenseEvaluation,
    canonical_license_id,
    evaluate,
    is_spdx_license_id,
)

from .fresh import run_fresh

STATUSES = {"approved", "not-approved", "unknown", "invalid"}
EXPECTED_OSI = {"approved": True, "not-approved": False, "unknown": None, "invalid": None}


@pytest.fixture(autouse=True)
def _fresh_answers() -> Iterator[None]:
    """Answers are cached per expression: tests that break the parser must not leak theirs."""
    spdx._evaluate_cached.cache_clear()
    yield
    spdx._evaluate_cached.cache_clear()


def _nested_or(depth: int) -> str:
    return "(MIT OR " * depth + "Apache-2.0" + ")" * depth


def _check_consistent(result: LicenseEvaluation) -> None:
    assert result.status in STATUSES
    assert result.osi_approved is EXPECTED_OSI[result.status]
    if result.status == "invalid":
        assert result.expression is None
        assert result.license_ids == ()
    assert result.reason
    assert len(result.reason) <= 400
    assert not any(unicodedata.category(ch).startswith("C") for ch in result.reason)
    assert len(set(result.license_ids)) == len(result.license_ids)


# --------------------------------------------------------------------------- §3.4 reference table

APPROVED = [
    "MIT",
    "Apache-2.0 OR MIT",
    "GPL-2.0-only WITH Classpath-exception-2.0",
    "GPL-2.0+",
    "GPL-2.0",
    "mit",
    "Unlicense",
    "MIT OR SSPL-1.0",
    "MIT OR LicenseRef-foo",
    "Apache-2.0+",
    "MPL-1.1+",
    "GPL-2.0-with-classpath-exception",
    "eCos-2.0",
    "wxWindows",
    "(GPL-2.0-only OR MIT) AND (Apache-2.0 OR CC0-1.0)",
    "CDDL-1.1",
    "curl",
]
NOT_APPROVED = [
    "LicenseRef-Proprietary",
    "NOASSERTION",
    "NONE",
    "BSD-3-Clause-Clear",
    "CC0-1.0",
    "WTFPL",
    "SSPL-1.0",
    "BUSL-1.1",
    "Elastic-2.0",
    "CC-BY-NC-4.0",
    "MIT AND SSPL-1.0",
    "SSPL-1.0 OR Elastic-2.0",
    "MIT AND LicenseRef-foo",
    "CC0-1.0 AND MIT",
    "BSD-2-Clause-FreeBSD",
]
UNKNOWN = [
    "Apache 2.0",
    "apache2",
    "BSD",
    "",
    "Apache-2.0 WITH Commons-Clause",
    "Apache-2.0 WITH LicenseRef-scancode-commons-clause",
    "Classpath-exception-2.0",
]
INVALID = ["garbage !!! $$$", "MIT AND", "(MIT", "MIT/Apache-2.0"]
REFUSED_BY_CAPS = {
    "150-deep-parens": "(" * 150 + "MIT" + ")" * 150,
    "2000-term-or-chain": " OR ".join(["MIT"] * 2_000),
    "400-deep-nest": _nested_or(400),
}


@pytest.mark.parametrize(
    ("expression", "status"),
    [pytest.param(e, "approved", id=f"approved:{e}") for e in APPROVED]
    + [pytest.param(e, "not-approved", id=f"not-approved:{e}") for e in NOT_APPROVED]
    + [pytest.param(e, "unknown", id=f"unknown:{e or '<empty>'}") for e in UNKNOWN]
    + [pytest.param(e, "invalid", id=f"invalid:{e}") for e in INVALID]
    + [pytest.param(e, "invalid", id=f"refused:{k}") for k, e in REFUSED_BY_CAPS.items()],
)
def test_reference_outcomes(expression: str, status: str) -> None:
    result = evaluate(expression)
    assert result.status == status, result.reason
    _check_consistent(result)


# --------------------------------------------------------------------------- §5.1 identifiers


@pytest.mark.parametrize(
    ("expression", "status", "normalised", "ids"),
    [
        pytest.param("mit", "approved", "MIT", ("MIT",), id="lowercase"),
        pytest.param(
            "apache-2.0", "approved", "Apache-2.0", ("Apache-2.0",), id="lowercase-apache"
        ),
        pytest.param("  MIT\n", "approved", "MIT", ("MIT",), id="surrounding-whitespace"),
        pytest.param("GPL-2.0", "approved", "GPL-2.0-only", ("GPL-2.0-only",), id="gpl-2.0"),
        pytest.param("GPL-2.0+", "approved", "GPL-2.0-or-later", ("GPL-2.0-or-later",), id="gpl+"),
        pytest.param("LGPL-2.1", "approved", "LGPL-2.1-only", ("LGPL-2.1-only",), id="lgpl-2.1"),
        pytest.param(
            "lgpl-2.1+", "approved", "LGPL-2.1-or-later", ("LGPL-2.1-or-later",), id="lgpl+"
        ),
        pytest.param("AGPL-3.0", "approved", "AGPL-3.0-only", ("AGPL-3.0-only",), id="agpl-3.0"),
        pytest.param(
            "BSD-2-Clause-FreeBSD",
            "not-approved",
            "BSD-2-Clause-Views",
            ("BSD-2-Clause-Views",),
            id="bsd-freebsd",
        ),
        pytest.param(
            "BSD-2-Clause-NetBSD", "approved", "BSD-2-Clause", ("BSD-2-Clause",), id="bsd-netbsd"
        ),
        pytest.param("wxWindows", "approved", "wxWindows", ("wxWindows",), id="wxwindows"),
        pytest.param(
            "eCos-2.0",
            "approved",
            "GPL-2.0-or-later WITH eCos-exception-2.0",
            ("GPL-2.0-or-later",),
            id="ecos",
        ),
        pytest.param(
            "GPL-2.0-with-classpath-exception",
            "approved",
            "GPL-2.0-only WITH Classpath-exception-2.0",
            ("GPL-2.0-only",),
            id="gpl-classpath",
        ),
        pytest.param(
            "gpl-3.0-with-gcc-exception",
            "approved",
            "GPL-3.0-only WITH GCC-exception-3.1",
            ("GPL-3.0-only",),
            id="gpl-gcc-lowercase",
        ),
        pytest.param("Apache-2.0+", "approved", "Apache-2.0+", ("Apache-2.0",), id="generic-plus"),
        pytest.param("GPL-2.0-only", "approved", "GPL-2.0-only", ("GPL-2.0-only",), id="only"),
        pytest.param(
            "GPL-2.0-or-later", "approved", "GPL-2.0-or-later", ("GPL-2.0-or-later",), id="or-later"
        ),
        pytest.param("GPL-1.0-or-later", "not-approved", "GPL-1.0-or-later", None, id="gpl-1"),
        pytest.param("GPL 2.0", "unknown", "GPL 2.0", (), id="scancode-alias-not-applied"),
        pytest.param("GPLv2", "unknown", "GPLv2", (), id="gplv2"),
        pytest.param("MIT License", "unknown", "MIT License", (), id="mit-license-words"),
        pytest.param("MIT+", "approved", "MIT+", ("MIT",), id="mit-plus"),
        pytest.param("X+", "unknown", "X+", (), id="unknown-plus"),
        pytest.param("+", "unknown", "+", (), id="bare-plus"),
    ],
)
def test_identifiers(
    expression: str, status: str, normalised: str, ids: tuple[str, ...] | None
) -> None:
    result = evaluate(expression)
    assert (result.status, result.expression) == (status, normalised), result.reason
    if ids is not None:
        assert result.license_ids == ids
    _check_consistent(result)


def _deprecated_ids() -> list[str]:
    data = json.loads((files("dsos_check.licenses") / "data" / "spdx-licenses.json").read_bytes())
    return sorted(e["licenseId"] for e in data["licenses"] if e["isDeprecatedLicenseId"])


@pytest.mark.parametrize("license_id", _deprecated_ids())
def test_every_deprecated_id_is_decided(license_id: str) -> None:
    """No deprecated SPDX id is left unknown; GNU ones keep their (true) flag after the rewrite."""
    result = evaluate(license_id)
    assert result.status in {"approved", "not-approved"}, result.reason
    if license_id.startswith(("GPL-2", "GPL-3", "LGPL", "AGPL-3")):
        assert result.status == "approved"
    assert evaluate(result.expression).status == result.status


# --------------------------------------------------------------------------- §5.2 operators


@pytest.mark.parametrize(
    ("expression", "status", "normalised"),
    [
        pytest.param("MIT OR SSPL-1.0", "approved", "MIT OR SSPL-1.0", id="or-one-approved"),
        pytest.param("SSPL-1.0 OR MIT", "approved", "SSPL-1.0 OR MIT", id="or-approved-second"),
        pytest.param("MIT AND SSPL-1.0", "not-approved", "MIT AND SSPL-1.0", id="and-one-bad"),
        pytest.param("MIT AND Apache 2.0", "unknown", "MIT AND Apache 2.0", id="and-unknown"),
        pytest.param("SSPL-1.0 AND apache2", "not-approved", None, id="and-false-beats-unknown"),
        pytest.param("apache2 OR MIT", "approved", None, id="or-true-beats-unknown"),
        pytest.param("apache2 OR SSPL-1.0", "unknown", None, id="or-unknown-beats-false"),
        pytest.param("mit or apache-2.0", "approved", "MIT OR Apache-2.0", id="lowercase-or"),
        pytest.param("mit and isc", "approved", "MIT AND ISC", id="lowercase-and"),
        pytest.param("MIT Or ISC", "approved", "MIT OR ISC", id="mixed-case-or"),
        pytest.param(
            "gpl-2.0-only with classpath-exception-2.0",
            "approved",
            "GPL-2.0-only WITH Classpath-exception-2.0",
            id="lowercase-with",
        ),
        pytest.param("MIT\tOR\nApache-2.0", "approved", "MIT OR Apache-2.0", id="tabs-newlines"),
        pytest.param("((MIT))", "approved", "MIT", id="redundant-parens"),
        pytest.param("(MIT) AND (ISC)", "approved", "MIT AND ISC", id="parens-per-operand"),
        pytest.param(
            "MIT AND (Apache-2.0 OR SSPL-1.0)",
            "approved",
            "MIT AND (Apache-2.0 OR SSPL-1.0)",
            id="nested-or-in-and",
        ),
        pytest.param(
            "MIT OR Apache-2.0 AND SSPL-1.0",
            "approved",
            "MIT OR (Apache-2.0 AND SSPL-1.0)",
            id="and-binds-tighter",
        ),
        pytest.param(
            "(MIT OR SSPL-1.0) AND (BUSL-1.1 OR Elastic-2.0)",
            "not-approved",
            "(MIT OR SSPL-1.0) AND (BUSL-1.1 OR Elastic-2.0)",
            id="nested-mix-not",
        ),
        pytest.param(
            "MIT AND (ISC AND (Zlib AND 0BSD))",
            "approved",
            "MIT AND ISC AND Zlib AND 0BSD",
            id="flat",
        ),
        pytest.param(_nested_or(MAX_PAREN_DEPTH), "approved", None, id="depth-at-cap"),
    ],
)
def test_operators(expression: str, status: str, normalised: str | None) -> None:
    result = evaluate(expression)
    assert result.status == status, result.reason
    if normalised is not None:
        assert result.expression == normalised
    _check_consistent(result)


def test_license_ids_are_ordered_and_deduplicated() -> None:
    result = evaluate("MIT AND (Apache-2.0 OR mit) AND GPL-2.0 WITH Classpath-exception-2.0")
    assert result.license_ids == ("MIT", "Apache-2.0", "GPL-2.0-only")


# --------------------------------------------------------------------------- §5.3 WITH


@pytest.mark.parametrize(
    ("expression", "status"),
    [
        pytest.param("GPL-2.0-only WITH Classpath-exception-2.0", "approved", id="classpath"),
        pytest.param("Apache-2.0 WITH LLVM-exception", "approved", id="llvm"),
        pytest.param("GPL-2.0+ WITH Classpath-exception-2.0", "approved", id="deprecated-left"),
        pytest.param("SSPL-1.0 WITH Classpath-exception-2.0", "not-approved", id="bad-license"),
        pytest.param("Apache-2.0 WITH Commons-Clause", "unknown", id="commons-clause"),
        pytest.param(
            "Apache-2.0 WITH LicenseRef-scancode-commons-clause", "unknown", id="scancode-rider"
        ),
        pytest.param("SSPL-1.0 WITH Commons-Clause", "not-approved", id="rider-on-bad"),
        pytest.param("Apache 2.0 WITH LLVM-exception", "unknown", id="unknown-left"),
        pytest.param("LicenseRef-x WITH LLVM-exception", "not-approved", id="licenseref-left"),
        pytest.param("Classpath-exception-2.0", "unknown", id="exception-alone"),
        pytest.param("MIT OR Classpath-exception-2.0", "approved", id="exception-alone-in-or"),
        pytest.param("MIT WITH Apache-2.0", "invalid", id="license-as-exception"),
        pytest.param("LLVM-exception WITH Classpath-exception-2.0", "invalid", id="exception-left"),
        pytest.param("NONE WITH LLVM-exception", "invalid", id="none-with"),
        pytest.param(
            "GPL-2.0-with-classpath-exception WITH LLVM-exception", "invalid", id="double-exception"
        ),
        pytest.param(
            "MIT WITH LLVM-exception WITH Classpath-exception-2.0", "invalid", id="2-with"
        ),
        pytest.param("MIT WITH", "invalid", id="with-at-end"),
        pytest.param("WITH LLVM-exception", "invalid", id="with-at-start"),
        pytest.param("(MIT) WITH LLVM-exception", "invalid", id="with-after-paren"),
        pytest.param("MIT WITH (LLVM-exception)", "invalid", id="with-before-paren"),
        pytest.param("MIT AND WITH LLVM-exception", "invalid", id="with-after-operator"),
    ],
)
def test_with(expression: str, status: str) -> None:
    result = evaluate(expression)
    assert result.status == status, result.reason
    _check_consistent(result)


def test_with_reasons() -> None:
    assert evaluate("Apache-2.0 WITH Commons-Clause").reason == (
        "'Commons-Clause' is not an SPDX license exception."
    )
    assert "Apache-2.0 is a license" in evaluate("MIT WITH Apache-2.0").reason
    assert evaluate("Classpath-exception-2.0").reason == (
        "Classpath-exception-2.0 is a license exception, not a license."
    )


# --------------------------------------------------------------------------- §5.4 favourites


@pytest.mark.parametrize(
    "license_id",
    [
        "CC0-1.0",
        "WTFPL",
        "BSD-3-Clause-Clear",
        "SSPL-1.0",
        "BUSL-1.1",
        "Elastic-2.0",
        "CC-BY-NC-4.0",
        "PolyForm-Noncommercial-1.0.0",
        "BSD-4-Clause",
        "JSON",
        "PSF-2.0",
    ],
)
def test_not_approved_favourites(license_id: str) -> None:
    result = evaluate(license_id)
    assert (result.status, result.osi_approved) == ("not-approved", False)
    assert result.reason == f"{license_id} is not OSI-approved."
    assert result.license_ids == (license_id,)


@pytest.mark.parametrize(
    "license_id", ["Unlicense", "Fair", "0BSD", "MIT-0", "Python-2.0", "OFL-1.1"]
)
def test_approved_surprises(license_id: str) -> None:
    result = evaluate(license_id)
    assert (result.status, result.osi_approved) == ("approved", True)
    assert result.expression == license_id


# --------------------------------------------------------------------------- §5.5 special values


@pytest.mark.parametrize(
    ("value", "status", "expression", "reason"),
    [
        pytest.param(
            "NONE",
            "not-approved",
            "NONE",
            "NONE: the image states that it has no license.",
            id="none",
        ),
        pytest.param(
            "NOASSERTION",
            "not-approved",
            "NOASSERTION",
            "NOASSERTION: the image does not assert a license.",
            id="noassertion",
        ),
        pytest.param(
            "noassertion",
            "not-approved",
            "NOASSERTION",
            "NOASSERTION: the image does not assert a license.",
            id="noassertion-lowercase",
        ),
        pytest.param(
            "LicenseRef-Proprietary",
            "not-approved",
            "LicenseRef-Proprietary",
            "LicenseRef-Proprietary is a custom license reference, not an OSI-approved license.",
            id="licenseref",
        ),
        pytest.param(
            "licenseref-scancode-public-domain",
            "not-approved",
            "LicenseRef-scancode-public-domain",
            None,
            id="scancode-key-is-not-spdx",
        ),
        pytest.param(
            "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
            "not-approved",
            "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
            None,
            id="documentref",
        ),
        pytest.param("", "unknown", None, "No license expression was given.", id="empty"),
        pytest.param(" \t\n ", "unknown", None, "No license expression was given.", id="blank"),
        pytest.param(None, "unknown", None, "No license expression was given.", id="none-value"),
    ],
)
def test_special_values(
    value: str | None, status: str, expression: str | None, reason: str | None
) -> None:
    result = evaluate(value)
    assert (result.status, result.expression) == (status, expression)
    if reason is not None:
        assert result.reason == reason
    _check_consistent(result)


def test_licenseref_reports_the_id() -> None:
    assert evaluate("LicenseRef-foo").license_ids == ("LicenseRef-foo",)
    assert evaluate("NONE").license_ids == ()
    assert evaluate("MIT AND LicenseRef-foo").reason == (
        "MIT AND LicenseRef-foo is not OSI-approved because LicenseRef-foo is not."
    )


# --------------------------------------------------------------------------- §5.6 hostile input


class _Weird(str):
    def __str__(self) -> str:
        raise RuntimeError("no")


HOSTILE: dict[str, object] = {
    "slash": "MIT/Apache-2.0",
    "comma": "MIT, Apache-2.0",
    "prose-name": "Apache License, Version 2.0",
    "empty-parens": "()",
    "and-empty-parens": "MIT AND ()",
    "paren-and-empty-parens": "(Apache-2.0) AND ()",
    "trailing-and": "MIT AND",
    "trailing-and-after-two": "A AND B AND",
    "trailing-and-real-ids": "GPL-3.0-or-later AND GPL-2.0-only AND",
    "leading-or": "OR MIT",
    "double-operator": "MIT OR OR Apache-2.0",
    "operator-alone": "AND",
    "unbalanced-close": "MIT)",
    "unbalanced-open": "((MIT)",
    "paren-after-license": "MIT (Apache-2.0)",
    "license-after-paren": "(MIT) Apache-2.0",
    "bytes": b"MIT",
    "int": 123,
    "float": 1.5,
    "list": ["MIT"],
    "dotted-i": "M\u0130T",
    "em-dash": "MIT\u2014Apache-2.0",
    "nbsp": "MIT\u00a0OR Apache-2.0",
    "nul": "MIT\x00",
    "control": "MIT\x1b[31m OR Apache-2.0",
    "rtl-override": "MIT\u202e OR Apache-2.0",
    "10k-chars": "x" * 10_000,
    "10k-or-chain": " OR ".join(["MIT"] * 2_500),
    "1000-deep-parens": "(" * 1_000 + "MIT" + ")" * 1_000,
    "5000-deep-parens": "(" * 5_000 + "MIT" + ")" * 5_000,
    "400-deep-or": _nested_or(400),
    "depth-over-cap": _nested_or(MAX_PAREN_DEPTH + 1),
    "random-bytes-decoded": bytes(range(256)).decode("latin-1"),
    "garbage": "garbage !!! $$$",
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_invalid(value: object) -> None:
    result = evaluate(value)
    assert result.status == "invalid", result.reason
    _check_consistent(result)


def test_str_subclass_with_broken_str_is_handled() -> None:
    _check_consistent(evaluate(_Weird("MIT")))


def test_caps_are_reported() -> None:
    assert "characters long" in evaluate("x" * (MAX_EXPRESSION_LENGTH + 1)).reason
    assert f"more than {MAX_PAREN_DEPTH} deep" in evaluate(_nested_or(MAX_PAREN_DEPTH + 1)).reason
    assert evaluate("(" * 150 + "MIT" + ")" * 150).reason == (
        f"The license expression nests parentheses more than {MAX_PAREN_DEPTH} deep."
    )


def test_long_input_is_not_echoed() -> None:
    unknown = evaluate("a" * 300 + " b")
    assert unknown.status == "unknown"
    assert "…" in unknown.reason
    assert len(unknown.reason) < 120
    invalid = evaluate("x" * 300 + "!")
    assert "…" in invalid.reason
    assert len(invalid.reason) < 160


def test_control_characters_are_not_echoed() -> None:
    result = evaluate("MIT\x1b[2J\x00")
    assert result.status == "invalid"
    assert "\x1b" not in result.reason
    assert "\x00" not in result.reason
    assert "U+001B" in result.reason


@pytest.mark.parametrize(
    "error",
    [IndexError("list index out of range"), AttributeError("token_string"), RecursionError()],
)
def test_library_exceptions_are_contained(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    class Broken:
        def parse(self, expression: str) -> Any:
            raise error

    monkeypatch.setattr(spdx, "_licensing", Broken)
    result = evaluate("MIT OR Apache-2.0")
    assert result.status == "invalid"
    _check_consistent(result)


def test_unexpected_errors_are_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(expression: str) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(spdx, "tokenize", explode)
    result = evaluate("MIT OR Apache-2.0")
    assert result.status == "invalid"
    _check_consistent(result)


# --------------------------------------------------------------------------- lookups


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        pytest.param("MIT", "MIT", id="mit"),
        pytest.param("mit", "MIT", id="lowercase"),
        pytest.param(" apache-2.0 ", "Apache-2.0", id="whitespace"),
        pytest.param("GPL-2.0+", "GPL-2.0+", id="deprecated-kept"),
        pytest.param("wxwindows", "wxWindows", id="deprecated-casing"),
        pytest.param("WORDNET", "WordNet", id="new-in-3.29"),
        pytest.param("Apache-2.0+", None, id="generic-plus-is-an-expression"),
        pytest.param("Classpath-exception-2.0", None, id="exception"),
        pytest.param("LicenseRef-foo", None, id="licenseref"),
        pytest.param("NOASSERTION", None, id="noassertion"),
        pytest.param("Apache 2.0", None, id="name"),
        pytest.param("MIT OR ISC", None, id="expression"),
        pytest.param("", None, id="empty"),
    ],
)
def test_lookups(value: str, canonical: str | None) -> None:
    assert canonical_license_id(value) == canonical
    assert is_spdx_license_id(value) is (canonical is not None)


def test_lookups_reject_non_str() -> None:
    assert canonical_license_id(b"MIT") is None  # type: ignore[arg-type]
    assert is_spdx_license_id(None) is False  # type: ignore[arg-type]


# --------------------------------------------------------------------------- data canaries

DATA_SHA256 = {
    "spdx-licenses.json": "45e7ae9ff5f8bea385181eefb3bc9e10daaf1d6425d88af5cd2083aae263bc32",
    "spdx-exceptions.json": "ba3a168d627e70f0da979430448f09e79ec077c5e63ac270efb5c30f02d0d13c",
}


@pytest.mark.parametrize(("name", "digest"), DATA_SHA256.items(), ids=DATA_SHA256.keys())
def test_shipped_data_is_pinned(name: str, digest: str) -> None:
    raw = (files("dsos_check.licenses") / "data" / name).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == digest
    assert json.loads(raw)["licenseListVersion"] == "3.29.0"


def test_list_version() -> None:
    assert SPDX_LICENSE_LIST_VERSION == "3.29"
    assert spdx._data().version.startswith(SPDX_LICENSE_LIST_VERSION + ".")


@pytest.mark.parametrize(
    ("license_id", "approved"),
    [
        pytest.param("curl", True, id="curl-true-since-3.29"),
        pytest.param("CDDL-1.1", True, id="cddl-1.1-true-since-3.29"),
        pytest.param("Python-2.0.1", True, id="python-2.0.1-true-since-3.29"),
        pytest.param("MIT", True, id="mit"),
        pytest.param("Unlicense", True, id="unlicense"),
        pytest.param("CC0-1.0", False, id="cc0"),
        pytest.param("SSPL-1.0", False, id="sspl"),
    ],
)
def test_data_canaries(license_id: str, approved: bool) -> None:
    assert evaluate(license_id).osi_approved is approved


def test_data_counts() -> None:
    data = spdx._data()
    assert len(data.licenses) == 740
    assert sum(entry.osi_approved for entry in data.licenses.values()) == 154
    assert len(data.exceptions) == 86
    # Every rewrite of §3.2 targets ids that exist in this copy of the list.
    assert len(data.rewrites) == len(spdx._DEPRECATED_REWRITES)


def test_import_is_cheap() -> None:
    code = (
        "import sys, dsos_check.licenses.spdx as s; "
        "assert 'license_expression' not in sys.modules; "
        "assert s._data.cache_info().currsize == 0; "
        "print(s.SPDX_LICENSE_LIST_VERSION)"
    )
    done = run_fresh(code, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3.29"


# --------------------------------------------------------------------------- properties

TOKENS = ["MIT", "mit", "Apache-2.0", "SSPL-1.0", "AND", "OR", "WITH", "and", "(", ")", "+"]
TOKENS += ["Classpath-exception-2.0", "LicenseRef-x", "NONE", "GPL-2.0", "apache2", " ", "\t"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    _check_consistent(evaluate(text))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.sampled_from([" ", ""]))
def test_license_ish_tokens_never_raise(tokens: list[str], separator: str) -> None:
    result = evaluate(separator.join(tokens))
    _check_consistent(result)
    if result.expression is not None:
        # The normalised expression is a fixed point with the same verdict.
        again = evaluate(result.expression)
        assert (again.status, again.expression) == (result.status, result.expression)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(raw: bytes) -> None:
    _check_consistent(evaluate(raw))
    _check_consistent(evaluate(raw.decode("utf-8", errors="replace")))


def test_answers_are_cached_per_expression() -> None:
    assert evaluate("MIT OR Apache-2.0") is evaluate("MIT OR Apache-2.0")
