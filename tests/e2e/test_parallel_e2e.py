"""The installed CLI re-evaluating a large evidence file: on several processes it reports exactly
what it reports on one, and Ctrl-C ends it (children included) with exit 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dsos_check.evidence import write_evidence
from dsos_check.models import AccountEvidence, NamespaceEvidence
from dsos_check.parallel import MIN_REPOSITORIES
from tests.e2e.conftest import clean_env, cli_executable
from tests.unit.checks.factories import make_repo
from tests.unit.license_corpus import cases

CPUS = sorted(os.sched_getaffinity(0)) if sys.platform == "linux" else []
pytestmark = pytest.mark.skipif(len(CPUS) < 2, reason="needs Linux and two CPUs")

SALES = "# Acme\n\nGet started with our Enterprise Edition: contact sales@acme.io.\n"


def _evidence(path: Path, count: int) -> Path:
    """`count` repositories cycling through the license corpus and a commercial overview."""
    varied = [case.repo for case in cases()] + [make_repo(full_description=SALES)]
    repositories = tuple(
        varied[i % len(varied)].model_copy(update={"name": f"r{i}"}) for i in range(count)
    )
    evidence = NamespaceEvidence(
        namespace="bigacme",
        account=AccountEvidence(type="organization"),
        repositories=repositories,
        collected_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    write_evidence(str(path), [evidence], generated_at=datetime(2026, 11, 20, tzinfo=UTC))
    return path


def _run(evidence: Path, tmp_path: Path, cpus: set[int], *extra: str) -> tuple[dict[str, Any], str]:
    process = subprocess.run(
        [cli_executable(), "--evidence", str(evidence), "-f", "json", "-v", *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(None, tmp_path),
        preexec_fn=lambda: os.sched_setaffinity(0, cpus),
        timeout=300,
        check=False,
    )
    assert process.returncode in (1, 3), process.stderr
    report = json.loads(process.stdout)
    report.pop("generated_at")
    return report, process.stderr


@pytest.mark.parametrize("baseline", [False, True], ids=["plain", "baseline"])
def test_several_processes_report_exactly_what_one_does(tmp_path: Path, baseline: bool) -> None:
    count = MIN_REPOSITORIES + 101
    evidence = _evidence(tmp_path / "evidence.json", count)
    # With --baseline the same file is judged twice: as this run and as the baseline.
    extra = ("--baseline", str(evidence)) if baseline else ()
    spread, said = _run(evidence, tmp_path, set(CPUS[:2]), *extra)
    alone, said_alone = _run(evidence, tmp_path, set(CPUS[:1]), *extra)
    times = 2 if baseline else 1
    assert said.count(f"{count} repositories of bigacme in 2 processes") == times
    assert said_alone.count(f"{count} repositories of bigacme in 1 process ") == times
    assert spread == alone
    assert len(spread["namespaces"][0]["repositories"]) == count


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.parametrize("to_group", [False, True], ids=["parent", "process-group"])
def test_ctrl_c_ends_the_children_and_exits_130(tmp_path: Path, to_group: bool) -> None:
    evidence = _evidence(tmp_path / "evidence.json", 4000)
    target = tmp_path / "report.json"
    process = subprocess.Popen(
        [cli_executable(), "--evidence", str(evidence), "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=clean_env(None, tmp_path),
        preexec_fn=lambda: os.sched_setaffinity(0, set(CPUS[:2])),
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 60
        children: list[int] = []
        while not children and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
            children = _children(process.pid)
        assert children, "no child was started"
        if to_group:
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr
    assert not target.exists()
    for child in children:
        assert not Path(f"/proc/{child}").exists()
