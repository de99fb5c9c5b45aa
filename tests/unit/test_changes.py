"""--baseline: the diff between the baseline judged today and this run, and how reports show it."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from dsos_check.changes import apply_baseline, with_changes
from dsos_check.choices import Format
from dsos_check.errors import UsageError
from dsos_check.evidence import load_evidence
from dsos_check.judge import build_report, error_report, evaluate
from dsos_check.models import (
    Change,
    Collected,
    CollectionFailure,
    LicenseChange,
    NamespaceEvidence,
    Outcome,
    Policy,
    Verdict,
)
from dsos_check.options import CommandLine
from dsos_check.report import RenderOptions, badge, since_baseline
from dsos_check.runner import run
from tests.helpers import render_as
from tests.unit.checks.factories import NOW, make_evidence, make_repo
from tests.unit.test_report_formats import image

POLICY = Policy()
EXAMPLE = Path(__file__).parents[2] / "examples" / "evidence.json"


def baseline_world() -> NamespaceEvidence:
    """Last year: `app` without a license label, `old` still there."""
    return make_evidence(
        namespace="acme",
        collected_at=NOW - timedelta(days=365),
        repositories=(
            make_repo(name="app", full_description="No source link here.", description="x"),
            make_repo(name="old", image=image("MIT"), last_updated=NOW - timedelta(days=370)),
            make_repo(name="lib", image=image("MIT"), last_updated=NOW - timedelta(days=370)),
        ),
    )


def today_world() -> NamespaceEvidence:
    """Today: `app` labelled, `old` deleted, `new` pushed, `lib` relicensed."""
    return make_evidence(
        namespace="acme",
        repositories=(
            make_repo(name="app", image=image("Apache-2.0")),
            make_repo(name="lib", image=image("BSD-3-Clause")),
            make_repo(name="new", image=image("MIT"), full_description="nothing"),
        ),
    )


def test_unchanged_evidence_gives_an_empty_diff() -> None:
    evidence = today_world()
    (report,) = apply_baseline([evaluate(evidence, POLICY)], [evidence], POLICY)
    assert report.changes == ()
    assert report.license_changes == ()


def test_without_a_baseline_nothing_is_filled() -> None:
    report = evaluate(today_world(), POLICY)
    assert apply_baseline([report], None, POLICY) == [report]
    assert report.changes is None
    text = render_as(Format.JSON, build_report([report], POLICY, NOW), RenderOptions())
    assert "changes" not in json.loads(text)["namespaces"][0]


def test_fixed_added_removed_and_relicensed() -> None:
    (report,) = apply_baseline([evaluate(today_world(), POLICY)], [baseline_world()], POLICY)
    assert report.changes is not None
    changes = {(c.check, c.repository): c for c in report.changes}
    label = changes[("osi-license", "app")]
    assert (label.before, label.after) == (Outcome.REVIEW, Outcome.PASS)
    assert all(
        c.after is None and c.before is not None for c in report.changes if c.repository == "old"
    )
    assert {c.check for c in report.changes if c.repository == "old"} == set(
        evaluate(baseline_world(), POLICY).repositories[1].outcomes
    )
    added = [c for c in report.changes if c.repository == "new"]
    assert added
    assert all(c.before is None and c.after is not None for c in added)
    assert report.license_changes == (
        LicenseChange(repository="app", before=None, after="Apache-2.0"),
        LicenseChange(repository="lib", before="MIT", after="BSD-3-Clause"),
    )
    # Namespace-level outcomes that changed have no repository.
    assert all(c.check for c in report.changes if c.repository is None)
    data = json.loads(render_as(Format.JSON, build_report([report], POLICY, NOW), RenderOptions()))[
        "namespaces"
    ][0]
    assert {
        "check": "osi-license",
        "repository": "app",
        "before": "review",
        "after": "pass",
    } in data["changes"]
    assert {"repository": "lib", "before": "MIT", "after": "BSD-3-Clause"} in data[
        "license_changes"
    ]


def test_baseline_is_judged_with_todays_policy_at_its_own_time() -> None:
    # The baseline's `old` was pushed 5 days before it was collected: active *then*.
    old = make_evidence(
        namespace="acme",
        collected_at=NOW - timedelta(days=365),
        repositories=(make_repo(name="app", last_updated=NOW - timedelta(days=370)),),
    )
    today = make_evidence(namespace="acme", repositories=(make_repo(name="app"),))
    (report,) = apply_baseline([evaluate(today, POLICY)], [old], POLICY)
    assert report.changes is not None
    assert not [c for c in report.changes if c.check == "active-development"]


def test_namespaces_match_by_name_and_errors_say_nothing_changed() -> None:
    today = evaluate(today_world(), POLICY)
    other = evaluate(make_evidence(namespace="other"), POLICY)
    ghost = error_report("ghost", "not found")
    base: list[Collected] = [CollectionFailure(namespace="acme", error="down"), baseline_world()]
    reports = apply_baseline([today, other, ghost], base, POLICY)
    # First baseline entry for a name wins: acme was not judged then, so all is new.
    assert reports[0].changes is not None
    assert all(c.before is None for c in reports[0].changes)
    # Not in the baseline: every outcome is new.
    assert reports[1].changes is not None
    assert reports[1].changes
    assert all(c.before is None for c in reports[1].changes)
    # Could not be checked now: nothing can be said.
    assert reports[2].changes == ()
    assert with_changes(None, ghost).verdict is Verdict.ERROR


def test_since_baseline_groups_and_renders_in_table_and_markdown() -> None:
    (report,) = apply_baseline([evaluate(today_world(), POLICY)], [baseline_world()], POLICY)
    found = since_baseline.groups(report)
    assert found is not None
    titles = {g.title: g.lines for g in found}
    assert "app: osi-license: review → pass" in titles["fixed"]
    assert "osi-license (namespace): review → pass" in titles["fixed"]
    assert titles["repositories added"] == ["new"]
    assert titles["repositories removed"] == ["old"]
    assert "lib: MIT → BSD-3-Clause" in titles["licenses changed"]
    assert any(line.startswith("new: ") for line in titles["new problems"])
    full = build_report([report], POLICY, NOW)
    table = render_as(Format.TABLE, full, RenderOptions(width=80))
    assert "Since the baseline:" in table
    assert "repositories removed:" in table
    markdown = render_as(Format.MARKDOWN, full, RenderOptions())
    assert "**Since the baseline**" in markdown
    assert "  - lib: MIT → BSD-3-Clause" in markdown
    assert "  - osi-license (namespace): review → pass" in markdown


def test_since_baseline_says_no_change_and_is_absent_without_baseline() -> None:
    evidence = today_world()
    plain = evaluate(evidence, POLICY)
    (same,) = apply_baseline([plain], [evidence], POLICY)
    assert "No change." in render_as(
        Format.MARKDOWN, build_report([same], POLICY, NOW), RenderOptions()
    )
    assert "no change" in render_as(
        Format.TABLE, build_report([same], POLICY, NOW), RenderOptions()
    )
    for fmt in (Format.MARKDOWN, Format.TABLE):
        assert "aseline" not in render_as(fmt, build_report([plain], POLICY, NOW), RenderOptions())


def test_hostile_repository_names_are_inert_in_the_section() -> None:
    evil = "x](http://evil) <b>\x1b[31m"
    report = evaluate(today_world(), POLICY).model_copy(
        update={
            "changes": (Change(check="osi-license", repository=evil, before=Outcome.FAIL),),
            "license_changes": (LicenseChange(repository=evil, before="MIT", after=None),),
        }
    )
    full = build_report([report], POLICY, NOW)
    markdown = render_as(Format.MARKDOWN, full, RenderOptions())
    assert "<b>" not in markdown
    assert "](http://evil" not in markdown  # the only links are our own, to Docker Hub
    ours = markdown.replace("](https://hub.docker.com/r/", "")
    assert not re.search(r"(?<!\\)\]\(http", ours)  # `\](` is escaped: no link can form
    assert "\x1b" not in render_as(Format.TABLE, full, RenderOptions())


@pytest.mark.parametrize(
    ("verdict", "message", "color"),
    [
        (Verdict.ELIGIBLE, "eligible", "brightgreen"),
        (Verdict.NEEDS_REVIEW, "needs review", "yellow"),
        (Verdict.NOT_ELIGIBLE, "not eligible", "red"),
        (Verdict.ERROR, "could not be checked", "lightgrey"),
    ],
)
def test_badge_is_a_shields_endpoint(verdict: Verdict, message: str, color: str) -> None:
    ns = evaluate(today_world(), POLICY).model_copy(update={"verdict": verdict})
    data = json.loads(render_as(Format.BADGE, build_report([ns], POLICY, NOW), RenderOptions()))
    assert data == {"schemaVersion": 1, "label": "DSOS", "message": message, "color": color}


def test_badge_needs_exactly_one_namespace() -> None:
    ns = evaluate(today_world(), POLICY)
    with pytest.raises(UsageError, match="exactly one namespace"):
        badge.BadgeRenderer().render(build_report([ns, ns], POLICY, NOW))
    with pytest.raises(UsageError):
        badge.require_one_namespace(0)
    badge.require_one_namespace(1)


def test_options_read_the_baseline_and_refuse_badges_for_several(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = CommandLine(namespaces=("acme",), baseline=EXAMPLE).validate()
    assert options.baseline is not None
    assert [item.namespace for item in options.baseline] == [
        item.namespace for item in load_evidence(str(EXAMPLE))
    ]
    assert CommandLine(namespaces=("acme",)).validate().baseline is None
    (tmp_path / "report.json").write_text('{"policy": {}, "namespaces": []}')
    with pytest.raises(UsageError, match="not an evidence file"):
        CommandLine(namespaces=("acme",), baseline=tmp_path / "report.json").validate()
    with pytest.raises(UsageError, match="exactly one namespace"):
        CommandLine(namespaces=("acme", "other"), fmt=Format.BADGE).validate()
    CommandLine(namespaces=("acme",), fmt=Format.BADGE).validate()


def test_offline_run_with_the_same_evidence_as_baseline_reports_no_change() -> None:
    options = CommandLine(evidence=EXAMPLE, baseline=EXAMPLE, fmt=Format.JSON, quiet=True)
    out, err = io.StringIO(), io.StringIO()
    run(options.validate(), out, err)
    data = json.loads(out.getvalue())
    checked = [ns for ns in data["namespaces"] if ns["verdict"] != "error"]
    assert checked
    assert all(ns["changes"] == [] and ns["license_changes"] == [] for ns in data["namespaces"])
