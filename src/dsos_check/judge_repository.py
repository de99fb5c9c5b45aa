"""One repository's line in the report: its outcomes, reasons and fixes (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from dsos_check.checks import ids
from dsos_check.fixes import repository_fixes
from dsos_check.models import (
    CheckResult,
    LicenseReport,
    Outcome,
    RepositoryEvidence,
    RepositoryReport,
)

_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]{1,253}(?::\d{1,5})?(?:/[\w./~%+-]{0,200})?")


def repository_report(
    repo: RepositoryEvidence,
    license_: LicenseReport,
    source_url: str | None,
    results: Sequence[CheckResult],
    website: str | None,
) -> RepositoryReport:
    """The report line of a repository, given its license (policy applied), where its analysis
    found its source code, and every per-repository check's result."""
    outcomes: dict[str, Outcome] = {}
    reasons: dict[str, str] = {}
    for result in results:
        repo_outcome = result.per_repository.get(repo.name)
        if repo_outcome is None:
            continue
        outcomes[result.id] = repo_outcome.outcome
        if repo_outcome.outcome is not Outcome.PASS and repo_outcome.reason:
            reasons[result.id] = repo_outcome.reason
    outcome = outcomes.get(ids.PRODUCES_IMAGES)
    return RepositoryReport(
        name=repo.name,
        is_private=repo.is_private,
        last_pushed=repo.last_pushed,
        content_types=repo.content_types,
        license=license_,
        outcomes=outcomes,
        reasons=reasons,
        newest_tag=repo.newest_tag.name if repo.newest_tag else None,
        has_images=None if outcome is None else outcome is Outcome.PASS,
        fixes=repository_fixes(repo, license_, source_url, outcomes, website),
        source_url=source_url,
    )


def website(profile_url: str | None) -> str | None:
    """The account's website when it is a plain http(s) address (it goes into pasted snippets)."""
    if profile_url and _PLAIN_URL.fullmatch(profile_url.strip()):
        return profile_url.strip()
    return None
