"""How many CPUs this process can keep busy: those it may run on, capped by its container's CPU
quota.

A container given two CPUs' worth of time (`docker run --cpus 2`, a Kubernetes CPU limit, a CI
runner) still sees every CPU of its host in its affinity mask; processes beyond the quota only
take turns, each holding its own memory. The quota is the cgroup's: `cpu.max` (cgroup v2) or
`cpu.cfs_quota_us` over `cpu.cfs_period_us` (v1), for this process's cgroup and the cgroup root
as this process sees it. Anything unreadable or odd counts as no quota.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

__all__ = ["usable_cpus"]

_ROOT: Final = Path("/sys/fs/cgroup")
_MAX_READ: Final = 4096  # every file read here is a line or a few
_MAX_LINES: Final = 64  # of /proc/self/cgroup


def usable_cpus(root: Path = _ROOT, membership: Path = Path("/proc/self/cgroup")) -> int:
    """The CPUs this process may run on, at most its CPU quota rounded up; at least 1."""
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cpus = affinity or os.cpu_count() or 1
    quota = cpu_quota(root, membership)
    return max(1, min(cpus, math.ceil(quota))) if quota is not None else cpus


def cpu_quota(root: Path = _ROOT, membership: Path = Path("/proc/self/cgroup")) -> float | None:
    """The smallest CPU quota (in CPUs) of this process's cgroup or the root; None if none."""
    quotas = [q for q in map(_quota, _directories(root, membership)) if q is not None]
    return min(quotas) if quotas else None


def _directories(root: Path, membership: Path) -> Iterator[Path]:
    """Where this process's CPU controller files may be: cgroup v2's unified tree, then v1's
    `cpu` hierarchy, each at the root and at this process's own cgroup."""
    own_v2, own_v1 = _own_paths(_read(membership))
    for base, own in ((root, own_v2), (root / "cpu", own_v1), (root / "cpu,cpuacct", own_v1)):
        yield base
        if own:
            yield base / own


def _own_paths(text: str | None) -> tuple[str | None, str | None]:
    """This process's cgroup paths (relative) in the v2 tree and in v1's `cpu` hierarchy."""
    v2 = v1 = None
    for line in (text or "").splitlines()[:_MAX_LINES]:
        parts = line.split(":", 2)
        if len(parts) != 3 or ".." in parts[2]:
            continue
        path = parts[2].strip("/")
        if parts[0] == "0" and not parts[1]:
            v2 = path
        elif "cpu" in parts[1].split(","):
            v1 = path
    return v2, v1


def _quota(directory: Path) -> float | None:
    unified = _read(directory / "cpu.max")
    if unified is not None:
        fields = unified.split()
        if len(fields) == 2:
            return _ratio(fields[0], fields[1])
        return None
    quota = _read(directory / "cpu.cfs_quota_us")
    period = _read(directory / "cpu.cfs_period_us")
    if quota is None or period is None:
        return None
    return _ratio(quota.strip(), period.strip())


def _ratio(quota: str, period: str) -> float | None:
    """quota / period when both are positive integers ("max" and -1 mean no quota)."""
    if not (quota.isdigit() and period.isdigit()) or int(quota) <= 0 or int(period) <= 0:
        return None
    return int(quota) / int(period)


def _read(path: Path) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read(_MAX_READ)
    except (OSError, ValueError):
        return None
