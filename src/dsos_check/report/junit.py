"""The JUnit XML report, for the test reporters of Jenkins, GitLab and GitHub Actions.

One `<testsuite>` per namespace (named after it), one `<testcase>` per check (classname
`dsos-check.<namespace>`, name the check id). A check's outcome becomes:

- `pass`: a passed test case;
- `warn`: a passed test case whose `<system-out>` says why it warns (never changes the verdict);
- `fail`: `<failure type="fail" message="<summary>">`, the remediation, the repositories and
  their reasons in the element text;
- `review`: with `--fail-on review` (the default) `<failure type="review" message="<summary>">`,
  the same text, since the exit code is non-zero too; with `--fail-on not-eligible`
  `<skipped message="needs review: <summary>">`, since the run exits 0: the report and the exit
  code always agree;
- a namespace that could not be checked (verdict `error`): one test case named `collect` holding
  `<error type="error" message="<error>">`.

Each failure and skip also lists the fixes, with the text to paste. `time` is 0: checks are not
timed. Each suite's
`timestamp` is when the report was generated, in UTC, without a zone as the Ant JUnit schema wants.
The tree is built with ElementTree, which escapes text and attributes; characters XML 1.0 cannot
hold at all (controls, U+FFFE, U+FFFF, lone surrogates) are removed from every string first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC

from dsos_check.models import CheckResult, FailOn, Fix, NamespaceReport, Outcome, Report, Verdict
from dsos_check.report.base import Renderer
from dsos_check.text import clean, shorten

MESSAGE_LIMIT = 500  # characters of a `message` attribute
LINE_LIMIT = 1000  # characters of one line of element text
MAX_REPOSITORY_LINES = 200

# Not in XML 1.0's Char production: C0 controls but tab/LF/CR, surrogates, U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str | None) -> str:
    """Text safe for an XML 1.0 document: escape sequences, controls and non-characters removed."""
    return _NOT_XML.sub("", clean(value or ""))


def xml_line(value: str | None, limit: int = LINE_LIMIT) -> str:
    """`xml_text`, on one line and at most `limit` characters."""
    return shorten(xml_text(value), limit)


class JunitRenderer(Renderer):
    """The `junit` format."""

    def render(self, report: Report) -> str:
        """The report as a JUnit XML document."""
        root = ET.Element("testsuites", name="dsos-check")
        timestamp = report.generated_at
        if timestamp.tzinfo is not None:
            timestamp = timestamp.astimezone(UTC)
        stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%S")
        totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
        review_fails = report.policy.fail_on is FailOn.REVIEW
        for ns in report.namespaces:
            suite = _suite(ns, stamp, review_fails)
            root.append(suite)
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
        _set_counts(root, **totals)
        root.set("time", "0")
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _set_counts(element: ET.Element, **counts: int) -> None:
    for key in ("tests", "failures", "errors", "skipped"):
        element.set(key, str(counts[key]))


def _suite(ns: NamespaceReport, stamp: str, review_fails: bool) -> ET.Element:
    name = xml_line(ns.namespace, 200)
    classname = f"dsos-check.{name}"
    suite = ET.Element("testsuite", name=name)
    properties = ET.SubElement(suite, "properties")
    facts = [("verdict", ns.verdict.value), ("authenticated", str(ns.authenticated).lower())]
    if ns.account is not None:
        facts += [
            ("account", xml_line(ns.account.type, 40)),
            ("sponsored", str(ns.sponsored).lower()),
        ]
    for key, value in facts:
        ET.SubElement(properties, "property", name=key, value=value)

    if ns.verdict is Verdict.ERROR:
        case = ET.SubElement(suite, "testcase", classname=classname, name="collect", time="0")
        error = ET.SubElement(
            case,
            "error",
            type="error",
            message=xml_line(ns.error or "unknown error", MESSAGE_LIMIT),
        )
        error.text = xml_text(ns.error or "unknown error")
        _set_counts(suite, tests=1, failures=0, errors=1, skipped=0)
    else:
        failures = skipped = 0
        for check in ns.checks:
            case = ET.SubElement(
                suite, "testcase", classname=classname, name=xml_line(check.id, 100), time="0"
            )
            if check.outcome is Outcome.FAIL or (check.outcome is Outcome.REVIEW and review_fails):
                failures += 1
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=check.outcome.value,
                    message=xml_line(check.summary, MESSAGE_LIMIT),
                )
                failure.text = _details(check, ns)
            elif check.outcome is Outcome.REVIEW:
                skipped += 1
                message = xml_line(f"needs review: {check.summary}", MESSAGE_LIMIT)
                ET.SubElement(case, "skipped", message=message).text = _details(check, ns)
            elif check.outcome is Outcome.WARN:
                ET.SubElement(case, "system-out").text = _details(check, ns)
        _set_counts(suite, tests=len(ns.checks), failures=failures, errors=0, skipped=skipped)

    suite.set("time", "0")
    suite.set("timestamp", stamp)
    notes = [f"verdict: {ns.verdict.value}"]
    notes += [
        f"excluded {xml_line(x.name, 200)} (pattern {xml_line(x.pattern, 200)}): "
        f"{xml_line(x.reason)}"
        for x in ns.excluded
    ]
    notes += [f"warning: {xml_line(w)}" for w in ns.warnings]
    ET.SubElement(suite, "system-out").text = "\n".join(notes)
    return suite


def _details(check: CheckResult, ns: NamespaceReport) -> str:
    """A failing or warning check explained: summary, what to do, and each repository's reason."""
    lines = [xml_line(check.summary)]
    if check.outcome is Outcome.REVIEW:
        lines.append("Needs review: a human must look before this can pass.")
    if check.remediation:
        lines.append(f"How to fix: {xml_line(check.remediation)}")
    reasons = {r.name: r.reasons.get(check.id) for r in ns.repositories}
    listed = list(check.repositories) or [name for name, reason in reasons.items() if reason]
    if listed:
        lines.append("Repositories:")
        for name in listed[:MAX_REPOSITORY_LINES]:
            reason = reasons.get(name)
            lines.append(f"- {xml_line(name, 200)}" + (f": {xml_line(reason)}" if reason else ""))
        if len(listed) > MAX_REPOSITORY_LINES:
            lines.append(f"- ... and {len(listed) - MAX_REPOSITORY_LINES} more")
    fixes = [f for f in ns.fixes if f.check == check.id]
    fixes += [f for r in ns.repositories for f in r.fixes if f.check == check.id]
    if fixes:
        lines.append("Fixes:")
        lines += [_fix(f) for f in fixes[:MAX_REPOSITORY_LINES]]
    return "\n".join(lines)


def _fix(fix: Fix) -> str:
    where = f"{xml_line(fix.repository, 200)}, " if fix.repository else ""
    line = f"- ({where}{fix.where}) {xml_line(fix.action)}"
    if fix.snippet:
        line += "\n" + "\n".join(f"    {xml_line(s)}" for s in fix.snippet.splitlines())
    return line
