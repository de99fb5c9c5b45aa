"""Python code run in a fresh interpreter: what a module imports or leaves behind can only be seen
in a process where nothing is imported yet (in the test process, everything is)."""

from __future__ import annotations

import subprocess
import sys


def run_fresh(script: str, *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`script` run by `python -c` in a new interpreter, its output captured as text (the exit
    code is for the caller to check)."""
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=timeout
    )
