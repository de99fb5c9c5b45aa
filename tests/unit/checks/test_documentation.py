from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dsos_check.checks import documentation
from dsos_check.models import Outcome, Policy
from dsos_check.scanner import fold, matches_at

from .factories import NOW, assert_well_formed, make_repo, make_subject

P, R, W = Outcome.PASS, Outcome.REVIEW, Outcome.WARN
LICENSE = "\n\nLicense: MIT"


@pytest.mark.parametrize(
    ("full_description", "description", "reason"),
    [
        pytest.param(
            "Source: https://github.com/example/app" + LICENSE, None, "", id="pass-github-url"
        ),
        pytest.param(
            "Code lives at gitlab.com/example/app." + LICENSE, None, "", id="pass-bare-host-path"
        ),
        pytest.param(
            "[source](https://codeberg.org/example/app)" + LICENSE, None, "", id="pass-markdown"
        ),
        pytest.param(
            "git clone git@bitbucket.org:example/app.git" + LICENSE, None, "", id="pass-scp-like"
        ),
        pytest.param("See https://git.sr.ht/~example/app" + LICENSE, None, "", id="pass-sourcehut"),
        pytest.param(
            "See https://git.example.org/example/app" + LICENSE, None, "", id="pass-git-host"
        ),
        pytest.param(
            "Clone https://code.example.org/app.git" + LICENSE, None, "", id="pass-dot-git-url"
        ),
        pytest.param(
            "https://sourceforge.net/projects/app/" + LICENSE, None, "", id="pass-sourceforge"
        ),
        pytest.param(
            "Mirror: https://www.github.com/example/app" + LICENSE,
            None,
            "",
            id="pass-www-subdomain",
        ),
        pytest.param(
            "<a href='https://example.org/app.git/'>code</a>" + LICENSE,
            None,
            "",
            id="pass-dot-git-url-trailing-slash-in-html",
        ),
        pytest.param(
            "Mirror: https://mygit.example.org/example/app" + LICENSE,
            None,
            "no source-code link",
            id="review-git-host-must-start-with-git",
        ),
        pytest.param(
            "Copy example.org/app.git by hand." + LICENSE,
            None,
            "no source-code link",
            id="review-dot-git-needs-a-url",
        ),
        pytest.param(
            "a" * 25_000 + " git." + "a." * 5_000 + LICENSE,
            None,
            "no source-code link",
            id="review-long-overview-without-link",
        ),
        pytest.param(
            "https://gitee.com/example/app\n\nlicence: MIT", None, "", id="pass-licence-spelling"
        ),
        pytest.param(
            "An app.\n\n![l](https://img.shields.io/github/license/example/app)",
            "Source: github.com/example/app",
            "",
            id="pass-link-in-short-description-and-license-badge",
        ),
        pytest.param(
            "https://github.com/example/app\n\nSPDX-License-Identifier: Apache-2.0",
            None,
            "",
            id="pass-spdx-identifier",
        ),
        pytest.param(
            None,
            "Example app",
            "overview missing, no source-code link, no license statement",
            id="review-no-overview",
        ),
        pytest.param(
            "   \n ",
            "https://github.com/example/app",
            "overview missing, no license statement",
            id="review-blank-overview",
        ),
        pytest.param(
            "A useful app." + LICENSE,
            None,
            "no source-code link",
            id="review-no-source-link",
        ),
        pytest.param(
            "Home page: https://github.com" + LICENSE,
            None,
            "no source-code link",
            id="review-host-without-path-is-not-a-link",
        ),
        pytest.param(
            "Mirror: https://notgithub.com/example/app" + LICENSE,
            None,
            "no source-code link",
            id="review-lookalike-host",
        ),
        pytest.param(
            "Source: https://github.com/example/app",
            "MIT licensed",
            "no license statement",
            id="review-license-only-in-short-description",
        ),
    ],
)
def test_repository_outcome(
    full_description: str | None, description: str | None, reason: str
) -> None:
    repo = make_repo(name="repo", full_description=full_description, description=description)
    subject = make_subject([repo])

    res = documentation.run(subject, Policy(), NOW)

    assert res.id == "documentation"
    parts = res.per_repository["repo"].reason.split(", ")
    assert ", ".join(p for p in parts if p and p not in documentation.RECOMMENDED) == reason
    # These overviews lack a contributing guide and a website: a warning, never a verdict.
    assert res.outcome is (R if reason else W)
    assert_well_formed(res, subject, per_repository=True)


COMPLETE = (
    "Source: https://github.com/example/app\n\nLicense: MIT\n\n"
    "Contributing: https://github.com/example/app/blob/main/CONTRIBUTING.md\n\n"
    "Website: https://app.example.org"
)


