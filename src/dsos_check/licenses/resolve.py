"""Choose a repository's license from every clue (image, source repository, overview) with provenance.

Precedence (licenses.md §5.1): a restriction anywhere fails; a modified license text, or a
strongest clue that cannot be read, is a review quoting it, whatever weaker clues resolve to;
resolved clues that disagree are a review; only agreeing approved clues pass. A label inherited
from the base image does not speak for the project.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from dsos_check.licenses.clues import (
    LICENSE_KEY,
    Clue,
    Confidence,
    Found,
    image_clues,
    mixed_statement,
    overview_clues,
    source_clues,
)
from dsos_check.licenses.license_fixes import license_fixes
from dsos_check.licenses.riders import scan_for_riders
from dsos_check.licenses.values import read_value
from dsos_check.models import LicenseReport, LicenseSource, Override, RepositoryEvidence
from dsos_check.text import shorten, visible

__all__ = ["apply_override", "resolve_license"]

_CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}
_SOURCE_RANK = {"image-label": 0, "source-repository": 1, "description": 2, "config": 3}


class _Decision(NamedTuple):
    expression: str | None
    approved: bool | None
    source: LicenseSource | None
    confidence: Confidence | None
    summary: str
    restriction: str | None = None


def _rank(clue: Clue) -> tuple[int, int]:
    return (_CONFIDENCE_RANK[clue.confidence], _SOURCE_RANK[clue.source])


def _name(expression: str | None) -> str:
    return shorten(visible(expression), 60) if expression else "the license"


def _quote(clue: Clue) -> str:
    return repr(shorten(visible(clue.raw), 80))


def _restricted(clues: Sequence[Clue], riders: Sequence[Found]) -> _Decision | None:
    """A restrictive license named anywhere first (it is the license), then added riders."""
    restrictive = [c for c in clues if c.restrictive]
    if not restrictive and not riders:
        return None  # most repositories
    what = ", ".join(dict.fromkeys(f.rider.name for f in riders))
    if restrictive:
        bad = restrictive[0]
        expression = bad.evaluation.expression or shorten(visible(bad.raw), 120)
        summary = (
            f"{_name(expression)} ({shorten(bad.where, 80)}) restricts its use: not OSI-approved"
        )
        restriction = _name(expression) + (f"; {what}" if what else "")
        return _Decision(expression, False, bad.source, bad.confidence, summary, restriction)
    best = next((c for c in clues if c.resolved or c.kind == "modified"), None)
    found = (best.evaluation.expression or best.raw) if best else None
    summary = f"{_name(found)} comes with a restriction ({what}): not OSI-approved"
    source = best.source if best else riders[0].source
    return _Decision(found, False, source, best.confidence if best else None, summary, what)


def _unreadable(clue: Clue) -> _Decision:
    if clue.kind == "modified":
        summary = (
            f"the license text matches {_name(clue.raw)} only in part ({clue.where}): "
            f"{shorten(clue.note, 160)} A human must decide"
        )
    elif clue.kind == "unknown-text":
        summary = (
            f"the {clue.where} could not be recognised ({shorten(clue.note, 100)}) and it "
            "is the legal text: a human must decide"
        )
    elif clue.kind == "ambiguous":
        summary = f"{clue.where} names {_quote(clue)} without a version: {clue.note}"
    else:
        quoted = _quote(clue)
        said = "" if quoted.strip("'\"") in clue.where + clue.note else f" {quoted}"
        why = f" ({shorten(clue.note, 160)})" if clue.note else ""
        summary = (
            f"the strongest clue, {shorten(clue.where, 100)}{said}, could not be read as a "
            f"license{why}: a human must decide"
        )
    expression = None if clue.kind == "unknown-text" else clue.raw
    return _Decision(expression, None, clue.source, clue.confidence, summary)


def _agreement(resolved: Sequence[Clue], mixed: str | None) -> _Decision:
    best = resolved[0]
    expression = best.evaluation.expression or best.raw
    verdicts = {c.evaluation.osi_approved for c in resolved}
    if len(verdicts) > 1:
        yes = next(c for c in resolved if c.evaluation.osi_approved)
        no = next(c for c in resolved if c.evaluation.osi_approved is False)
        summary = (
            f"the sources disagree: {_name(yes.evaluation.expression)} ({yes.source}) is "
            f"OSI-approved, {_name(no.evaluation.expression)} ({no.source}) is not"
        )
        return _Decision(expression, None, best.source, best.confidence, summary)
    if verdicts.pop() is not True:
        summary = f"{_name(expression)} is not OSI-approved"
        return _Decision(expression, False, best.source, best.confidence, summary)
    if mixed is not None:
        summary = (
            f"{_name(expression)} is OSI-approved, but the overview says the image holds "
            f"software under other licenses: {shorten(mixed, 120)!r}"
        )
        return _Decision(expression, None, best.source, best.confidence, summary)
    summary = f"{_name(expression)} is OSI-approved (from {best.where})"
    if best.kind == "name" and best.source == "image-label":
        summary += "; stated as a name, not an SPDX expression"
    if best.confidence == "low":
        summary += "; low confidence: stated only in prose"
    return _Decision(expression, True, best.source, best.confidence, summary)


def _decide(
    own: Sequence[Clue], inherited: Sequence[Clue], riders: Sequence[Found], mixed: str | None
) -> _Decision:
    restricted = _restricted(own, riders)
    if restricted is not None:
        return restricted
    modified = next((c for c in own if c.kind in ("modified", "unknown-text")), None)
    if modified is not None:  # a label or GitHub naming the base license does not outrank it
        return _unreadable(modified)
    if own and not own[0].resolved:
        return _unreadable(own[0])
    resolved = [c for c in own if c.resolved]
    if resolved:
        return _agreement(resolved, mixed)
    if inherited:
        clue = inherited[0]
        base = clue.inherited.base if clue.inherited else "the base image"
        summary = (
            f"the only license label, {_quote(clue)}, is inherited from {base}: "
            "it states the base image's license, not the project's"
        )
        return _Decision(clue.raw, None, clue.source, clue.confidence, summary)
    return _Decision(
        None,
        None,
        None,
        None,
        "no license found in the image, the source repository or the overview",
    )


def resolve_license(repo: RepositoryEvidence) -> LicenseReport:
    """The license report of one repository: the decision, every clue as evidence, and fixes."""
    clues = image_clues(repo)
    from_source, riders, notes = source_clues(repo)
    # The overview read once for the rider and the mixed-contents look-ups.
    scanned = scan_for_riders(repo.full_description) if repo.full_description else None
    from_overview, overview_riders, overview_notes = overview_clues(repo, scanned)
    clues += from_source + from_overview
    riders += overview_riders
    notes += overview_notes
    mixed = mixed_statement(repo, scanned)
    if mixed is not None:
        notes.append(f"overview: {shorten(mixed, 160)!r}: the image holds other software")
    if not clues and not riders and repo.image is not None and repo.image.error:
        notes.append(f"image labels not read: {repo.image.error}")
    evidence = [c.describe() for c in clues] + [f.describe() for f in riders] + notes
    own = sorted((c for c in clues if c.inherited is None), key=_rank)
    inherited = [c for c in clues if c.inherited is not None]
    decision = _decide(own, inherited, riders, mixed)
    if not evidence:
        evidence.append(_nothing_found(repo))
    return LicenseReport(
        expression=decision.expression,
        osi_approved=decision.approved,
        source=decision.source,
        confidence=decision.confidence,
        summary=decision.summary,
        evidence=tuple(evidence),
        restriction=decision.restriction,
        fixes=license_fixes(repo.name, own, inherited),
    )


def _nothing_found(repo: RepositoryEvidence) -> str:
    if repo.image is None:
        return (
            "no image was inspected (no tags, private, or not an image) and no other clue was found"
        )
    return f"the newest image has no {LICENSE_KEY} label or annotation and no other clue was found"


def apply_override(found: LicenseReport, override: Override) -> LicenseReport:
    """The policy file's license for a repository, unless the evidence shows a restriction or a
    license that is not OSI-approved: a project may fill a gap, not argue with the evidence."""
    line = f"[config] policy override: {override.license}: {shorten(override.reason, 200)}"
    if override.expires is not None:
        line += f" (until {override.expires.isoformat()})"
    if found.osi_approved is False:
        return found.model_copy(
            update={
                "evidence": (
                    *found.evidence,
                    line,
                    "the override is not applied: the evidence "
                    "shows a license that is not OSI-approved",
                )
            }
        )
    reading = read_value(override.license)
    evaluation = reading.evaluation
    notes = (reading.note,) if reading.kind != "spdx" else ()
    return LicenseReport(
        expression=evaluation.expression or override.license,
        osi_approved=evaluation.osi_approved
        if reading.kind in ("spdx", "name", "restriction")
        else None,
        source="config",
        confidence="high",
        summary=f"{_name(evaluation.expression or override.license)} stated in the policy file: "
        f"{shorten(override.reason, 120)}",
        evidence=(line, *notes, *found.evidence),
    )
