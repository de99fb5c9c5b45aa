"""What a network run does before its first request and after its report: only what it needs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from dsos_check.evidence import write_evidence
from tests.unit.checks.factories import NOW, make_evidence, make_repo

from .fresh import run_fresh as _fresh


def test_validating_the_options_without_a_baseline_does_not_load_the_evidence_module() -> None:
    done = _fresh(
        "import sys\n"
        "from dsos_check.options import CommandLine\n"
        "options = CommandLine(namespaces=('acme',)).validate()\n"
        "print(options.baseline, 'dsos_check.evidence' in sys.modules)\n"
    )
    assert done.stdout.strip() == "None False", done.stderr


def test_a_hidden_progress_bar_does_not_load_richs_progress_module() -> None:
    done = _fresh(
        "import sys\n"
        "from rich.console import Console\n"
        "from dsos_check.progress import ProgressBar\n"
        "with ProgressBar(3, Console(), enabled=False) as bar:\n"
        "    bar.advance(None, 10, 0.0)\n"
        "print('rich.progress' in sys.modules)\n"
    )
    assert done.stdout.strip() == "False", done.stderr


def test_a_shown_progress_bar_still_counts_namespaces_and_requests() -> None:
    from dsos_check.models import CollectionFailure
    from dsos_check.progress import ProgressBar

    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    with ProgressBar(2, console, enabled=True) as bar:
        bar.advance(CollectionFailure(namespace="a", error="x"), 7, 3.0)
        assert bar._progress is not None
        task = bar._progress.tasks[0]
        assert (task.completed, task.total) == (1, 2)
        assert task.fields["detail"] == "7 requests, 3s rate-limit waits"


def test_the_process_ends_with_the_runs_exit_code_and_everything_it_wrote() -> None:
    # Written without a newline and never flushed by hand: only the exit's flush delivers it.
    for code, expected in (("3", 3), ("None", 0), ("0", 0)):
        done = _fresh(
            "import atexit, sys\n"
            "from dsos_check.entry import _leave\n"
            "atexit.register(lambda: print('teardown ran'))\n"
            "sys.stdout.write('report' * 10000)\n"
            "sys.stderr.write('summary')\n"
            f"_leave(SystemExit({code}))\n"
        )
        assert done.returncode == expected
        assert done.stdout == "report" * 10000  # the interpreter's teardown did not run
        assert done.stderr == "summary"


def test_an_exit_with_a_message_takes_pythons_usual_way_out() -> None:
    done = _fresh("from dsos_check.entry import _leave\n_leave(SystemExit('bad things'))\n")
    assert done.returncode == 1
    assert done.stderr.strip() == "bad things"


def test_the_console_script_freezes_what_the_command_line_is_built_from() -> None:
    # The garbage collector's full passes skip the imports that live as long as the process.
    done = _fresh(
        "import gc, sys\n"
        "sys.argv = ['dsos-check', '--evidence', '/nonexistent/evidence.json', '-q']\n"
        "import dsos_check.entry as entry\n"
        "seen = []\n"
        "entry._leave = lambda done: seen.append((done.code, gc.get_freeze_count()))\n"
        "entry.main()\n"
        "code, frozen = seen[0]\n"
        "print(code, frozen > 10000, 'typer' in sys.modules)\n"
    )
    assert done.stdout.strip() == "2 True True", done.stderr


def test_a_ctrl_c_python_could_not_raise_still_stops_the_run_without_a_traceback() -> None:
    # A KeyboardInterrupt in a finaliser (as in an import's lock callback) is only "ignored" by
    # Python: the console script remembers it, and the runner stops before writing anything.
    done = _fresh(
        "from dsos_check import interrupts\n"
        "interrupts.install()\n"
        "interrupts.stop_if_interrupted()\n"
        "class Finalised:\n"
        "    def __del__(self):\n"
        "        raise KeyboardInterrupt\n"
        "Finalised()\n"
        "try:\n"
        "    interrupts.stop_if_interrupted()\n"
        "except KeyboardInterrupt:\n"
        "    print('stopped')\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped"
    assert done.stderr == ""


def test_other_unraisable_errors_are_still_reported() -> None:
    done = _fresh(
        "from dsos_check import interrupts\n"
        "interrupts.install()\n"
        "class Finalised:\n"
        "    def __del__(self):\n"
        "        raise ValueError('in a finaliser')\n"
        "Finalised()\n"
        "interrupts.stop_if_interrupted()\n"
        "print('went on')\n"
    )
    assert done.stdout.strip() == "went on"
    assert "ValueError: in a finaliser" in done.stderr


def test_a_quiet_offline_run_to_a_file_does_not_load_rich(tmp_path: Path) -> None:
    # It says nothing on stderr, so it needs no console; a run that speaks still gets one.
    evidence, report = tmp_path / "evidence.json", tmp_path / "report.json"
    write_evidence(str(evidence), [make_evidence()], generated_at=NOW)
    done = _fresh(
        "import sys\n"
        "from pathlib import Path\n"
        "from dsos_check.choices import Format\n"
        "from dsos_check.options import CommandLine\n"
        "from dsos_check.runner import run\n"
        f"options = CommandLine(evidence=Path({str(evidence)!r}), output=Path({str(report)!r}),"
        " quiet=True, fmt=Format.JSON).validate()\n"
        "code = run(options, sys.stdout, sys.stderr)\n"
        "print(code, 'rich' in sys.modules)\n"
    )
    assert done.stdout.split()[1:] == ["False"], done.stderr
    assert '"namespace": "example"' in report.read_text()
    spoken = _fresh(done.args[-1].replace("quiet=True", "quiet=False"))
    assert spoken.stdout.split()[1:] == ["True"], spoken.stderr
    assert "example: " in spoken.stderr


def test_the_policy_file_schema_is_built_only_when_a_file_is_read(tmp_path: Path) -> None:
    # Every run looks for a policy file; the models of its format cost start-up only when
    # there is one.
    (tmp_path / "dsos-check.toml").write_text("active_days = 30\n")
    done = _fresh(
        "from pathlib import Path\n"
        "from dsos_check.config import PolicyFile, load_policy\n"
        f"none = load_policy(None, Path({str(tmp_path / 'empty')!r}))\n"
        "before = PolicyFile.__pydantic_complete__\n"
        f"found = load_policy(None, Path({str(tmp_path)!r}))\n"
        "print(before, PolicyFile.__pydantic_complete__, none.active_days, found.active_days)\n"
    )
    assert done.stdout.split() == ["False", "True", "183", "30"], done.stderr


def _console_script(prelude: str, evidence: Path, report: Path) -> str:
    """The console script re-evaluating `evidence` into `report`, in a fresh interpreter, after
    `prelude` (which fills a list `seen`); its standard output: `seen`, printed at exit."""
    done = _fresh(
        "import gc, os, sys\n"
        "seen = []\n"
        f"{prelude}"
        "os._exit = lambda code: (print(*seen), sys.stdout.flush(), sys.exit(code))\n"
        f"sys.argv = ['dsos-check', '--evidence', {str(evidence)!r}, '-q', '-o', {str(report)!r}]\n"
        "from dsos_check.entry import main\n"
        "main()\n"
    )
    assert report.stat().st_size > 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(("preset", "expected"), [(None, "__all__"), ("someplugin", "someplugin")])
def test_the_console_script_does_not_look_for_pydantic_plugins(
    tmp_path: Path, preset: str | None, expected: str
) -> None:
    """Pydantic scans every installed distribution's entry points for plugins when the first
    model is built; the console script turns that off for its own process (the variable is left
    alone when the user set it)."""
    example = Path(__file__).resolve().parents[2] / "examples" / "evidence.json"
    prelude = (
        "import importlib.metadata as metadata\n"
        + (f"os.environ['PYDANTIC_DISABLE_PLUGINS'] = {preset!r}\n" if preset else "")
        + "real = metadata.entry_points\n"
        "def entry_points(**kw):\n"
        "    seen.append(kw.get('group'))\n"
        "    return real(**kw)\n"
        "metadata.entry_points = entry_points\n"
        # Printed at exit, so the variable as the run left it.
        "class Variable:\n"
        "    def __str__(self):\n"
        "        return os.environ['PYDANTIC_DISABLE_PLUGINS']\n"
        "seen.append(Variable())\n"
    )
    seen = _console_script(prelude, example, tmp_path / "r.json").split()
    assert seen[0] == expected  # the variable, printed first
    if preset is None:
        assert seen == ["__all__"]  # and no look-up of entry points at all


def test_the_console_script_keeps_the_evidence_out_of_the_collectors_passes(
    tmp_path: Path,
) -> None:
    """Everything a run reads lives until its report is written: the console script freezes
    it once gathered and collects young objects every 50,000 allocations, not 700."""
    path = tmp_path / "evidence.json"
    repositories = tuple(make_repo(name=f"r{i}") for i in range(300))
    write_evidence(str(path), [make_evidence(repositories=repositories)], generated_at=NOW)
    prelude = (
        "import dsos_check.evidence as evidence, dsos_check.judge as judge\n"
        "load, real = evidence.load_evidence, judge.judge_all\n"
        "def load_evidence(path):\n"
        "    seen.append(gc.get_freeze_count())\n"
        "    return load(path)\n"
        "def judge_all(*args, **kw):\n"
        "    seen.extend((gc.get_freeze_count(), gc.get_threshold()[0]))\n"
        "    return real(*args, **kw)\n"
        "evidence.load_evidence, judge.judge_all = load_evidence, judge_all\n"
    )
    output = _console_script(prelude, path, tmp_path / "r.json")
    before, after, threshold = map(int, output.split())
    assert threshold == 50_000
    # Each repository is several tracked objects (its model, image, tag, tuples, dicts).
    assert after - before > 300 * 3, (before, after)


def test_the_command_lines_annotations_are_evaluated_once_at_import() -> None:
    # Typer reads the signature three times while building the command; annotations left as
    # strings would be evaluated (every typer.Option in them built again) each time.
    import inspect

    from dsos_check.cli import run

    annotations = inspect.get_annotations(run)
    assert annotations
    assert not any(isinstance(a, str) for a in annotations.values())


def test_every_report_and_evidence_model_is_complete_once_its_module_is_imported() -> None:
    # A model naming one defined after it is built twice (incomplete, then again when first
    # used), and with string annotations pydantic evaluates each field's type: both cost start-up.
    done = _fresh(
        "from dsos_check import models\n"
        "classes = [c for c in vars(models).values()\n"
        "           if isinstance(c, type) and issubclass(c, models.Model)]\n"
        "print(len(classes) > 20, all(c.__pydantic_complete__ for c in classes))\n"
    )
    assert done.stdout.strip() == "True True", done.stderr


def test_scanner_patterns_are_compiled_when_a_text_first_needs_them() -> None:
    # Most of the rider and commercial-signal patterns never run in a given run (a text without
    # their keywords skips them): compiling them all at import cost start-up about 30 ms.
    done = _fresh(
        "from dsos_check.checks import commercial_signals as signals\n"
        "from dsos_check.licenses import riders\n"
        "specs = (*signals._SCANNER.specs, *riders._SCANNER.specs)\n"
        "def compiled():\n"
        "    return sum('pattern' in vars(spec) or 'pattern' in vars(spec.anchored or spec)\n"
        "               for spec in specs)\n"
        "print(len(specs), compiled())\n"
        "print(bool(signals.find_commercial_signals('Buy the Enterprise Edition: $99 per node.')))\n"
        "print(0 < compiled() < 10)\n"
    )
    count, at_import, after, *_ = done.stdout.split()
    assert int(count) > 50, done.stderr
    assert (at_import, after) == ("0", "True"), done.stdout


def test_every_scanner_pattern_compiles_once_for_its_spec_and_its_anchors() -> None:
    import re

    from dsos_check.checks import commercial_signals
    from dsos_check.licenses import riders

    for spec in (*commercial_signals._SCANNER.specs, *riders._SCANNER.specs):
        assert spec.pattern.flags & re.IGNORECASE
        if spec.anchored is not None:
            assert spec.anchored.pattern is spec.pattern


def test_the_console_script_raises_the_collection_threshold_before_its_imports() -> None:
    # Every module and class an import builds survives; with the default threshold importing
    # Typer alone made 30 young collections, each walking what the previous ones kept.
    done = _fresh(
        "import gc, sys\n"
        "sys.argv = ['dsos-check', '--evidence', '/nonexistent/evidence.json', '-q']\n"
        "seen = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and seen.append(phase))\n"
        "import dsos_check.entry as entry\n"
        "entry._leave = lambda done: print(done.code, len(seen) < 10, 'typer' in sys.modules)\n"
        "entry.main()\n"
    )
    assert done.stdout.splitlines()[0] == "2 True True", done.stderr
