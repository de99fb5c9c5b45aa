"""Fixtures for end-to-end tests: the standard fake world and a runner for the installed CLI."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple
from unittest import mock

import pytest

from tests.fakehub import FakeDockerHub, standard_world

STRIPPED_PREFIXES = ("DOCKERHUB_", "DSOS_")
STRIPPED_NAMES = {
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
    "LINES",
    "PYTEST_CURRENT_TEST",
}


class CliResult(NamedTuple):
    """What one run of the CLI produced."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        """stdout parsed as the JSON report."""
        try:
            data = json.loads(self.stdout)
        except ValueError as exc:  # pragma: no cover - only on a broken CLI
            raise AssertionError(f"stdout is not JSON ({exc}); {self.describe()}") from exc
        assert isinstance(data, dict), self.describe()
        return data

    def describe(self) -> str:
        """A readable dump for assertion messages."""
        return (
            f"exit={self.returncode}\n--- stdout ---\n{self.stdout[:4000]}\n"
            f"--- stderr ---\n{self.stderr[:4000]}"
        )


RunCli = Callable[..., CliResult]


def cli_executable() -> str:
    """The installed `dsos-check` console script (next to this interpreter, else on PATH)."""
    beside = Path(sys.executable).parent / "dsos-check"
    if beside.exists():
        return str(beside)
    found = shutil.which("dsos-check")
    if found is None:  # pragma: no cover
        pytest.fail("the dsos-check console script is not installed (pip install -e .)")
    return found


def clean_env(extra: Mapping[str, str] | None, home: Path) -> dict[str, str]:
    """The parent environment without credentials, dsos settings, proxies or colour forcing."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(STRIPPED_PREFIXES) and k not in STRIPPED_NAMES
    }
    env.update(
        {
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "NO_PROXY": "127.0.0.1,127.0.0.2,localhost",
            "no_proxy": "127.0.0.1,127.0.0.2,localhost",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra or {})
    return env


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeDockerHub]:
    """The standard world, served for the whole session."""
    with FakeDockerHub(standard_world()) as stack:
        yield stack


@contextlib.contextmanager
def _process_state(cwd: Path, env: Mapping[str, str], stdin: str) -> Iterator[None]:
    """The cwd, environment and standard streams of a fresh process, restored afterwards."""
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    sys.stderr = io.TextIOWrapper(
        io.BytesIO(), encoding="utf-8", errors="backslashreplace", newline=""
    )
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def _drain(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", errors="replace")


# In-process runs wait this fraction of the client's back-off between retries (the back-off's
# shape is unchanged; `real_process=True` runs wait the real seconds): a test checks that a retry
# happens and what it leads to, never how long the pause before it was.
BACKOFF_SCALE = 0.05


@contextlib.contextmanager
def _short_backoff() -> Iterator[None]:
    from dsos_check.collect import http

    real = http.backoff
    with mock.patch.object(http, "backoff", lambda attempt: real(attempt) * BACKOFF_SCALE):
        yield


def run_in_process(argv: Sequence[str], cwd: Path, env: Mapping[str, str], stdin: str) -> CliResult:
    """The CLI's `main()` in this process, as a fresh process would see it (exit code, streams)."""
    from dsos_check.cli import app
    from dsos_check.guard import run_guarded

    with _process_state(cwd, env, stdin), _short_backoff():
        out, err = sys.stdout, sys.stderr
        try:
            # through the same guard as main(): an internal error is exit 4, as in a real run
            run_guarded(lambda: app(args=list(argv), prog_name="dsos-check"), argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        assert isinstance(out, io.TextIOWrapper)
        assert isinstance(err, io.TextIOWrapper)
        return CliResult(code, _drain(out), _drain(err))


@pytest.fixture(scope="session")
def run_cli(fake: FakeDockerHub, tmp_path_factory: pytest.TempPathFactory) -> RunCli:
    """Run the CLI against the fakes: `run_cli(*args, env=None, timeout=60)`.

    In this process by default (the same `main()` the console script calls); `real_process=True`
    runs the installed console script instead. Each run gets a fresh temporary cwd and HOME (so no
    on-disk cache or policy file leaks between runs) and an environment stripped of DOCKERHUB_*,
    GITHUB_TOKEN, DSOS_* and proxies. Pass `point_at_fakes=False` to omit the --hub-url,
    --registry-url and --github-api-url options, `stack=` to point at another FakeDockerHub,
    `files=` to create files in the cwd.
    """
    exe = cli_executable()

    def run(
        *args: str,
        env: Mapping[str, str] | None = None,
        timeout: float = 60,
        point_at_fakes: bool = True,
        files: Mapping[str, str] | None = None,
        stack: FakeDockerHub | None = None,
        stdin: str | None = None,
        real_process: bool = False,
    ) -> CliResult:
        cwd = tmp_path_factory.mktemp("cli")
        for name, text in (files or {}).items():
            (cwd / name).write_text(text, encoding="utf-8")
        target = stack or fake
        arguments = [*(target.cli_args() if point_at_fakes else []), *args]
        if not real_process:
            return run_in_process(arguments, cwd, clean_env(env, cwd), stdin or "")
        argv = [exe, *arguments]
        proc = subprocess.run(
            argv,
            cwd=cwd,
            env=clean_env(env, cwd),
            input=stdin.encode("utf-8") if stdin is not None else None,
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        return CliResult(
            proc.returncode,
            proc.stdout.decode("utf-8", errors="replace"),
            proc.stderr.decode("utf-8", errors="replace"),
        )

    return run
