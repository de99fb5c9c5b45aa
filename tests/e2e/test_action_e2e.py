"""The GitHub Action: action.yml's shape, and its shell steps run locally against the fake."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.conftest import clean_env, cli_executable
from tests.fakehub import FakeDockerHub

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
RUN_SH = ROOT / "action" / "run.sh"
INPUTS = {
    "namespaces",
    "namespaces-file",
    "format",
    "output",
    "fail-on",
    "config",
    "baseline",
    "save-evidence",
    "username",
    "token",
    "github-token",
}


def action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_action_yml_inputs_outputs_and_no_node_runtime() -> None:
    data = action()
    assert set(data["inputs"]) == INPUTS
    assert set(data["outputs"]) == {"verdict", "report", "exit-code"}
    assert data["runs"]["using"] == "composite"
    for step in data["runs"]["steps"]:
        assert "uses" not in step, "a JavaScript action needs a Node runtime GitHub retires"
        assert step["shell"] == "bash"
        # Inputs and step outputs reach the shell only through env:, never pasted into code.
        assert "${{" not in step["run"], step["run"]
    check = next(s for s in data["runs"]["steps"] if s.get("id") == "check")
    mapped = {v for v in check["env"].values() if isinstance(v, str)}
    for name in INPUTS:
        assert f"${{{{ inputs.{name} }}}}" in mapped, name


def test_action_lints_clean_with_actionlint_when_installed(tmp_path: Path) -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (no wheel for it on the package index)")
    workflow = tmp_path / ".github" / "workflows" / "use.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: ./\n        with:\n          namespaces: acme\n"
    )
    result = subprocess.run(
        [actionlint, str(workflow)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def run_step(step: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(RUN_SH), step],
        env=clean_env(env, tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def step_env(fake: FakeDockerHub, tmp_path: Path, **inputs: str) -> dict[str, str]:
    (tmp_path / "out").write_text("")
    (tmp_path / "summary.md").write_text("")
    return {
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "RUNNER_TEMP": str(tmp_path),
        "DSOS_CHECK": cli_executable(),
        "PYTHON": sys.executable,
        "DSOS_HUB_URL": fake.hub_url,
        "DSOS_REGISTRY_URL": fake.registry_url,
        "DSOS_GITHUB_API_URL": fake.github_url,
        "FAIL_ON": "review",
        **inputs,
    }


def test_check_step_sets_outputs_annotations_and_summary(
    fake: FakeDockerHub, tmp_path: Path
) -> None:
    env = step_env(
        fake, tmp_path, NAMESPACES="acmeoss\n  badlicenseorg ghostns", FORMAT="json", OUTPUT=""
    )
    done = run_step("check", env, tmp_path)
    assert done.returncode == 0, done.stderr
    out = outputs(tmp_path / "out")
    assert out["exit-code"] == "4"
    assert out["verdict"] == "error"
    report = Path(out["report"])
    assert report.is_file()
    assert '"schema_version": 1' in report.read_text()
    lines = done.stdout.splitlines()
    assert (
        "::warning title=dsos-check acmeoss::acmeoss: needs review; needs review: public" in lines
    )
    assert any(
        line.startswith(
            "::error title=dsos-check badlicenseorg::badlicenseorg: not eligible; failing: osi-license"
        )
        for line in lines
    )
    assert any(
        line.startswith("::error title=dsos-check ghostns::ghostns: could not be checked")
        for line in lines
    )
    summary = (tmp_path / "summary.md").read_text()
    assert summary.count("## DSOS eligibility") == 1  # the verdict re-read adds no second summary
    assert "### `acmeoss`" in summary


def test_check_step_with_files_baseline_and_sarif(fake: FakeDockerHub, tmp_path: Path) -> None:
    (tmp_path / "names.txt").write_text("# ours\nacmeoss\n")
    evidence = tmp_path / "last.json"
    first = run_step(
        "check",
        step_env(
            fake,
            tmp_path,
            NAMESPACES_FILE="names.txt",
            FORMAT="sarif",
            OUTPUT="results.sarif",
            SAVE_EVIDENCE=str(evidence),
            FAIL_ON="not-eligible",
        ),
        tmp_path,
    )
    assert first.returncode == 0, first.stderr
    out = outputs(tmp_path / "out")
    assert out == {**out, "exit-code": "0", "verdict": "needs_review", "report": "results.sarif"}
    assert (tmp_path / "results.sarif").is_file()
    assert evidence.is_file()
    assert "::warning title=dsos-check acmeoss::" in first.stdout
    # The renewal: the same evidence file is both the baseline and the new evidence.
    again = run_step(
        "check",
        step_env(
            fake,
            tmp_path,
            NAMESPACES="acmeoss",
            FORMAT="json",
            OUTPUT="report.json",
            BASELINE=str(evidence),
            SAVE_EVIDENCE=str(evidence),
        ),
        tmp_path,
    )
    assert again.returncode == 0, again.stderr
    assert '"changes": []' in (tmp_path / "report.json").read_text()


def test_usage_error_gives_exit_2_and_no_verdict(fake: FakeDockerHub, tmp_path: Path) -> None:
    done = run_step(
        "check", step_env(fake, tmp_path, NAMESPACES="Not_Valid!", FORMAT="json"), tmp_path
    )
    out = outputs(tmp_path / "out")
    assert out["exit-code"] == "2"
    assert out["verdict"] == ""
    assert "::error title=dsos-check::" in done.stdout


def test_annotations_escape_remote_text(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    hostile = "boom\r\n::error::injected %0A 50%,: \x1b[31m"
    report.write_text(
        '{"namespaces": [{"namespace": "a,b:c", "verdict": "error", "error": '
        + json.dumps(hostile)
        + "}]}"
    )
    env = {"GITHUB_OUTPUT": str(tmp_path / "out")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "action" / "annotate.py"), str(report)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    (line,) = done.stdout.splitlines()
    assert line.startswith("::error title=dsos-check a%2Cb%3Ac::a,b:c: could not be checked: boom")
    assert "%0D%0A::error::injected %250A 50%25,: [31m" in line
    assert "\x1b" not in line
    assert re.fullmatch(r"verdict=error\n", (tmp_path / "out").read_text())


@pytest.mark.skipif(
    os.environ.get("DSOS_TEST_ACTION_INSTALL") != "1",
    reason="pip-installs the checkout from the package index; set DSOS_TEST_ACTION_INSTALL=1",
)
def test_install_step_installs_this_checkout(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("")
    env = {"GITHUB_OUTPUT": str(tmp_path / "out"), "RUNNER_TEMP": str(tmp_path)}
    env["GITHUB_ACTION_PATH"] = str(ROOT)
    done = run_step("install", env, tmp_path)
    assert done.returncode == 0, done.stderr
    out = outputs(tmp_path / "out")
    version = subprocess.run([out["bin"], "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("dsos-check ")
    assert Path(out["python"]).is_file()
