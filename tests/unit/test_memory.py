"""Freed heap memory is given back to the system where glibc keeps it; elsewhere, nothing."""

from __future__ import annotations

import ctypes
import os
import platform
import sys

import pytest

from dsos_check.memory import release_free_memory


def _resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="glibc's malloc only"
)
def test_freed_memory_between_live_blocks_leaves_the_resident_set() -> None:
    # 48 MiB in 2 KiB blocks (glibc's heap, not Python's small-object arenas), one in 64 kept:
    # freeing the rest leaves holes that glibc keeps mapped until asked.
    blocks = [bytes(2048) for _ in range(24 * 1024)]
    kept = blocks[::64]
    del blocks
    before = _resident()
    release_free_memory()
    assert before - _resident() > 24 * 1024 * 1024
    assert len(kept) == 384


def test_without_malloc_trim_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    class NotGlibc:
        pass

    monkeypatch.setattr(ctypes, "CDLL", lambda name: NotGlibc())
    release_free_memory()

    def unloadable(name: object) -> None:
        raise OSError("no C library")

    monkeypatch.setattr(ctypes, "CDLL", unloadable)
    release_free_memory()
