"""Every place that states a repository's license, read into clues (licenses.md §5).

Image labels and annotations, the linked source repository (GitHub's id and the LICENSE text),
and the Docker Hub overview. Each clue says how it was read (`kind`) so the resolver can rank
an unreadable or restrictive strong clue above a resolved weak one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple

from dsos_check.licenses.fulltext import FullTextMatch, classify_license_text
from dsos_check.licenses.inherited import Inheritance, find_inheritance
from dsos_check.licenses.overview import find_overview_clues
from dsos_check.licenses.riders import Rider, find_riders
from dsos_check.licenses.scope import mixed_contents, scope_of_statement
from dsos_check.licenses.spdx import LicenseEvaluation, evaluate
from dsos_check.licenses.values import ValueKind, read_value
from dsos_check.models import LicenseSource, RepositoryEvidence
from dsos_check.scanner import Anchored, Scanned, fold
from dsos_check.text import shorten, visible

__all__ = [
    "LEGACY_LICENSE_KEY",
    "LICENSE_KEY",
    "Clue",
    "Confidence",
    "Found",
    "image_clues",
    "license_section",
    "overview_clues",
    "source_clues",
]

LICENSE_KEY: Final = "org.opencontainers.image.licenses"
LEGACY_LICENSE_KEY: Final = "org.label-schema.license"
MIN_LICENSE_SECTION: Final = 200

Confidence = Literal["high", "medium", "low"]
ClueKind = ValueKind | Literal["text", "modified", "pointer", "unknown-text"]

# Licenses that carry a commercial restriction or are source-available: anywhere → fail.
_RESTRICTIVE: Final = re.compile(
    r"^(SSPL-|BUSL-|Elastic-|PolyForm-|CC-BY-NC|CC-BY-ND|CC-BY-NC-ND|FSL-|SUL-|Parity-|"
    r"Hippocratic-|Commons-Clause|Confluent-|RSAL)",
    re.IGNORECASE,
)
# `^(#{1,6})[ \t]*licen[cs]` and `^(#{1,6})[ \t]` (multi-line), written to start with the "#":
# the engine then skips to each "#" in C, where `^` alone would be tried at every position.
_LICENSE_HEADING: Final = re.compile(
    r"(#(?<=^#)#{0,5})[ \t]*licen[cs]", re.IGNORECASE | re.MULTILINE
)
_HEADING: Final = re.compile(r"(#(?<=^#)#{0,5})[ \t]", re.MULTILINE)
# A GNU license named without its version ("Licensed under the GPL", "License: AGPL").
_UNVERSIONED: Final = re.compile(
    r"(?i)(?:licen[cs]ed\s+under\s+(?:the\s+)?|licen[cs]e\s*[:=|]\s*|^#+\s*licen[cs]e\s*\n+\s*)"
    r"((?:gnu\s+)?(?:a|l)?gpl|(?:gnu\s+)?(?:affero\s+|lesser\s+)?general\s+public\s+licen[cs]e)"
    r"\b(?![ \t]*,?[ \t]*(?:v(?:ersion)?[ \t]*)?-?[ \t]*\d)",
    re.MULTILINE,
)
# Words that make a license statement more than one open license ("…, proprietary (Oracle)").
_CLOSED: Final = re.compile(
    r"(?i)\b(?:proprietary|closed[\s-]source|eula|all\s+rights\s+reserved|source[\s-]available|"
    r"non[\s-]?commercial)\b"
)
# Tried only where one of its first words occurs: the engine cannot skip ahead to a `\b`.
_CLOSED_AT: Final = Anchored(_CLOSED, ("proprietary", "closed", "eula", "all", "source", "non"))
_POINTER_KINDS: Final = frozenset({"spdx-identifier", "license-line", "license-heading", "phrase"})


class Clue(NamedTuple):
    """One place that states a license, and how it was read."""

    source: LicenseSource
    where: str
    raw: str
    evaluation: LicenseEvaluation
    confidence: Confidence
    kind: ClueKind = "spdx"
    note: str = ""  # why it reads as it does, when `evaluation.reason` does not say it
    spdx_form: str | None = None  # the SPDX expression to write in a label instead of `raw`
    inherited: Inheritance | None = None

    @property
    def resolved(self) -> bool:
        """Whether this clue says approved or not approved (rather than unknown or invalid)."""
        if self.kind in ("ambiguous", "unreadable", "modified", "unknown-text"):
            return False
        return self.evaluation.osi_approved is not None

    @property
    def restrictive(self) -> bool:
        """A restriction: a rider or a source-available, non-commercial or proprietary license."""
        if self.kind == "restriction":
            return True
        ids = self.evaluation.license_ids
        return self.evaluation.osi_approved is False and any(_RESTRICTIVE.match(i) for i in ids)

    def describe(self) -> str:
        """One evidence line: confidence, where, what it says, and what that means."""
        said = shorten(visible(self.raw), 120)
        line = f"[{self.confidence}] {self.where}: {said!r}: {self.note or self.evaluation.reason}"
        if self.inherited is not None:
            line += f" (inherited from {self.inherited.base}: {self.inherited.step!r})"
        return line


@dataclass(frozen=True, slots=True)
class Found:
    """A restriction found in some text, and where."""

    source: LicenseSource
    where: str
    rider: Rider

    def describe(self) -> str:
        """One evidence line."""
        return (
            f"[restriction] {self.where}: {self.rider.name}: {shorten(self.rider.snippet, 100)!r}"
        )


def _value_clue(
    source: LicenseSource, where: str, raw: str, inherited: Inheritance | None = None
) -> Clue:
    reading = read_value(raw)
    note = reading.note if reading.kind != "spdx" else ""
    return Clue(
        source,
        where,
        raw,
        reading.evaluation,
        "high",
        reading.kind,
        note,
        reading.spdx_form,
        inherited,
    )


def image_clues(repo: RepositoryEvidence) -> list[Clue]:
    """Clues from the newest image: manifest/index annotations first, then config labels."""
    image = repo.image
    if image is None:
        return []
    platform = f" ({image.platform})" if image.platform else ""
    clues: list[Clue] = []
    for values, kind in ((image.annotations, "annotation"), (image.labels, "image label")):
        for key in (LICENSE_KEY, LEGACY_LICENSE_KEY):
            raw = values.get(key)
            if raw is None:
                continue
            # Annotations are written by the project's own build; only labels are inherited.
            inherited = find_inheritance(image, (key,)) if kind == "image label" else None
            where = f"{kind}{platform if kind == 'image label' else ''} {key}"
            clues.append(_value_clue("image-label", where, raw, inherited))
            break
    return clues


def _text_clue(match: FullTextMatch, url: str) -> Clue | None:
    """The classifier's own reading of a LICENSE text (kept even when GitHub names an id)."""
    where = f"license text of {url}"
    if match.modified_from is not None or (match.expression and (match.added or match.twins)):
        base = match.modified_from or match.expression or ""
        unknown = LicenseEvaluation("unknown", None, base, match.reason)
        return Clue("source-repository", where, base, unknown, "high", "modified", match.reason)
    if not match.expression:
        return None
    confidence: Confidence = "high" if match.clean else "medium"
    evaluation = evaluate(match.expression)
    return Clue(
        "source-repository",
        f"{where} ({match.reason})",
        match.expression,
        evaluation,
        confidence,
        "text",
        spdx_form=match.expression,
    )


