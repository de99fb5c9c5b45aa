"""The application pack (`-f application`): Markdown a maintainer pastes into Docker's DSOS
application form, one section per namespace: the organization, what the project publishes (each
repository with its license, where it was found, its source code and last push), the
non-commercial statement from the policy file's `[attestation]`, and what to fix before applying.

Untrusted text is made inert exactly as in the Markdown report (`code` spans and `md`).
"""

from __future__ import annotations

import re

from dsos_check.models import NamespaceReport, Report, RepositoryReport, Verdict, format_time
from dsos_check.report.base import Renderer
from dsos_check.report.labels import VERDICT_LABEL
from dsos_check.report.markdown import (
    LINE_LIMIT,
    MAX_REPOSITORY_ROWS,
    code,
    fix_list,
    md,
    repository_link,
)

FOUND_IN = {
    "image-label": "image label",
    "source-repository": "source repository",
    "description": "Docker Hub overview",
    "config": "policy file",
}
HUB_ACCOUNT = "https://hub.docker.com/u/{namespace}"
_GITHUB_REPO = re.compile(r"https://github\.com/[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}")


class ApplicationRenderer(Renderer):
    """The `application` format."""

    def render(self, report: Report) -> str:
        """The application pack for every namespace of the report."""
        if not report.namespaces:
            return "No namespace was checked.\n"
        lines: list[str] = []
        for ns in report.namespaces:
            if lines:
                lines += ["", "---", ""]
            lines += namespace_pack(ns, report)
        return "\n".join(lines) + "\n"


def namespace_pack(ns: NamespaceReport, report: Report) -> list[str]:
    """One namespace's application text."""
    lines = [f"# Docker-Sponsored Open Source application: {code(ns.namespace, 80)}", ""]
    lines += _organization(ns, report)
    if ns.verdict is Verdict.ERROR:
        lines += ["", f"This namespace could not be checked: {md(ns.error, LINE_LIMIT)}"]
        return lines
    lines += ["", *_publishes(ns)]
    lines += ["", *_statement(ns)]
    lines += ["", *_before_you_apply(ns)]
    return lines


def _organization(ns: NamespaceReport, report: Report) -> list[str]:
    lines = ["## Organization", ""]
    link = repository_link(ns.namespace, None, HUB_ACCOUNT.format(namespace=ns.namespace))
    lines.append(f"- Docker Hub namespace: {link}")
    if ns.account is not None:
        kind = "an organization" if ns.account.type == "organization" else "a personal account"
        lines.append(f"- Account: {kind}")
        if ns.account.badge:
            lines.append(f"- Docker Hub badge: {code(ns.account.badge, 40)}")
    when = format_time(ns.collected_at or report.generated_at)
    lines.append(
        f"- Checked with dsos-check {md(report.tool.version, 40)} on {when}: "
        f"{VERDICT_LABEL[ns.verdict]}"
    )
    return lines


def _publishes(ns: NamespaceReport) -> list[str]:
    count = len(ns.repositories)
    lines = [
        "## What the project publishes",
        "",
        f"{count} public {'repository' if count == 1 else 'repositories'} of container images:",
        "",
        "| repository | license | found in | source code | last push |",
        "|---|---|---|---|---|",
    ]
    lines += [_row(ns.namespace, r) for r in ns.repositories[:MAX_REPOSITORY_ROWS]]
    hidden = count - MAX_REPOSITORY_ROWS
    if hidden > 0:
        lines += ["", f"… and {hidden} more repositories (see `--format json`)."]
    if ns.excluded:
        lines += ["", "Left out of the check by the project's policy file:", ""]
        lines += [f"- {code(x.name, 80)}: {md(x.reason, LINE_LIMIT)}" for x in ns.excluded]
    return lines


def _row(namespace: str, repo: RepositoryReport) -> str:
    license_ = repo.license
    cells = [
        repository_link(namespace, repo.name),
        code(license_.expression or "none found", 80, in_table=True),
        FOUND_IN.get(license_.source or "", "-"),
        _source(repo.source_url),
        repo.last_pushed.strftime("%Y-%m-%d") if repo.last_pushed else "-",
    ]
    return "| " + " | ".join(cells) + " |"


def _source(url: str | None) -> str:
    """A source link as an autolink when it is a plain github.com/OWNER/REPO address; else a dash."""
    if url and _GITHUB_REPO.fullmatch(url):
        return f"<{url}>"
    return "-"


def _statement(ns: NamespaceReport) -> list[str]:
    lines = ["## Non-commercial statement", ""]
    attestation = ns.attestation
    if attestation is None or not attestation.non_commercial:
        lines.append(
            "No statement yet: add an `[attestation]` to the policy file (`dsos-check.toml`) "
            "saying why the project has no pathway to commercialization, and a contact."
        )
        return lines
    lines.append(f"> {md(attestation.statement, 2000)}")
    if attestation.contact:
        lines += ["", f"Contact: {code(attestation.contact, 200)}"]
    return lines


def _before_you_apply(ns: NamespaceReport) -> list[str]:
    fixes = list(ns.fixes) + [f for r in ns.repositories for f in r.fixes]
    lines = ["## Before you apply", ""]
    if not fixes:
        return [*lines, "Nothing to fix."]
    return [*lines, *fix_list(fixes, "- [ ] ")]
