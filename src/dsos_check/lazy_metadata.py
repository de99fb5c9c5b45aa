"""`importlib.metadata` imported only when something reads it, for the console script.

Pydantic's plugin loader does `from importlib.metadata import entry_points` when the first model
is built, although with `PYDANTIC_DISABLE_PLUGINS=__all__` (which the console script sets) it
never calls it. That import pulls in `email`, `zipfile`, `socket` and `csv`: about 20 ms, a
twentieth of an offline run's start-up, for nothing. An offline run imports nothing else that
reads package metadata.

`install` puts a stand-in under that name: its `entry_points` and every other attribute import
the real module on first use and answer from it, so code that does read metadata (a plugin
look-up after all, or another library) gets what it would have. The real module replaces the
stand-in in `sys.modules` (and on `importlib`) as soon as it is imported.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import threading
import types
from typing import Any

NAME = "importlib.metadata"
# Two threads' first uses must not both take the stand-in out of `sys.modules` (the second
# would take out the real module, half imported by the first); re-entrant, for a use of the
# stand-in while the real module is being imported.
_SWAP = threading.RLock()


class _StandIn(types.ModuleType):
    """Answers every attribute from the real module, imported on first use."""

    def __getattr__(self, attribute: str) -> Any:
        return getattr(_real(), attribute)


def _real() -> types.ModuleType:
    with _SWAP:
        if isinstance(sys.modules.get(NAME), _StandIn):
            del sys.modules[NAME]
        # The import system sets `importlib.metadata` to the real module once it is loaded.
        return importlib.import_module(NAME)


def _entry_points(**selection: Any) -> Any:
    # Bound by name when imported (`from importlib.metadata import entry_points`), so it must
    # exist before the real module does.
    return _real().entry_points(**selection)


def install() -> None:
    """Stand in for `importlib.metadata` until something uses it (nothing, if it is loaded)."""
    if NAME in sys.modules:
        return
    spec = importlib.machinery.PathFinder.find_spec(NAME, importlib.__path__)
    if spec is None or spec.submodule_search_locations is None:
        return
    stand_in = _StandIn(NAME, __doc__)
    # The import system asks a module for `__path__` before `from ... import` picks names from
    # it: the real one, found without running it, keeps that from importing the real module.
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.entry_points = _entry_points  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
    importlib.metadata = stand_in
