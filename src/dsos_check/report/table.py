"""The human report, for a terminal of any width (80 columns included).

Layout: the verdict first; the checks with their reasons; only the repositories that did not pass,
each as a short block (name on its own line, so a long name wraps whole instead of being cut into
a narrow column); what to fix, with the exact text to paste; and the verdict again on the last line.
Repositories that pass every check are counted, and listed only with `-v`.
"""

from __future__ import annotations

import textwrap
from io import StringIO

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from dsos_check.models import Fix, NamespaceReport, Outcome, Report, RepositoryReport, Verdict
from dsos_check.report import labels, since_baseline
from dsos_check.report.base import Renderer
from dsos_check.text import shorten, visible

# How each outcome is shown: its word and its colour.
OUTCOME_LOOK = {
    Outcome.PASS: ("pass", "green"),
    Outcome.WARN: ("warn", "yellow"),
    Outcome.REVIEW: ("review", "magenta"),
    Outcome.FAIL: ("FAIL", "bold red"),
}
VERDICT_STYLE = {
    Verdict.ELIGIBLE: "bold green",
    Verdict.NEEDS_REVIEW: "bold magenta",
    Verdict.NOT_ELIGIBLE: "bold red",
    Verdict.ERROR: "bold red",
}
MAX_REPOSITORY_BLOCKS = 200  # without -v; the JSON report always holds every repository
CHECK_INDENT = 2
SUMMARY_COLUMN = 27  # the longest check id, a space, the longest outcome word, a space
NAME_LIMIT = 255  # Docker Hub's own limit on a repository name: never cut below it


def safe(value: str | None, limit: int = 300) -> Text:
    """Remote text as a plain rich Text: cleaned, one line, shortened, never parsed as markup."""
    return Text(shorten(value or "", limit))


def outcome_text(outcome: Outcome | None) -> Text:
    """An outcome word in its colour."""
    if outcome is None:
        return Text("-", style="dim")
    word, style = OUTCOME_LOOK[outcome]
    return Text(word, style=style)


class TableRenderer(Renderer):
    """The `table` format: text for a terminal, fitted to `options.width`."""

    def render(self, report: Report) -> str:
        """The report as text for a terminal (colour only when asked; never an escape byte
        otherwise)."""
        color = self.options.color
        buffer = StringIO()
        console = Console(
            file=buffer,
            width=max(40, self.options.width),
            force_terminal=color,
            no_color=not color,
            color_system="standard" if color else None,
            highlight=False,
            emoji=False,
            markup=False,
        )
        for part in sections(report, self.options.verbose, console.width):
            console.print(part)
        text = buffer.getvalue()
        if not color:  # rich pads to the width: drop the trailing blanks
            text = "\n".join(line.rstrip() for line in text.split("\n"))
        return text


def sections(report: Report, verbose: bool, width: int) -> list[RenderableType]:
    """The report's parts in order; each namespace is one part (other sections slot in between)."""
    parts: list[RenderableType] = [_verdict_line(report), _header(report)]
    for ns in report.namespaces:
        parts += [Text(""), namespace_block(ns, verbose, width)]
    parts += [Text(""), _verdict_line(report)]
    return parts


def _verdict_line(report: Report) -> Text:
    line = Text("Verdict: ", style="bold")
    line.append(labels.VERDICT_LABEL[report.verdict], style=VERDICT_STYLE[report.verdict])
    line.append(f" {labels.overall_line(report)}")
    return line


def _header(report: Report) -> Text:
    return Text("\n".join(labels.header_lines(report)), style="dim")


def namespace_block(ns: NamespaceReport, verbose: bool, width: int) -> Group:
    """One namespace: title, checks, repositories that did not pass, notes, and what to fix."""
    parts: list[RenderableType] = [_title(ns)]
    if ns.verdict is Verdict.ERROR:
        parts.append(Padding(safe(ns.error or "unknown error"), (0, 0, 0, 2), style="red"))
        return Group(*parts)
    if labels.anonymous_hint(ns):
        line = f"{labels.ANONYMOUS_HINT} (the token it takes: see 'What to fix')."
        parts.append(Padding(Text(line, style="magenta"), (0, 0, 0, 2)))
    parts.append(Padding(_checks(ns, width), (1, 0, 0, CHECK_INDENT)))
    parts += _repositories(ns, verbose)
    parts += _notes(ns)
    parts += since_baseline.table_parts(ns)
    parts += _namespace_fixes(ns.fixes)
    return Group(*parts)


def _title(ns: NamespaceReport) -> Text:
    title = Text()
    title.append(shorten(ns.namespace, NAME_LIMIT), style="bold")
    title.append(": ")
    title.append(labels.VERDICT_LABEL[ns.verdict], style=VERDICT_STYLE[ns.verdict])
    if ns.account is not None:
        facts = [ns.account.type, "authenticated" if ns.authenticated else "anonymous"]
        if ns.sponsored:
            facts.append("already in the DSOS program: renewal check")
        count = len(ns.repositories)
        facts.append(f"{count} {'repository' if count == 1 else 'repositories'}")
        title.append(f"  ({', '.join(facts)})", style="dim")
    return title


