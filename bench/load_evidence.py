"""Reading evidence files (`evidence.load_evidence`): for each file, the least of several loads in
one process, and the peak resident memory of a fresh process after its first load.

    PYTHONPATH=src python bench/load_evidence.py [FILE ...] [--runs 5] [--repositories 5000]

Without files it writes a template-overview file (`evidence_file.py`) in both schema versions to
a temporary directory: version 2 by this code's writer, version 1 as the original (07fedea)
writes it (every repository with `tag_content_types`, problems and image errors as sentences).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from evidence_file import write_distinct_evidence

# Run in a fresh process per file, so each peak is that file's alone.
_MEASURE = """
import resource, sys, time
from dsos_check.evidence import load_evidence
path, runs = sys.argv[1], int(sys.argv[2])
best = float("inf")
for run in range(runs):
    start = time.perf_counter()
    loaded = load_evidence(path)
    best = min(best, time.perf_counter() - start)
    del loaded
    if run == 0:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{best:.3f} {peak}")
"""


def version_1(document: Any) -> Any:
    """The version-1 form of a version-2 document, as the original writes it."""
    for entry in document["namespaces"]:
        for repo in entry.get("evidence", {}).get("repositories", []):
            repo["tag_content_types"] = []
            repo["problems"] = [problem["message"] for problem in repo.get("problems", [])]
            image = repo.get("image")
            if isinstance(image, dict):
                image.pop("failure", None)
    return {**document, "schema_version": 1}


def measure(path: Path, runs: int) -> str:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(runs)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    seconds, peak = done.stdout.split()
    size = path.stat().st_size / 1e6
    return f"load  {path.name} ({size:.1f} MB): {seconds} s (least of {runs}), peak {peak} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="evidence files to load")
    parser.add_argument("--runs", type=int, default=5, help="loads per file")
    parser.add_argument("--repositories", type=int, default=5000, help="for the written files")
    options = parser.parse_args()
    print(f"load  load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as directory:
        files: list[Path] = options.files
        if not files:
            v2 = Path(directory) / "template-v2.json"
            write_distinct_evidence(v2, options.repositories)
            v1 = Path(directory) / "template-v1.json"
            document = version_1(json.loads(v2.read_text(encoding="utf-8")))
            v1.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
            files = [v1, v2]
        for path in files:
            print(measure(path, max(1, options.runs)), flush=True)


if __name__ == "__main__":
    main()
