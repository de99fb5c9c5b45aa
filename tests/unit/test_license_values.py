"""Typed license values (labels, GitHub ids, policy entries): names, restrictions, families."""

from __future__ import annotations

import pytest

from dsos_check.licenses.values import read_value


@pytest.mark.parametrize(
    ("value", "kind", "approved", "spdx_form"),
    [
        ("MIT", "spdx", True, "MIT"),
        ("Apache-2.0 OR MIT", "spdx", True, "Apache-2.0 OR MIT"),
        ("Apache License 2.0", "name", True, "Apache-2.0"),
        ("GPLv2", "name", True, "GPL-2.0-only"),
        ("GNU General Public License v3.0", "name", True, "GPL-3.0-only"),
        ("Apache-2.0 WITH Commons-Clause", "restriction", False, None),
        ("Apache-2.0 AND LicenseRef-Commons-Clause", "restriction", False, None),
        ("SSPL", "restriction", False, None),
        ("BUSL-1.1", "restriction", False, None),
        ("Proprietary", "restriction", False, None),
        ("LicenseRef-Proprietary", "restriction", False, None),
        ("CC-BY-NC-4.0", "restriction", False, None),
        ("GPL", "ambiguous", None, None),
        ("AGPL", "ambiguous", None, None),
        ("GNU Affero General Public License", "ambiguous", None, None),
        ("BSD", "ambiguous", None, None),
        ("Acme Terms", "unreadable", None, None),
        ("(" * 60 + "MIT" + ")" * 60, "unreadable", None, None),
    ],
)
def test_read_value(value: str, kind: str, approved: bool | None, spdx_form: str | None) -> None:
    reading = read_value(value)
    assert (reading.kind, reading.evaluation.osi_approved, reading.spdx_form) == (
        kind,
        approved,
        spdx_form,
    )
    assert reading.note


def test_a_name_says_it_is_not_an_spdx_expression() -> None:
    note = read_value("Apache License 2.0").note
    assert "not an SPDX expression" in note
    assert "Apache-2.0" in note


def test_unversioned_gpl_says_which_ids_to_choose() -> None:
    assert "GPL-3.0-or-later" in read_value("GPL").note


def test_hostile_value_is_bounded_and_quoted_without_escapes() -> None:
    reading = read_value("\x1b[31m" + "x" * 100_000)
    assert reading.kind == "unreadable"
    assert "\x1b" not in reading.note
    assert len(reading.note) < 400


def test_a_value_too_long_is_not_read_from_a_cut_off_prefix() -> None:
    # The first 2,000 characters alone would be a valid expression with an approved MIT branch.
    reading = read_value(("MIT OR Apache-2.0 AND " * 500)[:10_000])
    assert reading.kind == "unreadable"
    assert reading.evaluation.osi_approved is None
