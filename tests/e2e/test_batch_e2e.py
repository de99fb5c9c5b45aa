"""End-to-end: batches, saved evidence re-evaluated offline, Markdown (+ job summary) and JUnit."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from tests.e2e.conftest import RunCli
from tests.fakehub import ACME, FakeDockerHub

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "evidence.json"


def decisions(report: dict[str, Any]) -> list[Any]:
    return [
        (
            n["namespace"],
            n["verdict"],
            [(c["id"], c["outcome"], c["summary"]) for c in n["checks"]],
            [(r["name"], r["outcomes"], r["license"]) for r in n["repositories"]],
        )
        for n in report["namespaces"]
    ]


def test_saved_evidence_re_evaluates_offline_to_the_same_report(
    run_cli: RunCli, fake: FakeDockerHub, tmp_path: Path
) -> None:
    saved = tmp_path / "evidence.json"
    live = run_cli(
        "acmeoss",
        "helmorg",
        "nosuchorg",
        "-f",
        "json",
        "--save-evidence",
        str(saved),
        "--username",
        ACME.username,
        "--token",
        ACME.token,
        "--github-token",
        "ghp_e2e_SECRET",
    )
    assert live.returncode == 4, live.describe()
    text = saved.read_text(encoding="utf-8")
    for secret in (ACME.token, "ghp_e2e_SECRET", *fake.issued_tokens):
        assert secret not in text
    mark = fake.mark()
    offline = run_cli("--evidence", str(saved), "-f", "json", point_at_fakes=False)
    assert offline.returncode == 4, offline.describe()
    assert list(fake.iter_requests(mark)) == []
    assert decisions(offline.json()) == decisions(live.json())
    again = run_cli("--evidence", str(saved), "-f", "json", point_at_fakes=False)
    assert decisions(again.json()) == decisions(offline.json())


def test_shipped_example_evidence(run_cli: RunCli) -> None:
    result = run_cli("--evidence", str(EXAMPLE), "-f", "json", point_at_fakes=False)
    assert result.returncode == 4
    verdicts = {n["namespace"]: n["verdict"] for n in result.json()["namespaces"]}
    assert verdicts == {"exampleoss": "eligible", "examplecorp": "not_eligible", "ghostns": "error"}


def test_evidence_usage_errors(run_cli: RunCli, tmp_path: Path) -> None:
    both = run_cli("acmeoss", "--evidence", str(EXAMPLE))
    assert both.returncode == 2
    assert "--evidence" in both.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": 1, "kind": "dsos-check-evidence", "namespaces": [')
    bad = run_cli("--evidence", str(broken), point_at_fakes=False)
    assert bad.returncode == 2
    assert "broken.json" in bad.stderr
    nowhere = run_cli("acmeoss", "--save-evidence", str(tmp_path / "missing" / "e.json"))
    assert nowhere.returncode == 2
    assert "does not exist" in nowhere.stderr


def test_markdown_and_github_step_summary(run_cli: RunCli, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    result = run_cli(
        "hostileorg", "acmeoss", "-f", "markdown", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.returncode in (1, 3), result.describe()
    assert "| check | outcome | why |" in result.stdout
    assert "\x1b" not in result.stdout
    assert "<script" not in result.stdout.lower()
    appended = summary.read_text(encoding="utf-8")
    assert appended.startswith("# earlier step\n")
    assert result.stdout.strip() in appended


def test_junit_parses_with_one_case_per_check(run_cli: RunCli) -> None:
    result = run_cli("acmeoss", "staleorg", "nosuchorg", "hostileorg", "-f", "junit")
    assert result.returncode == 4, result.describe()
    root = ET.fromstring(result.stdout)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"acmeoss", "staleorg", "nosuchorg", "hostileorg"}
    assert len(suites["acmeoss"].findall("testcase")) == 7
    assert suites["nosuchorg"].find("testcase/error") is not None
    stale = {c.get("name"): c for c in suites["staleorg"].iter("testcase")}
    failure = stale["active-development"].find("failure")
    assert failure is not None
    assert failure.get("type") == "fail"


def test_batch_from_stdin_dedupes_and_keeps_going(run_cli: RunCli) -> None:
    result = run_cli(
        "--from-file",
        "-",
        "acmeoss",
        "-f",
        "json",
        stdin="# applicants\nacmeoss\nnosuchorg\n\nstaleorg\nacmeoss\n",
        real_process=True,
    )
    assert result.returncode == 4, result.describe()
    names = [n["namespace"] for n in result.json()["namespaces"]]
    assert names == ["acmeoss", "nosuchorg", "staleorg"]
    assert "checking" not in result.stderr  # no progress bar when stderr is not a terminal


def test_json_is_stable_for_jq(run_cli: RunCli) -> None:
    result = run_cli("acmeoss", "-f", "json", "-v")
    json.loads(result.stdout)  # diagnostics never leak into stdout
    assert "requests:" in result.stderr
    assert re.search(r"requests in flight: \d+\.\d of 8 on average over the \d", result.stderr)
