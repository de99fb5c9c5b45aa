"""The human report: verdict, checks with reasons, a per-repository table and how to fix failures."""

from __future__ import annotations

from io import StringIO

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from dsos_check.models import (
    NamespaceReport,
    Outcome,
    Report,
    RepositoryReport,
    Verdict,
    format_time,
)
from dsos_check.report import since_baseline
from dsos_check.report.labels import SHORT_NAMES, VERDICT_LABEL, policy_notes
from dsos_check.text import shorten, visible

OUTCOME_STYLE = {
    Outcome.PASS: "green",
    Outcome.WARN: "yellow",
    Outcome.REVIEW: "magenta",
    Outcome.FAIL: "bold red",
}
OUTCOME_LABEL = {
    Outcome.PASS: "pass",
    Outcome.WARN: "warn",
    Outcome.REVIEW: "review",
    Outcome.FAIL: "FAIL",
}
VERDICT_STYLE = {
    Verdict.ELIGIBLE: "bold green",
    Verdict.NEEDS_REVIEW: "bold magenta",
    Verdict.NOT_ELIGIBLE: "bold red",
    Verdict.ERROR: "bold red",
}
MAX_REPOSITORY_ROWS = 500


def safe(value: str | None, limit: int = 80) -> Text:
    """Remote text as a plain rich Text: cleaned, one line, shortened, never parsed as markup."""
    return Text(shorten(value or "", limit))


def outcome_text(outcome: Outcome | None) -> Text:
    """An outcome word in its colour."""
    if outcome is None:
        return Text("-", style="dim")
    return Text(OUTCOME_LABEL[outcome], style=OUTCOME_STYLE[outcome])


def render(report: Report, *, color: bool = False, width: int = 120, verbose: bool = False) -> str:
    """The report as text for a terminal (colour only when asked; never an escape byte otherwise)."""
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )
    console.print(
        Text(
            f"dsos-check {report.tool.version} · SPDX license list "
            f"{report.tool.spdx_license_list_version} · activity window "
            f"{report.policy.active_days} days · {format_time(report.generated_at)}",
            style="dim",
        )
    )
    policy = _policy_line(report)
    if policy:
        console.print(Text(policy, style="dim"))
    for namespace in report.namespaces:
        console.print()
        console.print(_namespace(namespace, verbose))
    text = buffer.getvalue()
    if not color:  # rich pads cells to the table width: drop the trailing blanks
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text


def _namespace(ns: NamespaceReport, verbose: bool) -> Group:
    parts: list[Table | Text | Padding] = []
    title = Text()
    title.append(shorten(ns.namespace, 60), style="bold")
    title.append(": ")
    title.append(VERDICT_LABEL[ns.verdict], style=VERDICT_STYLE[ns.verdict])
    if ns.account is not None:
        title.append(f"  ({ns.account.type}", style="dim")
        if ns.sponsored:
            title.append(", already in the DSOS program: renewal check", style="dim")
        title.append(", authenticated" if ns.authenticated else ", anonymous", style="dim")
        title.append(")", style="dim")
    parts.append(title)
    if ns.verdict is Verdict.ERROR:
        parts.append(Text(f"  {shorten(ns.error or 'unknown error', 300)}", style="red"))
        return Group(*parts)

    checks = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    checks.add_column("check", no_wrap=True)
    checks.add_column("outcome", no_wrap=True)
    checks.add_column("why")
    for check in ns.checks:
        checks.add_row(Text(check.id), outcome_text(check.outcome), safe(check.summary, 300))
    parts.append(Padding(checks, (1, 0, 0, 2), expand=False))

    if ns.repositories:
        parts.append(Padding(_repositories(ns.repositories, verbose), (1, 0, 0, 2), expand=False))
        details = _details(ns.repositories, verbose)
        if details:
            parts.append(Padding(Text("Details:", style="bold"), (1, 0, 0, 2), expand=False))
            parts.append(Padding(Group(*details), (0, 0, 0, 2), expand=False))

    if ns.excluded or ns.warnings:
        notes = Text()
        for item in ns.excluded:
            notes.append("excluded ", style="dim")
            notes.append(shorten(item.name, 60), style="bold")
            notes.append(f" (policy {shorten(item.pattern, 40)!r}): {shorten(item.reason, 200)}\n")
        for warning in ns.warnings:
            notes.append("warn ", style=OUTCOME_STYLE[Outcome.WARN])
            notes.append(shorten(warning, 300) + "\n")
        notes.rstrip()
        parts.append(Padding(notes, (1, 0, 0, 2), expand=False))
    parts += since_baseline.table_parts(ns)

    fixes = [c for c in ns.checks if c.outcome in (Outcome.FAIL, Outcome.REVIEW) and c.remediation]
    if fixes:
        how = Table.grid(padding=(0, 1))
        how.add_column(no_wrap=True)
        how.add_column(no_wrap=True)
        how.add_column()
        for check in fixes:
            how.add_row(
                Text("•"),
                Text(f"{check.id}:", style=OUTCOME_STYLE[check.outcome]),
                safe(check.remediation, 400),
            )
        parts.append(Padding(Text("How to fix:", style="bold"), (1, 0, 0, 2), expand=False))
        parts.append(Padding(how, (0, 0, 0, 4), expand=False))
    return Group(*parts)


def _policy_line(report: Report) -> str:
    """The policy file in one line: where it came from and what it changes."""
    policy = report.policy
    if policy.config_file is None:
        return ""
    return " · ".join([f"policy: {shorten(policy.config_file, 80)}", *policy_notes(policy)])


def _repositories(repositories: tuple[RepositoryReport, ...], verbose: bool) -> Table:
    table = Table(show_header=True, header_style="bold", title_justify="left", box=None)
    table.add_column("repository", overflow="fold")
    table.add_column("license (source)", overflow="fold")
    table.add_column("last push", no_wrap=True)
    table.add_column("image", no_wrap=True)
    check_ids = list(dict.fromkeys(k for r in repositories for k in r.outcomes))
    for check_id in check_ids:
        table.add_column(SHORT_NAMES.get(check_id, check_id), no_wrap=True)
    shown = repositories if verbose else repositories[:MAX_REPOSITORY_ROWS]
    for repo in shown:
        license_text = Text(shorten(visible(repo.license.expression or "none found"), 40))
        if repo.license.source:
            license_text.append(f" ({repo.license.source})", style="dim")
        row: list[Text] = [
            safe(repo.name, 60),
            license_text,
            Text(repo.last_pushed.strftime("%Y-%m-%d") if repo.last_pushed else "-"),
            Text({True: "yes", False: "no", None: "?"}[repo.has_images]),
        ]
        row += [outcome_text(repo.outcomes.get(check_id)) for check_id in check_ids]
        table.add_row(*row)
    if len(shown) < len(repositories):
        table.add_row(Text(f"… and {len(repositories) - len(shown)} more (use -v or -f json)"))
    return table


def _details(repositories: tuple[RepositoryReport, ...], verbose: bool) -> list[Text | Padding]:
    """Why each repository did not pass (and, with -v, every license clue); wrapped lines indent."""
    rows: list[Text | Padding] = []
    for repo in repositories:
        lines = [f"{check_id}: {reason}" for check_id, reason in repo.reasons.items()]
        if verbose:
            lines += [f"license clue: {line}" for line in repo.license.evidence]
        if not lines:
            continue
        rows.append(Text(shorten(repo.name, 60), style="bold"))
        rows += [Padding(Text(shorten(line, 300)), (0, 0, 0, 2), expand=False) for line in lines]
    return rows
