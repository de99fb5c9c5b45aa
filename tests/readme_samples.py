"""The README's sample outputs, produced by the CLI's main() (in-process) against the in-repo fake.

Each sample in README.md sits between `<!-- sample: NAME -->` and `<!-- /sample -->` inside a
fenced block. `python -m tests.readme_samples` rewrites them all from fresh runs;
`tests/e2e/test_readme_samples.py` fails when one no longer matches (dates and ages, which move
with the clock, are masked on both sides).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.conftest import run_in_process
from tests.fakehub import FakeDockerHub, standard_world

README = Path(__file__).resolve().parents[1] / "README.md"
ATTESTATION = """namespaces = ["acmeoss"]

[attestation]
non_commercial = true
statement = "No paid tier, no hosted offer, no paid support: donations only."
contact = "maintainers@acmeoss.example"
"""
_BLOCK = re.compile(
    r"(<!-- sample: (?P<name>[a-z0-9-]+) -->\n```[a-z]*\n)(?P<body>.*?)(```\n<!-- /sample -->)",
    re.DOTALL,
)
_VOLATILE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}Z?)?|\b\d+ (?:days?|hours?|minutes?) ago"
)


@dataclass(frozen=True)
class Sample:
    """A command line and, optionally, what part of its output the README shows."""

    args: tuple[str, ...]
    files: Mapping[str, str] | None = None
    pick: Callable[[str], str] | None = None


def _json_pick(text: str) -> str:
    """A JSON report cut for reading: only the checks and repositories that did not pass, and
    one license clue each."""
    data: Any = json.loads(text)
    ns = data["namespaces"][0]
    checks = [c for c in ns["checks"] if c["outcome"] != "pass"]
    repos = [r for r in ns["repositories"] if set(r["outcomes"].values()) - {"pass"}]
    for repo in repos:
        repo["license"]["evidence"] = repo["license"]["evidence"][:1]
    data["namespaces"] = [{**ns, "checks": checks, "repositories": repos}]
    return json.dumps(data, indent=2) + "\n"


def _sarif_pick(text: str) -> str:
    """A SARIF log cut for reading: the first rule of seven and the first result."""
    data: Any = json.loads(text)
    run = data["runs"][0]
    run["tool"]["driver"]["rules"] = run["tool"]["driver"]["rules"][:1]
    run["results"] = run["results"][:1]
    data["runs"] = [run]
    return json.dumps(data, indent=2) + "\n"


SAMPLES: dict[str, Sample] = {
    "table": Sample(("helmorg",)),
    "table-anonymous": Sample(("acmeoss",)),
    "json": Sample(("helmorg", "-f", "json"), pick=_json_pick),
    "markdown": Sample(("helmorg", "-f", "markdown")),
    "junit": Sample(("acmeoss", "-f", "junit", "--fail-on", "not-eligible")),
    "sarif": Sample(("helmorg", "-f", "sarif"), pick=_sarif_pick),
    "badge": Sample(("helmorg", "-f", "badge")),
    "application": Sample(
        ("acmeoss", "-f", "application", "--config", "dsos-check.toml"),
        files={"dsos-check.toml": ATTESTATION},
    ),
    "bad-override": Sample(
        ("--config", "dsos-check.toml", "acmeoss"),
        files={
            "dsos-check.toml": '[[overrides]]\nrepository = "app"\nlicense = "Apache 2.0"\nreason = "LICENSE file"\n'
        },
    ),
}


def mask(text: str) -> str:
    """The text with what moves with the clock (dates, ages) masked."""
    return _VOLATILE.sub("<time>", text)


def run_sample(sample: Sample, stack: FakeDockerHub) -> str:
    """The sample's output as the README shows it (stdout, or stderr for a usage error)."""
    with tempfile.TemporaryDirectory() as work:
        for name, text in (sample.files or {}).items():
            Path(work, name).write_text(text, encoding="utf-8")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DOCKERHUB_", "DSOS_", "GITHUB_")) and k != "NO_COLOR"
        }
        env.update({"COLUMNS": "80", "DSOS_CACHE_DIR": str(Path(work, "cache")), "HOME": work})
        # In-process: the same main() the console script runs (the e2e suite keeps real spawns).
        proc = run_in_process([*stack.cli_args(), *sample.args], Path(work), env, "")
    text = proc.stdout if proc.stdout else proc.stderr
    return sample.pick(text) if sample.pick else text


def render_all() -> dict[str, str]:
    """Every sample, freshly produced."""
    with FakeDockerHub(standard_world()) as stack:
        return {name: run_sample(sample, stack) for name, sample in SAMPLES.items()}


def readme_samples(text: str) -> dict[str, str]:
    """The samples as the README holds them."""
    return {m.group("name"): m.group("body") for m in _BLOCK.finditer(text)}


def rewrite(text: str, fresh: Mapping[str, str]) -> str:
    """The README with every sample block replaced by its fresh output."""

    def replace(match: re.Match[str]) -> str:
        body = fresh.get(match.group("name"), match.group("body"))
        return match.group(1) + body + ("" if body.endswith("\n") else "\n") + match.group(4)

    return _BLOCK.sub(replace, text)


if __name__ == "__main__":
    README.write_text(rewrite(README.read_text(encoding="utf-8"), render_all()), encoding="utf-8")
    print(f"rewrote the samples in {README}")
