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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def cold_runs(
    fake: FakeDockerHub, runs: int, env: dict[str, str], *, pause: float = RATE_WINDOW
) -> list[float]:
    """Wall times of `runs` uncached runs, each starting in a fresh rate-limit window."""
    args = [*fake.cli_args(), "benchorg", "-f", "json", "-q", "--concurrency", str(CONCURRENCY)]
    times = []
    for _ in range(runs):
        time.sleep(pause)
        clear(fake)
        times.append(run_cli([*args, "--no-cache"], env))
    return times


def bench_latency(runs: int) -> None:
    """Only the speed-up: cold runs (no Hub limit) against a sequential replay of the same
    requests, both in one process with the fake; a quick check while working on speed."""
    with (
        tempfile.TemporaryDirectory() as cache,
        FakeDockerHub(bench_world(hub_limit=False)) as fake,
    ):
        env = {**os.environ, "DSOS_CACHE_DIR": cache}
        cold_runs(fake, 1, env, pause=0)  # the fake builds its world on the first requests
        times = cold_runs(fake, runs, env, pause=0)
        total, conns = sum(per_host(fake).values()), connections(fake)
        sequential, _ = sequential_replay(fake)
    wall = statistics.median(times)
    per_conn = ", ".join(f"{k} {v}" for k, v in sorted(conns.items()) if v)
    print(
        f"latency   {total} requests: median {wall:.2f} s of {', '.join(f'{t:.2f}' for t in times)}"
        f"; one by one {sequential:.1f} s; speed-up {sequential / wall:.2f}x; connections "
        f"{per_conn}; load average {os.getloadavg()[0]:.1f}"
    )


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


# The git commit the evidence figure is compared with: the code before the speed work (issue 14).
ORIGINAL = "07fedea"


def _original_source() -> Path | None:
    """The `src` of a git worktree checked out at ORIGINAL, if there is one."""
    listing = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "list", "--porcelain"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    worktree = None
    for line in listing.splitlines():
        if line.startswith("worktree "):
            worktree = Path(line.removeprefix("worktree "))
        elif (
            line.startswith("HEAD ")
            and line.removeprefix("HEAD ").startswith(ORIGINAL)
            and worktree is not None
            and (worktree / "src" / "dsos_check").is_dir()
        ):
            return worktree / "src"
    return None


def bench_evidence(runs: int = 1, repos: int = 5000) -> None:
    """Re-evaluating a large evidence file offline (distinct overviews): wall time, CPU seconds
    and peak memory of the whole CLI (its children included), this code on every CPU and on one,
    beside the original (ORIGINAL), for the short template overviews and for README-shaped ones
    (`readme_overviews.py`)."""
    original = _original_source()
    print(f"evidence  load average {os.getloadavg()[0]:.1f} before; {_cpus()} CPU(s)", flush=True)
    with tempfile.TemporaryDirectory() as directory:
        for style in ("template", "readme"):
            path = Path(directory) / f"evidence-{style}.json"
            # Written by the original when there is one: newer files have fields it does not
            # know, and this code reads the older format.
            writer = original or ROOT / "src"
            script = ROOT / "bench" / "evidence_file.py"
            subprocess.run(
                [sys.executable, str(script), str(path), str(repos), "--style", style],
                env={**os.environ, "PYTHONPATH": str(writer)},
                check=True,
            )
            _evidence_runs(path, repos, style, original, directory, runs)


def _cpus() -> int:
    """The CPUs the analysis spreads over (affinity capped by a container's CPU quota)."""
    from dsos_check.cpus import usable_cpus

    return usable_cpus()


def _evidence_runs(
    path: Path, repos: int, style: str, original: Path | None, directory: str, runs: int
) -> None:
    """The figures for one evidence file: json beside the original and beside this code on one
    CPU; for the template file also sarif and the worst case of --baseline (the same file: every
    repository compared)."""
    size = path.stat().st_size
    figures = [("json", ["-f", "json"])]
    if style == "template":
        figures += [
            ("sarif", ["-f", "sarif"]),
            ("json --baseline", ["-f", "json", "--baseline", str(path)]),
        ]
    for label, extra in figures:
        args = ["--evidence", str(path), *extra]
        now = _offline_median(ROOT / "src", args, directory, runs)
        line = f"evidence  {repos} distinct {style} overviews ({size / 1e6:.1f} MB), {label}: {now}"
        if label == "json":
            alone = _offline_median(ROOT / "src", args, directory, runs, one_cpu=True)
            line += f"; on one CPU {alone.wall:.1f} s wall, {alone.cpu:.1f} CPU s"
            if original is None:
                line += f"; original ({ORIGINAL}) not available: no git worktree of it"
            else:
                was = _offline_median(original, args, directory, runs)
                line += (
                    f"; original ({ORIGINAL}) {was}: {was.wall / now.wall:.1f}x faster, "
                    f"{was.cpu / now.cpu:.1f}x less CPU"
                )
                line += _instruction_ratio(original, args, directory)
        print(line, flush=True)


