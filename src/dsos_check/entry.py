"""The console script: `dsos-check --version` answers before the command line is even built.

Typer builds its whole command (every option, from the signature) before it handles an eager
`--version`; that costs more than importing typer itself. A lone `--version` is answered here
instead, with the same line; everything else goes to `cli.main`. At the end the process skips
the interpreter's last full garbage collection: every object is about to be freed at once.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        from dsos_check.spdx_version import version_line

        sys.stdout.write(version_line() + "\n")
        return
    from dsos_check.cli import main as run_cli

    try:
        run_cli()
    finally:
        # The process ends here. The interpreter's last full collection would walk every object
        # of the run (about 0.1 s after a large namespace) only for the OS to free them at once.
        gc.freeze()
