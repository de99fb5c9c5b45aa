"""Markdown and JUnit reports: structure, counts, and hostile text made inert."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from markdown_it import MarkdownIt

from dsos_check.judge import build_report, error_report, evaluate
from dsos_check.models import (
    AccountEvidence,
    CheckResult,
    ExcludedRepository,
    Exclusion,
    FailOn,
    ImageEvidence,
    LicenseReport,
    NamespaceReport,
    Outcome,
    Policy,
    Report,
    RepositoryReport,
    Verdict,
)
from dsos_check.report import RenderOptions, application, junit, markdown
from dsos_check.report import table as table_report
from tests.helpers import CHECK_IDS, REPOSITORY_CHECK_IDS
from tests.unit.checks.factories import NOW, make_evidence, make_repo

LICENSE_KEY = "org.opencontainers.image.licenses"
HOSTILE = (
    "x|y\n# h <script>alert(1)</script> [a](http://evil) ![i](http://evil/i.png) "
    "@everyone **b** \x1b[31m"
)
# What XML cannot hold or must escape, on top of the Markdown attack.
XML_HOSTILE = HOSTILE + ' ]]> < & " \x00 \x1b \ufffe \ud800 end'
PER_REPOSITORY = REPOSITORY_CHECK_IDS


def image(license_expression: str) -> ImageEvidence:
    return ImageEvidence(
        reference="sha256:x",
        platform="linux/amd64",
        config_media_type="application/vnd.oci.image.config.v1+json",
        labels={LICENSE_KEY: license_expression},
    )


def eligible() -> NamespaceReport:
    evidence = make_evidence(
        namespace="acme",
        authenticated=True,
        can_list_private=True,
        repositories=(
            make_repo(name="server", image=image("Apache-2.0")),
            make_repo(name="cli", image=image("MIT")),
        ),
    )
    report = evaluate(evidence, Policy())
    assert report.verdict is Verdict.ELIGIBLE
    return report


def not_eligible() -> NamespaceReport:
    """Anonymous personal account: two failures, two reviews, a warning and an exclusion."""
    evidence = make_evidence(
        namespace="widgets",
        account=AccountEvidence(type="user"),
        repositories=(
            make_repo(name="api", image=image("SSPL-1.0")),
            make_repo(name="old", image=image("MIT"), last_updated=NOW - timedelta(days=400)),
            make_repo(name="charts", content_types=("helm",)),
        ),
    )
    policy = Policy(exclude=(Exclusion(repository="charts", reason="Helm charts, not images"),))
    report = evaluate(evidence, policy)
    assert report.verdict is Verdict.NOT_ELIGIBLE
    return report.model_copy(update={"warnings": ("old: the policy override expired",)})


def hostile(text: str) -> NamespaceReport:
    """Every untrusted string of a namespace report set to `text`."""
    checks = tuple(
        CheckResult(
            id=check_id,
            title="t",
            outcome=outcome,
            summary=text,
            repositories=(text,),
            remediation=None if outcome is Outcome.PASS else text,
        )
        for check_id, outcome in zip(
            CHECK_IDS,
            [Outcome.FAIL, Outcome.REVIEW, Outcome.WARN, Outcome.PASS] + [Outcome.FAIL] * 3,
            strict=True,
        )
    )
    repository = RepositoryReport(
        name=text,
        is_private=False,
        last_pushed=NOW,
        content_types=("image",),
        license=LicenseReport(
            expression=text, osi_approved=None, source="description", evidence=(text,)
        ),
        outcomes=dict.fromkeys(PER_REPOSITORY, Outcome.FAIL),
        reasons=dict.fromkeys(PER_REPOSITORY, text),
        has_images=True,
    )
    return NamespaceReport(
        namespace=text,
        verdict=Verdict.NOT_ELIGIBLE,
        account=eligible().account,
        checks=checks,
        repositories=(repository, repository.model_copy(update={"name": "plain"})),
        excluded=(ExcludedRepository(name=text, pattern=text, reason=text),),
        warnings=(text, text),
    )


def report_of(
    *namespaces: NamespaceReport,
    config_file: str | None = None,
    fail_on: FailOn = FailOn.REVIEW,
) -> Report:
    return build_report(namespaces, Policy(config_file=config_file, fail_on=fail_on), NOW)


# --------------------------------------------------------------------------- Markdown


def to_html(text: str) -> str:
    """CommonMark + GFM tables, with raw HTML allowed so that any leak would show."""
    html: str = (
        MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)
    )
    return html


def unescaped_pipes(line: str) -> int:
    """How many `|` split this GFM table row: those not preceded by an odd run of backslashes."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))


