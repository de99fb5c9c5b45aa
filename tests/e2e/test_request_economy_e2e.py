"""End-to-end request economy: pulls per image, the pull budget, GitHub batches and limits."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from tests.e2e.conftest import RunCli
from tests.fakehub import (
    FakeDockerHub,
    GitHubRepo,
    Namespace,
    RecordedRequest,
    Repo,
    Tag,
    World,
    days_ago,
)
from tests.fakehub.scenarios import image_repo


def world_with(*namespaces: Namespace) -> World:
    world = World()
    world.namespaces.extend(namespaces)
    return world


def manifest_requests(requests: list[RecordedRequest], method: str) -> Counter[str]:
    """Manifest requests of `method` per repository (namespace/name)."""
    counts: Counter[str] = Counter()
    for r in requests:
        if r.server == "registry" and r.method == method and "/manifests/" in r.path:
            counts[r.path.split("/manifests/")[0].removeprefix("/v2/")] += 1
    return counts


def only(report: dict[str, Any]) -> dict[str, Any]:
    [entry] = report["namespaces"]
    assert isinstance(entry, dict)
    return entry


def test_manifest_gets_per_image_cold_and_warm(run_cli: RunCli, tmp_path: Path) -> None:
    repos = [image_repo("econ", f"multi{i}") for i in range(3)]
    repos += [image_repo("econ", f"single{i}", kind="single") for i in range(2)]
    with FakeDockerHub(world_with(Namespace("econ", repos=repos))) as stack:
        env = {"DSOS_CACHE_DIR": str(tmp_path / "cache")}
        cold = run_cli("econ", "-f", "json", stack=stack, env=env)
        assert cold.returncode in (0, 3), cold.describe()
        requests = list(stack.iter_requests())
        gets = manifest_requests(requests, "GET")
        assert {k: v for k, v in gets.items() if "multi" in k} == {
            f"econ/multi{i}": 2 for i in range(3)
        }
        assert {k: v for k, v in gets.items() if "single" in k} == {
            f"econ/single{i}": 1 for i in range(2)
        }
        # One free HEAD per run reads the pull budget; no repository is HEADed before its GET.
        assert sum(manifest_requests(requests, "HEAD").values()) == 1
        assert stack.token_requests == 1  # five scopes, one token
        labels = [r["license"]["source"] for r in only(cold.json())["repositories"]]
        assert labels == ["image-label"] * 5

        # By default Docker Hub is asked again; tags are then checked with free HEADs.
        mark = stack.mark()
        rerun = run_cli("econ", "-f", "json", stack=stack, env=env)
        assert rerun.returncode == cold.returncode
        again = list(stack.iter_requests(mark))
        assert sum(manifest_requests(again, "GET").values()) == 0
        assert sum(manifest_requests(again, "HEAD").values()) == 5

        mark = stack.mark()
        warm = run_cli("econ", "-f", "json", stack=stack, env={**env, "DSOS_CACHE_TTL": "600"})
        assert warm.returncode == cold.returncode
        assert list(stack.iter_requests(mark)) == []


def test_a_small_pull_budget_is_never_overshot_and_spent_one_pull_per_image(
    run_cli: RunCli,
) -> None:
    repos = [image_repo("scarce", f"r{i:02d}") for i in range(20)]
    world = world_with(Namespace("scarce", repos=repos))
    world.pull_budget = 7
    with FakeDockerHub(world) as stack:
        result = run_cli("scarce", "-f", "json", stack=stack)
        entry = only(result.json())
        gets = manifest_requests(list(stack.iter_requests()), "GET")
        assert sum(gets.values()) == 7
        assert set(gets.values()) == {1}  # the platform manifest only, by Hub's digest
        assert stack.state.pulls_refused == 0
        labelled = [r for r in entry["repositories"] if r["license"]["source"] == "image-label"]
        assert len(labelled) == 7
        warnings = "\n".join(entry["warnings"])
        assert "tag API" in warnings
        assert "image labels were not read for 13 repositories" in warnings
        assert "refills by" in warnings


def test_with_a_github_token_look_ups_are_batched(run_cli: RunCli) -> None:
    repos = [image_repo("batched", f"r{i:03d}") for i in range(120)]
    world = world_with(Namespace("batched", repos=repos))
    for i in range(120):
        world.github_repos[f"batched/r{i:03d}"] = GitHubRepo("MIT", "MIT License\n")
    with FakeDockerHub(world) as stack:
        result = run_cli("batched", "-f", "json", "--github-token", "ghp_BATCH", stack=stack)
        assert result.returncode in (0, 3), result.describe()
        github = [r for r in stack.iter_requests() if r.server == "github"]
        assert [r.path for r in github] == ["/graphql", "/graphql"]
        sources = {r["name"]: r["license"] for r in only(result.json())["repositories"]}
        assert len(sources) == 120


def test_a_spent_anonymous_github_limit_is_reported_with_its_reset(run_cli: RunCli) -> None:
    repos = [
        Repo(
            f"r{i}",
            full_description=f"Source: https://github.com/ghspent/r{i}\n",
            tags=[Tag("latest", days_ago(2), kind="single")],
        )
        for i in range(6)
    ]
    world = world_with(Namespace("ghspent", repos=repos))
    world.github_anonymous_budget = 2
    for i in range(6):  # licensed on GitHub, but the raw host has no file by a known name
        world.github_repos[f"ghspent/r{i}"] = GitHubRepo("MIT", "MIT License\n", path="docs/L")
    with FakeDockerHub(world) as stack:
        result = run_cli("ghspent", "-f", "json", "--concurrency", "1", stack=stack)
        entry = only(result.json())
        [line] = [w for w in entry["warnings"] if "GitHub" in w]
        assert "4 source repositories went unchecked" in line
        assert "resets at" in line


def test_a_buildkit_cache_tag_is_named_and_its_entries_never_requested(run_cli: RunCli) -> None:
    repo = Repo("cache", tags=[Tag("latest", days_ago(1), kind="buildkit-cache")])
    with FakeDockerHub(world_with(Namespace("cacheorg", repos=[repo]))) as stack:
        result = run_cli("cacheorg", "-f", "json", stack=stack)
        entry = only(result.json())
        gets = [r for r in stack.iter_requests() if r.method == "GET" and "/manifests/" in r.path]
        assert [r.path for r in gets] == ["/v2/cacheorg/cache/manifests/latest"]
        [repository] = entry["repositories"]
        assert repository["outcomes"]["produces-images"] == "fail"
        assert (
            repository["reasons"]["produces-images"] == "holds only BuildKit build cache artifacts"
        )