@pytest.mark.parametrize(
    ("full_description", "outcome", "reason"),
    [
        pytest.param(COMPLETE, P, "", id="pass-everything"),
        pytest.param(
            COMPLETE.replace("Contributing: ", "Code: ").replace("CONTRIBUTING", "HACKING"),
            W,
            "no contributing guide",
            id="warn-no-contributing",
        ),
        pytest.param(
            COMPLETE.replace("https://app.example.org", "https://img.shields.io/badge/x"),
            W,
            "no website link",
            id="warn-badge-is-not-a-website",
        ),
        pytest.param(
            COMPLETE.replace("https://app.example.org", "https://hub.docker.com/u/example"),
            W,
            "no website link",
            id="warn-docker-hub-is-not-a-website",
        ),
    ],
)
def test_contributing_guide_and_website_warn_when_missing(
    full_description: str, outcome: Outcome, reason: str
) -> None:
    subject = make_subject([make_repo(name="repo", full_description=full_description)])
    res = documentation.run(subject, Policy(), NOW)
    assert res.per_repository["repo"].outcome is outcome
    assert res.per_repository["repo"].reason == reason
    assert res.outcome is outcome


@pytest.mark.parametrize(
    ("names_missing", "total", "outcome", "in_summary"),
    [
        pytest.param(0, 2, P, "All 2 repositories have an overview", id="pass-all"),
        pytest.param(0, 1, P, "The only repository has an overview", id="pass-one"),
        pytest.param(1, 3, R, "1 of 3 repositories lacks an overview", id="review-one"),
        pytest.param(
            7,
            7,
            R,
            "All 7 repositories lack an overview with a source-code link and a license "
            "statement: r0, r1, r2, r3, r4 and 2 more.",
            id="review-many-names-truncated",
        ),
    ],
)
def test_namespace_outcome(
    names_missing: int, total: int, outcome: Outcome, in_summary: str
) -> None:
    undocumented = [make_repo(name=f"r{i}", full_description=None) for i in range(names_missing)]
    documented = [make_repo(name=f"r{i}") for i in range(names_missing, total)]
    repositories = undocumented + documented
    subject = make_subject(repositories)

    res = documentation.run(subject, Policy(), NOW)

    assert res.outcome is outcome
    assert in_summary in res.summary
    assert list(res.repositories) == [f"r{i}" for i in range(names_missing)]
    assert_well_formed(res, subject, per_repository=True)


def test_no_repositories_is_review() -> None:
    subject = make_subject([])

    res = documentation.run(subject, Policy(), NOW)

    assert res.outcome is R
    assert res.summary == "There are no repositories whose overview could be checked."
    assert_well_formed(res, subject, per_repository=True)


def test_remediation_asks_for_source_link_and_license() -> None:
    res = documentation.run(make_subject([make_repo(full_description=None)]), Policy(), NOW)

    assert res.remediation is not None
    assert "source repository" in res.remediation
    assert "license" in res.remediation


# --------------------------------------------------------------------------- literal-first search

# Pieces that the patterns match, nearly match, or treat specially under IGNORECASE.
_PIECES = (
    *("github.com/", "GitHub.COM:", "gitlab.com/x", "sr.ht/~", "git.example.org/", "git.a/"),
    *("xgithub.com/", "-gitlab.com/", "digit.", "https://", "HTTP://", "http", "https://a.b"),
    *("http://docker.io", "shields.io", ".git", ".GIT", "@", "://", "licen", "LICENS", "liceNC"),
    *("contribut", "CONTRIBUT", "\u0130", "\u0131", "\u017f", "\u212a", "é", "_", "-", ".", "/"),
    *(" ", "\n", "a", "(", ")", "[", "]", "`", "'"),
)


@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_literal_first_searches_answer_as_the_patterns_do(pieces: list[str]) -> None:
    """Trying each pattern only where its first literal occurs in the folded text gives the
    answers a plain search over every position gives."""
    text = "".join(pieces)
    tokens = [m.group().rstrip("/.,;:!?") for m in documentation._TOKEN.finditer(text)]
    links = documentation._HOST_LINK.search(text) is not None or any(
        token.lower().endswith(".git") and ("://" in token or "@" in token) for token in tokens
    )
    assert documentation.links_source_code(text) is links
    assert documentation.states_license(text) is (
        documentation._LICENSE_STATEMENT.search(text) is not None
    )
    website = any(
        not documentation._NOT_WEBSITE.search(m.group(1).rstrip("."))
        for m in documentation._URL.finditer(text)
    )
    assert documentation.links_website(text) is website
    assert [m.span() for m in matches_at(documentation._URL, text, fold(text), "http")] == [
        m.span() for m in documentation._URL.finditer(text)
    ]


@given(st.text(alphabet="abcgithub.comorgio-", max_size=30))
@example("github.com")
@example("www.github.com")
@example("notgithub.com")
@example("raw.GitHubUserContent.com")
@example("travis-ci.org")
@example("x.travis-ci.com")
@example("shields.io.")
@example(".github.com")
def test_hosts_that_are_not_websites_are_those_the_pattern_names(host: str) -> None:
    assert documentation._not_website(host) is (documentation._NOT_WEBSITE.search(host) is not None)