def tables(text: str) -> list[list[str]]:
    """The Markdown tables: runs of lines that start with `|`."""
    found: list[list[str]] = []
    current: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    return found


def assert_tables_are_regular(text: str) -> None:
    html = to_html(text)
    for rows in tables(text):
        assert re.fullmatch(r"\|(---\|)+", rows[1]), rows[1]
        columns = unescaped_pipes(rows[0])
        assert all(unescaped_pipes(row) == columns for row in rows), rows
    for table in re.findall(r"<table>.*?</table>", html, re.DOTALL):
        header = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[1], re.DOTALL):
            assert len(re.findall(r"<td", row)) == header


def test_markdown_eligible_report_golden() -> None:
    text = markdown.MarkdownRenderer().render(report_of(eligible()))
    assert text.startswith("## DSOS eligibility: eligible (acme)\n")
    assert "SPDX license list 3.29" in text.splitlines()[2]
    assert "### `acme`: eligible\n" in text
    assert "| check | outcome | why |\n|---|---|---|\n| public | pass | " in text
    # Every repository passes: collapsed, linked to Docker Hub.
    assert "<details>\n<summary>2 repositories pass every check</summary>" in text
    assert (
        "| repository | license (source) | last push | public | license | non-com. "
        "| active | images | docs |" in text
    )
    assert (
        "| [`server`](https://hub.docker.com/r/acme/server) | `Apache-2.0` (image-label) |" in text
    )
    assert "What to fix" not in text
    assert "| namespace | verdict |" not in text  # the roll-up is for several namespaces
    checks, repositories = tables(text)
    assert len(checks) == 2 + 7
    assert len(repositories) == 2 + 2
    assert_tables_are_regular(text)
    assert text.endswith("\n")
    assert not text.endswith("\n\n")


def test_markdown_not_eligible_error_and_several_namespaces() -> None:
    text = markdown.MarkdownRenderer().render(
        report_of(eligible(), not_eligible(), error_report("ghost", "gone"))
    )
    html = to_html(text)
    assert text.startswith("## DSOS eligibility: could not be checked (3 namespaces: ")
    roll_up = tables(text)[0]
    assert roll_up[0] == "| namespace | verdict | failed | needs review | repositories |"
    assert roll_up[2].startswith("| `acme` | **eligible** | - | - | 2 |")
    assert roll_up[3].startswith("| `widgets` | **not eligible** | osi-license, non-commercial")
    assert roll_up[4] == "| `ghost` | **could not be checked** | - | - | - |"
    assert re.findall(r"^#+ ", text, re.MULTILINE) == ["## ", "### ", "### ", "### "]
    assert "### `widgets`: not eligible" in text
    assert "### `ghost`: could not be checked\n\nError: gone\n" in text
    assert text.endswith("Error: gone\n")
    assert "| osi-license | **fail** | " in text
    assert "**Repositories that did not pass** (1 of 2)" in text
    assert "| [`api`](https://hub.docker.com/r/widgets/api) | `SSPL-1.0` (image-label) |" in text
    assert "- `charts` (pattern `charts`): Helm charts, not images" in text
    assert "**Warnings**\n\n- old: the policy override expired" in text
    fixes = text.split("**What to fix**\n\n")[1].split("\n\n")[0].splitlines()
    fix_checks = [line.split("**")[1] for line in fixes if line.startswith("- **")]
    # What to change on the namespace first; re-running with a token (command line) last.
    assert fix_checks[:2] == ["non-commercial", "organization"]
    assert "osi-license" in fix_checks
    assert fix_checks[-1] == "public"
    assert "(command line)" in [line for line in fixes if line.startswith("- **")][-1]
    assert "- `api` non-commercial: license restricts commercial use (SSPL-1.0)" in text
    assert_tables_are_regular(text)
    assert html.count("<h3>") == 3


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a|b", "a\\|b"),
        ("\\|", "\\\\\\|"),
        ("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;"),
        ("[x](y) ![i](j)", "\\[x\\](y) \\!\\[i\\](j)"),
        ("+ item", "\\+ item"),
        ("1) item", "1\\) item"),
        ("*a* _b_ ~c~ `d` $e$", "\\*a\\* \\_b\\_ \\~c\\~ \\`d\\` \\$e\\$"),
        ("# h", "\\#<!-- --> h"),
        ("@everyone and a@b.example", "@<!-- -->everyone and a@<!-- -->b.example"),
        ("see owner/repo#12", "see owner/repo\\#<!-- -->12"),
        ("https://evil www.evil.example", "https:<!-- -->//evil www<!-- -->.evil.example"),
        ("- item", "\\- item"),
        ("---", "\\---"),
        ("1. item", "1\\. item"),
        ("Apache-2.0 1.5", "Apache-2.0 1.5"),
        ("a\nb\tc\x1b[31md\x07", "a b cd"),
        ("x" * 300, "x" * 199 + "…"),
    ],
)
def test_markdown_escaping(raw: str, expected: str) -> None:
    assert markdown.md(raw) == expected


