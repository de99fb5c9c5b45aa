"""The helper thread that imports the judging and rendering code while a run collects."""

from __future__ import annotations

import subprocess
import sys


def test_preload_imports_what_the_runner_needs_after_collecting_on_another_thread() -> None:
    # A fresh interpreter: in this one the modules are imported already.
    script = (
        "import sys, threading\n"
        "from dsos_check.preload import MODULES, preload\n"
        "assert not any(m in sys.modules for m in MODULES)\n"
        "thread = preload()\n"
        "assert thread.daemon and thread is not threading.current_thread()\n"
        "thread.join(60)\n"
        "print(all(m in sys.modules for m in MODULES))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "True", done.stderr


def test_preload_covers_every_module_the_runner_imports_after_collecting() -> None:
    import inspect

    from dsos_check import runner
    from dsos_check.preload import MODULES

    source = inspect.getsource(runner._run)
    after = source.split("_gather(options, diag)", 1)[1]
    imported = {
        line.split()[1] for line in after.splitlines() if line.strip().startswith("from dsos_check")
    }
    assert imported <= set(MODULES)
