"""Builders of evidence for check tests: sensible, passing defaults plus keyword overrides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from dsos_check.checks.base import Subject
from dsos_check.models import (
    AccountEvidence,
    CheckResult,
    LicenseReport,
    NamespaceEvidence,
    Outcome,
    RepositoryEvidence,
)

NOW = datetime(2026, 11, 23, tzinfo=UTC)

OVERVIEW = (
    "# Example app\n\nA small web server.\n\n"
    "Source: https://github.com/example/app\n\nLicensed under the Apache License 2.0.\n\n"
    "Contributing: https://github.com/example/app/blob/main/CONTRIBUTING.md\n\n"
    "Website: https://app.example.org"
)


def make_repo(**overrides: Any) -> RepositoryEvidence:
    """A public repository with images, a recent push and a complete overview."""
    fields: dict[str, Any] = {
        "name": "app",
        "description": "Example app",
        "full_description": OVERVIEW,
        "last_updated": NOW - timedelta(days=10),
        "repository_type": "image",
        "content_types": ("image",),
        "media_types": ("application/vnd.oci.image.config.v1+json",),
        "tag_count": 3,
    }
    fields.update(overrides)
    return RepositoryEvidence.model_validate(fields)


def make_evidence(**overrides: Any) -> NamespaceEvidence:
    """An anonymous look at the organization `example` holding one passing repository."""
    fields: dict[str, Any] = {
        "namespace": "example",
        "account": AccountEvidence(type="organization"),
        "repositories": (make_repo(),),
        "collected_at": NOW,
    }
    fields.update(overrides)
    return NamespaceEvidence.model_validate(fields)


def make_subject(
    repositories: Sequence[RepositoryEvidence] | None = None,
    *,
    licenses: Mapping[str, LicenseReport] | None = None,
    **evidence_overrides: Any,
) -> Subject:
    """A subject; `licenses` defaults to Apache-2.0 (OSI-approved) for every repository."""
    if repositories is not None:
        evidence_overrides["repositories"] = tuple(repositories)
    evidence = make_evidence(**evidence_overrides)
    if licenses is None:
        licenses = {
            r.name: LicenseReport(expression="Apache-2.0", osi_approved=True, source="image-label")
            for r in evidence.repositories
        }
    return Subject(evidence=evidence, licenses=dict(licenses))


def repos(*names: str, **overrides: Any) -> list[RepositoryEvidence]:
    """Several repositories that differ only in name."""
    return [make_repo(name=name, **overrides) for name in names]


def assert_well_formed(result: CheckResult, subject: Subject, *, per_repository: bool) -> None:
    """Invariants every check result keeps, whatever its outcome."""
    summary = result.summary
    assert summary
    assert summary.endswith(".")
    assert "\n" not in summary
    assert "[" not in summary
    assert "*" not in summary
    if result.outcome is Outcome.PASS:
        assert result.remediation is None
    else:
        assert result.remediation
    names = [r.name for r in subject.evidence.repositories]
    if per_repository:
        assert list(result.per_repository) == names
        for name, ro in result.per_repository.items():
            assert (ro.outcome is Outcome.PASS) == (not ro.reason), name
    else:
        assert result.per_repository == {}