def test_markdown_hostile_text_is_inert() -> None:
    report = report_of(hostile(HOSTILE), error_report(HOSTILE, HOSTILE), config_file=HOSTILE)
    text = markdown.MarkdownRenderer().render(report)
    html = to_html(text)

    assert "\x1b" not in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    # Headings: the title and one per namespace, nothing from the hostile text.
    assert len(re.findall(r"^#", text, re.MULTILINE)) == 3
    assert len(re.findall(r"<h\d", html)) == 3
    # No link, image, HTML tag, mention or bare URL; the text shows escaped instead.
    for leaked in ("<a ", "<img", "<script", "<em>", "<del>", "<ul>\n<li>\n<h"):
        assert leaked not in html
    assert "&lt;script&gt;alert" in html
    assert "[a](http" in html.replace("<!-- -->", "")  # shown as text, not linked
    # Names go in code spans (GitHub neither links nor mentions inside them); prose is escaped.
    code_spans = re.findall(r"<code>(.*?)</code>", html, re.DOTALL)
    assert all("<" not in span for span in code_spans)
    prose = re.sub(r"(`+).*?\1", "", text)
    assert "@everyone" not in prose
    assert "://" not in prose.replace("https://hub.docker.com/r/", "")
    # Our own bold only: verdicts, the fail outcome, section labels and check ids.
    ours = {"not eligible", "could not be checked", "fail", "How to fix", "Warnings"}
    ours |= {"Repositories that did not pass", "Excluded by policy", "What to fix", *CHECK_IDS}
    assert set(re.findall(r"<strong>(.*?)</strong>", html)) <= ours
    # Tables: as many cells on every row as in the header, the hostile `|` notwithstanding.
    roll_up, checks, repositories = tables(text)
    assert len(roll_up) == 2 + 2
    assert len(checks) == 2 + 7
    assert len(repositories) == 2 + 2
    assert unescaped_pipes(checks[0]) == 4
    assert unescaped_pipes(repositories[0]) == 10
    assert_tables_are_regular(text)
    assert html.count("<td>") == 2 * 5 + 7 * 3 + 2 * 9
    # Newlines folded, long cells cut.
    assert "x\\|y \\#<!-- --> h" in text
    long = markdown.MarkdownRenderer().render(report_of(hostile("y" * 1000)))
    cells = [cell.strip() for rows in tables(long) for row in rows for cell in row.split("|")]
    assert max(len(cell) for cell in cells) == markdown.CELL_LIMIT
    assert "y" * 199 + "…" in cells
    assert "y" * 399 + "…" in long
    assert "y" * 400 not in long


def test_markdown_caps_the_repository_table() -> None:
    many = tuple(
        eligible().repositories[0].model_copy(update={"name": f"r{i}"})
        for i in range(markdown.MAX_REPOSITORY_ROWS + 5)
    )
    text = markdown.MarkdownRenderer().render(
        report_of(eligible().model_copy(update={"repositories": many}))
    )
    assert len(tables(text)[1]) == 2 + markdown.MAX_REPOSITORY_ROWS
    assert "… and 5 more repositories" in text


