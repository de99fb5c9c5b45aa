"""Corpus tests: the team's wild-shaped cases per category, every canonical license text the
classifier ships, and every license name on the SPDX list. The goal is 0 false OSI approvals."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from dsos_check.licenses.resolve import resolve_license
from dsos_check.licenses.spdx import evaluate
from dsos_check.licenses.values import read_value
from tests.unit.license_corpus import Case, cases, gh, repo
from tests.unit.lre_render import canonical_texts

OUTCOME = {True: "pass", False: "fail", None: "review"}


@pytest.mark.parametrize("case", cases(), ids=lambda c: f"{c.category}: {c.name}")
def test_wild_shaped_case(case: Case) -> None:
    report = resolve_license(case.repo)
    assert OUTCOME[report.osi_approved] == case.expected, report.summary


def test_every_canonical_license_text_the_classifier_ships() -> None:
    """Rendered from the classifier's own patterns, one repository each, GitHub saying nothing."""
    false_approvals: list[str] = []
    missed: list[str] = []
    texts = canonical_texts()
    assert len(texts) > 600
    for license_id, text in texts.items():
        got = resolve_license(repo(source_repository=gh("NOASSERTION", text))).osi_approved
        truth = evaluate(license_id).osi_approved
        if got is True and truth is not True:
            false_approvals.append(license_id)
        if truth is True and got is not True:
            missed.append(license_id)
    assert false_approvals == []
    assert missed == []


def test_every_spdx_license_name_as_a_label() -> None:
    """No license name on the SPDX list reads as approved unless its license is."""
    document = json.loads(
        (files("dsos_check.licenses") / "data" / "spdx-licenses.json").read_bytes()
    )
    false_approvals = [
        entry["name"]
        for entry in document["licenses"]
        if read_value(entry["name"]).evaluation.osi_approved is True
        and not entry["isOsiApproved"]
        and evaluate(entry["licenseId"]).osi_approved is not True
    ]
    assert false_approvals == []
