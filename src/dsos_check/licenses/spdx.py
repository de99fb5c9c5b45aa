"""Parse SPDX license expressions and decide whether they are OSI-approved, from the vendored list."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib.resources import files
from typing import Any, Final, Literal

from dsos_check.licenses.spdx_grammar import (
    MAX_PAREN_DEPTH,
    OPERATORS,
    PLAIN_WORD,
    InvalidExpression,
    Skeleton,
    echo,
    tokenize,
)

__all__ = [
    "MAX_EXPRESSION_LENGTH",
    "MAX_PAREN_DEPTH",
    "SPDX_LICENSE_LIST_VERSION",
    "LicenseEvaluation",
    "LicenseStatus",
    "canonical_license_id",
    "evaluate",
    "is_spdx_license_id",
]

LicenseStatus = Literal["approved", "not-approved", "unknown", "invalid"]

# Refused before parsing (licenses.md §1.5-1.6): real expressions are far below both limits,
# while license-expression / boolean.py recurse past ~330 levels.
MAX_EXPRESSION_LENGTH: Final = 2_000
_MAX_CULPRITS: Final = 3

_DATA_PACKAGE: Final = "dsos_check.licenses"
_LICENSES_FILE: Final = "spdx-licenses.json"
_EXCEPTIONS_FILE: Final = "spdx-exceptions.json"

# Deprecated SPDX ids rewritten to their modern form before the lookup (licenses.md §3.2).
# The composite ids become "license WITH exception": SPDX's own flags for them are inconsistent
# (GPL-2.0-with-classpath-exception false, GPL-3.0-with-GCC-exception true). `eCos-2.0` is
# OSI-approved ("eCos License 2.0") although SPDX flags it false; its rewrite gives that answer.
# Deprecated ids absent here (`Net-SNMP`, `wxWindows`) keep their own SPDX flag.
_DEPRECATED_REWRITES: Final[Mapping[str, tuple[str, str | None]]] = {
    "AGPL-1.0": ("AGPL-1.0-only", None),
    "AGPL-3.0": ("AGPL-3.0-only", None),
    "GFDL-1.1": ("GFDL-1.1-only", None),
    "GFDL-1.2": ("GFDL-1.2-only", None),
    "GFDL-1.3": ("GFDL-1.3-only", None),
    "GPL-1.0": ("GPL-1.0-only", None),
    "GPL-1.0+": ("GPL-1.0-or-later", None),
    "GPL-2.0": ("GPL-2.0-only", None),
    "GPL-2.0+": ("GPL-2.0-or-later", None),
    "GPL-3.0": ("GPL-3.0-only", None),
    "GPL-3.0+": ("GPL-3.0-or-later", None),
    "LGPL-2.0": ("LGPL-2.0-only", None),
    "LGPL-2.0+": ("LGPL-2.0-or-later", None),
    "LGPL-2.1": ("LGPL-2.1-only", None),
    "LGPL-2.1+": ("LGPL-2.1-or-later", None),
    "LGPL-3.0": ("LGPL-3.0-only", None),
    "LGPL-3.0+": ("LGPL-3.0-or-later", None),
    "GPL-2.0-with-classpath-exception": ("GPL-2.0-only", "Classpath-exception-2.0"),
    "GPL-2.0-with-GCC-exception": ("GPL-2.0-only", "GCC-exception-2.0"),
    "GPL-2.0-with-autoconf-exception": ("GPL-2.0-only", "Autoconf-exception-2.0"),
    "GPL-2.0-with-bison-exception": ("GPL-2.0-only", "Bison-exception-2.2"),
    "GPL-2.0-with-font-exception": ("GPL-2.0-only", "Font-exception-2.0"),
    "GPL-3.0-with-GCC-exception": ("GPL-3.0-only", "GCC-exception-3.1"),
    "GPL-3.0-with-autoconf-exception": ("GPL-3.0-only", "Autoconf-exception-3.0"),
    "eCos-2.0": ("GPL-2.0-or-later", "eCos-exception-2.0"),
    "BSD-2-Clause-FreeBSD": ("BSD-2-Clause-Views", None),
    "BSD-2-Clause-NetBSD": ("BSD-2-Clause", None),
    "Nunit": ("zlib-acknowledgement", None),
    "StandardML-NJ": ("SMLNJ", None),
    "bzip2-1.0.5": ("bzip2-1.0.6", None),
}

_SPECIAL_REASONS: Final[Mapping[str, str]] = {
    "NONE": "NONE: the image states that it has no license.",
    "NOASSERTION": "NOASSERTION: the image does not assert a license.",
}

_LICENSE_REF = re.compile(
    r"(?:(DocumentRef-)([A-Za-z0-9.-]+):)?(LicenseRef-)([A-Za-z0-9.-]+)", re.IGNORECASE
)
_VERSION_FIELD = re.compile(rb'"licenseListVersion"\s*:\s*"([0-9]+)\.([0-9]+)')


@dataclass(frozen=True)
class LicenseEvaluation:
    """The OSI verdict on one license expression, with the normalised expression and a reason."""

    status: LicenseStatus
    osi_approved: bool | None
    expression: str | None
    reason: str
    license_ids: tuple[str, ...] = ()


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class _License:
    id: str
    osi_approved: bool


@dataclass(frozen=True, slots=True)
class _SpdxData:
    version: str
    licenses: Mapping[str, _License]  # lower-cased id -> entry (deprecated ids included)
    exceptions: Mapping[str, str]  # lower-cased id -> SPDX-cased id
    rewrites: Mapping[str, tuple[str, str | None]]  # lower-cased deprecated id -> modern form


def _read_data_file(name: str) -> bytes:
    return (files(_DATA_PACKAGE) / "data" / name).read_bytes()


def _read_version() -> str:
    """Major.minor of the list's `licenseListVersion`, read from the first bytes of the file."""
    with (files(_DATA_PACKAGE) / "data" / _LICENSES_FILE).open("rb") as handle:
        head = handle.read(512)
    match = _VERSION_FIELD.search(head)
    if match is None:
        full = str(json.loads(_read_data_file(_LICENSES_FILE))["licenseListVersion"])
        return ".".join(full.split(".")[:2])
    return f"{match[1].decode()}.{match[2].decode()}"