def test_markdown_caps_the_reasons_and_counts_every_hidden_one() -> None:
    # Two reasons per failing repository: the cap falls inside one repository's reasons.
    failing = (
        not_eligible()
        .repositories[0]
        .model_copy(
            update={"reasons": {"osi-license": "no license", "documentation": "no | overview"}}
        )
    )
    count = markdown.MAX_REASON_LINES // 2 + 3
    many = tuple(failing.model_copy(update={"name": f"r{i}"}) for i in range(count))
    text = markdown.MarkdownRenderer().render(
        report_of(not_eligible().model_copy(update={"repositories": many}))
    )
    reasons = [line for line in text.splitlines() if re.match(r"- `r\d+` ", line)]
    assert len(reasons) == markdown.MAX_REASON_LINES
    assert reasons[-1].startswith(f"- `r{count - 4}` documentation: no \\| overview")
    assert f"- … and {2 * count - markdown.MAX_REASON_LINES} more (use `--format json`)" in text


# --------------------------------------------------------------------------- JUnit


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    text.encode("utf-8")  # no lone surrogate survived
    return ET.fromstring(text)


def counts(element: ET.Element) -> tuple[int, int, int, int]:
    return (
        int(element.attrib["tests"]),
        int(element.attrib["failures"]),
        int(element.attrib["errors"]),
        int(element.attrib["skipped"]),
    )


def test_junit_structure_and_counts() -> None:
    report = report_of(eligible(), not_eligible(), error_report("ghost", "namespace not found"))
    root = parse(junit.JunitRenderer().render(report))
    assert root.tag == "testsuites"
    assert root.attrib["name"] == "dsos-check"
    assert root.attrib["time"] == "0"
    assert counts(root) == (15, 4, 1, 0)
    acme, widgets, ghost = root.findall("testsuite")
    assert [s.attrib["name"] for s in (acme, widgets, ghost)] == ["acme", "widgets", "ghost"]
    assert acme.attrib["timestamp"] == "2026-11-23T00:00:00"
    assert counts(acme) == (7, 0, 0, 0)
    assert counts(widgets) == (7, 4, 0, 0)
    assert counts(ghost) == (1, 0, 1, 0)

    cases = acme.findall("testcase")
    assert [c.attrib["name"] for c in cases] == CHECK_IDS
    assert {c.attrib["classname"] for c in cases} == {"dsos-check.acme"}
    assert all(len(c) == 0 for c in cases)  # passed, nothing inside

    by_name = {c.attrib["name"]: c for c in widgets.findall("testcase")}
    failure = by_name["osi-license"].find("failure")
    assert failure is not None
    assert failure.attrib["type"] == "fail"
    assert failure.attrib["message"].startswith("1 of 2 repositories")
    assert failure.text is not None
    assert "How to fix: Relicense" in failure.text
    assert "- api: SSPL-1.0" in failure.text
    review = by_name["public"].find("failure")
    assert review is not None
    assert review.attrib["type"] == "review"
    assert [n for n, c in by_name.items() if c.find("failure") is not None] == [
        "public",
        "osi-license",
        "non-commercial",
        "organization",
    ]
    notes = widgets.find("system-out")
    assert notes is not None
    assert notes.text is not None
    assert "excluded charts (pattern charts): Helm charts, not images" in notes.text
    assert "warning: old: the policy override expired" in notes.text
    props = {p.attrib["name"]: p.attrib["value"] for p in widgets.iter("property")}
    assert props["verdict"] == "not_eligible"

    assert "Fixes:" in failure.text  # every renderer shows the fixes

    (case,) = ghost.findall("testcase")
    assert (case.attrib["classname"], case.attrib["name"]) == ("dsos-check.ghost", "collect")
    error = case.find("error")
    assert error is not None
    assert error.attrib == {"type": "error", "message": "namespace not found"}


def test_junit_warn_is_a_pass_with_system_out() -> None:
    ns = hostile("plain words")
    root = parse(junit.JunitRenderer().render(report_of(ns)))
    by_name = {c.attrib["name"]: c for c in root.iter("testcase")}
    warn = by_name["non-commercial"]
    assert warn.find("failure") is None
    out = warn.find("system-out")
    assert out is not None
    assert out.text is not None
    assert out.text.startswith("plain words")
    assert len(by_name["active-development"]) == 0
    assert counts(root) == (7, 5, 0, 0)