def _pointer_clue(text: str, url: str) -> Clue | None:
    """A LICENSE that only tags or points ("SPDX-License-Identifier: MIT", "see LICENSE-MIT")."""
    for clue in find_overview_clues(text):
        if clue.kind in _POINTER_KINDS and clue.scope is None:
            where = f"license file of {url} ({clue.kind} {clue.text!r})"
            evaluation = evaluate(clue.expression)
            return Clue(
                "source-repository",
                where,
                clue.expression,
                evaluation,
                "medium",
                "pointer",
                spdx_form=clue.expression,
            )
    return None


def source_clues(repo: RepositoryEvidence) -> tuple[list[Clue], list[Found], list[str]]:
    """Clues, restrictions and notes from the linked source repository's license (GitHub)."""
    source = repo.source_repository
    if source is None:
        return [], [], []
    place = f"{source.url} (via {source.found_in})"
    if source.status != "found":
        return [], [], [f"source repository {place}: {source.message or source.status}"]
    clues: list[Clue] = []
    riders: list[Found] = []
    notes: list[str] = []
    spdx_id = source.spdx_id
    named = spdx_id is not None and spdx_id.upper() not in ("NOASSERTION", "OTHER")
    if source.license_text:
        match = classify_license_text(source.license_text)
        where = f"license text of {source.url}"
        riders += [Found("source-repository", where, r) for r in match.riders]
        found = _text_clue(match, source.url) or _pointer_clue(source.license_text, source.url)
        if found is None and not match.riders and not named:
            # A license file that neither GitHub nor the classifier can name is still the legal
            # text: a label or the overview does not outrank it.
            head = shorten(visible(source.license_text[:200]), 80)
            unknown = LicenseEvaluation("unknown", None, None, match.reason)
            found = Clue(
                "source-repository", where, head, unknown, "high", "unknown-text", match.reason
            )
        if found is not None:
            clues.append(found)  # first: the text outranks GitHub's summary of it
        elif named:
            notes.append(f"source repository {place}: {match.reason} GitHub names {spdx_id}.")
    if named and spdx_id is not None:
        where = f"GitHub license of {source.url}" + (
            f" ({source.license_path})" if source.license_path else ""
        )
        github = _value_clue("source-repository", where, spdx_id)
        clues.append(github)
        notes += _comparison(clues[0], github)
    elif not clues and not source.license_text:
        notes.append(f"source repository {place}: GitHub could not name the license ({spdx_id})")
    return clues, riders, notes


