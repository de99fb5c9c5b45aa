"""One repository's line in the report: its outcomes, reasons and fixes (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from dsos_check.checks import ids
from dsos_check.fixes import repository_fixes
from dsos_check.models import (
    CheckResult,
    LicenseReport,
    Outcome,
    RepositoryEvidence,
    RepositoryOutcome,
    RepositoryReport,
)

# Each per-repository check's id and its outcomes by repository name.
PerCheck = Sequence[tuple[str, Mapping[str, RepositoryOutcome]]]
# Read once per repository and check: a module global is read ten times faster than an enum
# member through its class (Python 3.11).
_PASS = Outcome.PASS

_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]{1,253}(?::\d{1,5})?(?:/[\w./~%+-]{0,200})?")


def outcome_tables(results: Sequence[CheckResult]) -> PerCheck:
    """Each per-repository check's id and outcomes by repository name, read once per namespace
    rather than once per repository."""
    return [(result.id, result.per_repository) for result in results]


def repository_report(
    repo: RepositoryEvidence,
    license_: LicenseReport,
    source_url: str | None,
    tables: PerCheck,
    website: str | None,
) -> RepositoryReport:
    """The report line of a repository, given its license (policy applied), where its analysis
    found its source code, and every per-repository check's outcomes (`outcome_tables`)."""
    outcomes: dict[str, Outcome] = {}
    reasons: dict[str, str] = {}
    name = repo.name
    for check_id, table in tables:
        repo_outcome = table.get(name)
        if repo_outcome is None:
            continue
        said = outcomes[check_id] = repo_outcome.outcome
        if said is not _PASS and repo_outcome.reason:
            reasons[check_id] = repo_outcome.reason
    images = outcomes.get(ids.PRODUCES_IMAGES)
    # From a dict, not keywords: `BaseModel.__init__`'s Python wrapper costs a quarter of the
    # validation, once per repository.
    return RepositoryReport.model_validate(
        {
            "name": name,
            "is_private": repo.is_private,
            "last_pushed": repo.last_pushed,
            "content_types": repo.content_types,
            "license": license_,
            "outcomes": outcomes,
            "reasons": reasons,
            "newest_tag": repo.newest_tag.name if repo.newest_tag else None,
            "has_images": None if images is None else images is _PASS,
            "fixes": repository_fixes(repo, license_, source_url, outcomes, website),
            "source_url": source_url,
        }
    )


def website(profile_url: str | None) -> str | None:
    """The account's website when it is a plain http(s) address (it goes into pasted snippets)."""
    if profile_url and _PLAIN_URL.fullmatch(profile_url.strip()):
        return profile_url.strip()
    return None
