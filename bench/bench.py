"""Benchmarks that print figures (never asserted in tests). Run from the repository root:

    python bench/bench.py            # about two minutes on 2 cores

Everything runs against the in-repo fake Docker Hub on loopback; nothing leaves the machine.
Requests are the figure that matters for real runs (Docker Hub's rate limits, not CPU, bound them);
times are for spotting regressions.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
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
from tests.fakehub import FakeDockerHub, Namespace, World  # noqa: E402
from tests.fakehub.scenarios import image_repo  # noqa: E402

CLI = str(Path(sys.executable).parent / "dsos-check")
REPOS = 200
LATENCY = 0.040
CONCURRENCY = 8
RATE_LIMIT = 100  # Docker Hub API requests per window (enforced with 429s)
RATE_WINDOW = 5.0  # seconds
SMALL_PULL_BUDGET = 50


def run_cli(args: list[str], env: dict[str, str]) -> float:
    """Run the installed CLI once; return wall seconds."""
    started = time.perf_counter()
    subprocess.run([CLI, *args], capture_output=True, check=False, cwd=ROOT, env=env)
    return time.perf_counter() - started


def per_host(fake: FakeDockerHub) -> Counter[str]:
    """Requests each fake server received since the last clear."""
    return Counter({name: len(server.requests) for name, server in fake.servers.items()})


def connections(fake: FakeDockerHub) -> Counter[str]:
    """TCP connections each fake server accepted since the last clear."""
    return Counter({name: server.connections for name, server in fake.servers.items()})


def manifests(fake: FakeDockerHub, method: str) -> int:
    """Manifest requests of `method` the registry received since the last clear."""
    return sum(1 for r in fake.registry.requests if r.method == method and "/manifests/" in r.path)


def clear(fake: FakeDockerHub) -> None:
    """Forget recorded requests, connections and the 429 count."""
    for server in fake.servers.values():
        server.clear()
    fake.state.hub_429s = 0


def sequential_replay(fake: FakeDockerHub) -> tuple[float, int]:
    """One keep-alive client making the same requests (recorded by the fakes) one by one, in
    server after server; returns its wall time and the connections it opened."""
    recorded = [r for server in fake.servers.values() for r in server.requests]
    clear(fake)
    started = time.perf_counter()
    with httpx.Client(timeout=30, follow_redirects=False) as client:
        for r in recorded:
            base = fake.servers[r.server].url
            headers = {k: v for k, v in r.headers.items() if k in ("authorization", "accept")}
            client.request(r.method, base + r.target, headers=headers, content=r.body or None)
    elapsed = time.perf_counter() - started
    return elapsed, sum(connections(fake).values())


def bench_world(pull_budget: int = 100_000, *, hub_limit: bool = True) -> World:
    """200 multi-platform image repositories with latency, behind a rate-limited Hub or not."""
    world = World()
    world.namespaces.append(
        Namespace("benchorg", repos=[image_repo("benchorg", f"svc{i:03d}") for i in range(REPOS)])
    )
    world.latency = LATENCY
    world.hub_rate_limit = RATE_LIMIT if hub_limit else 100_000
    world.hub_rate_window = RATE_WINDOW
    world.enforce_hub_rate_limit = hub_limit
    world.pull_budget = pull_budget
    return world


def cold_runs(fake: FakeDockerHub, runs: int, env: dict[str, str]) -> list[float]:
    """Wall times of `runs` uncached runs, each starting in a fresh rate-limit window."""
    args = [*fake.cli_args(), "benchorg", "-f", "json", "-q", "--concurrency", str(CONCURRENCY)]
    times = []
    for _ in range(runs):
        time.sleep(RATE_WINDOW)
        clear(fake)
        times.append(run_cli([*args, "--no-cache"], env))
    return times


def bench_network(runs: int) -> None:
    """Requests per host, pulls cold and warm, wall time against a sequential replay."""
    with (
        tempfile.TemporaryDirectory() as cache,
        FakeDockerHub(bench_world(hub_limit=False)) as fake,
    ):
        env = {**os.environ, "DSOS_CACHE_DIR": cache}
        wall = statistics.median(cold_runs(fake, runs, env))
        counts, conns = per_host(fake), connections(fake)
        gets, heads, tokens = manifests(fake, "GET"), manifests(fake, "HEAD"), fake.token_requests
        total = sum(counts.values())
        sequential, sequential_conns = sequential_replay(fake)
        args = [*fake.cli_args(), "benchorg", "-f", "json", "-q"]
        # Docker Hub answers are reused only when asked (--cache-ttl); the default re-asks Hub so
        # a fix shows at once. Measure both re-runs.
        reuse = {**env, "DSOS_CACHE_TTL": "600"}
        clear(fake)
        run_cli(args, reuse)  # fill the cache
        clear(fake)
        rerun = run_cli(args, env)
        rerun_total, rerun_gets = sum(per_host(fake).values()), manifests(fake, "GET")
        clear(fake)
        warm = run_cli(args, reuse)
        warm_total, warm_gets = sum(per_host(fake).values()), manifests(fake, "GET")
    with tempfile.TemporaryDirectory() as cache, FakeDockerHub(bench_world()) as fake:
        limited = statistics.median(cold_runs(fake, 1, {**os.environ, "DSOS_CACHE_DIR": cache}))
        hub = per_host(fake)["hub"] + per_host(fake)["mirror"]
        limited_429s = fake.state.hub_429s
    rate_bound = max(0, math.ceil(hub / RATE_LIMIT) - 1) * RATE_WINDOW

    print(
        f"network   {REPOS} repositories, {LATENCY * 1000:.0f} ms latency, concurrency {CONCURRENCY}"
    )
    detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v)
    print(f"  requests      {total} ({total / REPOS:.2f} per repository): {detail}")
    print(
        f"  registry      manifest GETs cold {gets} ({gets / REPOS:.2f} per image), "
        f"HEADs {heads}, token requests {tokens}; re-runs: manifest GETs {rerun_gets} "
        f"and {warm_gets}"
    )
    print(
        f"  wall time     median {wall:.1f} s over {runs} run(s); the same requests one by one "
        f"on one keep-alive client: {sequential:.1f} s; speed-up {sequential / wall:.1f}x "
        f"(latency bound {total * LATENCY / CONCURRENCY:.1f} s)"
    )
    per_conn = ", ".join(f"{k} {v}" for k, v in sorted(conns.items()) if v)
    print(
        f"  connections   {sum(conns.values())} ({per_conn}); "
        f"the sequential client: {sequential_conns}"
    )
    print(
        f"  re-run        {rerun:.2f} s, {rerun_total} requests (default: Docker Hub asked "
        "again, tags checked with free HEADs, registry objects by digest from the cache)"
    )
    print(f"  warm re-run   {warm:.2f} s, {warm_total} requests with --cache-ttl 600")
    print(
        f"  Hub limit     {RATE_LIMIT} per {RATE_WINDOW:.0f} s enforced: {limited:.1f} s for {hub} "
        f"Hub requests (bound by the limit alone: {rate_bound:.0f} s), {limited_429s} 429s"
    )


def bench_pull_budget(budget: int = SMALL_PULL_BUDGET) -> None:
    """A pull budget far below two pulls per image: pulls spent, refused (overshoot), read."""
    with FakeDockerHub(bench_world(pull_budget=budget)) as fake:
        args = [*fake.cli_args(), "benchorg", "-f", "json", "-q", "--no-cache"]
        done = subprocess.run([CLI, *args], capture_output=True, check=False, cwd=ROOT, text=True)
        gets, refused = manifests(fake, "GET"), fake.state.pulls_refused
    entry = json.loads(done.stdout)["namespaces"][0]
    labelled = sum(1 for r in entry["repositories"] if r["license"]["source"] == "image-label")
    path = "Hub tag API digests" if any("tag API" in w for w in entry["warnings"]) else "index"
    print(
        f"pulls     budget {budget} for {REPOS} images: {gets} manifest GETs "
        f"({max(0, gets - budget)} past the budget, {refused} refused with 429), labels read "
        f"for {labelled} repositories, path: {path}"
    )


def bench_startup(runs: int) -> None:
    """Start-up of `--version` and `--help` against importing typer alone."""

    def median(command: list[str]) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    baseline = median([sys.executable, "-c", "import typer"])
    version = median([CLI, "--version"])
    helptext = median([CLI, "--help"])
    print(
        f"startup   --version {version:.0f} ms ({version / baseline:.2f}x), --help {helptext:.0f} ms "
        f'({helptext / baseline:.2f}x); python -c "import typer" {baseline:.0f} ms; '
        f"sniffio installed: {importlib.util.find_spec('sniffio') is not None}"
    )


def bench_evidence(repos: int = 5000) -> None:
    """Re-evaluating a large evidence file offline: time and peak memory of the process."""
    collected = datetime(2026, 11, 20, 12, tzinfo=UTC)

    def overview(i: int) -> str:  # distinct texts, so no cache can answer for another
        return (
            f"# Service {i}\n\nA small service number {i} of the example project.\n\n"
            f"Source: https://github.com/example/svc{i}\n\n## License\n\n"
            "Licensed under the Apache License 2.0.\n"
        ) * 4

    repositories = tuple(
        RepositoryEvidence(
            name=f"svc{i:05d}",
            description="A service",
            full_description=overview(i),
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
    bench_pull_budget()
    bench_startup(9)
    bench_evidence()


if __name__ == "__main__":
    main()
