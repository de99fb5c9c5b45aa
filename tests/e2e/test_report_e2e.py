"""The report a maintainer acts on, through the installed CLI: 80 columns, a big namespace on one
screen, fresh after a fix, failed lookups named, evidence time, policy scope, JUnit and --help."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.e2e.conftest import CliResult, RunCli
from tests.fakehub import FakeDockerHub, standard_world

NARROW = {"COLUMNS": "80"}
ONE_SCREEN = 60  # lines: a tall terminal window; the 250-repository table used to print 269


def lines_of(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def without_spaces(text: str) -> str:
    return "".join(text.split())


class BigRun(NamedTuple):
    table: CliResult  # the 250-repository namespace at 80 columns
    evidence: Path  # what that run collected, for re-rendering without collecting again


@pytest.fixture(scope="module")
def bigfail(run_cli: RunCli, tmp_path_factory: pytest.TempPathFactory) -> BigRun:
    """bigfailorg collected once for the module (250 repositories: the slowest world to collect)."""
    saved = tmp_path_factory.mktemp("bigfail") / "evidence.json"
    return BigRun(run_cli("bigfailorg", "--save-evidence", str(saved), env=NARROW), saved)


def test_the_table_fits_80_columns_and_never_cuts_a_name(run_cli: RunCli, bigfail: BigRun) -> None:
    for ns, env in [
        ("bigfailorg", NARROW),
        ("hostileorg", NARROW),
        ("conflictorg", None),  # no COLUMNS and no terminal: 80 too
        ("nolabelorg", None),
    ]:
        result = bigfail.table if ns == "bigfailorg" else run_cli(ns, env=env)
        assert result.returncode in (1, 3), result.describe()
        too_wide = [line for line in lines_of(result.stdout) if len(line) > 80]
        assert too_wide == [], (ns, too_wide)
    long_name = "a-rather-long-repository-name-that-must-not-be-cut-199"
    text = bigfail.table.stdout
    assert any(line.startswith(f"  {long_name}  license") for line in lines_of(text))
    assert f"{long_name}." in text.replace("\n", " ").replace("  ", " ")  # whole in the summary


def test_a_250_repository_namespace_with_3_failures_fits_on_one_screen(
    run_cli: RunCli, bigfail: BigRun
) -> None:
    result = bigfail.table
    out = lines_of(result.stdout)
    assert len(out) <= ONE_SCREEN, len(out)
    assert out[0].startswith("Verdict: not eligible")
    assert out[-1].startswith("Verdict: not eligible")
    assert "Repositories that did not pass (3 of 250):" in result.stdout
    assert "247 repositories pass every check" in result.stdout
    assert "service-100" not in result.stdout  # counted, not listed
    verbose = run_cli("--evidence", str(bigfail.evidence), "-v", env=NARROW, point_at_fakes=False)
    assert "service-100" in verbose.stdout


def test_anonymous_all_else_passing_says_what_it_means_and_which_token(run_cli: RunCli) -> None:
    result = run_cli("acmeoss", env=NARROW)
    text = " ".join(result.stdout.split())
    assert (
        "eligible if every repository is public; run with the organization's token to prove it"
        in text
    )
    assert "scope-repository-list" in text
    assert "DOCKERHUB_USERNAME=acmeoss DOCKERHUB_TOKEN=" in text


def test_a_rerun_right_after_an_overview_change_shows_it(run_cli: RunCli, tmp_path: Path) -> None:
    env = {"DSOS_CACHE_DIR": str(tmp_path / "cache")}
    with FakeDockerHub(standard_world()) as stack:
        repo = next(n for n in stack.world.namespaces if n.name == "acmeoss").repos[0]
        before = run_cli("acmeoss", "-f", "json", env=env, stack=stack).json()
        assert before["namespaces"][0]["checks"][5]["outcome"] == "pass"
        repo.full_description = "Nothing here yet."
        after = run_cli("acmeoss", "-f", "json", env=env, stack=stack).json()
        documentation = after["namespaces"][0]["checks"][5]
        assert documentation["id"] == "documentation"
        assert documentation["outcome"] == "review"
        # A reviewer may reuse Hub answers on purpose: the report then says so, and how old.
        run_cli("acmeoss", "--cache-ttl", "600", env=env, stack=stack)
        reused = run_cli("acmeoss", "--cache-ttl", "600", env={**env, **NARROW}, stack=stack)
        assert re.search(
            r"\d+ answer\(s\) came from the on-disk cache, the oldest \d+ s old", reused.stdout
        )


def test_unreachable_registry_and_github_are_named(run_cli: RunCli) -> None:
    closed = "http://127.0.0.1:1"
    result = run_cli(
        "acmeoss",
        "-f",
        "json",
        "--registry-url",
        closed,
        "--github-api-url",
        closed,
        "--timeout",
        "2",
    )
    ns = result.json()["namespaces"][0]
    warnings = " | ".join(ns["warnings"])
    assert "the registry could not be reached" in warnings
    assert "GitHub could not be reached" in warnings
    summaries = [r["license"]["summary"] or "" for r in ns["repositories"]]
    assert all("no license found in the image, the source" not in s for s in summaries)


def test_an_unreachable_token_service_is_named(run_cli: RunCli) -> None:
    with FakeDockerHub(standard_world()) as stack:
        # The registry's challenge names a token service on a port nobody listens on.
        stack.registry.app.realm = lambda: "http://127.0.0.1:1/token"  # type: ignore[attr-defined]
        result = run_cli("acmeoss", "-f", "json", "--timeout", "2", stack=stack)
    warnings = " | ".join(result.json()["namespaces"][0]["warnings"])
    assert "the registry's token service could not be reached" in warnings


def test_evidence_keeps_its_collection_time(run_cli: RunCli, tmp_path: Path) -> None:
    saved = tmp_path / "evidence.json"
    run_cli("acmeoss", "--save-evidence", str(saved))
    document = json.loads(saved.read_text())
    document["generated_at"] = "2026-01-02T03:04:05Z"
    for entry in document["namespaces"]:
        entry["evidence"]["collected_at"] = "2026-01-02T03:04:05Z"
    saved.write_text(json.dumps(document))
    report = run_cli("--evidence", str(saved), "-f", "json", point_at_fakes=False).json()
    assert report["namespaces"][0]["collected_at"] == "2026-01-02T03:04:05Z"
    table = run_cli("--evidence", str(saved), point_at_fakes=False, env=NARROW).stdout
    # At 80 columns a long temporary path is folded mid-word onto the next line, so compare with
    # every space and line break taken out rather than guess where the wrap fell.
    sentence = f"evidence collected on 2026-01-02T03:04:05Z, from {saved}"
    assert without_spaces(sentence) in without_spaces(table), table


def test_a_policy_file_without_namespaces_is_not_lent_to_a_batch(run_cli: RunCli) -> None:
    policy = '[attestation]\nnon_commercial = true\nstatement = "Donations only."\n'
    files = {"dsos-check.toml": policy}
    one = run_cli("acmeoss", "-f", "json", files=files).json()["namespaces"][0]
    assert one["attestation"] is not None
    both = run_cli("acmeoss", "helmorg", "-f", "json", files=files).json()["namespaces"]
    for ns in both:
        assert ns["attestation"] is None
        assert any("were not applied to this namespace" in w for w in ns["warnings"])
    scoped = 'namespaces = ["helmorg"]\n' + policy
    both = run_cli("acmeoss", "helmorg", "-f", "json", files={"dsos-check.toml": scoped}).json()
    assert [ns["attestation"] is not None for ns in both["namespaces"]] == [False, True]


def test_a_bad_override_stops_before_any_request(run_cli: RunCli, fake: FakeDockerHub) -> None:
    mark = fake.mark()
    policy = '[[overrides]]\nrepository = "app"\nlicense = "Apache 2.0"\nreason = "LICENSE"\n'
    result = run_cli("acmeoss", files={"dsos-check.toml": policy})
    assert result.returncode == 2, result.describe()
    assert "did you mean 'Apache-2.0'" in result.stderr
    assert list(fake.iter_requests(mark)) == []


def test_junit_agrees_with_the_exit_code(run_cli: RunCli) -> None:
    lenient = run_cli("acmeoss", "-f", "junit", "--fail-on", "not-eligible")
    assert lenient.returncode == 0
    assert "<failure" not in lenient.stdout
    assert '<skipped message="needs review: ' in lenient.stdout
    strict = run_cli("acmeoss", "-f", "junit")
    assert strict.returncode == 3
    assert '<failure type="review"' in strict.stdout


def test_the_application_pack(run_cli: RunCli) -> None:
    policy = (
        'namespaces = ["acmeoss"]\n[attestation]\nnon_commercial = true\n'
        'statement = "Donations only."\ncontact = "team@acmeoss.example"\n'
    )
    text = run_cli("acmeoss", "-f", "application", files={"dsos-check.toml": policy}).stdout
    assert text.startswith("# Docker-Sponsored Open Source application: `acmeoss`")
    for heading in (
        "## Organization",
        "## What the project publishes",
        "## Non-commercial statement",
        "## Before you apply",
    ):
        assert f"\n{heading}\n" in text
    assert (
        "| [`server`](https://hub.docker.com/r/acmeoss/server) | `Apache-2.0` | image label | <https://github.com/acmeoss/server> |"
        in text
    )
    assert "> Donations only." in text
    assert "`team@acmeoss.example`" in text
    assert "- [ ] **public** (command line)" in text


def test_help_is_grouped_with_examples_and_a_readable_namespace(run_cli: RunCli) -> None:
    text = run_cli("--help", env=NARROW, point_at_fakes=False).stdout
    for panel in ("Input", "Output", "Docker Hub and GitHub access", "Policy", "Network and cache"):
        assert f"─ {panel} ─" in text
    examples = text.split("Examples:", 1)[1]
    assert len(re.findall(r"^\s*(?:\S+=\S+ )*dsos-check ", examples, re.MULTILINE)) >= 3
    assert "NAMESPACE" in text
    assert "list[str]" not in text
    bad = run_cli("acmeoss", "-f", "nope", point_at_fakes=False)
    assert bad.returncode == 2
    assert "Value error" not in bad.stderr
    pasted = run_cli("https://hub.docker.com/u/acmeoss", point_at_fakes=False)
    assert pasted.returncode == 2
    assert "give the namespace: acmeoss" in pasted.stderr
