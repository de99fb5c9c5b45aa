"""The shared keyword pre-scan: word starts, whole short words, symbols anywhere."""

from __future__ import annotations

import re

from dsos_check.checks.commercial_signals import find_commercial_signals
from dsos_check.scanner import KeywordScanner, Spec

SCANNER = KeywordScanner(
    [
        Spec("pro", ("pro",), re.compile(r"\bpro\b")),
        Spec("sales", ("sales", "sales@"), re.compile(r"sales")),
        Spec("money", ("$", "usd"), re.compile(r"\$|usd")),
        Spec("licence", ("licen",), re.compile(r"licen")),
    ]
)


def test_short_keywords_are_whole_words() -> None:
    assert "pro" not in SCANNER.present("a project of professionals")
    assert "pro" in SCANNER.present("upgrade to pro.")


def test_long_keywords_match_at_word_starts_only() -> None:
    assert "licen" in SCANNER.present("licensed under")
    assert "licen" in SCANNER.present("dual-licensed")
    assert "licen" not in SCANNER.present("unlicensed")


def test_a_longer_keyword_implies_the_shorter_it_starts_with() -> None:
    assert SCANNER.present("mail sales@example.com") >= {"sales", "sales@"}


def test_symbols_and_digits() -> None:
    assert SCANNER.present("only us$5") >= {"$"}
    assert "usd" in SCANNER.present("5usd per month")


def test_candidates_are_the_specs_with_a_keyword() -> None:
    labels = [spec.label for spec in SCANNER.candidates(SCANNER.present("contact sales"))]
    assert labels == ["sales"]


def test_project_is_not_a_pro_edition() -> None:
    assert find_commercial_signals("A project for professionals, built with pro-active care.") == []
    assert [s.kind for s in find_commercial_signals("Upgrade to Pro for more.")] == ["pro edition"]
