"""CI formats end to end against the fake: SARIF, --baseline, the badge and the job summary."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.e2e.conftest import RunCli
from tests.fakehub import FakeDockerHub
from tests.unit.test_sarif import validator

LICENSES = "org.opencontainers.image.licenses"


def sarif_of(run_cli: RunCli, *namespaces: str) -> dict[str, Any]:
    result = run_cli("-f", "sarif", "-q", *namespaces)
    assert result.returncode in (0, 1, 3, 4), result.describe()
    data = json.loads(result.stdout)
    errors = list(validator().iter_errors(data))
    assert not errors, [e.message for e in errors[:5]]
    assert isinstance(data, dict)
    return data


def test_sarif_is_valid_and_its_fingerprints_are_stable(run_cli: RunCli) -> None:
    names = ("acmeoss", "nolabelorg", "someuser", "helmorg", "ghostns")
    first = sarif_of(run_cli, *names)
    second = sarif_of(run_cli, *names)
    assert [r["automationDetails"]["id"] for r in first["runs"]] == [
        f"dsos-check/{n}/" for n in names
    ]

    def prints(data: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [
            (r["ruleId"], r["level"], r["partialFingerprints"]["dsosCheck/v1"])
            for run in data["runs"]
            for r in run["results"]
        ]

    assert prints(first) == prints(second)
    assert {level for _, level, _ in prints(first)} == {"error", "warning"}
    assert first["runs"][0]["results"] == [] or all(
        r["level"] == "warning" for r in first["runs"][0]["results"]
    )
    assert first["runs"][-1]["invocations"][0]["executionSuccessful"] is False


def edit_baseline(saved: dict[str, Any]) -> dict[str, Any]:
    """Last year's acmeoss: `server` labelled with a non-OSI license, `toolkit` not yet
    published, and a `retired` repository since deleted."""
    baseline = copy.deepcopy(saved)
    evidence = baseline["namespaces"][0]["evidence"]
    repos = {r["name"]: r for r in evidence["repositories"]}
    server = repos["server"]
    server["image"]["labels"][LICENSES] = "SSPL-1.0"
    server["image"]["annotations"].pop(LICENSES, None)
    retired = copy.deepcopy(repos["toolkit"])
    retired["name"] = "retired"
    evidence["repositories"] = [server, retired]
    return baseline


def test_baseline_reports_what_changed_and_nothing_when_nothing_did(
    run_cli: RunCli, tmp_path: Path
) -> None:
    saved = tmp_path / "evidence.json"
    first = run_cli("acmeoss", "-f", "json", "--save-evidence", str(saved))
    assert first.returncode == 3, first.describe()
    assert "changes" not in first.json()["namespaces"][0]

    same = run_cli("acmeoss", "-f", "json", "--baseline", str(saved))
    assert same.json()["namespaces"][0]["changes"] == [], same.describe()
    assert same.json()["namespaces"][0]["license_changes"] == []

    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(edit_baseline(json.loads(saved.read_text()))))
    changed = run_cli("acmeoss", "-f", "json", "--baseline", str(baseline))
    ns = changed.json()["namespaces"][0]
    by_repo: dict[str | None, list[dict[str, Any]]] = {}
    for change in ns["changes"]:
        by_repo.setdefault(change["repository"], []).append(change)
    fixed = {c["check"]: c for c in by_repo["server"]}["osi-license"]
    assert fixed["before"] in ("fail", "review")
    assert fixed["after"] == "pass"
    assert by_repo["toolkit"]
    assert all(c["before"] is None and c["after"] for c in by_repo["toolkit"])
    assert by_repo["retired"]
    assert all(c["after"] is None and c["before"] for c in by_repo["retired"])
    assert {"repository": "server", "before": "SSPL-1.0", "after": "Apache-2.0"} in ns[
        "license_changes"
    ]

    table = run_cli("acmeoss", "--baseline", str(baseline))
    assert "Since the baseline:" in table.stdout, table.describe()
    for words in ("fixed:", "repositories added:", "repositories removed:", "licenses changed:"):
        assert words in table.stdout
    markdown = run_cli("acmeoss", "-f", "markdown", "--baseline", str(baseline))
    assert "**Since the baseline**" in markdown.stdout


def test_unreadable_baseline_is_a_usage_error_before_any_request(
    run_cli: RunCli, fake: FakeDockerHub, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    mark = fake.mark()
    result = run_cli("acmeoss", "--baseline", str(bad))
    assert result.returncode == 2, result.describe()
    assert "invalid JSON" in result.stderr
    assert list(fake.iter_requests(since=mark)) == []


def test_badge(run_cli: RunCli, fake: FakeDockerHub) -> None:
    result = run_cli("acmeoss", "-f", "badge")
    assert result.returncode == 3, result.describe()
    assert result.json() == {
        "schemaVersion": 1,
        "label": "DSOS",
        "message": "needs review",
        "color": "yellow",
    }
    mark = fake.mark()
    several = run_cli("acmeoss", "someuser", "-f", "badge")
    assert several.returncode == 2, several.describe()
    assert "exactly one namespace" in several.stderr
    assert several.stdout == ""
    assert list(fake.iter_requests(since=mark)) == []


def test_step_summary_is_written_for_every_format(run_cli: RunCli, tmp_path: Path) -> None:
    for fmt in ("json", "junit", "sarif", "table"):
        summary = tmp_path / f"summary-{fmt}.md"
        summary.write_text("earlier step\n")
        result = run_cli("acmeoss", "-f", fmt, env={"GITHUB_STEP_SUMMARY": str(summary)})
        assert result.returncode == 3, result.describe()
        text = summary.read_text()
        assert text.startswith("earlier step\n"), fmt
        assert "### `acmeoss`: needs review" in text, fmt
        assert "### `acmeoss`" not in result.stdout or fmt == "markdown"
