"""Hostile-server figures (printed, never asserted in tests). Run from the repository root:

    python bench/hostile.py          # about half a minute

Each case runs the installed CLI in a subprocess against the in-repo fake on loopback, with one
listener answering badly, and prints the child's peak memory (resource.getrusage) and wall time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakehub import FakeDockerHub, standard_world  # noqa: E402
from tests.fakehub.hostile import Raw, always, bomb, bomb_answer  # noqa: E402

CLI = str(Path(sys.executable).parent / "dsos-check")
ORG = b'{"orgname": "acmeoss", "full_name": "Acme", "type": "organization"}'


def measure(stack: FakeDockerHub, *args: str) -> tuple[int, float, float]:
    """Exit code, wall seconds and peak RSS (MiB) of one CLI run in a fresh child process.

    The child is run through a tiny wrapper so that RUSAGE_CHILDREN covers this run only."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "HOME": home, "DSOS_CACHE_DIR": home, "NO_PROXY": "127.0.0.1"}
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", wrapper, CLI, *stack.cli_args(), *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        elapsed = time.monotonic() - started
    code, peak_kib = done.stdout.split()
    return int(code), elapsed, int(peak_kib) / 1024


def main() -> None:
    with FakeDockerHub(standard_world()) as stack:
        code, seconds, peak = measure(stack, "staleorg", "--no-cache")
        print(f"baseline (no hostile answer): exit {code}, {seconds:.1f} s, peak {peak:.0f} MiB")
        for layers in (1, 2):
            size = 2 * 1024**3
            wire = len(bomb(size, layers))
            always(stack.hub, "/v2/orgs/acmeoss", bomb_answer(size, layers))
            code, seconds, peak = measure(stack, "acmeoss", "staleorg", "--no-cache")
            print(
                f"bomb, {layers} x gzip, {wire} bytes on the wire -> {size / 1024**3:.1f} GiB: "
                f"exit {code}, {seconds:.1f} s, peak {peak:.0f} MiB"
            )
        always(stack.hub, "/v2/orgs/acmeoss", None)
        always(stack.registry, "/v2/bigorg/", Raw(body=b" " * 2000, chunk=1, drip=1.5))
        code, seconds, peak = measure(stack, "bigorg", "--no-cache", "--timeout", "3")
        print(
            f"registry dripping for all 250 repositories of bigorg, --timeout 3: exit {code}, "
            f"{seconds:.1f} s ({seconds / 3:.1f} x the timeout), peak {peak:.0f} MiB"
        )
        always(stack.registry, "/v2/bigorg/", None)
        drip = Raw(body=ORG.ljust(2000), chunk=1, drip=1.5)
        always(stack.hub, "/v2/orgs/acmeoss", drip)
        for timeout in ("3", "10"):
            code, seconds, peak = measure(
                stack, "acmeoss", "staleorg", "--no-cache", "--timeout", timeout
            )
            print(
                f"drip, 1 byte every 1.5 s, --timeout {timeout}: exit {code}, "
                f"{seconds:.1f} s ({seconds / float(timeout):.1f} x the timeout), peak {peak:.0f} MiB"
            )


if __name__ == "__main__":
    main()
