"""The Markdown report (GitHub-flavoured): for a pull-request comment or `$GITHUB_STEP_SUMMARY`.

Layout: a heading with the verdict; with several namespaces a roll-up table; per namespace its
checks, the repositories that did not pass (linked to Docker Hub), the passing ones collapsed in a
`<details>`, and what to fix with the text to paste in code blocks.

Every string that came from Docker Hub, an image or GitHub is untrusted. Names and licenses go in
code spans (`code`), prose in `md`, which makes it inert text: no control or escape characters,
one line, bounded length, and no Markdown or HTML structure: no heading, list, table cell,
emphasis, link, image, HTML tag, @mention, issue reference, bare-URL autolink or math.
"""

from __future__ import annotations

import itertools
import re
from urllib.parse import quote

from dsos_check.models import Fix, NamespaceReport, Outcome, Report, RepositoryReport, Verdict
from dsos_check.report import since_baseline
from dsos_check.report.base import Renderer
from dsos_check.report.labels import (
    ANONYMOUS_HINT,
    FIX_PLACE,
    SHORT_NAMES,
    VERDICT_LABEL,
    anonymous_hint,
    header_lines,
    overall_line,
    passing_line,
    snippet_lines,
)
from dsos_check.text import encodable, shorten

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
_ESCAPED = frozenset("\\`*_{}[]#!|~$")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Text GitHub links by itself (mentions, e-mail addresses, issue references, bare URLs).
_AUTOLINK = re.compile(r"(?<=[@#])|(?<=:)(?=//)|(?<=www)(?=\.)", re.IGNORECASE)
# Block markers that only count at the start (`- x`, `+ x`, `---`, `1. x`, `1) x`); `(` and `)`
# elsewhere are harmless once `[` and `]` are escaped (no link can form).
_LEADING = re.compile(r"^(?:[-+]|\d{1,9}(?=[.)](?:\s|$)))")


def md(value: str | None, limit: int = CELL_LIMIT) -> str:
    """Untrusted text as inert Markdown: cleaned, one line, at most `limit` characters, escaped."""
    text = shorten(value or "", limit)
    text = "".join(_ENTITIES.get(ch) or ("\\" + ch if ch in _ESCAPED else ch) for ch in text)
    text = _LEADING.sub(
        lambda m: m.group() + "\\" if m.group().isdigit() else "\\" + m.group(), text
    )
    return _AUTOLINK.sub(SPLIT, text)


HUB_REPOSITORY = "https://hub.docker.com/r/{namespace}/{repository}"
# Docker Hub namespace and repository names: lower-case letters and digits, `.`, `_`, `-` between.
_HUB_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,253}[a-z0-9])?")


def code(value: str | None, limit: int = 120, *, in_table: bool = False) -> str:
    """Untrusted text as an inline code span: cleaned, one line, bounded; the fence outgrows any
    backtick run inside, and `|` is escaped in table cells (GFM splits cells before code spans)."""
    text = shorten(value or "", limit)
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(text: str, indent: str = "") -> list[str]:
    """A fenced code block (for a snippet to paste) that no line inside can close early."""
    lines = snippet_lines(text)
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{indent}{fence}", *(f"{indent}{line}" for line in lines), f"{indent}{fence}"]


class MarkdownRenderer(Renderer):
    """The `markdown` format."""

    def render(self, report: Report) -> str:
        """The report as GitHub-flavoured Markdown."""
        lines = [
            f"## DSOS eligibility: {VERDICT_LABEL[report.verdict]} {md(overall_line(report))}",
            "",
        ]
        lines += [" · ".join(md(line, LINE_LIMIT) for line in header_lines(report))]
        if len(report.namespaces) > 1:
            lines += ["", *roll_up(report)]
        for namespace in report.namespaces:
            lines += ["", *namespace_section(namespace)]
        return "\n".join(lines) + "\n"


def roll_up(report: Report) -> list[str]:
    """One row per namespace: verdict, failing and reviewed checks, repositories."""
    lines = [
        "| namespace | verdict | failed | needs review | repositories |",
        "|---|---|---|---|---|",
    ]
    for ns in report.namespaces[:MAX_REPOSITORY_ROWS]:
        failed = [c.id for c in ns.checks if c.outcome is Outcome.FAIL]
        review = [c.id for c in ns.checks if c.outcome is Outcome.REVIEW]
        cells = [
            code(ns.namespace, 80, in_table=True),
            f"**{VERDICT_LABEL[ns.verdict]}**",
            ", ".join(failed) or "-",
            ", ".join(review) or "-",
            str(len(ns.repositories)) if ns.verdict is not Verdict.ERROR else "-",
        ]
        lines.append(_row(cells))
    return lines


def namespace_section(ns: NamespaceReport) -> list[str]:
    """One namespace: verdict, checks, repositories, notes and fixes."""
    lines = [f"### {code(ns.namespace, 80)}: {VERDICT_LABEL[ns.verdict]}", ""]
    if ns.verdict is Verdict.ERROR:
        lines.append(f"Error: {md(ns.error or 'unknown error', LINE_LIMIT)}")
        return lines
    if ns.account is not None:
        about = [ns.account.type, "authenticated" if ns.authenticated else "anonymous"]
        if ns.sponsored:
            about.append("already in the DSOS program: renewal check")
        lines += [md(" · ".join(about)), ""]
    if anonymous_hint(ns):
        lines += [f"**{ANONYMOUS_HINT}.**", ""]
    lines += ["| check | outcome | why |", "|---|---|---|"]
    lines += [f"| {c.id} | {OUTCOME_CELL[c.outcome]} | {md(c.summary)} |" for c in ns.checks]
    lines += _repositories(ns)
    lines += _notes(ns)
    lines += since_baseline.markdown_lines(ns, md)
    lines += _fixes(ns)
    return lines


