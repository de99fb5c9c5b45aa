"""Benchmarks that print figures: requests per namespace, wall time, start-up, license throughput.

Run from the repository root: `python bench/bench.py [--runs N]`. Everything runs against the
in-repo fake Docker Hub on loopback; nothing leaves the machine. Requests are the figure that
matters for real runs (Docker Hub's rate limits, not CPU, bound them); times are for regressions.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakehub import FakeDockerHub, standard_world  # noqa: E402

CLI = str(Path(sys.executable).parent / "dsos-check")


def run_cli(fake: FakeDockerHub, *args: str) -> float:
    """Run the installed CLI once against the fakes; return wall seconds."""
    command = [
        CLI,
        "--hub-url",
        fake.hub_url,
        "--registry-url",
        fake.registry_url,
        "--github-api-url",
        fake.github.url,
        "-f",
        "json",
        "-q",
        *args,
    ]
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
    return time.perf_counter() - started


def requests_by_server(fake: FakeDockerHub) -> dict[str, int]:
    """How many requests each fake server received since the last clear."""
    return {name: len(server.requests) for name, server in fake.servers.items()}


def clear(fake: FakeDockerHub) -> None:
    """Forget recorded requests on every server."""
    for server in fake.servers.values():
        server.clear()


def bench_namespace(fake: FakeDockerHub, namespace: str, repos: int, runs: int) -> None:
    """Requests and wall time for one namespace."""
    clear(fake)
    times = [run_cli(fake, namespace) for _ in range(runs)]
    counts = {k: v // runs for k, v in requests_by_server(fake).items()}
    total = sum(counts.values())
    per_repo = (total / repos) if repos else float("nan")
    detail = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    print(
        f"{namespace:<14} repos {repos:>4}  requests {total:>5} ({per_repo:.1f}/repo: {detail})  "
        f"wall median {statistics.median(times):.2f}s min {min(times):.2f}s"
    )


def bench_startup(runs: int) -> None:
    """Cold start of the command (`--version` imports the whole program)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([CLI, "--version"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    print(f"startup        --version median {statistics.median(times) * 1000:.0f} ms")


def bench_licenses() -> None:
    """License evaluation throughput on a realistic mix, plus hostile inputs."""
    from dsos_check.licenses.spdx import evaluate

    mix = [
        "MIT",
        "Apache-2.0",
        "MIT OR Apache-2.0",
        "GPL-2.0-only WITH Classpath-exception-2.0",
        "(GPL-2.0-only OR MIT) AND (Apache-2.0 OR CC0-1.0)",
        "SSPL-1.0",
        "Apache 2.0",
        "LicenseRef-Proprietary",
        "GPL-2.0+",
        "BSD-3-Clause AND curl",
    ]
    started = time.perf_counter()
    for i in range(1000):
        evaluate(mix[i % len(mix)])
    mixed = time.perf_counter() - started
    hostile = ["(" * 5000 + "MIT" + ")" * 5000, "MIT OR " * 1500 + "MIT", "x" * 10_000, "()"]
    started = time.perf_counter()
    for value in hostile * 25:
        evaluate(value)
    hostile_time = time.perf_counter() - started
    print(
        f"licenses       1,000 mixed expressions {mixed * 1000:.0f} ms; "
        f"100 hostile ones {hostile_time * 1000:.0f} ms"
    )


def main() -> None:
    """Print every figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="repetitions per figure (default 3)")
    runs = max(1, parser.parse_args().runs)
    world = standard_world()
    sizes = {ns.name: len(ns.repos) for ns in world.namespaces}
    with FakeDockerHub(world) as fake:
        for namespace in ("acmeoss", "helmorg", "bigorg"):
            bench_namespace(fake, namespace, sizes.get(namespace, 0), runs)
    bench_startup(runs)
    bench_licenses()


if __name__ == "__main__":
    main()