def _comparison(text: Clue, github: Clue) -> list[str]:
    """A note when the classifier's reading of the text and GitHub's id name different licenses."""
    if text is github or text.kind not in ("text", "modified", "pointer"):
        return []
    mine, theirs = text.evaluation.expression, github.evaluation.expression
    if mine is None or theirs is None or mine == theirs:
        return []
    return [f"GitHub names {theirs}; the license text itself reads as {mine}"]


def _governing_riders(
    text: str, place: str, scanned: Scanned | None
) -> tuple[list[Found], list[str]]:
    """Riders in `text` that restrict the software; those scoped to the docs etc. are notes."""
    found: list[Found] = []
    notes: list[str] = []
    for rider in find_riders(text, scanned=scanned):
        scope = scope_of_statement(text, rider.start)
        if scope is None:
            found.append(Found("description", place, rider))
        else:
            notes.append(f"{place}: {rider.name} applies to the {scope}, not the software")
    return found, notes


def _prose_clues(text: str, place: str) -> tuple[list[Clue], list[str]]:
    clues: list[Clue] = []
    notes: list[str] = []
    for clue in find_overview_clues(text):
        if clue.scope is not None:
            notes.append(
                f"{place} {clue.kind} {clue.text!r}: licenses the {clue.scope}, "
                "not the image's software"
            )
            continue
        closed = _CLOSED_AT.search(clue.text, fold(clue.text))
        if closed is not None:
            # "License: Apache-2.0 (Dockerfiles), proprietary (the database)": a human decides.
            note = f"the statement also names {closed.group()!r}: it is not one open license"
            unknown = LicenseEvaluation("unknown", None, clue.expression, note)
            clues.append(
                Clue(
                    "description",
                    f"{place} {clue.kind} {clue.text!r}",
                    clue.text,
                    unknown,
                    clue.confidence,
                    "unreadable",
                    note,
                )
            )
            continue
        clues.append(
            Clue(
                "description",
                f"{place} {clue.kind} {clue.text!r}",
                clue.expression,
                evaluate(clue.expression),
                clue.confidence,
                "name",
                spdx_form=clue.expression,
            )
        )
    head = text[:100_000]
    # Every match holds "licen" in some case: without it, the pattern (tried at every position)
    # is not run at all.
    if not clues and "licen" in fold(head):
        unversioned = _UNVERSIONED.search(head)
        if unversioned is not None:
            name = unversioned.group(1)
            reading = read_value(name)
            clues.append(
                Clue(
                    "description",
                    f"{place} {shorten(unversioned.group(), 60)!r}",
                    name,
                    reading.evaluation,
                    "medium",
                    "ambiguous",
                    reading.note,
                )
            )
    return clues, notes


def overview_clues(
    repo: RepositoryEvidence, overview: Scanned | None = None
) -> tuple[list[Clue], list[Found], list[str]]:
    """Clues, restrictions and notes from the Docker Hub overview and short description
    (`overview`: `scan_for_riders` of the overview, if the caller has it)."""
    clues: list[Clue] = []
    riders: list[Found] = []
    notes: list[str] = []
    for text, place in ((repo.full_description, "overview"), (repo.description, "description")):
        if not text:
            continue
        found, said = _prose_clues(text, place)
        clues += found
        notes += said
        governing, scoped = _governing_riders(text, place, overview)
        riders += governing
        notes += scoped
    section = license_section(repo.full_description or "")
    if len(section) >= MIN_LICENSE_SECTION:
        match = classify_license_text(section)
        if match.expression and not match.added:
            confidence: Confidence = "medium" if match.clean else "low"
            clues.append(
                Clue(
                    "description",
                    f"license text in the overview ({match.reason})",
                    match.expression,
                    evaluate(match.expression),
                    confidence,
                    "text",
                    spdx_form=match.expression,
                )
            )
    return clues, riders, notes


def mixed_statement(repo: RepositoryEvidence, overview: Scanned | None = None) -> str | None:
    """The overview's sentence saying the image holds software under other licenses, if any
    (`overview`: `scan_for_riders` of the overview, if the caller has it)."""
    if not repo.full_description:
        return None
    return mixed_contents(repo.full_description[:100_000], overview)


def license_section(markdown: str) -> str:
    """The text under a `License` heading of a Markdown overview, up to the next heading."""
    match = _LICENSE_HEADING.search(markdown)
    if match is None:
        return ""
    level = len(match.group(1))
    start = markdown.find("\n", match.end())
    if start < 0:
        return ""
    for heading in _HEADING.finditer(markdown, start):
        if len(heading.group(1)) <= level:
            return markdown[start : heading.start()].strip()
    return markdown[start:].strip()