# A set lookup hashes each outcome once; `in` on a tuple of StrEnums compares them as strings.
_ATTENTION = frozenset({Outcome.REVIEW, Outcome.FAIL})


def _attention(repo: RepositoryReport) -> bool:
    return not _ATTENTION.isdisjoint(repo.outcomes.values())


def _repositories(ns: NamespaceReport) -> list[str]:
    failing: list[RepositoryReport] = []
    passing: list[RepositoryReport] = []
    for repo in ns.repositories:
        (failing if _attention(repo) else passing).append(repo)
    lines: list[str] = []
    if failing:
        lines += [
            "",
            f"**Repositories that did not pass** ({len(failing)} of {len(ns.repositories)})",
        ]
        lines += ["", *repository_table(ns.namespace, failing)]
        lines += ["", *_reasons(failing)]
    if passing:
        lines += ["", "<details>", f"<summary>{md(passing_line(passing))}</summary>", ""]
        lines += repository_table(ns.namespace, passing)
        labels = [f for r in passing for f in r.fixes]
        if labels:
            lines += ["", *fix_list(labels)]
        lines += ["", "</details>"]
    return lines


def repository_table(namespace: str, repositories: list[RepositoryReport]) -> list[str]:
    """Repositories with their license, last push and each check's outcome; names link to Hub."""
    check_ids = list(dict.fromkeys(k for r in repositories for k in r.outcomes))
    header = [
        "repository",
        "license (source)",
        "last push",
        *[SHORT_NAMES.get(c, c) for c in check_ids],
    ]
    lines = [_row(header), "|" + "---|" * len(header)]
    for repo in repositories[:MAX_REPOSITORY_ROWS]:
        license_cell = code(repo.license.expression or "none found", 80, in_table=True)
        if repo.license.source:
            license_cell += f" ({repo.license.source})"
        cells = [
            repository_link(namespace, repo.name),
            license_cell,
            repo.last_pushed.strftime("%Y-%m-%d") if repo.last_pushed else "-",
        ]
        cells += [OUTCOME_CELL[o] if (o := repo.outcomes.get(c)) else "-" for c in check_ids]
        lines.append(_row(cells))
    hidden = len(repositories) - MAX_REPOSITORY_ROWS
    if hidden > 0:
        lines += ["", f"… and {hidden} more repositories (use `--format json` for all)."]
    return lines


def repository_link(namespace: str, name: str | None, url: str | None = None) -> str:
    """A repository's name (or the namespace's) as code linked to its Docker Hub page; only names
    Docker Hub itself allows get a link, so the URL never carries anything else."""
    shown = code(name or namespace, 80, in_table=True)
    if not (_HUB_NAME.fullmatch(namespace) and (name is None or _HUB_NAME.fullmatch(name))):
        return shown
    if url is None:
        url = HUB_REPOSITORY.format(
            namespace=quote(encodable(namespace), safe=""),
            repository=quote(encodable(name or ""), safe=""),
        )
    return f"[{shown}]({url})"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _reasons(repositories: list[RepositoryReport]) -> list[str]:
    # Only the lines shown are escaped: a large namespace has thousands of reasons.
    shown = itertools.islice(
        (
            (repo, check_id, reason)
            for repo in repositories
            for check_id, reason in repo.reasons.items()
        ),
        MAX_REASON_LINES,
    )
    lines = [
        f"- {code(repo.name, 80)} {check_id}: {md(reason, LINE_LIMIT)}"
        for repo, check_id, reason in shown
    ]
    hidden = sum(len(repo.reasons) for repo in repositories) - MAX_REASON_LINES
    if hidden > 0:
        lines.append(f"- … and {hidden} more (use `--format json`)")
    return lines


def _notes(ns: NamespaceReport) -> list[str]:
    lines: list[str] = []
    if ns.excluded:
        lines += ["", "**Excluded by policy**", ""]
        for x in ns.excluded:
            only = f" from {', '.join(md(c, 40) for c in x.checks)}" if x.checks else ""
            lines.append(
                f"- {code(x.name, 80)}{only} (pattern {code(x.pattern, 80)}): {md(x.reason, LINE_LIMIT)}"
            )
    if ns.warnings:
        lines += ["", "**Warnings**", ""]
        lines += [f"- {md(w, LINE_LIMIT)}" for w in ns.warnings]
    return lines


def _fixes(ns: NamespaceReport) -> list[str]:
    fixes = list(ns.fixes) + [f for r in ns.repositories if _attention(r) for f in r.fixes]
    if not fixes:
        return []
    return ["", "**What to fix**", "", *fix_list(fixes)]


def fix_list(fixes: list[Fix], bullet: str = "- ") -> list[str]:
    """Fixes as list items (at most MAX_REASON_LINES), each snippet in a code block under it;
    changes to the namespace first, re-running the tool last."""
    fixes = sorted(fixes, key=lambda f: f.where == "command-line")
    lines: list[str] = []
    for fix in fixes[:MAX_REASON_LINES]:
        where = f"{code(fix.repository, 80)}, " if fix.repository else ""
        place = FIX_PLACE[fix.where]
        lines.append(f"{bullet}**{fix.check}** ({where}{place}): {md(fix.action, LINE_LIMIT)}")
        lines += code_block(fix.snippet, "  ") if fix.snippet else []
    if len(fixes) > MAX_REASON_LINES:
        lines.append(f"{bullet}… and {len(fixes) - MAX_REASON_LINES} more (use `--format json`)")
    return lines