def test_junit_hostile_text_parses_and_survives_as_text() -> None:
    report = report_of(hostile(XML_HOSTILE), error_report(XML_HOSTILE, XML_HOSTILE))
    text = junit.JunitRenderer().render(report)
    for bad in ("\x00", "\x1b", "\ufffe", "\ud800"):
        assert bad not in text
    root = parse(text)
    assert counts(root) == (8, 5, 1, 0)
    suites = root.findall("testsuite")
    assert len(suites) == 2
    name = suites[0].attrib["name"]
    assert name.startswith("x|y # h <script>alert(1)</script> [a](http://evil)")
    assert name.endswith(' ]]> < & " end')
    for case in root.iter("testcase"):
        assert case.attrib["classname"] == "dsos-check." + name
    failures = list(root.iter("failure"))
    assert len(failures) == 5
    assert all(f.attrib["message"] == name for f in failures)
    assert all(f.text and ']]> < & "' in f.text for f in failures)
    error = root.find("testsuite/testcase/error")
    assert error is not None
    assert error.attrib["message"] == name
    assert error.text is not None
    assert "\n" in error.text  # element text keeps its lines; attributes are one line


def test_junit_strips_every_character_xml_cannot_hold() -> None:
    every = "".join(chr(c) for c in range(0x20)) + "\ud800\udfff\ufffe\uffff\x7f ok"
    assert junit.xml_text(every) == "\t\n ok"
    root = parse(junit.JunitRenderer().render(report_of(error_report("n", every))))
    error = root.find("testsuite/testcase/error")
    assert error is not None
    assert error.attrib["message"] == "ok"


def test_junit_review_is_skipped_not_failed_when_the_run_fails_only_on_not_eligible() -> None:
    """`--fail-on not-eligible` exits 0 on needs_review: the JUnit report must not go red."""
    anonymous = evaluate(
        make_evidence(namespace="acme", repositories=(make_repo(name="app", image=image("MIT")),)),
        Policy(),
    )
    assert anonymous.verdict is Verdict.NEEDS_REVIEW
    lenient = parse(junit.JunitRenderer().render(report_of(anonymous, fail_on=FailOn.NOT_ELIGIBLE)))
    strict = parse(junit.JunitRenderer().render(report_of(anonymous)))
    assert counts(lenient) == (7, 0, 0, 1)
    assert counts(strict) == (7, 1, 0, 0)
    (public,) = [c for c in lenient.iter("testcase") if c.attrib["name"] == "public"]
    skipped = public.find("skipped")
    assert skipped is not None
    assert skipped.attrib["message"].startswith("needs review: ")
    assert public.find("failure") is None
    assert "DOCKERHUB_TOKEN" in (skipped.text or "")  # the fix, with the command to paste


# --------------------------------------------------------------------------- table, application


def test_table_fits_80_columns_with_long_and_hostile_names() -> None:
    long_name = "a-" + "very-long-name-" * 4 + "end"
    report = report_of(
        not_eligible().model_copy(
            update={
                "repositories": tuple(
                    r.model_copy(update={"name": long_name if i == 0 else r.name})
                    for i, r in enumerate(not_eligible().repositories)
                )
            }
        ),
        hostile(HOSTILE),
    )
    text = table_report.TableRenderer(RenderOptions(width=80)).render(report)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert any(line.strip().startswith(long_name) for line in text.splitlines())
    assert "\x1b" not in text
    lines = text.rstrip("\n").splitlines()
    assert lines[0].startswith("Verdict: not eligible")
    assert lines[-1] == lines[0]


def test_application_says_nothing_to_fix_when_eligible_and_keeps_hostile_text_inert() -> None:
    text = application.ApplicationRenderer().render(report_of(eligible()))
    assert "## Before you apply\n\nNothing to fix." in text
    assert "No statement yet" in text
    hostile_text = application.ApplicationRenderer().render(report_of(hostile(HOSTILE)))
    html = to_html(hostile_text)
    for leaked in ('<a href="http://evil', "<img", "<script"):
        assert leaked not in html


def test_a_snippet_cannot_close_its_code_block_or_inject_escapes() -> None:
    block = markdown.code_block('[[exclude]]\nrepository = "```\n# x"\x1b[31m', "  ")
    assert block[0] == "  ````"
    assert block[-1] == "  ````"
    assert all("\x1b" not in line for line in block)
    html = to_html("- item\n" + "\n".join(block) + "\n")
    assert "<h1>" not in html
    assert markdown.code("a`b|c", in_table=True) == "``a`b\\|c``"
