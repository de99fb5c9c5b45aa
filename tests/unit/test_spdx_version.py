"""`--version` prints a constant: it must match the SPDX data actually bundled."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from dsos_check import spdx_version
from dsos_check.cli import app
from dsos_check.licenses import spdx


def test_constant_matches_the_bundled_license_list() -> None:
    assert spdx_version.SPDX_LICENSE_LIST_VERSION == spdx.SPDX_LICENSE_LIST_VERSION, (
        "update src/dsos_check/spdx_version.py to the refreshed SPDX data"
    )


def test_version_prints_the_bundled_list_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert f"(SPDX license list {spdx.SPDX_LICENSE_LIST_VERSION})" in result.output


def test_version_and_help_do_not_import_the_license_machinery() -> None:
    code = (
        "import sys\n"
        "from dsos_check.cli import app\n"
        "for args in (['--version'], ['--help']):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = [m for m in ('dsos_check.licenses.spdx', 'httpx', 'pydantic', 'tempfile')"
        " if m in sys.modules]\n"
        "print('heavy=' + ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "heavy="


def test_the_fast_version_path_prints_what_the_command_line_prints() -> None:
    fast = subprocess.run(
        [sys.executable, "-m", "dsos_check", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    slow = CliRunner().invoke(app, ["--version"])
    assert fast.stdout == slow.output
    assert fast.stdout == f"{spdx_version.version_line()}\n"
