"""The judging and rendering code, imported on a helper thread while a run waits on the network.

Those modules (the checks, the license tables, every report format: about 0.2 s of CPU, more on a
busy machine) are needed only once every answer is in, and collecting spends most of its time
waiting for answers. Importing them then, instead of before the first request, takes them off the
run's critical path. Python's imports are thread-safe (a module another thread is importing is
waited for); the collection modules are imported before the thread starts, so the event loop's
own imports never interleave with these.
"""

from __future__ import annotations

import gc
import importlib
import threading

# Set by the console script (entry.py), which owns its process: what is loaded for good before
# collecting, and then on the helper thread, is frozen (`gc.freeze`), out of the garbage
# collector's full passes (one of 30-80 ms fell on a cold run's first requests). Off for anything
# else running the CLI in its own process (the tests), whose garbage must stay collectable.
FREEZE = False

# What `runner` imports once collecting is done.
MODULES = (
    "dsos_check.changes",
    "dsos_check.evidence",
    "dsos_check.judge",
    "dsos_check.memory",
    "dsos_check.parallel",
    "dsos_check.report",
    "dsos_check.step_summary",
)


def freeze() -> None:
    """In the console script's process, move everything that exists now out of the garbage
    collector's passes: it lives until the report is written."""
    if FREEZE:
        gc.freeze()


def preload() -> threading.Thread:
    """Start importing MODULES on a daemon thread (it never holds up the process's exit)."""
    freeze()  # the collection's modules, the options and the policy live for the run
    thread = threading.Thread(target=_import_all, name="dsos-check-preload", daemon=True)
    thread.start()
    return thread


def _import_all() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the main thread's own import raises it again, where it is reported
            return
    freeze()
