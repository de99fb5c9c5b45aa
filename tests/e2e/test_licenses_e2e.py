"""End-to-end: licenses found in the image label, the source repository (GitHub) and the overview."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import RunCli
from tests.fakehub import FakeDockerHub

NAMESPACES = (
    "ghlicenseorg",
    "ghtextorg",
    "overviewlicorg",
    "conflictorg",
    "riderorg",
    "nolabelorg",
)


@pytest.fixture(scope="module")
def report(run_cli: RunCli, fake: FakeDockerHub) -> dict[str, Any]:
    mark = fake.mark()
    result = run_cli(*NAMESPACES, "-f", "json", "--github-token", "ghp_e2e_SECRET")
    assert result.returncode == 1, result.describe()
    assert "ghp_e2e_SECRET" not in result.stdout + result.stderr
    for request in fake.iter_requests(mark):
        if "ghp_e2e_SECRET" in str(request.headers):
            assert request.server == "github", f"GitHub token sent to {request.server}"
    return result.json()


def license_of(report: dict[str, Any], ns: str, repo: str = "app") -> dict[str, Any]:
    entry = next(n for n in report["namespaces"] if n["namespace"] == ns)
    found = next(r for r in entry["repositories"] if r["name"] == repo)
    assert isinstance(found, dict)
    return {**found["license"], "outcome": found["outcomes"]["osi-license"]}


@pytest.mark.parametrize(
    ("ns", "expression", "osi", "source", "outcome"),
    [
        ("ghlicenseorg", "Apache-2.0", True, "source-repository", "pass"),
        ("ghtextorg", "MIT", True, "source-repository", "pass"),
        ("overviewlicorg", "MIT", True, "description", "pass"),
        ("conflictorg", "MIT", None, "image-label", "review"),
        ("riderorg", "Apache-2.0", False, "image-label", "fail"),
    ],
    ids=[
        "only-on-github",
        "github-noassertion-text",
        "only-in-overview",
        "label-vs-github",
        "commons-clause",
    ],
)
def test_license_sources(
    report: dict[str, Any], ns: str, expression: str, osi: bool | None, source: str, outcome: str
) -> None:
    found = license_of(report, ns)
    assert (found["expression"], found["osi_approved"], found["source"], found["outcome"]) == (
        expression,
        osi,
        source,
        outcome,
    ), found
    assert found["evidence"]


def test_disagreement_shows_both_sources(report: dict[str, Any]) -> None:
    evidence = "\n".join(license_of(report, "conflictorg")["evidence"])
    assert "MIT" in evidence
    assert "WTFPL" in evidence


def test_rider_is_named_in_the_evidence(report: dict[str, Any]) -> None:
    evidence = "\n".join(license_of(report, "riderorg")["evidence"])
    assert "Commons Clause" in evidence


def test_no_license_anywhere(report: dict[str, Any]) -> None:
    found = license_of(report, "nolabelorg", "bare")
    assert (found["expression"], found["osi_approved"], found["source"], found["outcome"]) == (
        None,
        None,
        None,
        "review",
    )


def test_one_github_request_per_source_repository(run_cli: RunCli, fake: FakeDockerHub) -> None:
    mark = fake.mark()
    # acmeoss links acmeoss/server and acmeoss/toolkit; asking twice in one run asks GitHub once each
    result = run_cli("acmeoss", "acmeoss", "ghlicenseorg", "-f", "json")
    assert result.returncode in (0, 3), result.describe()
    paths = [r.path for r in fake.iter_requests(mark) if r.server == "github"]
    assert len(paths) == len(set(paths))
    assert "/repos/ghlicenseorg/app/license" in paths


def test_a_spent_github_limit_reads_the_license_file_from_the_raw_host(
    run_cli: RunCli, fake: FakeDockerHub
) -> None:
    fake.inject(
        "github", "/repos/ghlicenseorg/app", ("status", 403, {"x-ratelimit-remaining": "0"})
    )
    mark = fake.mark()
    try:
        result = run_cli("ghlicenseorg", "-f", "json")
    finally:
        fake.github.clear_faults()
    raw = [r.path for r in fake.iter_requests(mark) if r.path.startswith("/raw/")]
    assert raw == ["/raw/ghlicenseorg/app/HEAD/LICENSE"]
    found = result.json()["namespaces"][0]["repositories"][0]["license"]
    assert found["osi_approved"] is True
    assert found["source"] == "source-repository"


def test_github_failures_are_evidence_not_errors(run_cli: RunCli, fake: FakeDockerHub) -> None:
    fake.inject(
        "github", "/repos/ghlicenseorg/app", ("status", 403, {"x-ratelimit-remaining": "0"})
    )
    fake.inject("github", "/raw/ghlicenseorg/app", *[("status", 404)] * 5)
    try:
        result = run_cli("ghlicenseorg", "-f", "json")
    finally:
        fake.github.clear_faults()
    assert result.returncode == 3, result.describe()
    entry = result.json()["namespaces"][0]
    assert entry["verdict"] == "needs_review"
    found = entry["repositories"][0]["license"]
    assert found["osi_approved"] is None
    assert any("rate limit" in line for line in found["evidence"])
    assert any("GitHub's hourly limit ran out" in w for w in entry["warnings"])


def test_verbose_table_shows_every_clue(run_cli: RunCli) -> None:
    result = run_cli("conflictorg", "-v")
    assert result.returncode == 3, result.describe()
    assert "license clue:" in result.stdout
    assert "WTFPL" in result.stdout
    assert "\x1b" not in result.stdout
