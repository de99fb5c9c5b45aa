"""The console script's stand-in for `importlib.metadata`: nothing imports the real module until
something reads it, and whatever reads it gets what the real module gives."""

from __future__ import annotations

from pathlib import Path

from .fresh import run_fresh

_INSTALLED = (
    "import importlib, sys\nfrom dsos_check import lazy_metadata\nlazy_metadata.install()\n"
)


def _kind() -> str:
    return "type(sys.modules['importlib.metadata']).__name__"


def test_importing_entry_points_loads_nothing_and_calling_it_asks_the_real_module() -> None:
    done = run_fresh(
        _INSTALLED + "from importlib.metadata import entry_points\n"
        f"print({_kind()}, 'email' in sys.modules, 'zipfile' in sys.modules)\n"
        "names = sorted(e.name for e in entry_points(group='console_scripts'))\n"
        f"print({_kind()}, 'dsos-check' in names)\n"
        "import importlib.metadata as real\n"
        "print(names == sorted(e.name for e in real.entry_points(group='console_scripts')))\n"
    )
    assert done.stdout.split() == ["_StandIn", "False", "False", "module", "True", "True"], (
        done.stderr
    )


def test_any_other_use_gets_the_real_module_which_then_replaces_the_stand_in() -> None:
    done = run_fresh(
        _INSTALLED + "import importlib.metadata as metadata\n"
        "print(metadata.version('pydantic') == __import__('pydantic').VERSION)\n"
        f"print({_kind()}, importlib.metadata is sys.modules['importlib.metadata'])\n"
        "from importlib.metadata import PackageNotFoundError, distribution\n"
        "print(distribution('typer').metadata['Name'].lower())\n"
    )
    assert done.stdout.split() == ["True", "module", "True", "typer"], done.stderr


def test_a_submodule_is_imported_under_the_stand_in_as_under_the_real_module() -> None:
    done = run_fresh(
        _INSTALLED + "import importlib.metadata._meta as meta\n"
        f"print({_kind()}, hasattr(meta, 'PackageMetadata'))\n"
        "print(importlib.metadata.version('pydantic') != '')\n"
    )
    assert done.stdout.split() == ["_StandIn", "True", "True"], done.stderr


def test_an_already_imported_module_is_left_alone() -> None:
    done = run_fresh(
        "import importlib.metadata, sys\n"
        "from dsos_check import lazy_metadata\n"
        "lazy_metadata.install()\n"
        f"print({_kind()})\n"
    )
    assert done.stdout.strip() == "module", done.stderr


def test_an_offline_run_of_the_console_script_never_reads_package_metadata(
    tmp_path: Path,
) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "evidence.json"
    report = tmp_path / "r.json"
    done = run_fresh(
        "import os, sys\n"
        "os.environ.pop('PYDANTIC_DISABLE_PLUGINS', None)\n"
        "real_exit = os._exit\n"
        "def leave(code):\n"
        f"    print({_kind()}, 'email' in sys.modules, code)\n"
        "    sys.stdout.flush()\n"
        "    real_exit(0)\n"
        "os._exit = leave\n"
        f"sys.argv = ['dsos-check', '--evidence', {str(example)!r}, '-q', '-o', {str(report)!r}]\n"
        "from dsos_check.entry import main\n"
        "main()\n"
    )
    kind, email, _code = done.stdout.split()
    assert (kind, email) == ("_StandIn", "False"), done.stderr
    assert report.stat().st_size > 0
