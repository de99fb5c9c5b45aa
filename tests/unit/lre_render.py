"""Canonical license texts from the patterns licenseclassifier ships (its LRE files).

An LRE pattern is the license's text with `((a || b))` alternatives, `??` optional words,
`__N__` wildcards and `//** comments **//`. Rendering takes the first alternative, keeps optional
words and drops wildcards and comments: the plainest text the pattern was written for.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

_TOKEN = re.compile(r"//\*\*.*?\*\*//|\(\(|\)\)|\|\||\?\?|__\d+__", re.DOTALL)


def render(pattern: str) -> str:
    stack: list[list[list[str]]] = [[[]]]  # groups → alternatives → pieces
    position = 0
    for match in _TOKEN.finditer(pattern):
        stack[-1][-1].append(pattern[position : match.start()])
        position = match.end()
        token = match.group()
        if token == "((":
            stack.append([[]])
        elif token == "||" and len(stack) > 1:
            stack[-1].append([])
        elif token == "))" and len(stack) > 1:
            group = stack.pop()
            stack[-1][-1].append(" " + "".join(group[0]) + " ")
    stack[-1][-1].append(pattern[position:])
    while len(stack) > 1:
        group = stack.pop()
        stack[-1][-1].append("".join(group[0]))
    lines = "".join(stack[0][0]).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines).strip()


def canonical_texts() -> dict[str, str]:
    """SPDX id → rendered text, for every non-empty pattern the installed classifier ships."""
    import licenseclassifier

    path = Path(licenseclassifier.__file__).parent / "_engine" / "licenses.json.gz"
    entries = json.loads(gzip.decompress(path.read_bytes()))
    texts: dict[str, str] = {}
    for entry in entries:
        if entry.get("lre"):
            texts.setdefault(entry["id"], render(entry["lre"]))
    return texts
