"""Fixes for one repository: the license label, the overview, the license sources, the content."""

from __future__ import annotations

import re

from dsos_check.checks import ids
from dsos_check.fixes.snippets import (
    LICENSE_LABEL,
    exclusion_block,
    label_line,
    overview_section,
)
from dsos_check.models import Fix, FixLocation, LicenseReport, Outcome, RepositoryEvidence
from dsos_check.text import shorten, visible
from dsos_check.vocabulary import IMAGE

NEEDS_FIX = frozenset({Outcome.REVIEW, Outcome.FAIL})
UNREACHABLE = frozenset({"unreachable", "rate-limited", "error"})


def repository_fixes(
    repo: RepositoryEvidence,
    license_: LicenseReport,
    source_url: str | None,
    outcomes: dict[str, Outcome],
    website: str | None,
) -> tuple[Fix, ...]:
    """Every fix one repository needs, in check order; the label fix even when the license passes.
    `source_url` is where the repository's analysis found its source code.
    The license resolver's own fixes (a label written as a name, unreadable or inherited) come
    first; a generic label fix is added only when they hold no Dockerfile line."""
    license_outcome = outcomes.get(ids.OSI_LICENSE)
    fixes: list[Fix] = list(license_.fixes) if license_outcome is not None else []
    has_label_fix = bool(fixes) and any(f.where == "dockerfile" for f in fixes)
    if license_outcome in NEEDS_FIX:
        fixes += [
            f
            for f in _license_fixes(repo, license_)
            if not (has_label_fix and f.where == "dockerfile")
        ]
    elif license_outcome is not None and _lacks_label(repo) and not has_label_fix:
        fixes.append(_label_fix(repo.name, license_.expression if license_.osi_approved else None))
    if outcomes.get(ids.PRODUCES_IMAGES) in NEEDS_FIX:
        fixes.append(_content_fix(repo))
    documentation = outcomes.get(ids.DOCUMENTATION)
    if documentation is not None and documentation is not Outcome.PASS:
        fixes.append(_overview_fix(repo, license_, source_url, website))
    return tuple(fixes)


def _lacks_label(repo: RepositoryEvidence) -> bool:
    """Whether the newest image was read and declares no license (no image: nothing to label)."""
    image = repo.image
    if image is None or image.error:
        return False
    return LICENSE_LABEL not in image.labels and LICENSE_LABEL not in image.annotations


def _label_fix(name: str, expression: str | None) -> Fix:
    if expression:
        action = f"Label the image with its license ({shorten(visible(expression), 80)})."
    else:
        action = "Label the image with its license as an SPDX expression."
    return _license_fix(
        name,
        where="dockerfile",
        action=action,
        snippet=label_line(expression),
    )


def _license_fixes(repo: RepositoryEvidence, license_: LicenseReport) -> list[Fix]:
    """What to change when the license is missing, unknown, restricted or disputed."""
    name = repo.name
    if license_.restriction:
        return [_restriction_fix(repo, license_)]
    disagreement = _disagreement_fix(repo, license_) or _stated_disagreement(repo.name, license_)
    if disagreement is not None:
        return [disagreement]
    fixes: list[Fix] = []
    source = repo.source_repository
    if source is not None and source.status in UNREACHABLE:
        fixes.append(
            _license_fix(
                name,
                where="command-line",
                action=f"The source repository {shorten(source.url, 120)} could not be reached; "
                "run again later (with --github-token if GitHub's rate limit was the cause).",
            )
        )
    if license_.expression and license_.osi_approved is None:
        said = shorten(visible(license_.expression), 80)
        fix = _label_fix(name, None)
        fixes.append(
            fix.model_copy(
                update={
                    "action": f"Replace the license {said!r}, which is not an SPDX expression of "
                    "known license ids, with one (for example Apache-2.0 or MIT) in the image label."
                }
            )
        )
    else:
        fixes.append(_label_fix(name, None))
    return fixes


def _restriction_fix(repo: RepositoryEvidence, license_: LicenseReport) -> Fix:
    """Name the file (or the overview) that holds the restriction and ask to remove it."""
    what = shorten(visible(license_.restriction or "a restriction"), 80)
    in_text = [e for e in license_.evidence if e.startswith("[restriction]")]
    source = repo.source_repository
    if source is not None and (
        any("license text of" in e for e in in_text) or license_.source == "source-repository"
    ):
        path = source.license_path or "LICENSE"
        return _license_fix(
            repo.name,
            where="source-repository",
            action=f"Remove {what} from {shorten(path, 120)} in {shorten(source.url, 120)}, or "
            "relicense under an OSI-approved license: with it the license is not open source.",
        )
    where: FixLocation = "dockerfile" if license_.source == "image-label" else "docker-hub"
    place = "the image's license label" if where == "dockerfile" else "the repository overview"
    return _license_fix(
        repo.name,
        where=where,
        action=f"Remove {what} from {place}, or relicense under an OSI-approved license.",
    )