SPDX_LICENSE_LIST_VERSION: Final[str] = _read_version()


@functools.cache
def _data() -> _SpdxData:
    licenses_doc = json.loads(_read_data_file(_LICENSES_FILE))
    exceptions_doc = json.loads(_read_data_file(_EXCEPTIONS_FILE))
    licenses: dict[str, _License] = {}
    for entry in licenses_doc["licenses"]:
        license_id = entry["licenseId"]
        approved = entry["isOsiApproved"]
        if not isinstance(license_id, str) or not isinstance(approved, bool):
            raise ValueError(f"malformed SPDX license entry: {entry!r:.200}")
        licenses[license_id.lower()] = _License(license_id, approved)
    exceptions: dict[str, str] = {}
    for entry in exceptions_doc["exceptions"]:
        exception_id = entry["licenseExceptionId"]
        if not isinstance(exception_id, str):
            raise ValueError(f"malformed SPDX exception entry: {entry!r:.200}")
        exceptions[exception_id.lower()] = exception_id
    rewrites: dict[str, tuple[str, str | None]] = {}
    for old, (new, exception) in _DEPRECATED_REWRITES.items():
        # Only rewrite to ids this copy of the list knows; otherwise keep the deprecated id.
        known = old.lower() in licenses and new.lower() in licenses
        if known and (exception is None or exception.lower() in exceptions):
            rewrites[old.lower()] = (new, exception)
    return _SpdxData(
        version=str(licenses_doc["licenseListVersion"]),
        licenses=licenses,
        exceptions=exceptions,
        rewrites=rewrites,
    )


