"""Choose a repository's license from its clues and record where each clue came from."""

from __future__ import annotations

from dataclasses import dataclass

from dsos_check.licenses.spdx import LicenseEvaluation, evaluate
from dsos_check.models import LicenseReport, LicenseSource, RepositoryEvidence
from dsos_check.text import shorten, visible

LICENSE_KEY = "org.opencontainers.image.licenses"
LEGACY_LICENSE_KEY = "org.label-schema.license"


@dataclass(frozen=True)
class Clue:
    """One place that states a license."""

    source: LicenseSource
    where: str
    raw: str
    evaluation: LicenseEvaluation

    def describe(self) -> str:
        """One evidence line: where, what it says, and what that means."""
        return f"{self.where}: {shorten(visible(self.raw), 120)!r}: {self.evaluation.reason}"


def image_clues(repo: RepositoryEvidence) -> list[Clue]:
    """License clues from the newest image: manifest/index annotations first, then config labels."""
    image = repo.image
    if image is None:
        return []
    platform = f" ({image.platform})" if image.platform else ""
    places = [
        (image.annotations, "annotation"),
        (image.labels, f"image label{platform}"),
    ]
    clues: list[Clue] = []
    for values, kind in places:
        for key in (LICENSE_KEY, LEGACY_LICENSE_KEY):
            raw = values.get(key)
            if raw is not None:
                clues.append(Clue("image-label", f"{kind} {key}", raw, evaluate(raw)))
                break
    return clues


def resolve_license(repo: RepositoryEvidence) -> LicenseReport:
    """The license report for one repository: the strongest clue, `review` when clues disagree."""
    clues = image_clues(repo)
    evidence = [clue.describe() for clue in clues]
    if not clues:
        if repo.image is None:
            evidence.append("no image was inspected (no tags, private, or not an image)")
        elif repo.image.error:
            evidence.append(f"image labels not read: {repo.image.error}")
        else:
            evidence.append(f"the newest image has no {LICENSE_KEY} label or annotation")
        return LicenseReport(evidence=tuple(evidence))
    best = clues[0]
    verdicts = {clue.evaluation.osi_approved for clue in clues}
    osi_approved = best.evaluation.osi_approved
    if len(verdicts) > 1:
        evidence.append("the clues disagree on OSI approval: a human must decide")
        osi_approved = None
    return LicenseReport(
        expression=best.evaluation.expression or best.raw,
        osi_approved=osi_approved,
        source=best.source,
        evidence=tuple(evidence),
    )
