from __future__ import annotations

import pytest

from dsos_check.checks import public
from dsos_check.checks.base import Subject
from dsos_check.models import Outcome, Policy

from .factories import NOW, assert_well_formed, make_repo, make_subject, repos

P, F = Outcome.PASS, Outcome.FAIL


@pytest.mark.parametrize(
    ("subject", "outcome", "per_repo", "listed", "in_summary"),
    [
        pytest.param(
            make_subject(
                [make_repo(name="app"), make_repo(name="secret", is_private=True)],
                authenticated=True,
                can_list_private=True,
            ),
            F,
            {"app": P, "secret": F},
            ["secret"],
            "1 of 2 repositories is private: secret.",
            id="fail-private-repository",
        ),
        pytest.param(
            make_subject(repos(*"abcdefg", is_private=True), can_list_private=True),
            F,
            dict.fromkeys("abcdefg", F),
            list("abcdefg"),
            "All 7 repositories are private: a, b, c, d, e and 2 more.",
            id="fail-many-private-names-truncated",
        ),
        pytest.param(
            make_subject(repos("a", "b"), authenticated=True, can_list_private=True),
            P,
            {"a": P, "b": P},
            [],
            "All 2 repositories are public; the token can see private repositories.",
            id="pass-token-lists-private",
        ),
        pytest.param(
            make_subject([], authenticated=True, can_list_private=True),
            P,
            {},
            [],
            "no repositories",
            id="pass-no-repositories",
        ),
        pytest.param(
            make_subject(repos("a", "b", "c")),
            Outcome.REVIEW,
            {"a": P, "b": P, "c": P},
            [],
            "3 public repositories seen; private repositories are invisible",
            id="review-anonymous",
        ),
        pytest.param(
            make_subject(repos("a"), authenticated=True, can_list_private=False),
            Outcome.REVIEW,
            {"a": P},
            [],
            "1 public repository seen; the token does not belong to the namespace",
            id="review-foreign-token",
        ),
        pytest.param(
            make_subject([]),
            Outcome.REVIEW,
            {},
            [],
            "0 public repositories seen",
            id="review-anonymous-no-repositories",
        ),
    ],
)
def test_public(
    subject: Subject,
    outcome: Outcome,
    per_repo: dict[str, Outcome],
    listed: list[str],
    in_summary: str,
) -> None:
    res = public.run(subject, Policy(), NOW)

    assert res.id == "public"
    assert res.outcome is outcome
    assert {name: ro.outcome for name, ro in res.per_repository.items()} == per_repo
    assert list(res.repositories) == listed
    assert in_summary in res.summary
    assert_well_formed(res, subject, per_repository=True)


def test_review_remediation_names_the_token_options() -> None:
    res = public.run(make_subject(), Policy(), NOW)

    assert res.remediation is not None
    assert "--username" in res.remediation
    assert "--token" in res.remediation
    assert "DOCKERHUB_TOKEN" in res.remediation


def test_fail_remediation_says_make_public_or_move() -> None:
    res = public.run(make_subject([make_repo(is_private=True)]), Policy(), NOW)

    assert res.remediation is not None
    assert "public" in res.remediation
    assert "move them out of the namespace" in res.remediation
