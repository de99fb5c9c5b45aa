"""The README stays true: every check and every option the program has is documented there."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from dsos_check.checks import CHECKS
from dsos_check.cli import app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_check_is_documented_in_the_checks_table() -> None:
    section = README.split("## What it checks", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.MULTILINE)
    assert documented == [check.id for check in CHECKS]


def test_every_option_is_documented() -> None:
    command = typer.main.get_command(app)
    options = {
        name
        for param in command.params
        for name in getattr(param, "opts", [])
        if name.startswith("--") and name != "--help"
    }
    section = README.split("## Usage", 1)[1].split("\n## ", 1)[0]
    missing = sorted(
        option for option in options if f"`{option}" not in section and f" {option}" not in section
    )
    assert missing == []


def test_exit_codes_are_documented() -> None:
    for code in range(5):
        assert f"| {code} |" in README