def _instruction_ratio(original: Path, args: list[str], directory: str) -> str:
    """Both runs' instruction counts (`perf stat`, when installed): unlike CPU seconds on a shared
    machine, they do not swing from run to run."""
    now = _instructions(ROOT / "src", args, directory)
    was = _instructions(original, args, directory)
    if now is None or was is None:
        return ""
    return f" ({was / 1e9:.1f} vs {now / 1e9:.1f} billion instructions: {was / now:.1f}x)"


def _instructions(source: Path, args: list[str], directory: str) -> int | None:
    """User-space instructions of one CLI run of the code in `source` (its children included),
    or None without perf."""
    if shutil.which("perf") is None:
        return None
    counts = Path(directory) / "perf.csv"
    command = [sys.executable, "-m", "dsos_check", *args, "-q", "-o", str(Path(directory) / "out")]
    counts.unlink(missing_ok=True)
    subprocess.run(  # the CLI's exit code is the verdict's: not checked
        ["perf", "stat", "-x,", "-e", "instructions:u", "-o", str(counts), "--", *command],
        env={**os.environ, "PYTHONPATH": str(source)},
        cwd=directory,
        capture_output=True,
        check=False,
    )
    for row in counts.read_text().splitlines() if counts.exists() else []:
        fields = row.split(",")
        if len(fields) > 2 and fields[2].startswith("instructions") and fields[0].isdigit():
            return int(fields[0])
    return None


class Usage(NamedTuple):
    """One CLI run: wall and CPU seconds (user + system, its children's included) and peak
    memory in KiB, of the CLI's process and of its largest child (0: it started none)."""

    wall: float
    cpu: float
    peak: int
    children_peak: int

    def __str__(self) -> str:
        children = f" (children {self.children_peak / 1024:.0f} MiB)" if self.children_peak else ""
        return (
            f"{self.wall:.1f} s wall, {self.cpu:.1f} CPU s, peak {self.peak / 1024:.0f} MiB"
            f"{children}"
        )


# Runs the CLI as `python -m dsos_check` would, then writes its own peak memory and its largest
# child's to the file named by its first argument (wait4 reports only the larger of the two). The
# CLI leaves through os._exit (no interpreter teardown), so the peaks are written there.
_MEASURED = """
import os, resource, runpy, sys
out = sys.argv.pop(1)
leave = os._exit
def write_peaks():
    peaks = [resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    with open(out, "w") as handle:
        handle.write(" ".join(map(str, peaks)))
def measured_exit(code):
    write_peaks()
    leave(code)
os._exit = measured_exit
try:
    runpy.run_module("dsos_check", run_name="__main__", alter_sys=True)
finally:
    write_peaks()
"""


def _offline_median(
    source: Path, args: list[str], directory: str, runs: int, *, one_cpu: bool = False
) -> Usage:
    """The run with the median wall time of `runs` runs."""
    done = sorted(_offline_run(source, args, directory, one_cpu) for _ in range(runs))
    return done[len(done) // 2]


def _offline_run(source: Path, args: list[str], directory: str, one_cpu: bool) -> Usage:
    """One CLI run of the code in `source` (on the first CPU of this process's only, if asked)."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    peaks = Path(directory) / "peaks"
    out = str(Path(directory) / "out")
    command = [sys.executable, "-c", _MEASURED, str(peaks), *args, "-q", "-o", out]
    first = {min(os.sched_getaffinity(0))} if one_cpu else None
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=None if first is None else lambda: os.sched_setaffinity(0, first),
    )
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = 0  # reaped above
    own, children = (int(n) for n in peaks.read_text().split())
    return Usage(wall, usage.ru_utime + usage.ru_stime, own, children)


def main() -> None:
    """Print every figure."""
    parser = argparse.ArgumentParser(description="dsos-check benchmarks")
    parser.add_argument(
        "--runs", type=int, default=1, help="repetitions of the network and evidence runs"
    )
    parser.add_argument(
        "--evidence-only", action="store_true", help="only the offline re-evaluation figure"
    )
    parser.add_argument(
        "--latency-only", action="store_true", help="only the speed-up against one by one"
    )
    options = parser.parse_args()
    if options.latency_only:
        bench_latency(max(1, options.runs))
        return
    if not options.evidence_only:
        bench_network(max(1, options.runs))
        bench_pull_budget()
        bench_startup(9)
    bench_evidence(max(1, options.runs))


if __name__ == "__main__":
    main()
