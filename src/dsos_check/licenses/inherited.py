"""Tell a license label the project set from one it inherited from its base image.

Labels pass from a base image to every image built `FROM` it, so a base's
`org.opencontainers.image.licenses` (Debian's, a language runtime's) lands on the project's image
and says nothing about the project. The image config's `history` lists the base's build steps
first, then the project's; a LABEL step followed by the end of a build (CMD/ENTRYPOINT) and then
by more building (COPY/RUN/...) belongs to the base (licenses.md §5.6).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from dsos_check.models import HistoryStep, ImageEvidence

__all__ = ["BASE_DIGEST_KEY", "BASE_NAME_KEY", "Inheritance", "find_inheritance"]

BASE_NAME_KEY: Final = "org.opencontainers.image.base.name"
BASE_DIGEST_KEY: Final = "org.opencontainers.image.base.digest"
_MAX_STEPS: Final = 500
_MAX_STEP_TEXT: Final = 4_000

# The Dockerfile instruction of a step: BuildKit writes it bare ("COPY . /app # buildkit"), the
# classic builder as "/bin/sh -c #(nop)  CMD [...]" or, for RUN, "/bin/sh -c apt-get ...".
_NOP: Final = re.compile(r"^\s*(?:/bin/(?:ba)?sh\s+-c\s+)?#\(nop\)\s*", re.IGNORECASE)
_SHELL: Final = re.compile(r"^\s*(?:\|\d+\s+\S+=\S*\s+)*(?:/bin/(?:ba)?sh|cmd\s+/S\s+/C)\s", re.I)
_INSTRUCTION: Final = re.compile(r"^\s*([A-Za-z]+)\b")
_ENDS_A_BUILD: Final = frozenset({"CMD", "ENTRYPOINT"})
_BUILDS: Final = frozenset({"COPY", "ADD", "RUN", "WORKDIR", "USER", "ENV", "LABEL", "EXPOSE"})


@dataclass(frozen=True)
class Inheritance:
    """A license label that the base image set."""

    base: str  # what names the base: its reference from the annotations, or "the base image"
    step: str  # the LABEL step of the base, shortened


def _instruction(step: HistoryStep) -> str:
    text = step.created_by[:_MAX_STEP_TEXT]
    nop = _NOP.match(text)
    if nop is not None:
        text = text[nop.end() :]
    elif _SHELL.match(text):
        return "RUN"  # the classic builder's RUN: a bare shell command
    found = _INSTRUCTION.match(text)
    return found.group(1).upper() if found is not None else ""


def _classic(step: HistoryStep) -> bool:
    return "#(nop)" in step.created_by[:200] or _SHELL.match(step.created_by[:200]) is not None


def _sets(step: HistoryStep, keys: Sequence[str]) -> bool:
    if _instruction(step) != "LABEL":
        return False
    text = step.created_by[:_MAX_STEP_TEXT]
    return any(key in text for key in keys)


def _boundary_after(steps: Sequence[HistoryStep], index: int) -> bool:
    """Whether a build ended after `steps[index]` and another build continued from it."""
    ended = False
    style = _classic(steps[index])
    for step in steps[index + 1 :]:
        instruction = _instruction(step)
        if ended and instruction in _BUILDS:
            return True
        if instruction in _ENDS_A_BUILD:
            ended = True
        # A change of builder (classic ↔ BuildKit) between two steps is a change of Dockerfile.
        if instruction in _BUILDS and _classic(step) != style and step.created_by:
            return True
    return False


def _base_name(image: ImageEvidence) -> str:
    for values in (image.annotations, image.labels):
        name = values.get(BASE_NAME_KEY)
        if name:
            digest = values.get(BASE_DIGEST_KEY)
            return f"{name}@{digest}" if digest and "@" not in name else name
    return "the base image"


def find_inheritance(image: ImageEvidence, keys: Sequence[str]) -> Inheritance | None:
    """The base image that set the label `keys` name, when the history shows it; else None.

    Only the last LABEL step that sets one of `keys` counts: a later one in the project's own
    Dockerfile overrides the base's value. A label no LABEL step sets (`docker build --label`,
    a bake or CI metadata step) is the project's own.
    """
    steps = image.history[:_MAX_STEPS]
    setter = next((i for i in reversed(range(len(steps))) if _sets(steps[i], keys)), None)
    if setter is None or not _boundary_after(steps, setter):
        return None
    step = " ".join(steps[setter].created_by[:300].split())
    return Inheritance(base=_base_name(image), step=step[:120])
