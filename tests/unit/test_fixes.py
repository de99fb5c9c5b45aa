"""Fixes as data: the exact text to paste for every outcome that is not a pass."""

from __future__ import annotations

import tomllib

from dsos_check.judge import evaluate
from dsos_check.models import (
    AccountEvidence,
    Attestation,
    ImageEvidence,
    NamespaceReport,
    Policy,
    SourceRepositoryEvidence,
)
from tests.unit.checks.factories import make_evidence, make_repo

LABEL = "org.opencontainers.image.licenses"
SOURCE = "org.opencontainers.image.source"


def image(**labels: str) -> ImageEvidence:
    return ImageEvidence(reference="sha256:x", platform="linux/amd64", labels=labels)


def judged(*repositories: object, **evidence: object) -> NamespaceReport:
    return evaluate(make_evidence(repositories=tuple(repositories), **evidence), Policy())


def github(
    spdx: str | None, status: str = "found", path: str = "LICENSE"
) -> SourceRepositoryEvidence:
    return SourceRepositoryEvidence.model_validate(
        {
            "url": "https://github.com/example/app",
            "found_in": "image label",
            "status": status,
            "spdx_id": spdx,
            "license_path": path if status == "found" else None,
            "message": None if status == "found" else "could not connect to api.github.com:443",
        }
    )


def test_a_missing_label_gets_the_found_license_filled_in_even_when_the_license_passes() -> None:
    repo = make_repo(
        name="app",
        image=image(**{SOURCE: "https://github.com/example/app"}),
        source_repository=github("Apache-2.0"),
    )
    ns = judged(repo)
    (report,) = ns.repositories
    assert report.outcomes["osi-license"].value == "pass"
    (fix,) = [f for f in report.fixes if f.where == "dockerfile"]
    assert fix.check == "osi-license"
    assert fix.repository == "app"
    assert fix.snippet == 'LABEL org.opencontainers.image.licenses="Apache-2.0"'


def test_no_license_anywhere_gets_a_placeholder_label_and_no_invented_license() -> None:
    ns = judged(make_repo(name="app", image=image(), full_description="An app."))
    (report,) = ns.repositories
    label = next(f for f in report.fixes if f.where == "dockerfile")
    assert label.snippet == 'LABEL org.opencontainers.image.licenses="<SPDX expression>"'


def test_the_overview_section_carries_the_real_source_link_license_and_website() -> None:
    repo = make_repo(
        name="app",
        full_description="An app.",
        image=image(**{LABEL: "MIT", SOURCE: "https://github.com/example/app"}),
    )
    ns = judged(
        repo, account=AccountEvidence(type="organization", profile_url="https://example.org")
    )
    (report,) = ns.repositories
    (fix,) = [f for f in report.fixes if f.check == "documentation"]
    assert fix.where == "docker-hub"
    assert fix.snippet is not None
    assert "- Source code: https://github.com/example/app" in fix.snippet
    assert "- License: MIT" in fix.snippet
    assert "- Contributing: https://github.com/example/app/blob/HEAD/CONTRIBUTING.md" in fix.snippet
    assert "- Website: https://example.org" in fix.snippet


def test_a_hostile_profile_url_never_reaches_a_snippet() -> None:
    repo = make_repo(name="app", full_description="An app.", image=image(**{LABEL: "MIT"}))
    account = AccountEvidence(type="organization", profile_url="javascript:alert(1)\n# x")
    (report,) = judged(repo, account=account).repositories
    (fix,) = [f for f in report.fixes if f.check == "documentation"]
    assert "javascript" not in (fix.snippet or "")
    assert "- Website: https://WEBSITE" in (fix.snippet or "")


def test_disagreeing_sources_name_the_one_to_change_and_the_file() -> None:
    repo = make_repo(
        name="app", image=image(**{LABEL: "MIT"}), source_repository=github("WTFPL", path="COPYING")
    )
    (report,) = judged(repo).repositories
    (fix,) = [f for f in report.fixes if f.check == "osi-license"]
    assert fix.where == "source-repository"
    assert "COPYING" in fix.action
    assert "WTFPL" in fix.action
    assert "MIT" in fix.action


