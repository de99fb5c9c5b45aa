"""The "since the baseline" section of the table and Markdown reports (only with --baseline).

It sorts a namespace's `changes` into what a renewal reviewer asks: what got fixed, what is
newly a problem, which repositories appeared or disappeared, which licenses changed, and any
other change. Lines are plain text; each renderer makes them safe for its medium.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from rich.padding import Padding
from rich.text import Text

from dsos_check.models import Change, NamespaceReport, Outcome
from dsos_check.text import shorten

HEADING = "Since the baseline"
PROBLEMS = (Outcome.REVIEW, Outcome.FAIL)
_SEVERITY = {None: -1, Outcome.PASS: 0, Outcome.WARN: 1, Outcome.REVIEW: 2, Outcome.FAIL: 3}
MAX_LINES = 200  # per group; a namespace of thousands of repositories must not flood a report


class Group(NamedTuple):
    """One kind of change and its lines."""

    title: str
    lines: list[str]


def groups(ns: NamespaceReport) -> list[Group] | None:
    """The namespace's changes sorted into groups (None without --baseline; [] when unchanged)."""
    if ns.changes is None:
        return None
    current = {r.name for r in ns.repositories}
    touched = {c.repository for c in ns.changes if c.repository is not None}
    known_before = {c.repository for c in ns.changes if c.repository and c.before is not None}
    added = sorted(r for r in touched & current if r not in known_before)
    removed = sorted(touched - current)
    fixed, new, other = [], [], []
    for change in ns.changes:
        if change.repository in removed:
            continue
        if change.after in PROBLEMS and _SEVERITY[change.after] > _SEVERITY[change.before]:
            new.append(_describe(change))
        elif change.before in PROBLEMS and change.after not in PROBLEMS:
            fixed.append(_describe(change))
        elif change.repository not in added:
            other.append(_describe(change))
    licenses = [
        f"{lc.repository}: {lc.before or 'none found'} → {lc.after or 'none found'}"
        for lc in ns.license_changes or ()
    ]
    found = [
        Group("fixed", fixed),
        Group("new problems", new),
        Group("repositories added", added),
        Group("repositories removed", removed),
        Group("licenses changed", licenses),
        Group("other changes", other),
    ]
    return [g for g in found if g.lines]


def _describe(change: Change) -> str:
    if change.repository is None:
        subject = f"{change.check} (namespace)"
    else:
        subject = f"{change.repository}: {change.check}"
    before = change.before.value if change.before else "absent"
    after = change.after.value if change.after else "absent"
    return f"{subject}: {before} → {after}"


def _bounded(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return [*lines[:MAX_LINES], f"… and {len(lines) - MAX_LINES} more (use --format json)"]


def table_parts(ns: NamespaceReport) -> list[Padding]:
    """The section for the terminal table (nothing without --baseline)."""
    found = groups(ns)
    if found is None:
        return []
    body = Text()
    if not found:
        body.append("no change")
    for group in found:
        body.append(f"{group.title}:\n", style="bold")
        for line in _bounded(group.lines):
            body.append(f"  • {shorten(line, 300)}\n")
    body.rstrip()
    return [
        Padding(Text(f"{HEADING}:", style="bold"), (1, 0, 0, 2), expand=False),
        Padding(body, (0, 0, 0, 4), expand=False),
    ]


def markdown_lines(ns: NamespaceReport, escape: Callable[[str, int], str]) -> list[str]:
    """The section for the Markdown report; `escape` makes remote text inert Markdown."""
    found = groups(ns)
    if found is None:
        return []
    lines = ["", f"**{HEADING}**", ""]
    if not found:
        return [*lines, "No change."]
    for group in found:
        lines.append(f"- {group.title}:")
        lines += [f"  - {escape(line, 400)}" for line in _bounded(group.lines)]
    return lines
