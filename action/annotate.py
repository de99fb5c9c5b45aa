"""Turn dsos-check's JSON report into the Action's `verdict` output and one annotation per namespace.

Run by action/run.sh with the interpreter dsos-check was installed into; standard library only.
Every string from the report goes through workflow-command escaping, so remote text can neither
end the annotation nor start a command of its own.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

SEVERITY = {"eligible": 0, "needs_review": 1, "not_eligible": 2, "error": 3}
COMMAND = {
    "eligible": "notice",
    "needs_review": "warning",
    "not_eligible": "error",
    "error": "error",
}
LABEL = {
    "eligible": "eligible",
    "needs_review": "needs review",
    "not_eligible": "not eligible",
    "error": "could not be checked",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_NAMESPACES = 1000  # annotations beyond a few per step are dropped by GitHub anyway
LIMIT = 500


def escape_data(text: str) -> str:
    """A workflow command's message: no control characters, `%`, CR and LF encoded."""
    text = _CONTROL.sub("", text)[:LIMIT]
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as data, plus `:` and `,` encoded."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(namespace: dict[str, Any]) -> str:
    """One `::error`/`::warning`/`::notice` line for a namespace's verdict."""
    name = str(namespace.get("namespace", "?"))
    verdict = str(namespace.get("verdict", "error"))
    message = f"{name}: {LABEL.get(verdict, verdict)}"
    if verdict == "error":
        message += f": {namespace.get('error') or 'unknown error'}"
    else:
        checks = namespace.get("checks") or []
        for outcome, words in (("fail", "failing"), ("review", "needs review")):
            ids = [str(c.get("id")) for c in checks if c.get("outcome") == outcome]
            if ids:
                message += f"; {words}: {', '.join(ids)}"
    command = COMMAND.get(verdict, "error")
    return f"::{command} title={escape_property(f'dsos-check {name}')}::{escape_data(message)}"


def main(argv: list[str]) -> int:
    """Print the annotations and write `verdict` (the most severe) to $GITHUB_OUTPUT."""
    try:
        with open(argv[1], encoding="utf-8") as handle:
            report = json.load(handle)
        namespaces = [ns for ns in report["namespaces"] if isinstance(ns, dict)]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        print(f"::error title=dsos-check::{escape_data(f'no report to annotate: {exc}')}")
        namespaces = []
    verdicts = [str(ns.get("verdict")) for ns in namespaces if ns.get("verdict") in SEVERITY]
    worst = max(verdicts, key=SEVERITY.__getitem__, default="")
    for namespace in namespaces[:MAX_NAMESPACES]:
        print(annotation(namespace))
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as handle:
            handle.write(f"verdict={worst}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
