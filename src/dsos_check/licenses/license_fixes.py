"""The changes that make a repository's license machine-readable and decidable (check `osi-license`).

The label is what reviewers and scanners read, so every fix that can be pasted is a Dockerfile
LABEL line with the license already filled in when some clue named it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from dsos_check.licenses.clues import LICENSE_KEY, Clue
from dsos_check.models import Fix
from dsos_check.text import shorten, visible

__all__ = ["label_line", "license_fixes"]

CHECK: Final = "osi-license"
_PLACEHOLDER: Final = "<SPDX expression>"


def label_line(expression: str | None) -> str:
    """The Dockerfile line that declares `expression` as the image's license."""
    value = shorten(visible(expression), 200).replace('"', "") if expression else _PLACEHOLDER
    return f'LABEL {LICENSE_KEY}="{value}"'


def _own_license(clues: Sequence[Clue]) -> str | None:
    for clue in clues:
        if clue.resolved and clue.evaluation.osi_approved and not clue.restrictive:
            return clue.spdx_form or clue.evaluation.expression
    return None


def _label_fix(repository: str, clue: Clue, own: str | None) -> Fix | None:
    quoted = repr(shorten(visible(clue.raw), 60))
    license_: str | None
    if clue.kind == "name" and clue.spdx_form:
        action, license_ = f"Write the license label {quoted} as an SPDX expression", clue.spdx_form
    elif clue.kind == "ambiguous":
        action, license_ = f"Name the license version in the label: {clue.note}", own
    elif clue.kind == "unreadable":
        action, license_ = f"Replace the license label {quoted} with an SPDX expression", own
    else:
        return None
    return Fix(
        check=CHECK,
        repository=repository,
        where="dockerfile",
        action=action,
        snippet=label_line(license_),
    )


def license_fixes(
    repository: str, own: Sequence[Clue], inherited: Sequence[Clue]
) -> tuple[Fix, ...]:
    """Fixes for labels written as names, without a version or unreadable, inherited labels,
    and overviews that name a license family without its version."""
    license_ = _own_license(own)
    fixes: list[Fix] = []
    for clue in own:
        if clue.source == "image-label":
            fix = _label_fix(repository, clue, license_)
            if fix is not None:
                fixes.append(fix)
        elif clue.source == "description" and clue.kind == "ambiguous":
            action = f"Name the license version in the overview: {clue.note}"
            fixes.append(Fix(check=CHECK, repository=repository, where="docker-hub", action=action))
    if inherited and not any(c.source == "image-label" for c in own):
        base = inherited[0].inherited.base if inherited[0].inherited else "the base image"
        action = (
            f"Set the project's own license label in its Dockerfile: the current one is "
            f"inherited from {base}"
        )
        fixes.append(
            Fix(
                check=CHECK,
                repository=repository,
                where="dockerfile",
                action=action,
                snippet=label_line(license_),
            )
        )
    return tuple(fixes)
