"""The console script: `dsos-check --version` answers before the command line is even built.

Typer builds its whole command (every option, from the signature) before it handles an eager
`--version`; that costs more than importing typer itself. A lone `--version` is answered here
instead, with the same line; everything else goes to `cli.main`. Once the run has written
everything, the process ends without the interpreter's teardown (see `_leave`). Only the console
script does either: tests run `cli` in their own process, which must keep collecting garbage.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        from dsos_check.spdx_version import version_line

        sys.stdout.write(version_line() + "\n")
        return
    # A run builds many objects that live until its report is written (evidence, analyses,
    # reports) and few reference cycles: with the default threshold (700) a 5,000-repository
    # re-evaluation made 300 young and 30 middle collections in each process, each walking the
    # survivors again (0.1-0.15 s). Cycles are still collected, every 50,000 allocations. Set
    # before the imports too, whose modules and classes all survive (30 collections for Typer).
    gc.set_threshold(50_000, 20, 100)
    # Pydantic looks through every installed distribution's entry points for its plugins when
    # the first model is built (tens of ms in a large environment): the command line's models
    # have none to load. Set only for this process, before pydantic is imported.
    if os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__") == "__all__":
        from dsos_check import lazy_metadata

        lazy_metadata.install()  # pydantic's plugin loader imports it only to look for plugins
    from dsos_check import interrupts, preload
    from dsos_check.cli import main as run_cli

    interrupts.install()

    # What the command line is built from (typer, pydantic, rich) lives as long as the process.
    # Frozen, the garbage collector's full passes no longer walk it; `preload` freezes again
    # once the run's own modules are in. Without this, one full pass over every module (30-80
    # ms) fell on a cold run's first requests; with it, a 200-repository run makes none.
    gc.freeze()
    preload.FREEZE = True
    try:
        run_cli()
    except SystemExit as done:
        _leave(done)
    _leave(SystemExit(0))


def _leave(done: SystemExit) -> None:
    """End the process with `done`'s exit code once stdout and stderr are flushed.

    The interpreter's own exit would then tear down every module and free every object of the
    run one by one (50-100 ms after a large namespace, a final garbage collection included),
    only for the OS to take the memory back at once. Every file the run writes is complete and
    closed before this point (reports and cache entries are written atomically, each closed);
    only the standard streams may hold buffered text. A code that is not a plain number, or a
    stream that cannot be flushed (a closed pipe), takes Python's usual way out instead, so
    its message and exit status stay what they always were.
    """
    code = done.code
    if code is not None and not isinstance(code, int):
        raise done
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise done from None
    os._exit(code or 0)
