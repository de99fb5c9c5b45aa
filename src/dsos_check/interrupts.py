"""Ctrl-C is never lost, even when it lands where Python cannot raise it.

Python raises KeyboardInterrupt at whatever code runs when SIGINT arrives. When that is a
finaliser or a weakref callback (one runs each time an import releases its module lock), the
exception cannot propagate: Python prints it as "Exception ignored" with a traceback, and the run
goes on to write its report and exit with a verdict, as though the user had not asked it to stop.
The console script routes those to `_unraisable` instead, which remembers the interrupt without a
traceback, and the runner calls `stop_if_interrupted` before it writes anything: the run then ends
as any Ctrl-C does (exit 130, nothing written).
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["install", "stop_if_interrupted"]

_interrupted = False


def install() -> None:
    """Catch the interrupts Python could not raise (for this process: the console script's)."""
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        global _interrupted
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            _interrupted = True
        else:
            previous(unraisable)

    sys.unraisablehook = hook


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C arrived where it could not be raised."""
    if _interrupted:
        raise KeyboardInterrupt
