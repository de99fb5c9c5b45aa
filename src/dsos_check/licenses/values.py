"""Read one license value that a person typed (an image label, GitHub's id, a policy entry).

Such values are meant to be SPDX expressions but are often names ("Apache License 2.0", "GPLv2",
"SSPL", "Proprietary") or carry a rider ("Apache-2.0 WITH Commons-Clause"). Reading order
(licenses.md §5.1): restriction names anywhere in the value, then the SPDX grammar, then the name
mapper. What none of them reads is `unreadable`, never dropped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final, Literal

from dsos_check.licenses.name_list import map_license_name
from dsos_check.licenses.names import clean_name, lookup_name
from dsos_check.licenses.riders import find_riders
from dsos_check.licenses.spdx import LicenseEvaluation, evaluate
from dsos_check.text import shorten, visible

__all__ = ["ValueKind", "ValueReading", "read_value"]

ValueKind = Literal["spdx", "name", "restriction", "ambiguous", "unreadable"]

_MAX_VALUE: Final = 2_000
# Words that make a value a restriction even without a known license name. "commercial" alone
# is too weak ("free for commercial use" is not a label anyone writes, but "Commercial" is).
_RESTRICTION_WORDS: Final = re.compile(
    r"(?i)(?<![a-z0-9])(?:proprietary|commercial|all[\s_-]*rights[\s_-]*reserved|"
    r"non[\s_-]?commercial|source[\s_-]*available|confidential|closed[\s_-]*source|"
    r"cc[\s_-]*by(?:[\s_-]*(?:sa|nd))?[\s_-]*nc|eula)(?![a-z])"
)
# A family named without a version: GPL, AGPL, LGPL, "GNU GPL", BSD, "Creative Commons".
_FAMILIES: Final = {
    "gpl": "GPL-2.0-only, GPL-2.0-or-later, GPL-3.0-only or GPL-3.0-or-later",
    "agpl": "AGPL-3.0-only or AGPL-3.0-or-later",
    "lgpl": "LGPL-2.1-only, LGPL-2.1-or-later, LGPL-3.0-only or LGPL-3.0-or-later",
    "bsd": "BSD-2-Clause or BSD-3-Clause",
}
_FAMILY_KEY: Final = re.compile(r"(?i)^(?:the\s+)?(?:gnu\s+)?(?:(a|l)?(gpl|bsd)\b|(affero|lesser))")


@dataclass(frozen=True)
class ValueReading:
    """What one typed license value says."""

    kind: ValueKind
    evaluation: LicenseEvaluation  # for `name`, the evaluation of the mapped SPDX form
    spdx_form: str | None  # the SPDX expression to write instead (names, ambiguous: None)
    note: str  # one sentence for the evidence line

    @property
    def restriction(self) -> bool:
        """The value names a restriction or a proprietary license."""
        return self.kind == "restriction"


def _restriction_name(value: str) -> str | None:
    riders = find_riders(value, names_only=True)
    if riders:
        return riders[0].name
    word = _RESTRICTION_WORDS.search(value)
    return word.group() if word is not None else None


def _family(value: str) -> str | None:
    match = _FAMILY_KEY.match(clean_name(value))
    if match is None:
        return None
    if match.group(3):
        return "agpl" if match.group(3).lower() == "affero" else "lgpl"
    return ((match.group(1) or "") + match.group(2)).lower()


def _shown(value: str) -> str:
    return repr(shorten(visible(value), 80))


def read_value(value: str) -> ValueReading:
    """Read a typed license value; pure, bounded and cached (labels repeat across repositories).

    A value longer than an SPDX expression may be is unreadable as a whole: reading a cut-off
    prefix could turn "… AND X" into an approved "MIT OR …".
    """
    if len(value) > _MAX_VALUE:
        evaluation = evaluate(value)
        note = f"{evaluation.reason} It is far too long for a license name as well."
        return ValueReading("unreadable", evaluation, None, note)
    return _read(value)


@functools.lru_cache(maxsize=4096)
def _read(text: str) -> ValueReading:
    evaluation = evaluate(text)
    named = _restriction_name(text)
    if named is not None and evaluation.osi_approved is not True:
        failed = LicenseEvaluation(
            "not-approved",
            False,
            evaluation.expression or shorten(visible(text), 120),
            f"{_shown(text)} names a restriction ({named}): not OSI-approved.",
            evaluation.license_ids,
        )
        return ValueReading("restriction", failed, None, failed.reason)
    if evaluation.status in ("approved", "not-approved"):
        return ValueReading("spdx", evaluation, evaluation.expression, evaluation.reason)
    # A name carries at most a parenthetical; more brackets are a broken expression, which
    # the name mapper's clean-up would otherwise strip down to the license inside.
    mapped = map_license_name(text) if text.count("(") <= 1 else None
    if mapped is not None:
        found = evaluate(mapped)
        note = (
            f"{_shown(text)} is a license name, not an SPDX expression; "
            f"its SPDX form is {mapped}. {found.reason}"
        )
        return ValueReading("name", found, mapped, note)
    family = _family(text)
    if family is not None or lookup_name(text, False)[1]:
        choices = _FAMILIES.get(family or "", "the SPDX id with its version")
        note = f"{_shown(text)} does not say which version: write one of {choices}."
        return ValueReading("ambiguous", evaluation, None, note)
    note = f"{_shown(text)} is neither an SPDX expression nor a known license name."
    if evaluation.status == "invalid":
        note = f"{evaluation.reason} It is not a known license name either."
    return ValueReading("unreadable", evaluation, None, note)