def _checks(ns: NamespaceReport, width: int) -> Text:
    """One check a line: id, outcome, then its summary wrapped under itself; a summary holding a
    word too long for that column (a long repository name) goes on the lines below instead, so
    names are never broken."""
    text = Text()
    column = width - CHECK_INDENT - SUMMARY_COLUMN
    for check in ns.checks:
        summary = shorten(check.summary, 600)
        text.append(f"{check.id:<{SUMMARY_COLUMN - 8}}")
        text.append_text(outcome_text(check.outcome))
        text.append(" " * (8 - len(OUTCOME_LOOK[check.outcome][0])))
        longest = max((len(word) for word in summary.split()), default=0)
        if longest <= column:
            lines = _wrap(summary, column)
            text.append(lines[0] + "\n")
            text.append("".join(" " * SUMMARY_COLUMN + line + "\n" for line in lines[1:]))
        else:
            text.append("\n")
            lines = _wrap(summary, width - CHECK_INDENT - 2)
            text.append("".join(f"  {line}\n" for line in lines))
    text.rstrip()
    return text


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(10, width), break_long_words=False, break_on_hyphens=False) or [
        ""
    ]


def _repositories(ns: NamespaceReport, verbose: bool) -> list[RenderableType]:
    failing = [r for r in ns.repositories if _needs_attention(r)]
    passing = [r for r in ns.repositories if not _needs_attention(r)]
    parts: list[RenderableType] = []
    if failing:
        heading = f"Repositories that did not pass ({len(failing)} of {len(ns.repositories)}):"
        parts.append(Padding(Text(heading, style="bold"), (1, 0, 0, 2)))
        shown = failing if verbose else failing[:MAX_REPOSITORY_BLOCKS]
        parts += [Padding(_repository(r, verbose), (0, 0, 0, 2)) for r in shown]
        if len(shown) < len(failing):
            more = f"… and {len(failing) - len(shown)} more (-v lists them, -f json has all)"
            parts.append(Padding(Text(more), (0, 0, 0, 2)))
    if passing:
        parts.append(Padding(_passing(passing, verbose), (1 if not failing else 0, 0, 0, 2)))
    return parts


def _needs_attention(repo: RepositoryReport) -> bool:
    return any(o in (Outcome.REVIEW, Outcome.FAIL) for o in repo.outcomes.values())


def _passing(passing: list[RepositoryReport], verbose: bool) -> RenderableType:
    line = Text(labels.passing_line(passing))
    if not verbose:
        extras = line.plain.endswith(")")
        line.append("; -v lists them" + (" with their fixes" if extras else ""), style="dim")
        return line
    rows: list[RenderableType] = [line]
    rows += [Padding(_repository(r, verbose), (0, 0, 0, 2)) for r in passing]
    return Group(*rows)


def _repository(repo: RepositoryReport, verbose: bool) -> Group:
    """One repository: its name whole with its license and last push, each reason (warnings only
    with -v) and each fix."""
    head = Text(shorten(repo.name, NAME_LIMIT), style="bold", overflow="fold")
    license_text = shorten(visible(repo.license.expression or "none found"), 80)
    source = f" ({repo.license.source})" if repo.license.source else ""
    pushed = repo.last_pushed.strftime("%Y-%m-%d") if repo.last_pushed else "never"
    head.append(f"  license {license_text}{source}, last push {pushed}", style="dim")
    rows: list[RenderableType] = [head]
    for check_id, reason in repo.reasons.items():
        outcome = repo.outcomes.get(check_id)
        if outcome is Outcome.WARN and not verbose:
            continue
        line = Text()
        line.append_text(outcome_text(outcome))
        line.append(f" {check_id}: {shorten(reason, 400)}")
        rows.append(Padding(line, (0, 0, 0, 2)))
    if verbose:
        rows += [
            Padding(Text(f"license clue: {shorten(e, 300)}", style="dim"), (0, 0, 0, 2))
            for e in repo.license.evidence
        ]
    rows += [Padding(_fix(f), (0, 0, 0, 2)) for f in repo.fixes]
    return Group(*rows)


def _fix(fix: Fix) -> Group:
    line = Text("fix ", style="bold")
    line.append(f"({labels.FIX_PLACE[fix.where]}): ", style="dim")
    line.append(shorten(fix.action, 600))
    rows: list[RenderableType] = [line]
    if fix.snippet:
        snippet = Text("\n".join(labels.snippet_lines(fix.snippet)), style="cyan")
        rows.append(Padding(snippet, (0, 0, 0, 2)))
    return Group(*rows)


def _notes(ns: NamespaceReport) -> list[RenderableType]:
    if not (ns.excluded or ns.warnings):
        return []
    notes = Text()
    for item in ns.excluded:
        notes.append("excluded ", style="dim")
        notes.append(shorten(item.name, NAME_LIMIT), style="bold")
        only = f" from {', '.join(item.checks)}" if item.checks else ""
        notes.append(
            f"{only} (policy {shorten(item.pattern, 60)!r}): {shorten(item.reason, 300)}\n"
        )
    for warning in ns.warnings:
        notes.append("warn ", style=OUTCOME_LOOK[Outcome.WARN][1])
        notes.append(shorten(warning, 400) + "\n")
    notes.rstrip()
    return [Padding(notes, (1, 0, 0, 2))]


def _namespace_fixes(fixes: tuple[Fix, ...]) -> list[RenderableType]:
    if not fixes:
        return []
    parts: list[RenderableType] = [Padding(Text("What to fix:", style="bold"), (1, 0, 0, 2))]
    for fix in sorted(fixes, key=lambda f: f.where == "command-line"):  # the namespace first
        line = Text(f"{fix.check} ", style="bold")
        line.append(f"({labels.FIX_PLACE[fix.where]}): ", style="dim")
        line.append(shorten(fix.action, 600))
        parts.append(Padding(line, (0, 0, 0, 2)))
        if fix.snippet:
            snippet = Text("\n".join(labels.snippet_lines(fix.snippet)), style="cyan")
            parts.append(Padding(snippet, (0, 0, 0, 4)))
    return parts
