"""Benchmarks that print figures (never asserted in tests). Run from the repository root:

    python bench/bench.py            # about two minutes on 2 cores

Everything runs against the in-repo fake Docker Hub on loopback; nothing leaves the machine.
Requests are the figure that matters for real runs (Docker Hub's rate limits, not CPU, bound them);
times are for spotting regressions.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsos_check.evidence import write_evidence  # noqa: E402
from dsos_check.models import (  # noqa: E402
    AccountEvidence,
    ImageEvidence,
    NamespaceEvidence,
    RepositoryEvidence,
)
from tests.fakehub import FakeDockerHub, Namespace, standard_world  # noqa: E402
from tests.fakehub.scenarios import _image_repo  # noqa: E402

CLI = str(Path(sys.executable).parent / "dsos-check")
REPOS = 200
LATENCY = 0.040
CONCURRENCY = 8
RATE_LIMIT = 100  # Docker Hub API requests per window (enforced with 429s)
RATE_WINDOW = 5.0  # seconds


def run_cli(args: list[str], env: dict[str, str]) -> float:
    """Run the installed CLI once; return wall seconds."""
    started = time.perf_counter()
    subprocess.run([CLI, *args], capture_output=True, check=False, cwd=ROOT, env=env)
    return time.perf_counter() - started


def per_host(fake: FakeDockerHub) -> Counter[str]:
    """Requests each fake server received since the last clear."""
    return Counter({name: len(server.requests) for name, server in fake.servers.items()})


def clear(fake: FakeDockerHub) -> None:
    """Forget recorded requests and the 429 count."""
    for server in fake.servers.values():
        server.clear()
    fake.state.hub_429s = 0


def sequential_replay(fake: FakeDockerHub) -> float:
    """A plain sequential client making the same requests (recorded by the fakes) one by one."""
    recorded = [r for server in fake.servers.values() for r in server.requests]
    started = time.perf_counter()
    with httpx.Client(timeout=30, follow_redirects=False) as client:
        for r in recorded:
            base = fake.servers[r.server].url
            headers = {k: v for k, v in r.headers.items() if k in ("authorization", "accept")}
            client.request(r.method, base + r.target, headers=headers, content=r.body or None)
    return time.perf_counter() - started


def bench_network(runs: int) -> None:
    """Requests per host and repository, wall time vs ideal and vs sequential, 429s, warm run."""
    world = standard_world()
    world.namespaces.append(
        Namespace("benchorg", repos=[_image_repo("benchorg", f"svc{i:03d}") for i in range(REPOS)])
    )
    world.latency = LATENCY
    world.hub_rate_limit = RATE_LIMIT
    world.hub_rate_window = RATE_WINDOW
    world.enforce_hub_rate_limit = True
    with tempfile.TemporaryDirectory() as cache, FakeDockerHub(world) as fake:
        env = {**os.environ, "DSOS_CACHE_DIR": cache}
        args = [*fake.cli_args(), "benchorg", "-f", "json", "-q", "--concurrency", str(CONCURRENCY)]
        cold: list[float] = []
        for _ in range(runs):
            clear(fake)
            time.sleep(RATE_WINDOW)  # start each run with a fresh rate-limit window
            cold.append(run_cli([*args, "--no-cache"], env))
        counts = per_host(fake)
        total = sum(counts.values())
        hub = counts["hub"] + counts["mirror"]
        limited_429s = fake.state.hub_429s
        latency_bound = total * LATENCY / CONCURRENCY
        rate_bound = max(0.0, math.ceil(hub / RATE_LIMIT) - 1) * RATE_WINDOW
        ideal = max(latency_bound, rate_bound)
        sequential = sequential_replay(fake)

        clear(fake)
        # Docker Hub answers are reused only when asked (--cache-ttl); the default re-asks Hub so
        # a fix shows at once. Measure both re-runs.
        reuse = {**env, "DSOS_CACHE_TTL": "600"}
        run_cli(args, reuse)  # fill the cache
        clear(fake)
        fresh = run_cli(args, env)
        fresh_counts = per_host(fake)
        clear(fake)
        warm = run_cli(args, reuse)
        warm_counts = per_host(fake)

    print(
        f"network   {REPOS} repositories, {LATENCY * 1000:.0f} ms latency, concurrency {CONCURRENCY}, "
        f"Hub limit {RATE_LIMIT} per {RATE_WINDOW:.0f} s"
    )
    detail = ", ".join(f"{k} {v} ({v / REPOS:.2f}/repo)" for k, v in sorted(counts.items()) if v)
    print(f"  requests      {total} ({total / REPOS:.2f} per repository): {detail}")
    print(
        f"  Hub requests  {hub}  (target N + ceil(N/100) + 2 = {REPOS + math.ceil(REPOS / 100) + 2})"
    )
    print(f"  429 received  {limited_429s}")
    print(
        f"  wall time     median {statistics.median(cold):.1f} s; ideal {ideal:.1f} s "
        f"(latency bound {latency_bound:.1f} s, rate-limit bound {rate_bound:.1f} s); "
        f"sequential client making the same requests {sequential:.1f} s"
    )
    fresh_total = sum(fresh_counts.values())
    print(
        f"  re-run        {fresh:.2f} s, {fresh_total} requests (default: Docker Hub asked again, "
        "registry objects by digest and GitHub ETags from the cache)"
    )
    warm_total = sum(warm_counts.values())
    print(
        f"  warm re-run   {warm:.2f} s, {warm_total} requests with --cache-ttl 600 "
        "(cache hit for everything else)"
    )


def bench_startup(runs: int) -> None:
    """Start-up of `--version` and `--help` against importing typer and rich alone."""

    def median(command: list[str]) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    baseline = median([sys.executable, "-c", "import typer, rich"])
    version = median([CLI, "--version"])
    helptext = median([CLI, "--help"])
    print(
        f"startup   --version {version:.0f} ms, --help {helptext:.0f} ms; "
        f'python -c "import typer, rich" {baseline:.0f} ms'
    )


def bench_evidence(repos: int = 5000) -> None:
    """Re-evaluating a large evidence file offline: time and peak memory of the process."""
    collected = datetime(2026, 11, 20, 12, tzinfo=UTC)
    overview = (
        "# Service\n\nA small service of the example project.\n\n"
        "Source: https://github.com/example/svc\n\n## License\n\nLicensed under the Apache License 2.0.\n"
    ) * 4
    repositories = tuple(
        RepositoryEvidence(
            name=f"svc{i:05d}",
            description="A service",
            full_description=overview,
            last_updated=collected - timedelta(days=i % 400),
            repository_type="image",
            content_types=("image",),
            media_types=("application/vnd.oci.image.index.v1+json",),
            image=ImageEvidence(
                reference="sha256:" + f"{i:064x}",
                platform="linux/amd64",
                config_media_type="application/vnd.oci.image.config.v1+json",
                labels={"org.opencontainers.image.licenses": "Apache-2.0"},
            ),
        )
        for i in range(repos)
    )
    evidence = NamespaceEvidence(
        namespace="bigexample",
        account=AccountEvidence(type="organization"),
        repositories=repositories,
        collected_at=collected,
    )
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "evidence.json"
        write_evidence(str(path), [evidence], generated_at=collected)
        size = path.stat().st_size
        # The same file as baseline is the worst case of the diff: every repository compared.
        for label, extra in (
            ("json", ["-f", "json"]),
            ("sarif", ["-f", "sarif"]),
            ("json --baseline", ["-f", "json", "--baseline", str(path)]),
        ):
            elapsed, peak, cpu = _offline_run([CLI, "--evidence", str(path), *extra], directory)
            print(
                f"evidence  {repos} repositories ({size / 1e6:.1f} MB), {label}: re-evaluated "
                f"offline in {elapsed:.1f} s ({cpu:.1f} CPU s), peak memory {peak / 1024:.0f} MiB"
            )


def _offline_run(command: list[str], directory: str) -> tuple[float, int, float]:
    """Wall time, peak memory (KiB, of any child so far) and CPU seconds of one offline run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    cpu_before = _children_cpu()
    started = time.perf_counter()
    subprocess.run(
        [*command, "-q", "-o", str(Path(directory) / "report.out")],
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return elapsed, peak, _children_cpu() - cpu_before


def _children_cpu() -> float:
    """User + system CPU seconds of finished child processes (wall time varies with load)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Print every figure."""
    parser = argparse.ArgumentParser(description="dsos-check benchmarks")
    parser.add_argument("--runs", type=int, default=1, help="repetitions of the network run")
    runs = max(1, parser.parse_args().runs)
    bench_network(runs)
    bench_startup(5)
    bench_evidence()


if __name__ == "__main__":
    main()
