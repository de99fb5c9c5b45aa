"""The grammar of an SPDX expression, checked in one linear pass before any parser sees it.

Characters, parenthesis depth and operator order are checked here (licenses.md §1.5-1.6); the
result is a skeleton in which every license is a placeholder, the only thing the parser library
is trusted with.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

__all__ = [
    "MAX_PAREN_DEPTH",
    "OPERATORS",
    "PLAIN_WORD",
    "InvalidExpression",
    "Skeleton",
    "echo",
    "syntax_error",
    "tokenize",
]

MAX_PAREN_DEPTH: Final = 50
_ECHO_LIMIT: Final = 60
PLAIN_WORD: Final = re.compile(r"[A-Za-z0-9.+:_-]+")
# Whitespace, a parenthesis, a word, or any other single character (which is refused).
_TOKEN: Final = re.compile(r"[ \t\r\n]+|[()]|[A-Za-z0-9.+:_-]+|.", re.DOTALL)
OPERATORS: Final = frozenset({"AND", "OR", "WITH"})


def echo(text: str, limit: int = _ECHO_LIMIT) -> str:
    """`text` made safe to show: control/format characters dropped, whitespace collapsed, cut."""
    text = text[: limit * 4]
    cleaned = " ".join(text.split())
    if not cleaned.isprintable():  # rare: only then look at each character's category
        cleaned = "".join(ch for ch in cleaned if not unicodedata.category(ch).startswith("C"))
        cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        return cleaned[: limit - 1] + "…"
    return cleaned


def _describe_char(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if unicodedata.category(ch).startswith(("C", "Z")):
        return code
    return f"'{ch}' ({code})"


class InvalidExpression(Exception):
    """Raised for input that is not a valid (or acceptable) SPDX expression."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def syntax_error(text: str, problem: str) -> InvalidExpression:
    """The error for `text`, echoed safely, with the problem found."""
    return InvalidExpression(f"'{echo(text)}' is not a valid SPDX expression: {problem}.")


@dataclass(frozen=True, slots=True)
class Skeleton:
    """The expression with every license/exception replaced by a placeholder `s<index>`."""

    tokens: tuple[str, ...]
    symbols: tuple[str, ...]
    compound: bool  # contains AND/OR


def _pieces(text: str) -> list[tuple[str, str]]:
    """(kind, text) with kinds ( ) OP WITH SYM; consecutive words form one symbol ("Apache 2.0")."""
    raw: list[tuple[str, str]] = []
    words: list[str] = []

    def flush() -> None:
        if words:
            raw.append(("SYM", " ".join(words)))
            words.clear()

    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece[0] in " \t\r\n":
            continue
        if piece in ("(", ")"):
            flush()
            raw.append((piece, piece))
        elif PLAIN_WORD.fullmatch(piece) is None:
            raise syntax_error(text, f"{_describe_char(piece)} is not allowed")
        elif piece.upper() in OPERATORS:
            flush()
            raw.append(("WITH" if piece.upper() == "WITH" else "OP", piece.upper()))
        else:
            words.append(piece)
    flush()
    return raw


@dataclass
class _Grammar:
    """The state of the operator-grammar check over the pieces of one expression."""

    text: str
    tokens: list[str] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    depth: int = 0
    compound: bool = False
    expect: str = "operand"  # "operand" | "operator" | "exception"
    after_license: bool = False  # the previous piece was a license that may take WITH
    previous: str = ""

    def symbol(self, value: str, *, license_: bool) -> None:
        self.tokens.append(f"s{len(self.symbols)}")
        self.symbols.append(value)
        self.expect, self.after_license = "operator", license_

    def open(self) -> None:
        if self.expect != "operand":
            raise syntax_error(self.text, "'(' cannot directly follow a license")
        self.depth += 1
        if self.depth > MAX_PAREN_DEPTH:
            raise InvalidExpression(
                f"The license expression nests parentheses more than {MAX_PAREN_DEPTH} deep."
            )
        self.tokens.append("(")

    def close(self) -> None:
        if self.expect == "operand":
            if self.previous == "(":
                raise syntax_error(self.text, "it has empty parentheses")
            if self.previous in ("AND", "OR"):
                raise syntax_error(self.text, f"{self.previous} needs a license on both sides")
            raise syntax_error(self.text, "its parentheses do not balance")
        self.depth -= 1
        if self.depth < 0:
            raise syntax_error(self.text, "its parentheses do not balance")
        self.tokens.append(")")
        self.expect, self.after_license = "operator", False

    def operator(self, value: str, first: bool) -> None:
        if self.expect == "operand":
            if first:
                raise syntax_error(self.text, f"it starts with {value}")
            raise syntax_error(self.text, f"{value} needs a license on both sides")
        self.tokens.append(value)
        self.compound = True
        self.expect, self.after_license = "operand", False

    def with_(self) -> None:
        if not self.after_license:
            if self.previous == "EXC":
                raise syntax_error(self.text, "a license can take only one WITH exception")
            raise syntax_error(self.text, "WITH must follow a license id")
        self.tokens.append("WITH")
        self.expect, self.after_license = "exception", False

    def finish(self) -> Skeleton:
        if self.expect == "exception":
            raise syntax_error(self.text, "it ends with WITH")
        if self.expect == "operand":
            if self.previous in ("AND", "OR"):
                raise syntax_error(self.text, f"it ends with {self.previous}")
            raise syntax_error(self.text, "its parentheses do not balance")
        if self.depth != 0:
            raise syntax_error(self.text, "its parentheses do not balance")
        return Skeleton(tuple(self.tokens), tuple(self.symbols), self.compound)


def tokenize(text: str) -> Skeleton:
    """Check characters, parenthesis depth and the operator grammar in one linear pass.

    Consecutive words form one symbol ("Apache 2.0"), as in license-expression. Everything the
    library would get wrong (trailing operators, `()`, misplaced WITH) is refused here.
    """
    grammar = _Grammar(text)
    for position, (kind, value) in enumerate(_pieces(text)):
        if grammar.expect == "exception":
            if kind != "SYM":
                raise syntax_error(text, "WITH must be followed by a license exception id")
            grammar.symbol(value, license_=False)
            grammar.previous = "EXC"
            continue
        if kind == "(":
            grammar.open()
        elif kind == ")":
            grammar.close()
        elif kind == "SYM":
            if grammar.expect != "operand":
                raise syntax_error(text, "a license cannot directly follow ')'")
            grammar.symbol(value, license_=True)
        elif kind == "OP":
            grammar.operator(value, position == 0)
        else:
            grammar.with_()
        grammar.previous = value if kind != "SYM" else "SYM"
    return grammar.finish()
