"""The policy file: discovery, validation errors (file, key, line), exclusions, overrides, expiry."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from dsos_check.config import load_policy
from dsos_check.errors import UsageError
from dsos_check.judge import evaluate
from dsos_check.models import (
    Attestation,
    Exclusion,
    FailOn,
    ImageEvidence,
    LookupFailure,
    Outcome,
    Override,
    Policy,
    Verdict,
)
from tests.unit.checks.factories import NOW, make_evidence, make_repo

FULL = """
active_days = 200
fail_on = "not-eligible"
exclude = [
  { repository = "charts", reason = "Helm charts for our images, not an image" },
  { repository = "sandbox-*", reason = "throwaway CI images" },
]

[[overrides]]
repository = "infra"
license = "mit"
reason = "LICENSE file at the root of github.com/example/infra"
expires = "2027-06-30"

[[overrides]]
repository = "tools"
license = "Apache-2.0"
reason = "stated in the repository"
expires = 2026-01-31

[attestation]
non_commercial = true
statement = "No paid tier, no hosted offer; donations only."
contact = "maintainers@example.org"
"""


def test_full_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "dsos-check.toml").write_text(FULL)
    loaded = load_policy(None, tmp_path)
    assert loaded.config_file == str(tmp_path / "dsos-check.toml")
    assert loaded.active_days == 200
    assert loaded.fail_on is FailOn.NOT_ELIGIBLE
    assert [e.repository for e in loaded.exclude] == ["charts", "sandbox-*"]
    assert loaded.overrides[0] == Override(
        repository="infra",
        license="MIT",
        reason="LICENSE file at the root of github.com/example/infra",
        expires=date(2027, 6, 30),
    )
    assert loaded.overrides[1].expires == date(2026, 1, 31)
    assert loaded.attestation == Attestation(
        non_commercial=True,
        statement="No paid tier, no hosted offer; donations only.",
        contact="maintainers@example.org",
    )


def test_pyproject_table_and_precedence_of_dsos_check_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.dsos-check]\nactive_days = 90\n\n'
        '[[tool.dsos-check.overrides]]\nrepository = "a"\nlicense = "MIT"\nreason = "r"\n'
    )
    loaded = load_policy(None, tmp_path)
    assert (loaded.active_days, loaded.overrides[0].repository) == (90, "a")
    (tmp_path / "dsos-check.toml").write_text("active_days = 30\n")
    assert load_policy(None, tmp_path).active_days == 30


def test_no_file_and_pyproject_without_table(tmp_path: Path) -> None:
    assert load_policy(None, tmp_path).config_file is None
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_policy(None, tmp_path).config_file is None
    with pytest.raises(UsageError, match=r"no \[tool.dsos-check\] table"):
        load_policy(str(tmp_path / "pyproject.toml"), tmp_path)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('active_days = "183"', ["key 'active_days'", "valid integer"]),
        ("active_days = 0", ["key 'active_days'", "greater than or equal to 1"]),
        ('fail_on = "sometimes"', ["key 'fail_on'", "'review' or 'not-eligible'"]),
        ("colour = 1", ["key 'colour'", "unknown key"]),
        ('exclude = [{ repository = "x" }]', ["key 'exclude[0].reason'", "required"]),
        (
            'exclude = [{ repository = "x", reason = "  " }]',
            ["exclude[0].reason", "a reason is required"],
        ),
        (
            'exclude = [{ repository = "x", reason = "r", why = "?" }]',
            ["exclude[0].why", "unknown key"],
        ),
        (
            '[[overrides]]\nrepository = "x"\nlicense = "MIT"\nreason = "r"\nexpires = "2027-13-01"',
            ["key 'overrides[0].expires'", "2027-06-30", "2027-13-01"],
        ),
        (
            '[[overrides]]\nrepository = "x"\nlicense = "MIT"\nreason = "r"\nexpires = 20270101',
            ["overrides[0].expires", "expected a date"],
        ),
        (
            '[[overrides]]\nrepository = "x"\nlicense = "MIT/Apache"\nreason = "r"',
            ["key 'overrides[0].license'", "not an SPDX expression"],
        ),
        ('[[overrides]]\nrepository = "x"\nlicense = "MIT"', ["overrides[0].reason", "required"]),
        ("[attestation]\nnon_commercial = true", ["key 'attestation'", "statement"]),
        (
            '[attestation]\nnon_commercial = "yes"\nstatement = "s"',
            ["attestation.non_commercial", "boolean"],
        ),
        ("active_days = 18\n[x\nfail_on = 1\n", ["invalid TOML", "line 2"]),
        ("exclude = 3", ["key 'exclude'", "list"]),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        load_policy(str(path), tmp_path)
    assert info.value.exit_code == 2
    message = info.value.message
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message, message


def test_pyproject_errors_name_the_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.dsos-check]\nactive_dayz = 3\n")
    with pytest.raises(UsageError, match=r"key 'tool.dsos-check.active_dayz': unknown key"):
        load_policy(None, tmp_path)


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read the policy file"):
        load_policy(str(tmp_path / "missing.toml"), tmp_path)
    (tmp_path / "bin.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(UsageError, match="not UTF-8"):
        load_policy(str(tmp_path / "bin.toml"), tmp_path)


LICENSED = ImageEvidence(
    reference="x",
    config_media_type="application/vnd.oci.image.config.v1+json",
    labels={"org.opencontainers.image.licenses": "MIT"},
)
NEUTRAL = "# App\n\nSource: https://github.com/example/app\n\n## License\n\nSee the repository.\n"


def test_exclusions_are_listed_with_their_reason_and_left_out_of_every_check() -> None:
    repos = (
        make_repo(name="app", image=LICENSED),
        make_repo(name="charts", content_types=("helm",), media_types=(), image=None),
        make_repo(name="sandbox-1", is_private=True, image=LICENSED),
    )
    policy = Policy(
        exclude=(
            Exclusion(repository="charts", reason="Helm charts"),
            Exclusion(repository="sandbox-*", reason="throwaway"),
        )
    )
    report = evaluate(make_evidence(can_list_private=True, repositories=repos), policy)
    assert [(e.name, e.pattern, e.reason) for e in report.excluded] == [
        ("charts", "charts", "Helm charts"),
        ("sandbox-1", "sandbox-*", "throwaway"),
    ]
    assert [r.name for r in report.repositories] == ["app"]
    checks = {c.id: c.outcome for c in report.checks}
    assert checks["produces-images"] is Outcome.PASS
    assert checks["public"] is Outcome.PASS


def test_override_fills_a_missing_license_with_source_config() -> None:
    repo = make_repo(name="infra", image=None, full_description=NEUTRAL)
    policy = Policy(
        overrides=(
            Override(
                repository="infra",
                license="MIT",
                reason="LICENSE at the root",
                expires=(NOW + timedelta(days=30)).date(),
            ),
        )
    )
    report = evaluate(make_evidence(repositories=(repo,)), policy)
    license_ = report.repositories[0].license
    assert (license_.expression, license_.osi_approved, license_.source) == ("MIT", True, "config")
    assert "LICENSE at the root" in license_.evidence[0]
    assert report.repositories[0].outcomes["osi-license"] is Outcome.PASS


def test_expired_override_is_ignored_and_reported_as_warn() -> None:
    labelled = make_repo(name="infra", image=LICENSED, full_description=NEUTRAL)
    unlabelled = make_repo(name="tools", image=None, full_description=NEUTRAL)
    yesterday = (NOW - timedelta(days=1)).date()
    policy = Policy(
        overrides=(
            Override(repository="infra", license="Apache-2.0", reason="r", expires=yesterday),
            Override(repository="tools", license="MIT", reason="r", expires=yesterday),
        )
    )
    report = evaluate(make_evidence(repositories=(labelled, unlabelled)), policy)
    by_name = {r.name: r for r in report.repositories}
    assert by_name["infra"].license.source == "image-label"
    assert by_name["infra"].outcomes["osi-license"] is Outcome.WARN
    assert "expired" in by_name["infra"].reasons["osi-license"]
    assert by_name["tools"].license.source is None
    assert by_name["tools"].outcomes["osi-license"] is Outcome.REVIEW
    assert len(report.warnings) == 2
    assert all("expired" in w for w in report.warnings)


def test_override_does_not_beat_a_restriction_in_the_evidence() -> None:
    bad = ImageEvidence(reference="x", labels={"org.opencontainers.image.licenses": "SSPL-1.0"})
    repo = make_repo(name="db", image=bad, full_description=NEUTRAL)
    policy = Policy(overrides=(Override(repository="db", license="MIT", reason="we say so"),))
    report = evaluate(make_evidence(repositories=(repo,)), policy)
    license_ = report.repositories[0].license
    assert (license_.osi_approved, license_.source) == (False, "image-label")
    assert any("not applied" in line for line in license_.evidence)
    assert report.verdict is Verdict.NOT_ELIGIBLE


def test_a_spent_pull_budget_is_reported_for_the_namespace() -> None:
    starved = ImageEvidence(
        reference="sha256:x",
        error="the registry's pull budget is nearly spent (3 left): labels not read",
        failure=LookupFailure.PULL_BUDGET,
    )
    repos = (make_repo(name="a", image=starved), make_repo(name="b", image=LICENSED))
    report = evaluate(make_evidence(repositories=repos), Policy())
    assert any("pull budget ran out" in w and "1 repository (a)" in w for w in report.warnings)
