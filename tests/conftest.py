"""Shared test set-up: every test under tests/e2e carries the `e2e` marker (`-m "not e2e"` skips them)."""

from __future__ import annotations

from pathlib import Path

import pytest

E2E_DIR = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the end-to-end tests, so a quick unit-only run is `pytest -m "not e2e"`."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
