"""Run the CLI in-process (through the same guard as the console script) against the fakes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dsos_check import cli
from dsos_check.guard import run_guarded
from tests.e2e.conftest import CliResult
from tests.fakehub import FakeDockerHub, FakeServer


def run_in_process(
    stack: FakeDockerHub,
    *args: str,
    home: Path,
    stdin: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
    point_at_fakes: bool = True,
) -> CliResult:
    """`dsos-check ARGS` in this process: exit code, stdout and stderr, as the script gives them."""
    argv = [*(stack.cli_args() if point_at_fakes else []), *args]
    environment: dict[str, str | None] = {
        "DSOS_CACHE_DIR": str(home / "cache"),
        "DOCKERHUB_TOKEN": None,
        "DOCKERHUB_USERNAME": None,
        "GITHUB_TOKEN": None,
        "DSOS_CONFIG": None,
        "DSOS_FORMAT": None,
        "GITHUB_STEP_SUMMARY": None,
        **(env or {}),
    }
    code: int | str | None = 0
    with CliRunner().isolation(input=stdin, env=environment) as (out, err, _):
        try:
            run_guarded(lambda: cli.app(argv, prog_name="dsos-check"), argv)
        except SystemExit as exc:
            code = exc.code
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return CliResult(code if isinstance(code, int) else 1, stdout, stderr)


@pytest.fixture
def clean_fake(fake: FakeDockerHub) -> Iterator[FakeDockerHub]:
    """The session's fake, with every raw answer and fault removed after the test."""
    yield fake
    for server in fake.servers.values():
        reset(server)


def reset(server: FakeServer) -> None:
    """Drop standing raw answers and queued faults."""
    server.clear_faults()
    with server._lock:
        server.raw_answers.clear()