def test_a_label_that_disagrees_with_an_approved_license_file_gets_the_label_fixed() -> None:
    repo = make_repo(name="app", image=image(**{LABEL: "WTFPL"}), source_repository=github("MIT"))
    (report,) = judged(repo).repositories
    (fix,) = [f for f in report.fixes if f.check == "osi-license"]
    assert fix.where == "dockerfile"
    assert fix.snippet == 'LABEL org.opencontainers.image.licenses="MIT"'


def test_an_unreachable_source_repository_is_said_and_never_called_no_license() -> None:
    repo = make_repo(
        name="app",
        image=image(),
        full_description="An app.",
        source_repository=github(None, status="unreachable"),
    )
    ns = judged(repo)
    (report,) = ns.repositories
    assert "the source repository could not be reached" in (report.license.summary or "")
    assert any(
        f.where == "command-line" and "could not be reached" in f.action for f in report.fixes
    )
    assert any(w.startswith("GitHub could not be reached") for w in ns.warnings)


def test_anonymous_public_review_gets_the_token_command_and_permissions() -> None:
    ns = judged(make_repo(name="app", image=image(**{LABEL: "MIT"})), namespace="acme")
    (fix,) = [f for f in ns.fixes if f.check == "public"]
    assert fix.where == "command-line"
    assert fix.repository is None
    assert "scope-repository-list" in fix.action
    assert fix.snippet is not None
    assert "DOCKERHUB_USERNAME=acme" in fix.snippet


def test_non_commercial_review_gets_a_valid_attestation_block() -> None:
    overview = (
        "Source: https://github.com/e/a License: MIT. "
        "Buy the enterprise edition: see pricing. Contact sales."
    )
    repo = make_repo(name="app", image=image(**{LABEL: "MIT"}), full_description=overview)
    ns = judged(repo, namespace="acme")
    (fix,) = [f for f in ns.fixes if f.check == "non-commercial"]
    assert fix.where == "policy-file"
    parsed = tomllib.loads(fix.snippet or "")
    assert parsed["namespaces"] == ["acme"]
    assert parsed["attestation"]["non_commercial"] is True
    Attestation(**parsed["attestation"])


def test_a_repository_without_images_gets_a_valid_exclusion_block() -> None:
    repo = make_repo(name="charts", content_types=("helm",), media_types=(), image=None)
    (report,) = judged(repo).repositories
    (fix,) = [f for f in report.fixes if f.check == "produces-images"]
    assert fix.where == "policy-file"
    parsed = tomllib.loads(fix.snippet or "")
    assert parsed["exclude"] == [
        {
            "repository": "charts",
            "checks": ["produces-images"],
            "reason": "holds helm, not container images",
        }
    ]


def test_an_overview_that_disagrees_with_the_label_is_the_one_to_change() -> None:
    repo = make_repo(
        name="app",
        image=image(**{LABEL: "MIT"}),
        full_description="Source: https://github.com/e/a\n\nLicense: WTFPL",
    )
    (report,) = judged(repo).repositories
    assert report.outcomes["osi-license"].value == "review"
    (fix,) = [f for f in report.fixes if f.check == "osi-license"]
    assert fix.where == "docker-hub"
    assert "make the Docker Hub overview state MIT too" in fix.action
    assert "WTFPL" in fix.action


def test_a_personal_account_is_told_to_use_its_own_personal_token() -> None:
    repo = make_repo(name="app", image=image(**{LABEL: "MIT"}))
    ns = judged(repo, namespace="someone", account=AccountEvidence(type="user"))
    (fix,) = [f for f in ns.fixes if f.check == "public"]
    assert fix.snippet == (
        "DOCKERHUB_USERNAME=someone DOCKERHUB_TOKEN=dckr_pat_... \\\n  dsos-check someone"
    )
    assert "personal access token" in fix.action
