"""What could not be looked at: namespace warnings read from the evidence (pure).

A lookup that failed must never read as a fact about the namespace ("no license found"), so every
failed registry, token-service or GitHub lookup becomes a warning that names the service.
"""

from __future__ import annotations

from collections.abc import Sequence

from dsos_check.checks.wording import name_list
from dsos_check.models import LicenseReport, LookupFailure, RepositoryEvidence
from dsos_check.text import shorten

GITHUB_FAILURES = frozenset({"unreachable", "rate-limited", "error"})


def _repositories(count: int) -> str:
    return "1 repository" if count == 1 else f"{count} repositories"


def lookup_warnings(repositories: Sequence[RepositoryEvidence]) -> list[str]:
    """One warning per service that failed, naming it, how many repositories it cost, and why."""
    token: dict[str, str] = {}
    registry: dict[str, str] = {}
    github: dict[str, str] = {}
    for repo in repositories:
        image = repo.image
        # Most repositories have no problem: no list is built for them.
        failures = [(p.service, p.message) for p in repo.problems] if repo.problems else []
        if image is not None and image.error and image.failure is not None:
            failures.append((image.failure, image.error))
        # A pull-budget shortfall is said by budget_notes.budget_warnings (with names and refill
        # time); what a tag holds (content) and Docker Hub's overview are not registry failures.
        for service, message in failures:
            if service is LookupFailure.TOKEN_SERVICE:
                token.setdefault(repo.name, message)
            elif service is LookupFailure.REGISTRY:
                registry.setdefault(repo.name, message)
        source = repo.source_repository
        # A spent rate limit is said by budget_notes.budget_warnings, with the reset time.
        if source is not None and source.status in GITHUB_FAILURES - {"rate-limited"}:
            github.setdefault(repo.name, source.message or source.status)
    warnings = []
    if token:
        warnings.append(_failed("the registry's token service", token, "image labels"))
    if registry:
        warnings.append(_failed("the registry", registry, "tags or image labels"))
    # Repositories skipped for lack of pull budget are named, with the refill time, by
    # budget_notes.budget_warnings (it reads the run's collection notes).
    if github:
        warnings.append(_failed("GitHub", github, "the source repository's license"))
    return warnings


def _failed(service: str, failures: dict[str, str], what: str) -> str:
    names = list(failures)
    first = shorten(next(iter(failures.values())), 160)
    return (
        f"{service} could not be reached or failed for {_repositories(len(names))} "
        f"({name_list(names, 3)}): {what} not read; first error: {first}"
    )


NOTHING_FOUND = "no license found in the image, the source repository or the overview"


def unreachable_source(repo: RepositoryEvidence, license_: LicenseReport) -> LicenseReport:
    """A license summary that blamed "no license found" on a source repository that could not be
    read says so instead: a failed look-up is not a fact about the project."""
    source = repo.source_repository
    if source is None or source.status not in GITHUB_FAILURES or license_.expression:
        return license_
    if license_.summary not in (None, NOTHING_FOUND):
        return license_
    summary = (
        "no license found in the image or the overview; the source repository could not be "
        f"reached ({shorten(source.message or source.status, 120)})"
    )
    return license_.model_copy(update={"summary": summary})
