"""Shared test set-up: the suite runs on every core by default (pytest-xdist), and every test
under tests/e2e carries the `e2e` marker (`-m "not e2e"` skips them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

E2E_DIR = Path(__file__).parent / "e2e"

# Property tests assert what a function returns, never how long it took (speed is measured by
# bench/): hypothesis's default 200 ms deadline and its too-slow health check turned a loaded
# machine (CI runners, parallel workers) into failures of tests whose code was right.
settings.register_profile("dsos-check", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("dsos-check")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Default to `-n auto --dist loadfile` when pytest-xdist is loaded and no `-n` was given.

    Not in pyproject's addopts: there `-n` would make `-p no:xdist` an unknown-option error. Runs
    before xdist's own hook (a conftest registers after the plugin, so its tryfirst comes first).
    `-n 0` (or `-p no:xdist`) runs in one process; PYTEST_XDIST_AUTO_NUM_WORKERS sets the count.
    """
    if hasattr(config, "workerinput"):  # a worker of a distributed run: never fork again
        return
    if getattr(config.option, "numprocesses", 0) is None:
        config.option.numprocesses = "auto"
        if config.option.dist == "no":
            # Whole modules per worker: a module fixture (a 250-repository collection, a batch
            # run) is built once, not once per worker, and tests keep their order in the module.
            # The modules are many and the largest takes about a quarter of the suite, so the
            # workers still finish close together.
            config.option.dist = "loadfile"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the end-to-end tests, so a quick unit-only run is `pytest -m "not e2e"`."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _secrets_stay_with_their_test() -> Iterator[None]:
    """The secrets a test makes the process remember (`redact.remember_secret`: process-wide, as
    in a real run) are forgotten after it. Otherwise a later test in the same worker redacts with
    them: random six-character "secrets" from a property test once turned keys of an evidence
    file into `***`, so that file no longer validated, depending on which tests shared a worker."""
    from dsos_check import redact

    known = set(redact._known)
    yield
    redact._known.clear()
    redact._known.update(known)
