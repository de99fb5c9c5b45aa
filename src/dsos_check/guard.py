"""The last edge: an unexpected internal error becomes one redacted line and exit 4.

Exit 4 means "could not check"; a crash must never look like a verdict (0, 1 or 3). The
traceback is shown only with -v, and every known secret is removed from both.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence

from dsos_check.exitcodes import EXIT_ERROR
from dsos_check.redact import redact
from dsos_check.text import clean, shorten


def _verbose(argv: Sequence[str]) -> bool:
    for arg in argv:
        if arg == "--":
            return False
        if arg == "--verbose" or (arg.startswith("-") and not arg.startswith("--") and "v" in arg):
            return True
    return False


def internal_error_line(exc: BaseException) -> str:
    """The one line shown for an unexpected error."""
    detail = shorten(str(exc), 200)
    return redact(
        f"Error: internal error ({type(exc).__name__}{': ' + detail if detail else ''}); "
        "this is a bug in dsos-check. Run with -v for the traceback."
    )


def run_guarded(entry: Callable[[], object], argv: Sequence[str] | None = None) -> None:
    """Call the command line's entry point; exit 4 with one line on any unexpected exception."""
    args = sys.argv[1:] if argv is None else argv
    try:
        entry()
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # the edge: anything not in our error model is a bug
        if _verbose(args):
            trace = "".join(traceback.format_exception(exc))
            sys.stderr.write(redact(clean(trace)))
        sys.stderr.write(internal_error_line(exc) + "\n")
        sys.stderr.flush()
        sys.exit(EXIT_ERROR)
