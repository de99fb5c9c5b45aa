"""Pure stages: newest tag, image reference, license resolution, evaluate(), renderers, exit codes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dsos_check.cli import EXIT_ERROR, exit_code
from dsos_check.judge import build_report, error_report, evaluate
from dsos_check.licenses.resolve import resolve_license
from dsos_check.models import (
    AccountEvidence,
    FailOn,
    ImageEvidence,
    Outcome,
    Policy,
    SourceRepositoryEvidence,
    Verdict,
)
from dsos_check.report import RENDERERS, Format, Renderer, RenderOptions
from tests.helpers import CHECK_IDS, NAMESPACE_KEYS, render_as
from tests.unit.checks.factories import NOW, make_evidence, make_repo

LICENSE_KEY = "org.opencontainers.image.licenses"
HOSTILE = "(" * 5000 + "MIT" + ")" * 5000  # kept as given (JSON keeps remote text), judged unknown
NEUTRAL = "# App\n\nA small web server. Source: https://github.com/example/app\n"


@pytest.mark.parametrize(
    ("annotations", "labels", "expected"),
    [
        ({}, {LICENSE_KEY: "Apache-2.0"}, ("Apache-2.0", True, "image-label")),
        ({LICENSE_KEY: "mit"}, {}, ("MIT", True, "image-label")),
        ({}, {LICENSE_KEY: "SSPL-1.0"}, ("SSPL-1.0", False, "image-label")),
        # A license name resolves through the name mapper; an unknown one is a review.
        ({}, {LICENSE_KEY: "Apache 2.0"}, ("Apache-2.0", True, "image-label")),
        ({}, {LICENSE_KEY: "Acme Public Terms"}, ("Acme Public Terms", None, "image-label")),
        ({}, {}, (None, None, None)),
        # An annotation and an inherited label that disagree: a human must decide.
        ({LICENSE_KEY: "MIT"}, {LICENSE_KEY: "CC0-1.0"}, ("MIT", None, "image-label")),
        # ... unless one of them restricts commercial use: that fails wherever it is.
        ({LICENSE_KEY: "MIT"}, {LICENSE_KEY: "SSPL-1.0"}, ("SSPL-1.0", False, "image-label")),
        ({}, {"org.label-schema.license": "BSD-3-Clause"}, ("BSD-3-Clause", True, "image-label")),
        ({}, {LICENSE_KEY: HOSTILE}, (HOSTILE, None, "image-label")),
    ],
    ids=[
        "label",
        "annotation",
        "not-osi",
        "name",
        "unknown",
        "none",
        "disagree",
        "restrictive",
        "legacy",
        "hostile",
    ],
)
def test_resolve_license(
    annotations: dict[str, str],
    labels: dict[str, str],
    expected: tuple[str | None, bool | None, str | None],
) -> None:
    image = ImageEvidence(reference="sha256:x", annotations=annotations, labels=labels)
    report = resolve_license(make_repo(image=image, full_description=NEUTRAL))
    assert (report.expression, report.osi_approved, report.source) == expected
    assert report.evidence


def test_resolve_license_explains_a_missing_image() -> None:
    report = resolve_license(make_repo(image=None, full_description=NEUTRAL))
    assert report.source is None
    assert "no image was inspected" in report.evidence[0]
    failed = resolve_license(
        make_repo(
            image=ImageEvidence(reference="v1", error="the registry refused"),
            full_description=NEUTRAL,
        )
    )
    assert "the registry refused" in failed.evidence[0]


def good_image() -> ImageEvidence:
    return ImageEvidence(
        reference="sha256:x",
        platform="linux/amd64",
        config_media_type="application/vnd.oci.image.config.v1+json",
        labels={LICENSE_KEY: "Apache-2.0"},
    )


def test_evaluate_eligible_namespace() -> None:
    evidence = make_evidence(
        can_list_private=True, authenticated=True, repositories=(make_repo(image=good_image()),)
    )
    report = evaluate(evidence, Policy())
    assert report.verdict is Verdict.ELIGIBLE
    assert [c.id for c in report.checks] == CHECK_IDS
    assert all(c.outcome is Outcome.PASS for c in report.checks)
    repo = report.repositories[0]
    assert repo.outcomes == {
        "public": Outcome.PASS,
        "osi-license": Outcome.PASS,
        "non-commercial": Outcome.PASS,
        "active-development": Outcome.PASS,
        "produces-images": Outcome.PASS,
        "documentation": Outcome.PASS,
    }
    assert repo.reasons == {}
    assert repo.has_images is True


def test_evaluate_uses_collection_time_and_policy_window() -> None:
    stale = make_repo(image=good_image(), last_updated=NOW - timedelta(days=200))
    evidence = make_evidence(can_list_private=True, repositories=(stale,))
    assert evaluate(evidence, Policy(active_days=183)).verdict is Verdict.NOT_ELIGIBLE
    assert evaluate(evidence, Policy(active_days=365)).verdict is Verdict.ELIGIBLE


def test_evaluate_user_account_needs_review_and_badge_is_reported() -> None:
    evidence = make_evidence(
        can_list_private=True,
        account=AccountEvidence(type="user", badge="open_source"),
        repositories=(make_repo(image=good_image()),),
    )
    report = evaluate(evidence, Policy())
    assert report.verdict is Verdict.NEEDS_REVIEW
    assert report.sponsored is True
    assert report.account is not None
    assert report.account.type == "user"


def sample_report(name: str = "acme", description: str = "fine") -> Any:
    repo = make_repo(name=name, full_description=description, image=good_image())
    ns = evaluate(make_evidence(namespace="acme", repositories=(repo,)), Policy())
    return build_report(
        [ns, error_report("ghost", "namespace 'ghost' not found on Docker Hub")], Policy(), NOW
    )


def test_json_report_matches_the_contract_shape() -> None:
    data = json.loads(render_as(Format.JSON, sample_report(), RenderOptions()))
    assert data["schema_version"] == 1
    assert set(data) == {"schema_version", "tool", "generated_at", "policy", "namespaces"}
    assert data["tool"] == {
        "name": "dsos-check",
        "version": "0.1.0",
        "spdx_license_list_version": "3.29",
    }
    assert data["generated_at"] == "2026-11-23T00:00:00Z"
    assert data["policy"]["active_days"] == 183
    assert data["policy"]["fail_on"] == "review"
    ok, ghost = data["namespaces"]
    assert set(ok) >= NAMESPACE_KEYS
    assert ok["verdict"] == "needs_review"
    assert ok["account"] == {"type": "organization", "badge": None}
    for check in ok["checks"]:
        assert {"id", "outcome", "summary", "repositories"} <= set(check)
        assert "per_repository" not in check
    repo = ok["repositories"][0]
    assert {"name", "is_private", "last_pushed", "content_types", "license", "outcomes"} <= set(
        repo
    )
    assert {"expression", "osi_approved", "source", "evidence"} <= set(repo["license"])
    assert repo["license"]["source"] == "image-label"
    assert repo["last_pushed"].endswith("Z")
    assert ghost == {**ghost, "verdict": "error", "checks": [], "repositories": [], "account": None}
    assert "not found" in ghost["error"]


def test_table_has_no_escape_bytes_or_markup_from_remote_text() -> None:
    hostile = "\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07 [bold red]boom[/] \x9b31m"
    report = sample_report(name="app", description=hostile)
    text = render_as(Format.TABLE, report, RenderOptions(color=False))
    assert "\x1b" not in text
    assert "\x9b" not in text
    assert "acme: needs review" in text
    assert "ghost: could not be checked" in text
    colored = render_as(Format.TABLE, report, RenderOptions(color=True))
    assert "\x1b[" in colored  # colour codes are ours, on a terminal only
    assert "]8;;http://evil" not in colored


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(Format)


def test_every_renderer_has_one_shape_options_at_construction() -> None:
    full = sample_report()
    report = full.model_copy(update={"namespaces": full.namespaces[:1]})  # a badge speaks for one
    for fmt, renderer in RENDERERS.items():
        assert issubclass(renderer, Renderer), fmt
        built = renderer(RenderOptions(width=80))
        assert built.options.width == 80
        assert built.render(report) == render_as(fmt, report, RenderOptions(width=80)), fmt
    wide = RENDERERS[Format.TABLE](RenderOptions(width=200)).render(report)
    narrow = RENDERERS[Format.TABLE](RenderOptions(width=40)).render(report)
    assert max(map(len, narrow.splitlines())) <= 40 < max(map(len, wide.splitlines()))


@pytest.mark.parametrize(
    ("verdict", "fail_on", "code"),
    [
        (Verdict.ELIGIBLE, FailOn.REVIEW, 0),
        (Verdict.NEEDS_REVIEW, FailOn.REVIEW, 3),
        (Verdict.NEEDS_REVIEW, FailOn.NOT_ELIGIBLE, 0),
        (Verdict.NOT_ELIGIBLE, FailOn.REVIEW, 1),
        (Verdict.NOT_ELIGIBLE, FailOn.NOT_ELIGIBLE, 1),
        (Verdict.ERROR, FailOn.NOT_ELIGIBLE, EXIT_ERROR),
    ],
)
def test_exit_codes(verdict: Verdict, fail_on: FailOn, code: int) -> None:
    assert exit_code(verdict, fail_on) == code


def test_report_verdict_is_the_most_severe() -> None:
    assert sample_report().verdict is Verdict.ERROR


def gh(
    status: str = "found", spdx_id: str | None = None, text: str | None = None
) -> SourceRepositoryEvidence:
    return SourceRepositoryEvidence.model_validate(
        {
            "url": "https://github.com/example/app",
            "found_in": "image label org.opencontainers.image.source",
            "status": status,
            "spdx_id": spdx_id,
            "license_text": text,
            "message": None if status == "found" else "GitHub's rate limit was reached",
        }
    )


MIT_TEXT = (Path(__file__).parent / "data" / "licenses" / "mit.txt").read_text(encoding="utf-8")
CC_TEXT = (Path(__file__).parent / "data" / "licenses" / "apache-2.0-commons-clause.txt").read_text(
    encoding="utf-8"
)


@pytest.mark.parametrize(
    ("labels", "source", "overview", "expected"),
    [
        ({}, gh(spdx_id="Apache-2.0"), NEUTRAL, ("Apache-2.0", True, "source-repository", "high")),
        (
            {},
            gh(spdx_id="NOASSERTION", text=MIT_TEXT),
            NEUTRAL,
            ("MIT", True, "source-repository", "high"),
        ),
        (
            {},
            gh(spdx_id="NOASSERTION", text=CC_TEXT),
            NEUTRAL,
            ("Apache-2.0", False, "source-repository", None),
        ),
        ({LICENSE_KEY: "MIT"}, gh(spdx_id="MIT"), NEUTRAL, ("MIT", True, "image-label", "high")),
        (
            {LICENSE_KEY: "MIT"},
            gh(spdx_id="CC0-1.0"),
            NEUTRAL,
            ("MIT", None, "image-label", "high"),
        ),
        (
            {LICENSE_KEY: "MIT"},
            gh(spdx_id="BUSL-1.1"),
            NEUTRAL,
            ("BUSL-1.1", False, "source-repository", "high"),
        ),
        (
            {},
            gh("rate-limited"),
            NEUTRAL + "License: MIT\n",
            ("MIT", True, "description", "medium"),
        ),
        (
            {},
            None,
            NEUTRAL + "Released under the MIT license.\n",
            ("MIT", True, "description", "low"),
        ),
        (
            {LICENSE_KEY: "Apache-2.0"},
            None,
            NEUTRAL + "Apache 2.0 with Commons Clause.\n",
            ("Apache-2.0", False, "image-label", None),
        ),
        ({}, gh("rate-limited"), NEUTRAL, (None, None, None, None)),
    ],
    ids=[
        "github-id",
        "github-noassertion-text",
        "github-text-with-rider",
        "label-and-github-agree",
        "label-and-github-disagree",
        "restrictive-on-github",
        "overview-line-github-limited",
        "overview-phrase-only",
        "rider-in-overview",
        "nothing",
    ],
)
def test_combining_clues(
    labels: dict[str, str],
    source: SourceRepositoryEvidence | None,
    overview: str,
    expected: tuple[str | None, bool | None, str | None, str | None],
) -> None:
    image = ImageEvidence(reference="x", labels=labels) if labels else None
    repo = make_repo(image=image, source_repository=source, full_description=overview)
    report = resolve_license(repo)
    expression, osi, src, confidence = expected
    assert (report.expression, report.osi_approved, report.source) == (expression, osi, src), report
    if confidence is not None:
        assert report.confidence == confidence
    assert report.summary
    assert report.evidence
