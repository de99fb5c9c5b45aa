"""SARIF 2.1.0 for GitHub code scanning: one run per namespace, one rule per check, one result
per outcome that is not `pass` or `warn`.

A namespace-level outcome gives one result; a per-repository check gives one result per
repository that did not pass (or one namespace-level result when no repository carries it).
Every result needs a file location for GitHub to show it: the policy file when one applied,
else a fixed placeholder path, as OpenSSF Scorecard does for findings that live in no file.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import PurePath, PurePosixPath
from urllib.parse import quote

from dsos_check.models import (
    CheckResult,
    Fix,
    NamespaceReport,
    Outcome,
    Report,
    RepositoryReport,
    Verdict,
)
from dsos_check.report.base import Renderer
from dsos_check.report.sarif_models import (
    ArtifactLocation,
    Invocation,
    Level,
    Location,
    Message,
    Notification,
    PhysicalLocation,
    Result,
    ResultProperties,
    Run,
    RunAutomationDetails,
    SarifLog,
    Tool,
    ToolComponent,
)
from dsos_check.report.sarif_rules import RULE_IDS, rule_id, rules
from dsos_check.text import clean, encodable, shorten

# Not a file in any repository; stable, so GitHub matches the same alert run after run.
PLACEHOLDER_URI = "no-file-associated-with-this-alert"
FINGERPRINT_KEY = "dsosCheck/v1"
LEVEL: dict[Outcome, Level] = {Outcome.FAIL: "error", Outcome.REVIEW: "warning"}
MESSAGE_LIMIT = 300  # characters of remote text per message line
SNIPPET_LIMIT = 2000


class SarifRenderer(Renderer):
    """The `sarif` format."""

    def render(self, report: Report) -> str:
        """The report as a SARIF 2.1.0 log."""
        return self._log(report).to_json()

    def render_utf8(self, report: Report) -> bytes:
        """The log as pydantic serialises it, UTF-8 already (every text in it was cleaned, so
        no lone surrogate is left to refuse)."""
        return self._log(report).to_utf8()

    def _log(self, report: Report) -> SarifLog:
        location = _location(report.policy.config_file)
        driver = ToolComponent(
            name=report.tool.name,
            version=report.tool.version,
            semantic_version=report.tool.version,
            rules=rules(),
        )
        return SarifLog(runs=tuple(_run(ns, driver, location) for ns in report.namespaces))


def fingerprint(namespace: str, check: str, repository: str | None) -> str:
    """What identifies a result across runs: never its wording, level or position."""
    key = "\0".join((namespace.lower(), check, (repository or "").lower()))
    return hashlib.sha256(encodable(key).encode("utf-8")).hexdigest()


def _run(ns: NamespaceReport, driver: ToolComponent, location: Location) -> Run:
    # Docker Hub namespaces are [a-z0-9_-]; quoting only guards hand-edited evidence.
    details = RunAutomationDetails(
        id=f"dsos-check/{quote(encodable(ns.namespace.lower()), safe='')}/"
    )
    tool = Tool(driver=driver)
    if ns.verdict is Verdict.ERROR:
        # No results and a failed invocation: the namespace was not judged, so nothing is fixed.
        failed = Invocation(
            execution_successful=False,
            tool_execution_notifications=(
                Notification(
                    level="error",
                    message=Message(
                        text=f"{shorten(ns.namespace, 160)} could not be checked: "
                        f"{shorten(ns.error or 'unknown error', MESSAGE_LIMIT)}"
                    ),
                ),
            ),
        )
        return Run(tool=tool, automation_details=details, invocations=(failed,), results=())
    results = [result for check in ns.checks for result in _results(ns, check, location)]
    return Run(
        tool=tool,
        automation_details=details,
        invocations=(Invocation(execution_successful=True),),
        results=tuple(results),
    )


def _results(ns: NamespaceReport, check: CheckResult, location: Location) -> list[Result]:
    check_id = check.id  # read once: the loops below run over every repository
    if check.outcome not in LEVEL or check_id not in RULE_IDS:
        return []
    failing = [
        (repo, outcome)
        for repo in ns.repositories
        if (outcome := repo.outcomes.get(check_id)) in LEVEL
    ]
    if not failing:
        fixes = [f for f in ns.fixes if f.check == check_id]
        return [_result(ns, check, None, check.outcome, check.summary, fixes, location)]
    return [
        _result(
            ns,
            check,
            repo,
            outcome,
            repo.reasons.get(check_id) or check.summary,
            [f for f in repo.fixes if f.check == check_id] if repo.fixes else [],
            location,
        )
        for repo, outcome in failing
    ]


def _result(
    ns: NamespaceReport,
    check: CheckResult,
    repo: RepositoryReport | None,
    outcome: Outcome,
    reason: str,
    fixes: list[Fix],
    location: Location,
) -> Result:
    subject = ns.namespace if repo is None else f"{ns.namespace}/{repo.name}"
    lines = [
        f"{shorten(subject, 160)}: {check.title}: {outcome.value}",
        _short(reason, MESSAGE_LIMIT),
    ]
    for fix in fixes:
        lines.append(f"Fix ({fix.where}): {_short(fix.action, MESSAGE_LIMIT)}")
        if fix.snippet:
            lines.append(_snippet(fix.snippet))
    if not fixes and check.remediation:
        lines.append(f"Fix: {_short(check.remediation, MESSAGE_LIMIT)}")
    first = fixes[0] if fixes else None
    return Result(
        rule_id=rule_id(check.id),
        rule_index=RULE_IDS.index(check.id),
        level=LEVEL[outcome],
        message=Message(text="\n".join(lines)),
        locations=(location,),
        partial_fingerprints={
            FINGERPRINT_KEY: fingerprint(ns.namespace, check.id, repo.name if repo else None)
        },
        properties=ResultProperties(
            namespace=_short(ns.namespace, 255),
            repository=shorten(repo.name, 255) if repo else None,
            outcome=outcome.value,
            fix_where=first.where if first else None,
            fix_snippet=_snippet(first.snippet) if first and first.snippet else None,
        ),
    )


@functools.lru_cache(maxsize=1024)
def _short(text: str, limit: int) -> str:
    # A namespace's results repeat the same texts (its name, a check's summary or remediation,
    # a fix's action, a reason many repositories share), and cleaning a long text costs more
    # than finding it: a string's hash is computed once and kept.
    return shorten(text, limit)


def _snippet(text: str) -> str:
    """Text to paste, kept multi-line but without control characters, and bounded."""
    cleaned = clean(text).strip("\n")
    return cleaned if len(cleaned) <= SNIPPET_LIMIT else cleaned[: SNIPPET_LIMIT - 1] + "…"


def _location(config_file: str | None) -> Location:
    """The policy file (relative to the checkout when it is given so), else the placeholder."""
    if config_file is None:
        artifact = ArtifactLocation(uri=PLACEHOLDER_URI)
    else:
        path = PurePath(config_file)
        if path.is_absolute():
            artifact = ArtifactLocation(uri=_file_uri(path), uri_base_id=None)
        else:
            artifact = ArtifactLocation(uri=quote(encodable(PurePosixPath(*path.parts).as_posix())))
    return Location(physical_location=PhysicalLocation(artifact_location=artifact))


def _file_uri(path: PurePath) -> str:
    try:
        return path.as_uri()
    except ValueError:  # a Windows path without a drive, say: keep it as a relative reference
        return quote(encodable(PurePosixPath(*path.parts[1:]).as_posix()))