def _disagreement_fix(repo: RepositoryEvidence, license_: LicenseReport) -> Fix | None:
    """When the image label and the source repository disagree, change the one that is not
    OSI-approved so both state the approved license (the project's evident intent)."""
    from dsos_check.licenses.spdx import evaluate

    image = repo.image
    label = None
    if image is not None:
        label = image.annotations.get(LICENSE_LABEL) or image.labels.get(LICENSE_LABEL)
    source = repo.source_repository
    github = source.spdx_id if source is not None and source.status == "found" else None
    if not label or not github:
        return None
    said, found = evaluate(label), evaluate(github)
    if said.osi_approved is None or found.osi_approved is None:
        return None
    if said.osi_approved == found.osi_approved:
        return None
    assert source is not None
    path = shorten(source.license_path or "LICENSE", 120)
    if found.osi_approved:  # the label is the odd one out
        return _license_fix(
            repo.name,
            where="dockerfile",
            action=f"The image label says {shorten(visible(label), 60)} but {path} in "
            f"{shorten(source.url, 120)} says {found.expression}: make the label match.",
            snippet=label_line(found.expression),
        )
    return _license_fix(
        repo.name,
        where="source-repository",
        action=f"{path} in {shorten(source.url, 120)} says {found.expression or github} but the "
        f"image label says {shorten(visible(label), 60)}: make {path} state the same license.",
    )


# The resolver's sentence for disagreeing sources (any pair: label, source repository, overview).
_DISAGREE = re.compile(
    r"the sources disagree: (?P<good>.{1,120}?) \((?P<good_src>[a-z-]{1,40})\) is OSI-approved, "
    r"(?P<bad>.{1,120}?) \((?P<bad_src>[a-z-]{1,40})\) is not"
)
_PLACE_OF_SOURCE: dict[str, FixLocation] = {
    "image-label": "dockerfile",
    "source-repository": "source-repository",
    "description": "docker-hub",
}
_NAME_OF_SOURCE = {
    "image-label": "the image label",
    "source-repository": "the source repository's license file",
    "description": "the Docker Hub overview",
}


def _stated_disagreement(name: str, license_: LicenseReport) -> Fix | None:
    """Disagreeing sources as the resolver states them: change the one that is not approved."""
    match = _DISAGREE.search(license_.summary or "")
    if match is None or match["bad_src"] not in _PLACE_OF_SOURCE:
        return None
    good, bad_src = match["good"], match["bad_src"]
    return _license_fix(
        name,
        where=_PLACE_OF_SOURCE[bad_src],
        action=f"{_NAME_OF_SOURCE[bad_src][:1].upper()}{_NAME_OF_SOURCE[bad_src][1:]} says "
        f"{match['bad']}, "
        f"{_NAME_OF_SOURCE.get(match['good_src'], match['good_src'])} says {good}: "
        f"make {_NAME_OF_SOURCE[bad_src]} state {good} too.",
        snippet=label_line(good) if bad_src == "image-label" else None,
    )


def _content_fix(repo: RepositoryEvidence) -> Fix:
    kinds = ", ".join(k for k in repo.content_types if k != IMAGE) or "no image"
    return Fix(
        check=ids.PRODUCES_IMAGES,
        repository=repo.name,
        where="policy-file",
        action="Push an image to it, or exclude it from this check:",
        snippet=exclusion_block(
            repo.name, ids.PRODUCES_IMAGES, f"holds {kinds}, not container images"
        ),
    )


def _overview_fix(
    repo: RepositoryEvidence,
    license_: LicenseReport,
    source_url: str | None,
    website: str | None,
) -> Fix:
    source = repo.source_repository
    path = source.license_path if source is not None else None
    expression = license_.expression if license_.osi_approved else None
    return Fix(
        check=ids.DOCUMENTATION,
        repository=repo.name,
        where="docker-hub",
        action="Add to the repository's overview on Docker Hub:",
        snippet=overview_section(source_url, expression, path, website),
    )


def _license_fix(
    repository: str, where: FixLocation, action: str, snippet: str | None = None
) -> Fix:
    """A fix for check `osi-license` in one repository."""
    return Fix(
        check=ids.OSI_LICENSE, repository=repository, where=where, action=action, snippet=snippet
    )
