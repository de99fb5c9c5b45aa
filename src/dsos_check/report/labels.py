"""Words the human-readable renderers share: verdict labels, header lines, hints and counts."""

from __future__ import annotations

from collections import Counter

from dsos_check.checks import CHECKS
from dsos_check.choices import Verdict
from dsos_check.fixes.snippets import TOKEN_PERMISSIONS
from dsos_check.models import (
    NamespaceReport,
    Outcome,
    Policy,
    Report,
    RepositoryReport,
    format_time,
)
from dsos_check.text import clean, shorten

VERDICT_LABEL = {
    Verdict.ELIGIBLE: "eligible",
    Verdict.NEEDS_REVIEW: "needs review",
    Verdict.NOT_ELIGIBLE: "not eligible",
    Verdict.ERROR: "could not be checked",
}
# Short column headers for the per-repository outcome columns.
# Column titles come from the checks themselves, so a new check needs no edit here.
SHORT_NAMES = {check.id: check.about.column for check in CHECKS if check.per_repository}
FIX_PLACE = {
    "dockerfile": "Dockerfile",
    "docker-hub": "Docker Hub",
    "source-repository": "source repository",
    "policy-file": "policy file",
    "command-line": "command line",
}
ANONYMOUS_HINT = (
    "eligible if every repository is public; run with the organization's token to prove it"
)


def policy_notes(policy: Policy) -> list[str]:
    """What a policy file changed, in a few words each (the file name is the caller's to escape)."""
    notes = [f"fail on {policy.fail_on.value}"]
    if policy.namespaces is not None:
        notes.append(f"for {len(policy.namespaces)} namespace(s)")
    if policy.exclude:
        notes.append(f"{len(policy.exclude)} exclusion(s)")
    if policy.overrides:
        notes.append(f"{len(policy.overrides)} override(s)")
    if policy.attestation is not None and policy.attestation.non_commercial:
        notes.append("non-commercial attested")
    return notes


def header_lines(report: Report) -> list[str]:
    """Tool, time (or the evidence file and when it was collected), policy and cache use."""
    tool = report.tool
    lines = [
        f"dsos-check {shorten(tool.version, 40)} · SPDX license list "
        f"{shorten(tool.spdx_license_list_version, 40)} · activity window "
        f"{report.policy.active_days} days"
    ]
    collected = sorted({ns.collected_at for ns in report.namespaces if ns.collected_at})
    if report.evidence_file is not None:
        when = format_time(collected[0]) if collected else "an unknown date"
        lines.append(f"evidence collected on {when}, from {shorten(report.evidence_file, 200)}")
    else:
        lines.append(f"checked on {format_time(report.generated_at)}")
    if report.cache is not None:
        lines.append(
            f"{report.cache.answers} answer(s) came from the on-disk cache, the oldest "
            f"{_age(report.cache.oldest_seconds)} old (--no-cache asks the servers again)"
        )
    policy = report.policy
    if policy.config_file is not None:
        lines.append(
            " · ".join([f"policy: {shorten(policy.config_file, 200)}", *policy_notes(policy)])
        )
    return lines


def _age(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def anonymous_hint(ns: NamespaceReport) -> str:
    """For a run that could not see private repositories and where everything else passes: what
    that means and which token proves it; empty otherwise."""
    if ns.verdict is not Verdict.NEEDS_REVIEW or ns.can_list_private:
        return ""
    pending = [c.id for c in ns.checks if c.outcome in (Outcome.REVIEW, Outcome.FAIL)]
    if pending != ["public"]:
        return ""
    return f"{ANONYMOUS_HINT}. The token needed: {TOKEN_PERMISSIONS}."


def overall_line(report: Report) -> str:
    """After the verdict word: which namespace, or how many of each verdict when several."""
    if len(report.namespaces) == 1:
        ns = report.namespaces[0]
        hint = anonymous_hint(ns)
        line = f"({shorten(ns.namespace, 255)})"
        return f"{line}: {ANONYMOUS_HINT}" if hint else line
    if not report.namespaces:
        return "(no namespace was checked)"
    counts = Counter(ns.verdict for ns in report.namespaces)
    parts = [f"{counts[v]} {VERDICT_LABEL[v]}" for v in Verdict if counts[v]]
    return f"({len(report.namespaces)} namespaces: {', '.join(parts)})"


def passing_line(passing: list[RepositoryReport]) -> str:
    """How many repositories pass every check, and what they still lack (warnings, labels)."""
    count = len(passing)
    line = f"{count} {'repository passes' if count == 1 else 'repositories pass'} every check"
    warned = sum(1 for r in passing if Outcome.WARN in r.outcomes.values())
    unlabelled = sum(1 for r in passing if any(f.where == "dockerfile" for f in r.fixes))
    extras = []
    if warned:
        extras.append(f"{warned} with warnings")
    if unlabelled:
        extras.append(f"{unlabelled} without a license label")
    return line + (f" ({'; '.join(extras)})" if extras else "")


def snippet_lines(snippet: str, limit: int = 400, max_lines: int = 40) -> list[str]:
    """A snippet's lines as pasted: indentation kept, controls removed, each line and the count
    bounded (a snippet is built by us, but carries values that came from elsewhere)."""
    lines = [clean(line).replace("\t", "    ").rstrip()[:limit] for line in snippet.splitlines()]
    return lines[:max_lines] or [""]
