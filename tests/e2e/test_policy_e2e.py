"""End-to-end: the policy file (exclusions, overrides, attestation, errors) and the non-commercial check."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import RunCli
from tests.fakehub import ACME, FakeDockerHub
from tests.helpers import CHECK_IDS


def ns_entry(result_json: dict[str, Any], name: str) -> dict[str, Any]:
    entry = next(n for n in result_json["namespaces"] if n["namespace"] == name)
    assert isinstance(entry, dict)
    return entry


def outcome(entry: dict[str, Any], check_id: str) -> str:
    found = next(c for c in entry["checks"] if c["id"] == check_id)
    return str(found["outcome"])


EXCLUDE_CHARTS = 'exclude = [{ repository = "charts", reason = "Helm charts for our images" }]\n'


def test_exclusion_is_listed_and_left_out(run_cli: RunCli) -> None:
    result = run_cli("helmorg", "-f", "json", files={"dsos-check.toml": EXCLUDE_CHARTS})
    assert result.returncode == 3, result.describe()
    report = result.json()
    entry = ns_entry(report, "helmorg")
    assert entry["excluded"] == [
        {
            "name": "charts",
            "pattern": "charts",
            "reason": "Helm charts for our images",
            "checks": [],
        }
    ]
    assert [r["name"] for r in entry["repositories"]] == ["app"]
    assert outcome(entry, "produces-images") == "pass"
    assert report["policy"]["exclude"] == [
        {"repository": "charts", "reason": "Helm charts for our images", "checks": []}
    ]
    assert report["policy"]["config_file"].endswith("dsos-check.toml")


def test_exclusion_shows_in_the_table(run_cli: RunCli) -> None:
    result = run_cli("helmorg", files={"dsos-check.toml": EXCLUDE_CHARTS})
    assert "excluded charts" in result.stdout
    assert "Helm charts for our images" in result.stdout
    assert "policy: " in result.stdout


def test_override_gives_source_config(run_cli: RunCli) -> None:
    policy = (
        '[[overrides]]\nrepository = "bare*"\nlicense = "Apache-2.0"\n'
        'reason = "LICENSE at the root of the source repository"\nexpires = "2099-12-31"\n'
    )
    result = run_cli("nolabelorg", "-f", "json", files={"dsos-check.toml": policy})
    entry = ns_entry(result.json(), "nolabelorg")
    for repo in entry["repositories"]:
        license_ = repo["license"]
        assert (license_["expression"], license_["osi_approved"], license_["source"]) == (
            "Apache-2.0",
            True,
            "config",
        )
        assert "LICENSE at the root" in license_["evidence"][0]
    assert outcome(entry, "osi-license") == "pass"


def test_expired_override_is_a_warning(run_cli: RunCli) -> None:
    policy = (
        '[[overrides]]\nrepository = "bare"\nlicense = "MIT"\nreason = "r"\nexpires = 2020-01-01\n'
    )
    result = run_cli("nolabelorg", "-f", "json", files={"dsos-check.toml": policy})
    entry = ns_entry(result.json(), "nolabelorg")
    bare = next(r for r in entry["repositories"] if r["name"] == "bare")
    assert bare["license"]["source"] is None
    assert any("expired" in w for w in entry["warnings"])
    table = run_cli("nolabelorg", files={"dsos-check.toml": policy})
    assert "warn" in table.stdout
    assert "expired" in table.stdout


def test_options_win_over_the_file(run_cli: RunCli) -> None:
    lenient = 'active_days = 2000\nfail_on = "not-eligible"\n'
    from_file = run_cli("staleorg", "-f", "json", files={"dsos-check.toml": lenient})
    assert from_file.returncode == 0, from_file.describe()  # needs_review, but fail_on not-eligible
    report = from_file.json()
    assert report["policy"]["active_days"] == 2000
    assert report["policy"]["fail_on"] == "not-eligible"
    assert outcome(ns_entry(report, "staleorg"), "active-development") == "pass"
    overridden = run_cli(
        "staleorg",
        "-f",
        "json",
        "--active-days",
        "183",
        "--fail-on",
        "review",
        files={"dsos-check.toml": lenient},
    )
    assert overridden.returncode == 1, overridden.describe()
    assert overridden.json()["policy"]["active_days"] == 183


def test_pyproject_table_and_config_env(run_cli: RunCli) -> None:
    pyproject = '[project]\nname = "x"\n\n[tool.dsos-check]\nactive_days = 2000\n'
    result = run_cli("staleorg", "-f", "json", files={"pyproject.toml": pyproject})
    assert result.json()["policy"]["active_days"] == 2000
    via_env = run_cli(
        "staleorg",
        "-f",
        "json",
        env={"DSOS_CONFIG": "other.toml"},
        files={"other.toml": "active_days = 1500\n"},
    )
    assert via_env.json()["policy"]["active_days"] == 1500


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("active_days = [", "invalid TOML"),
        ("active_dayz = 3\n", "key 'active_dayz': unknown key"),
        ('active_days = "x"\n', "key 'active_days'"),
        (
            '[[overrides]]\nrepository = "a"\nlicense = "MIT"\nreason = "r"\nexpires = "soon"\n',
            "overrides[0].expires",
        ),
        ('exclude = [{ repository = "a" }]\n', "exclude[0].reason"),
    ],
)
def test_broken_policy_file_is_a_usage_error_before_any_request(
    run_cli: RunCli, fake: FakeDockerHub, text: str, fragment: str
) -> None:
    mark = fake.mark()
    result = run_cli("acmeoss", files={"dsos-check.toml": text})
    assert result.returncode == 2, result.describe()
    assert "dsos-check.toml" in result.stderr
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert list(fake.iter_requests(mark)) == []


def test_missing_config_path_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("acmeoss", "--config", "nope.toml")
    assert result.returncode == 2
    assert "nope.toml" in result.stderr


ATTEST = (
    'namespaces = ["enterpriseorg", "verifiedorg"]\n'
    '[attestation]\nnon_commercial = true\nstatement = "No paid tier, no hosted offer; donations only."\n'
    'contact = "maintainers@example.org"\n'
)


def test_non_commercial_outcomes(run_cli: RunCli) -> None:
    result = run_cli("acmeoss", "verifiedorg", "enterpriseorg", "riderorg", "-f", "json", *_creds())
    report = result.json()
    assert outcome(ns_entry(report, "acmeoss"), "non-commercial") == "pass"
    assert outcome(ns_entry(report, "verifiedorg"), "non-commercial") == "fail"
    assert outcome(ns_entry(report, "riderorg"), "non-commercial") == "fail"
    enterprise = ns_entry(report, "enterpriseorg")
    check = next(c for c in enterprise["checks"] if c["id"] == "non-commercial")
    assert check["outcome"] == "review"
    assert "server" in check["repositories"]
    server = next(r for r in enterprise["repositories"] if r["name"] == "server")
    assert server["outcomes"]["non-commercial"] == "review"
    assert "Enterprise Edition" in server["reasons"]["non-commercial"]


def test_attestation_turns_review_into_pass_but_never_overrides_fail(run_cli: RunCli) -> None:
    result = run_cli(
        "enterpriseorg", "verifiedorg", "-f", "json", files={"dsos-check.toml": ATTEST}
    )
    report = result.json()
    enterprise = ns_entry(report, "enterpriseorg")
    check = next(c for c in enterprise["checks"] if c["id"] == "non-commercial")
    assert check["outcome"] == "pass"
    assert "No paid tier" in check["summary"]
    server = next(r for r in enterprise["repositories"] if r["name"] == "server")
    assert server["outcomes"]["non-commercial"] == "warn"
    assert outcome(ns_entry(report, "verifiedorg"), "non-commercial") == "fail"
    assert report["policy"]["attestation"]["contact"] == "maintainers@example.org"


def test_all_seven_checks_for_an_eligible_namespace(run_cli: RunCli) -> None:
    result = run_cli("acmeoss", "-f", "json", *_creds())
    assert result.returncode == 0, result.describe()
    entry = ns_entry(result.json(), "acmeoss")
    assert [c["id"] for c in entry["checks"]] == CHECK_IDS
    assert entry["verdict"] == "eligible"


def _creds() -> list[str]:
    return ["--username", ACME.username, "--token", ACME.token]