@functools.cache
def _licensing() -> Any:
    # Imported lazily: license_expression and boolean.py cost ~30 ms to import. The Licensing has
    # no known symbols on purpose: it only parses the operator structure of placeholder symbols,
    # so no scancode alias or `LicenseRef-scancode-*` key can change a leaf (licenses.md §1.6).
    from license_expression import Licensing

    return Licensing()


# --------------------------------------------------------------------------- public lookups


def is_spdx_license_id(value: str) -> bool:
    """Whether `value` is an id on the SPDX License List (case-insensitive, deprecated included)."""
    return canonical_license_id(value) is not None


def canonical_license_id(value: str) -> str | None:
    """The SPDX-cased id for `value` (case-insensitive, deprecated ids kept as-is), else None."""
    candidate: object = value  # callers are typed, but a non-str must not raise either
    if not isinstance(candidate, str):
        return None
    entry = _data().licenses.get(candidate.strip(" \t\r\n").lower())
    return entry.id if entry is not None else None


# --------------------------------------------------------------------------- text helpers


def _join_names(names: tuple[str, ...]) -> str:
    shown = [echo(name) for name in names[:_MAX_CULPRITS]]
    if len(names) > _MAX_CULPRITS:
        shown.append(f"{len(names) - _MAX_CULPRITS} more")
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class _Part:
    """The evaluation of a sub-expression."""

    value: bool | None
    text: str  # normalised rendering
    op: str | None  # "AND" / "OR" for a compound part, None for a leaf or `X WITH y`
    ids: tuple[str, ...]  # license ids in order (deduplicated)
    detail: str  # a leaf's own sentence; for a compound part, the first unknown leaf's sentence
    culprits: tuple[str, ...]  # renderings of the leaves that are not approved
    has_exception: bool = False  # a deprecated composite id, already `X WITH y`


def _known(value: bool, text: str, ids: tuple[str, ...], detail: str) -> _Part:
    return _Part(value, text, None, ids, detail, () if value else (text,))


def _unknown(text: str, detail: str) -> _Part:
    return _Part(None, text, None, (), detail, ())


def _approval_sentence(text: str, approved: bool, original: str | None = None) -> str:
    verdict = "OSI-approved" if approved else "not OSI-approved"
    if original is not None and original != text:
        return f"{original} is a deprecated id for {text}, which is {verdict}."
    return f"{text} is {verdict}."


def _license_leaf(symbol: str) -> _Part:
    """One license: an SPDX id (optionally with `+`), a LicenseRef, NONE/NOASSERTION, or unknown."""
    data = _data()
    if " " in symbol:
        return _unknown(symbol, f"'{echo(symbol)}' is not an SPDX license id.")
    lowered = symbol.lower()
    special = symbol.upper()
    if special in _SPECIAL_REASONS:
        return _Part(False, special, None, (), _SPECIAL_REASONS[special], (special,))
    ref = _LICENSE_REF.fullmatch(symbol)
    if ref is not None:
        document = f"DocumentRef-{ref[2]}:" if ref[1] else ""
        text = f"{document}LicenseRef-{ref[4]}"
        detail = f"{echo(text)} is a custom license reference, not an OSI-approved license."
        return _known(False, text, (text,), detail)
    rewrite = data.rewrites.get(lowered)
    if rewrite is not None:
        license_id, exception = rewrite
        approved = data.licenses[license_id.lower()].osi_approved
        text = license_id if exception is None else f"{license_id} WITH {exception}"
        original = data.licenses[lowered].id
        part = _known(approved, text, (license_id,), _approval_sentence(text, approved, original))
        # A composite rewrite already carries an exception, so WITH cannot add another.
        return part if exception is None else replace(part, has_exception=True)
    entry = data.licenses.get(lowered)
    if entry is not None:
        return _known(
            entry.osi_approved,
            entry.id,
            (entry.id,),
            _approval_sentence(entry.id, entry.osi_approved),
        )
    if lowered.endswith("+"):
        base = data.licenses.get(lowered[:-1])
        if base is not None:  # generic "or later": the recipient may pick this version
            text = base.id + "+"
            approved = base.osi_approved
            return _known(approved, text, (base.id,), _approval_sentence(text, approved))
    exception_id = data.exceptions.get(lowered)
    if exception_id is not None:
        return _unknown(exception_id, f"{exception_id} is a license exception, not a license.")
    return _unknown(symbol, f"'{echo(symbol)}' is not an SPDX license id.")


