"""Choose a repository's license from every clue (image, source repository, overview) with provenance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from dsos_check.licenses.fulltext import classify_license_text
from dsos_check.licenses.overview import find_overview_clues
from dsos_check.licenses.riders import Rider, find_riders
from dsos_check.licenses.spdx import LicenseEvaluation, evaluate
from dsos_check.models import LicenseReport, LicenseSource, Override, RepositoryEvidence
from dsos_check.text import shorten, visible

LICENSE_KEY = "org.opencontainers.image.licenses"
LEGACY_LICENSE_KEY = "org.label-schema.license"

Confidence = Literal["high", "medium", "low"]
_CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}
_SOURCE_RANK = {"image-label": 0, "source-repository": 1, "description": 2, "config": 3}

# Licenses that carry a commercial restriction or are source-available: anywhere → fail.
_RESTRICTIVE = re.compile(
    r"^(SSPL-|BUSL-|Elastic-|PolyForm-|CC-BY-NC|CC-BY-ND|CC-BY-NC-ND|FSL-|SUL-|Parity-|"
    r"Hippocratic-|Commons-Clause|Confluent-|RSAL)",
    re.IGNORECASE,
)
# A Markdown heading that starts a license section, and any heading.
_LICENSE_HEADING = re.compile(r"^(#{1,6})[ \t]*licen[cs]", re.IGNORECASE | re.MULTILINE)
_HEADING = re.compile(r"^(#{1,6})[ \t]", re.MULTILINE)
MIN_LICENSE_SECTION = 200


@dataclass(frozen=True)
class Clue:
    """One place that states a license."""

    source: LicenseSource
    where: str
    raw: str
    evaluation: LicenseEvaluation
    confidence: Confidence

    @property
    def resolved(self) -> bool:
        """Whether this clue says approved or not approved (rather than unknown or invalid)."""
        return self.evaluation.osi_approved is not None

    @property
    def restrictive(self) -> bool:
        """A not-approved license with a commercial restriction (SSPL, BUSL, PolyForm, …)."""
        ids = self.evaluation.license_ids
        return self.evaluation.osi_approved is False and any(_RESTRICTIVE.match(i) for i in ids)

    def describe(self) -> str:
        """One evidence line: confidence, where, what it says, and what that means."""
        said = shorten(visible(self.raw), 120)
        return f"[{self.confidence}] {self.where}: {said!r}: {self.evaluation.reason}"


@dataclass(frozen=True)
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


def image_clues(repo: RepositoryEvidence) -> list[Clue]:
    """Clues from the newest image: manifest/index annotations first, then config labels."""
    image = repo.image
    if image is None:
        return []
    platform = f" ({image.platform})" if image.platform else ""
    clues: list[Clue] = []
    for values, kind in (
        (image.annotations, "annotation"),
        (image.labels, f"image label{platform}"),
    ):
        for key in (LICENSE_KEY, LEGACY_LICENSE_KEY):
            raw = values.get(key)
            if raw is not None:
                clues.append(Clue("image-label", f"{kind} {key}", raw, evaluate(raw), "high"))
                break
    return clues


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
    where = f"GitHub license of {source.url}" + (
        f" ({source.license_path})" if source.license_path else ""
    )
    usable_id = spdx_id is not None and spdx_id.upper() not in ("NOASSERTION", "OTHER")
    if usable_id and spdx_id is not None:
        clues.append(Clue("source-repository", where, spdx_id, evaluate(spdx_id), "high"))
    if source.license_text:
        match = classify_license_text(source.license_text)
        riders += [
            Found("source-repository", f"license text of {source.url}", r) for r in match.riders
        ]
        if not usable_id and match.expression:
            confidence: Confidence = "high" if match.clean else "medium"
            text_where = f"license text of {source.url} ({match.reason})"
            clues.append(
                Clue(
                    "source-repository",
                    text_where,
                    match.expression,
                    evaluate(match.expression),
                    confidence,
                )
            )
        elif not usable_id:
            notes.append(f"source repository {place}: {match.reason}")
    elif not usable_id:
        notes.append(f"source repository {place}: GitHub could not name the license ({spdx_id})")
    return clues, riders, notes


def overview_clues(repo: RepositoryEvidence) -> tuple[list[Clue], list[Found]]:
    """Clues and restrictions from the Docker Hub overview and short description."""
    clues: list[Clue] = []
    riders: list[Found] = []
    for text, place in ((repo.full_description, "overview"), (repo.description, "description")):
        if not text:
            continue
        clues += [
            Clue(
                "description",
                f"{place} {clue.kind} {clue.text!r}",
                clue.expression,
                evaluate(clue.expression),
                clue.confidence,
            )
            for clue in find_overview_clues(text)
        ]
        riders += [Found("description", place, r) for r in find_riders(text)]
    section = license_section(repo.full_description or "")
    if len(section) >= MIN_LICENSE_SECTION:
        match = classify_license_text(section)
        if match.expression:
            confidence: Confidence = "medium" if match.clean else "low"
            clues.append(
                Clue(
                    "description",
                    f"license text in the overview ({match.reason})",
                    match.expression,
                    evaluate(match.expression),
                    confidence,
                )
            )
    return clues, riders


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


def _rank(clue: Clue) -> tuple[int, int]:
    return (_CONFIDENCE_RANK[clue.confidence], _SOURCE_RANK[clue.source])


def resolve_license(repo: RepositoryEvidence) -> LicenseReport:
    """The license report of one repository.

    The strongest resolved clue names the license (image label, then source repository, then
    overview; high confidence first). A restriction or a restrictive license anywhere → not
    approved. Resolved clues that disagree on OSI approval → unknown (a human decides), never a pass.
    """
    clues = image_clues(repo)
    from_source, riders, notes = source_clues(repo)
    clues += from_source
    from_overview, overview_riders = overview_clues(repo)
    clues += from_overview
    riders += overview_riders
    if not clues and not riders and repo.image is not None and repo.image.error:
        notes.append(f"image labels not read: {repo.image.error}")
    evidence = [c.describe() for c in clues] + [f.describe() for f in riders] + notes

    resolved = sorted((c for c in clues if c.resolved), key=_rank)
    ordered = resolved or sorted(clues, key=_rank)
    best = ordered[0] if ordered else None
    expression = (best.evaluation.expression or best.raw) if best else None
    confidence = best.confidence if best else None
    source: LicenseSource | None = best.source if best else None

    restrictive = [c for c in resolved if c.restrictive]
    if riders or restrictive:
        if riders:
            what = ", ".join(dict.fromkeys(f.rider.name for f in riders))
            summary = f"{_name(expression)} comes with a restriction ({what}): not OSI-approved"
            source = source or riders[0].source
        else:
            bad = restrictive[0]
            expression, source, confidence = (
                bad.evaluation.expression or bad.raw,
                bad.source,
                bad.confidence,
            )
            summary = (
                f"{_name(expression)} ({bad.where}) restricts commercial use: not OSI-approved"
            )
        restriction = (
            ", ".join(dict.fromkeys(f.rider.name for f in riders))
            if riders
            else _name(restrictive[0].evaluation.expression or restrictive[0].raw)
        )
        return _report(expression, False, source, confidence, evidence, summary, restriction)

    if not resolved:
        if not clues:
            if not evidence:
                evidence.append(_nothing_found(repo))
            return _report(
                None,
                None,
                None,
                None,
                evidence,
                "no license found in the image, the source repository or the overview",
            )
        assert best is not None
        return _report(
            expression,
            None,
            source,
            confidence,
            evidence,
            f"license {_name(expression)} could not be resolved",
        )

    verdicts = {c.evaluation.osi_approved for c in resolved}
    if len(verdicts) > 1:
        yes = next(c for c in resolved if c.evaluation.osi_approved)
        no = next(c for c in resolved if c.evaluation.osi_approved is False)
        summary = (
            f"the sources disagree: {_name(yes.evaluation.expression)} ({yes.source}) is OSI-approved, "
            f"{_name(no.evaluation.expression)} ({no.source}) is not"
        )
        evidence.append("the clues disagree on OSI approval: a human must decide")
        return _report(expression, None, source, confidence, evidence, summary)
    approved = verdicts.pop()
    assert best is not None
    if approved:
        summary = f"{_name(expression)} is OSI-approved (from {best.where})"
        if best.confidence == "low":
            summary += "; low confidence: stated only in prose"
    else:
        summary = f"{_name(expression)} is not OSI-approved"
    return _report(expression, approved, source, confidence, evidence, summary)


def _name(expression: str | None) -> str:
    return shorten(visible(expression), 60) if expression else "the license"


def _nothing_found(repo: RepositoryEvidence) -> str:
    if repo.image is None:
        return (
            "no image was inspected (no tags, private, or not an image) and no other clue was found"
        )
    return f"the newest image has no {LICENSE_KEY} label or annotation and no other clue was found"


def _report(
    expression: str | None,
    osi_approved: bool | None,
    source: LicenseSource | None,
    confidence: Confidence | None,
    evidence: list[str],
    summary: str,
    restriction: str | None = None,
) -> LicenseReport:
    return LicenseReport(
        expression=expression,
        osi_approved=osi_approved,
        source=source,
        confidence=confidence,
        summary=summary,
        evidence=tuple(evidence),
        restriction=restriction,
    )


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
    evaluation = evaluate(override.license)
    return LicenseReport(
        expression=evaluation.expression or override.license,
        osi_approved=evaluation.osi_approved,
        source="config",
        confidence="high",
        summary=f"{_name(evaluation.expression)} stated in the policy file: {shorten(override.reason, 120)}",
        evidence=(line, *found.evidence),
    )
