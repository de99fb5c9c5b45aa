"""The CPUs a process can keep busy: its affinity, capped by a container's CPU quota."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dsos_check import cpus


def _tree(tmp_path: Path, files: dict[str, str], membership: str) -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("latin-1"))  # bytes as the kernel would not write them too
    listing = tmp_path / "self-cgroup"
    listing.write_text(membership, encoding="ascii")
    return root, listing


def test_cgroup_v2_quota_at_the_root_and_at_the_own_cgroup(tmp_path: Path) -> None:
    root, listing = _tree(
        tmp_path,
        {"cpu.max": "max 100000\n", "ci/job/cpu.max": "150000 100000\n"},
        "0::/ci/job\n",
    )
    assert cpus.cpu_quota(root, listing) == 1.5


def test_cgroup_v1_quota_in_either_hierarchy_name(tmp_path: Path) -> None:
    for hierarchy in ("cpu", "cpu,cpuacct"):
        root, listing = _tree(
            tmp_path / hierarchy,
            {
                f"{hierarchy}/docker/abc/cpu.cfs_quota_us": "200000\n",
                f"{hierarchy}/docker/abc/cpu.cfs_period_us": "100000\n",
                f"{hierarchy}/cpu.cfs_quota_us": "-1\n",
                f"{hierarchy}/cpu.cfs_period_us": "100000\n",
            },
            "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n0::/\n",
        )
        assert cpus.cpu_quota(root, listing) == 2.0


@pytest.mark.parametrize(
    "text",
    ["max 100000", "", "garbage", "0 100000", "100000 0", "-5 100000", "1 2 3", "\x00\xff"],
)
def test_no_quota_unlimited_or_unreadable(tmp_path: Path, text: str) -> None:
    root, listing = _tree(tmp_path, {"cpu.max": text}, "0::/\n")
    assert cpus.cpu_quota(root, listing) is None


def test_no_cgroup_files_at_all(tmp_path: Path) -> None:
    assert cpus.cpu_quota(tmp_path / "absent", tmp_path / "absent-too") is None


def test_a_path_that_climbs_out_of_the_tree_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "cpu.max").write_text("100000 100000", encoding="ascii")
    root, listing = _tree(tmp_path, {}, "0::/../..\n")
    assert cpus.cpu_quota(root, listing) is None


def test_usable_cpus_is_the_affinity_capped_by_the_quota_rounded_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    monkeypatch.setattr(cpus, "cpu_quota", lambda *args: None)
    assert cpus.usable_cpus() == 16
    monkeypatch.setattr(cpus, "cpu_quota", lambda *args: 2.5)
    assert cpus.usable_cpus() == 3
    monkeypatch.setattr(cpus, "cpu_quota", lambda *args: 0.2)
    assert cpus.usable_cpus() == 1
    monkeypatch.setattr(cpus, "cpu_quota", lambda *args: 64.0)
    assert cpus.usable_cpus() == 16