def _with_leaf(license_symbol: str, exception_symbol: str) -> _Part:
    """`license WITH exception`: the license decides, if the exception is on the SPDX list."""
    data = _data()
    left = _license_leaf(license_symbol)
    if left.has_exception:
        raise InvalidExpression(
            f"{echo(license_symbol)} already includes an exception, so it cannot take another."
        )
    if left.text in _SPECIAL_REASONS:
        raise InvalidExpression(f"{left.text} cannot be combined with an exception.")
    if left.value is None and left.text.lower() in data.exceptions:
        raise InvalidExpression(
            f"{left.text} is a license exception, so it cannot come before WITH."
        )
    lowered = exception_symbol.lower()
    exception_id = data.exceptions.get(lowered)
    if exception_id is None and lowered in data.licenses:
        name = data.licenses[lowered].id
        raise InvalidExpression(
            f"{name} is a license, not a license exception, so it cannot follow WITH."
        )
    text = f"{left.text} WITH {exception_id or exception_symbol}"
    if exception_id is not None:
        # SPDX exceptions only add permissions: the license alone decides.
        detail = left.detail
        if left.value is not None:
            detail = _approval_sentence(text, left.value)
        return _Part(left.value, text, None, left.ids, detail, left.culprits)
    if left.value is False:
        # An unlisted rider cannot turn a license that is not OSI-approved into one that is.
        return _Part(False, text, None, left.ids, left.detail, left.culprits)
    if left.value is None:
        return _Part(None, text, None, left.ids, left.detail, ())
    detail = f"'{echo(exception_symbol)}' is not an SPDX license exception."
    return _Part(None, text, None, left.ids, detail, ())


def _combine(op: str, children: list[_Part]) -> _Part:
    values = [child.value for child in children]
    value: bool | None
    if op == "OR":
        value = True if True in values else (None if None in values else False)
    else:
        value = False if False in values else (None if None in values else True)
    rendered: list[str] = []
    ids: dict[str, None] = {}
    culprits: dict[str, None] = {}
    detail = ""
    for child in children:
        if child.op is not None and child.op != op:
            rendered.append(f"({child.text})")
        else:
            rendered.append(child.text)
        ids.update(dict.fromkeys(child.ids))
        culprits.update(dict.fromkeys(child.culprits))
        if not detail and child.value is None:
            detail = child.detail
    return _Part(value, f" {op} ".join(rendered), op, tuple(ids), detail, tuple(culprits))


def _evaluate_tree(skeleton: Skeleton) -> _Part:
    """Parse the placeholder skeleton with license-expression and walk the tree iteratively."""
    from license_expression import LicenseSymbol, LicenseWithExceptionSymbol

    licensing = _licensing()
    try:
        tree = licensing.parse(" ".join(skeleton.tokens))
    except Exception as error:  # IndexError, AttributeError, ExpressionError (licenses.md §1.6)
        raise InvalidExpression("The license expression could not be parsed.") from error

    def symbol_text(node: Any) -> str:
        key = node.key
        if not isinstance(key, str) or not key.startswith("s") or not key[1:].isdigit():
            raise InvalidExpression("The license expression could not be parsed.")
        return skeleton.symbols[int(key[1:])]

    stack: list[tuple[Any, bool]] = [(tree, False)]
    results: list[_Part] = []
    while stack:
        node, expanded = stack.pop()
        if isinstance(node, LicenseWithExceptionSymbol):
            results.append(
                _with_leaf(symbol_text(node.license_symbol), symbol_text(node.exception_symbol))
            )
        elif isinstance(node, LicenseSymbol):
            results.append(_license_leaf(symbol_text(node)))
        elif isinstance(node, (licensing.AND, licensing.OR)):
            args = tuple(node.args)
            if expanded:
                children = results[len(results) - len(args) :]
                del results[len(results) - len(args) :]
                results.append(
                    _combine("AND" if isinstance(node, licensing.AND) else "OR", children)
                )
            else:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(args))
        else:
            raise InvalidExpression("The license expression could not be parsed.")
    if len(results) != 1:
        raise InvalidExpression("The license expression could not be parsed.")
    return results[0]


