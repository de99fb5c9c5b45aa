"""The helper thread that imports the judging and rendering code while a run collects."""

from __future__ import annotations

from .fresh import run_fresh


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
    done = run_fresh(script)
    assert done.returncode == 0, done.stderr
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


def test_preload_freezes_what_is_loaded_only_when_the_console_script_asks() -> None:
    # The console script owns its process; a test running the CLI in-process must keep
    # collecting its garbage, so nothing is frozen unless FREEZE is set.
    def frozen_counts(freeze: bool) -> list[int]:
        script = (
            "import gc\n"
            "import dsos_check.collect.session\n"
            "from dsos_check import preload\n"
            f"preload.FREEZE = {freeze}\n"
            "before = gc.get_freeze_count()\n"
            "thread = preload.preload()\n"
            "at_start = gc.get_freeze_count()\n"
            "thread.join(60)\n"
            "print(before, at_start, gc.get_freeze_count())\n"
        )
        done = run_fresh(script)
        assert done.returncode == 0, done.stderr
        return [int(n) for n in done.stdout.split()]

    assert frozen_counts(False) == [0, 0, 0]
    before, at_start, after = frozen_counts(True)
    assert before == 0
    assert at_start > 10_000  # the collection's modules, frozen before the thread starts
    assert after > at_start  # and the judging modules, once the thread loaded them
