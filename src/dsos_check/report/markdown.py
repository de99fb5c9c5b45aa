"""The Markdown report (GitHub-flavoured): for a pull-request comment or `$GITHUB_STEP_SUMMARY`.

Every string that came from Docker Hub, an image or GitHub is untrusted and passes through `md`,
which makes it inert text: no control or escape characters, one line, bounded length, and no
Markdown or HTML structure: no heading, list, table cell, emphasis, link, image, HTML tag,
@mention, issue reference, bare-URL autolink or math.
"""

from __future__ import annotations

import re

from dsos_check.models import (
    CheckResult,
    NamespaceReport,
    Outcome,
    Report,
    RepositoryReport,
    Verdict,
    format_time,
)
from dsos_check.report import since_baseline
from dsos_check.report.labels import SHORT_NAMES, VERDICT_LABEL, policy_notes
from dsos_check.text import shorten

# Our own markup, never built from untrusted text: a failure stands out in bold.
OUTCOME_CELL = {
    Outcome.PASS: "pass",
    Outcome.WARN: "warn",
    Outcome.REVIEW: "review",
    Outcome.FAIL: "**fail**",
}
CELL_LIMIT = 200  # characters of untrusted text in a table cell, before escaping
LINE_LIMIT = 400  # ... in a bullet
MAX_REPOSITORY_ROWS = 200  # a PR comment holds at most 65,536 characters
MAX_REASON_LINES = 200

# An empty HTML comment splits `@name`, `#123`, `http://` and `www.` invisibly, so GitHub links
# none of them; unlike a zero-width joiner it leaves no hidden character in the text itself.
SPLIT = "<!-- -->"
# Backslash-escaped wherever they occur (CommonMark lets any ASCII punctuation be escaped;
# `$` is GitHub's math delimiter, `~` its strikethrough, `|` a GFM table cell separator).
_ESCAPED = frozenset("\\`*_{}[]()#+!|~$")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Text GitHub links by itself (mentions, e-mail addresses, issue references, bare URLs).
_AUTOLINK = re.compile(r"(?<=[@#])|(?<=:)(?=//)|(?<=www)(?=\.)", re.IGNORECASE)
# Block markers that only count at the start of a list item (`- x`, `---`, `1. x`); `+` and `)`
# are always escaped.
_LEADING = re.compile(r"^(?:-|\d{1,9}(?=\.(?:\s|$)))")


def md(value: str | None, limit: int = CELL_LIMIT) -> str:
    """Untrusted text as inert Markdown: cleaned, one line, at most `limit` characters, escaped."""
    text = shorten(value or "", limit)
    text = "".join(_ENTITIES.get(ch) or ("\\" + ch if ch in _ESCAPED else ch) for ch in text)
    text = _LEADING.sub(
        lambda m: m.group() + "\\" if m.group().isdigit() else "\\" + m.group(), text
    )
    return _AUTOLINK.sub(SPLIT, text)


def render(report: Report) -> str:
    """The report as GitHub-flavoured Markdown."""
    tool = report.tool
    lines = [
        f"## dsos-check {md(tool.version, 40)} (SPDX license list "
        f"{md(tool.spdx_license_list_version, 40)})",
        "",
        f"Docker-Sponsored Open Source eligibility · activity window "
        f"{report.policy.active_days} days · generated {format_time(report.generated_at)}",
    ]
    policy = _policy_line(report)
    if policy:
        lines += ["", policy]
    if len(report.namespaces) > 1:
        lines += ["", f"Overall: **{VERDICT_LABEL[report.verdict]}**"]
    for namespace in report.namespaces:
        lines += ["", *_namespace(namespace)]
    return "\n".join(lines) + "\n"


def _policy_line(report: Report) -> str:
    policy = report.policy
    if policy.config_file is None:
        return ""
    return " · ".join([f"policy: {md(policy.config_file, 80)}", *policy_notes(policy)])


def _namespace(ns: NamespaceReport) -> list[str]:
    lines = [f"### {md(ns.namespace, 80)}: **{VERDICT_LABEL[ns.verdict]}**", ""]
    if ns.verdict is Verdict.ERROR:
        lines.append(f"Error: {md(ns.error or 'unknown error', LINE_LIMIT)}")
        return lines
    if ns.account is not None:
        about = [ns.account.type, "authenticated" if ns.authenticated else "anonymous"]
        if ns.sponsored:
            about.append("already in the DSOS program: renewal check")
        lines += [md(" · ".join(about)), ""]

    lines += ["| check | outcome | why |", "|---|---|---|"]
    lines += [
        f"| {md(c.id, 40)} | {OUTCOME_CELL[c.outcome]} | {md(c.summary)} |" for c in ns.checks
    ]

    if ns.repositories:
        lines += ["", *_repositories(ns.repositories)]
        reasons = _reasons(ns.repositories)
        if reasons:
            lines += ["", "**Why repositories did not pass**", "", *reasons]
    if ns.excluded:
        lines += ["", "**Excluded by policy**", ""]
        lines += [
            f"- {md(x.name, 80)} (pattern {md(x.pattern, 80)}): {md(x.reason, LINE_LIMIT)}"
            for x in ns.excluded
        ]
    if ns.warnings:
        lines += ["", "**Warnings**", ""]
        lines += [f"- {md(w, LINE_LIMIT)}" for w in ns.warnings]
    lines += since_baseline.markdown_lines(ns, md)
    fixes = [c for c in ns.checks if c.outcome in (Outcome.FAIL, Outcome.REVIEW) and c.remediation]
    if fixes:
        lines += ["", "**How to fix**", ""]
        lines += [_fix(c) for c in fixes]
    return lines


def _repositories(repositories: tuple[RepositoryReport, ...]) -> list[str]:
    check_ids = list(dict.fromkeys(k for r in repositories for k in r.outcomes))
    header = ["repository", "license (source)", "last push", "image"]
    header += [md(SHORT_NAMES.get(c, c), 40) for c in check_ids]
    lines = [_row(header), "|" + "---|" * len(header)]
    for repo in repositories[:MAX_REPOSITORY_ROWS]:
        license_cell = md(repo.license.expression or "none found", 80)
        if repo.license.source:
            license_cell += f" ({md(repo.license.source, 40)})"
        outcome = repo.outcomes.get
        cells = [
            md(repo.name, 80),
            license_cell,
            repo.last_pushed.strftime("%Y-%m-%d") if repo.last_pushed else "-",
            {True: "yes", False: "no", None: "?"}[repo.has_images],
        ]
        cells += [OUTCOME_CELL[o] if (o := outcome(c)) else "-" for c in check_ids]
        lines.append(_row(cells))
    hidden = len(repositories) - MAX_REPOSITORY_ROWS
    if hidden > 0:
        lines += ["", f"… and {hidden} more repositories (use `--format json` for all)."]
    return lines


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _reasons(repositories: tuple[RepositoryReport, ...]) -> list[str]:
    lines = [
        f"- {md(repo.name, 80)}: {md(check_id, 40)}: {md(reason, LINE_LIMIT)}"
        for repo in repositories
        for check_id, reason in repo.reasons.items()
    ]
    if len(lines) > MAX_REASON_LINES:
        hidden = len(lines) - MAX_REASON_LINES
        lines = [*lines[:MAX_REASON_LINES], f"- … and {hidden} more (use `--format json`)"]
    return lines


def _fix(check: CheckResult) -> str:
    line = f"- **{md(check.id, 40)}** ({check.outcome.value}): {md(check.remediation, LINE_LIMIT)}"
    if check.repositories:
        line += f" Repositories: {md(', '.join(check.repositories), CELL_LIMIT)}"
    return line