def _evaluate_simple(skeleton: Skeleton) -> _Part:
    """An expression without AND/OR: one license, maybe with WITH, maybe in parentheses."""
    if len(skeleton.symbols) == 1:
        return _license_leaf(skeleton.symbols[0])
    return _with_leaf(skeleton.symbols[0], skeleton.symbols[1])


def _result(part: _Part) -> LicenseEvaluation:
    shown = echo(part.text)
    if part.op is None:
        reason = part.detail
    elif part.value is True:
        reason = f"{shown} is OSI-approved."
    elif part.value is False:
        verb = "is" if len(part.culprits) == 1 else "are"
        reason = f"{shown} is not OSI-approved because {_join_names(part.culprits)} {verb} not."
    else:
        reason = f"{shown} could not be decided: {part.detail}"
    if part.value is None:
        return LicenseEvaluation("unknown", None, part.text, reason, part.ids)
    status: LicenseStatus = "approved" if part.value else "not-approved"
    return LicenseEvaluation(status, part.value, part.text, reason, part.ids)


def _evaluate(expression: object) -> LicenseEvaluation:
    if expression is None:
        return LicenseEvaluation("unknown", None, None, "No license expression was given.")
    if not isinstance(expression, str):
        kind = echo(type(expression).__name__)
        return LicenseEvaluation(
            "invalid", None, None, f"A license expression must be text, not {kind}."
        )
    text = str.strip(expression, " \t\r\n")
    if not text:
        return LicenseEvaluation("unknown", None, None, "No license expression was given.")
    if len(text) > MAX_EXPRESSION_LENGTH:
        return LicenseEvaluation(
            "invalid",
            None,
            None,
            f"The license expression is {len(text):,} characters long; "
            f"the limit is {MAX_EXPRESSION_LENGTH:,}.",
        )
    try:
        if PLAIN_WORD.fullmatch(text) is not None and text.upper() not in OPERATORS:
            part = _license_leaf(text)  # fast path: a single id, no tokenizer and no parser
        else:
            skeleton = tokenize(text)
            part = _evaluate_tree(skeleton) if skeleton.compound else _evaluate_simple(skeleton)
    except InvalidExpression as error:
        return LicenseEvaluation("invalid", None, None, error.reason)
    return _result(part)


def evaluate(expression: object) -> LicenseEvaluation:
    """Decide whether an SPDX license expression is OSI-approved; never raises, whatever the input.

    OR is approved when any branch is, AND when every operand is; unknown ids make the answer
    unknown (never approved); LicenseRef-*, NONE and NOASSERTION are not approved.
    """
    if type(expression) is str and len(expression) <= 2 * MAX_EXPRESSION_LENGTH:
        return _evaluate_cached(expression)  # the same labels and names recur (licenses.md §3.1)
    return _evaluate_safely(expression)


@functools.lru_cache(maxsize=4096)
def _evaluate_cached(expression: str) -> LicenseEvaluation:
    return _evaluate_safely(expression)


def _evaluate_safely(expression: object) -> LicenseEvaluation:
    try:
        return _evaluate(expression)
    except Exception:  # a last resort: a bug here must not turn into a crash of the check
        return LicenseEvaluation(
            "invalid", None, None, "The license expression could not be evaluated."
        )
