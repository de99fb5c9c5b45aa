"""SARIF: valid against the official 2.1.0 schema, one result per non-pass outcome, stable ids."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dsos_check.judge import error_report
from dsos_check.models import Fix, NamespaceReport, Outcome, Report
from dsos_check.report import sarif
from dsos_check.report.sarif_rules import RULE_IDS
from tests.helpers import CHECK_IDS
from tests.unit.test_report_formats import (
    HOSTILE,
    eligible,
    hostile,
    not_eligible,
    report_of,
)

SCHEMA = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def render(report: Report) -> dict[str, Any]:
    data = json.loads(sarif.SarifRenderer().render(report))
    errors = sorted(validator().iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert isinstance(data, dict)
    return data


def non_pass(ns: NamespaceReport) -> list[tuple[str, str | None, Outcome]]:
    """Every (check, repository, outcome) the SARIF must report, computed from the report."""
    expected: list[tuple[str, str | None, Outcome]] = []
    for check in ns.checks:
        if check.outcome not in (Outcome.FAIL, Outcome.REVIEW):
            continue
        repos = [
            (check.id, r.name, o)
            for r in ns.repositories
            if (o := r.outcomes.get(check.id)) in (Outcome.FAIL, Outcome.REVIEW)
        ]
        expected += repos or [(check.id, None, check.outcome)]
    return expected


def test_the_vendored_schema_is_the_official_one() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    # The schema rejects what SARIF forbids, so a passing validation means something.
    assert list(validator().iter_errors({"version": "2.1.0", "runs": [{"results": []}]}))


def test_one_run_per_namespace_rules_and_results() -> None:
    ok, bad = eligible(), not_eligible()
    data = render(report_of(ok, bad))
    assert data["version"] == "2.1.0"
    assert [r["automationDetails"]["id"] for r in data["runs"]] == [
        "dsos-check/acme/",
        "dsos-check/widgets/",
    ]
    for run in data["runs"]:
        rules = run["tool"]["driver"]["rules"]
        assert [r["id"] for r in rules] == [f"dsos/{c}" for c in CHECK_IDS]
        assert all(r["help"]["text"] and "How to fix" in r["help"]["text"] for r in rules)
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["locations"], "GitHub shows no result without a location"
            assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert data["runs"][0]["results"] == []
    got = [
        (r["ruleId"], r["properties"].get("repository"), r["level"])
        for r in data["runs"][1]["results"]
    ]
    level = {Outcome.FAIL: "error", Outcome.REVIEW: "warning"}
    want = [(f"dsos/{c}", repo, level[o]) for c, repo, o in non_pass(bad)]
    assert got == want
    assert {"error", "warning"} <= {lvl for _, _, lvl in got}


def test_placeholder_location_without_a_policy_file_and_the_file_with_one() -> None:
    bad = not_eligible()
    loose = render(report_of(bad))["runs"][0]["results"][0]["locations"][0]
    assert loose["physicalLocation"]["artifactLocation"] == {
        "uri": sarif.PLACEHOLDER_URI,
        "uriBaseId": "%SRCROOT%",
    }
    with_file = render(report_of(bad, config_file="conf dir/dsos-check.toml"))
    for result in with_file["runs"][0]["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "conf%20dir/dsos-check.toml", "uriBaseId": "%SRCROOT%"}
    absolute = render(report_of(bad, config_file="/etc/dsos-check.toml"))
    artifact = absolute["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert artifact["artifactLocation"] == {"uri": "file:///etc/dsos-check.toml"}


def test_fingerprints_are_stable_and_distinct() -> None:
    first = render(report_of(not_eligible()))["runs"][0]["results"]
    # Same findings, other wording and another outcome: the same alerts to GitHub.
    reworded = not_eligible()
    reworded = reworded.model_copy(
        update={
            "checks": tuple(
                c.model_copy(update={"summary": "other words", "outcome": Outcome.FAIL})
                if c.outcome is Outcome.REVIEW
                else c
                for c in reworded.checks
            )
        }
    )
    second = render(report_of(reworded))["runs"][0]["results"]
    prints = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in first]
    assert prints == [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in second]
    assert len(set(prints)) == len(prints)
    assert sarif.fingerprint("Widgets", "osi-license", "API") == sarif.fingerprint(
        "widgets", "osi-license", "api"
    )
    assert sarif.fingerprint("widgets", "osi-license", None) != sarif.fingerprint(
        "widgets", "osi-license", "api"
    )
    # The same report renders byte for byte the same.
    assert sarif.SarifRenderer().render(report_of(not_eligible())) == sarif.SarifRenderer().render(
        report_of(not_eligible())
    )


def test_results_carry_the_fix_when_the_report_has_one() -> None:
    bad = not_eligible()
    label = Fix(
        check="osi-license",
        repository="api",
        where="dockerfile",
        action="Declare the license in the image",
        snippet='LABEL org.opencontainers.image.licenses="MIT"',
    )
    account = Fix(
        check="organization",
        where="docker-hub",
        action="Convert the account to an organization",
    )
    repos = tuple(
        r.model_copy(update={"fixes": (label,)}) if r.name == "api" else r for r in bad.repositories
    )
    bad = bad.model_copy(update={"repositories": repos, "fixes": (account,)})
    results = render(report_of(bad))["runs"][0]["results"]
    by_key = {(r["ruleId"], r["properties"].get("repository")): r for r in results}
    license_result = by_key[("dsos/osi-license", "api")]
    assert "Fix (dockerfile): Declare the license in the image" in license_result["message"]["text"]
    assert label.snippet in license_result["message"]["text"]
    assert license_result["properties"]["fixWhere"] == "dockerfile"
    assert license_result["properties"]["fixSnippet"] == label.snippet
    org = by_key[("dsos/organization", None)]
    assert "Fix (docker-hub): Convert the account to an organization" in org["message"]["text"]
    # Without a Fix, the check's own remediation is the fix.
    others = [r for k, r in by_key.items() if k[0] not in ("dsos/osi-license", "dsos/organization")]
    assert others
    assert all("\nFix: " in r["message"]["text"] for r in others)


def test_a_namespace_that_could_not_be_checked_is_a_failed_invocation() -> None:
    data = render(report_of(error_report("ghost", "namespace 'ghost' not found")))
    (run,) = data["runs"]
    assert run["results"] == []
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "not found" in invocation["toolExecutionNotifications"][0]["message"]["text"]


@pytest.mark.parametrize("text", [HOSTILE, "\x1b]8;;http://evil\x07x\x1b]8;;\x07" * 50])
def test_hostile_text_stays_valid_bounded_and_escape_free(text: str) -> None:
    raw = sarif.SarifRenderer().render(report_of(hostile(text)))
    assert "\x1b" not in raw
    assert "\\u001b" not in raw
    data = render(report_of(hostile(text)))
    for result in data["runs"][0]["results"]:
        assert len(result["message"]["text"]) < 2000


def test_rule_ids_cover_every_check() -> None:
    assert list(RULE_IDS) == CHECK_IDS
