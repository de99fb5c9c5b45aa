from __future__ import annotations

import pytest

from dsos_check.checks import CHECKS
from dsos_check.checks.base import Check, Subject
from dsos_check.models import AccountEvidence, Policy

from .factories import NOW, assert_well_formed, make_repo, make_subject

EXPECTED_IDS = [
    "public",
    "osi-license",
    "non-commercial",
    "active-development",
    "produces-images",
    "documentation",
    "organization",
]


def test_checks_are_in_report_order() -> None:
    assert [check.id for check in CHECKS] == EXPECTED_IDS


def test_ids_and_titles_are_unique() -> None:
    assert len({check.id for check in CHECKS}) == len(CHECKS)
    assert len({check.title for check in CHECKS}) == len(CHECKS)


def test_only_organization_is_namespace_level() -> None:
    assert [c.id for c in CHECKS if not c.per_repository] == ["organization"]


SUBJECTS = [
    pytest.param(make_subject(), id="passing-namespace"),
    pytest.param(make_subject([]), id="empty-namespace"),
    pytest.param(
        make_subject(
            [make_repo(is_private=True, full_description=None, last_updated=None, tag_count=0)],
            licenses={},
            account=AccountEvidence(type="user"),
        ),
        id="failing-namespace",
    ),
]


@pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])
@pytest.mark.parametrize("subject", SUBJECTS)
def test_every_check_returns_its_own_id_and_a_well_formed_result(
    check: Check, subject: Subject
) -> None:
    res = check.run(subject, Policy(), NOW)

    assert res.id == check.id
    assert res.title == check.title
    assert_well_formed(res, subject, per_repository=check.per_repository)
