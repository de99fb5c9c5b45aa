"""Shared test set-up: the suite runs on every core by default (pytest-xdist), and every test
under tests/e2e carries the `e2e` marker (`-m "not e2e"` skips them)."""

from __future__ import annotations

from pathlib import Path

import pytest

E2E_DIR = Path(__file__).parent / "e2e"


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Default to `-n auto --dist loadgroup` when pytest-xdist is loaded and no `-n` was given.

    Not in pyproject's addopts: there `-n` would make `-p no:xdist` an unknown-option error. Runs
    before xdist's own hook (a conftest registers after the plugin, so its tryfirst comes first).
    `-n 0` (or `-p no:xdist`) runs in one process; PYTEST_XDIST_AUTO_NUM_WORKERS sets the count.
    """
    if hasattr(config, "workerinput"):  # a worker of a distributed run: never fork again
        return
    if getattr(config.option, "numprocesses", 0) is None:
        config.option.numprocesses = "auto"
        if config.option.dist == "no":
            # Per test, except tests marked with one xdist_group (they share a module fixture
            # that is expensive to build) go to the same worker.
            config.option.dist = "loadgroup"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the end-to-end tests, so a quick unit-only run is `pytest -m "not e2e"`."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
