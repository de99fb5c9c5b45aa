from __future__ import annotations

from typing import Any

import pytest

from dsos_check.checks import produces_images
from dsos_check.models import ImageEvidence, Outcome, Policy, TagEvidence

from .factories import NOW, assert_well_formed, make_repo, make_subject

P, R, F = Outcome.PASS, Outcome.REVIEW, Outcome.FAIL

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json"
UNKNOWN = {"content_types": (), "media_types": (), "repository_type": None}


@pytest.mark.parametrize(
    ("fields", "outcome", "reason"),
    [
        pytest.param({"content_types": ("image",)}, P, "", id="pass-content-type-image"),
        pytest.param(
            {"content_types": ("unrecognized", "image")}, P, "", id="pass-image-beats-others"
        ),
        pytest.param(
            {**UNKNOWN, "media_types": ("application/vnd.docker.container.image.v1+json",)},
            P,
            "",
            id="pass-docker-image-config-media-type",
        ),
        pytest.param(
            {
                **UNKNOWN,
                "media_types": (
                    OCI_INDEX,
                    "application/vnd.docker.distribution.manifest.list.v2+json",
                ),
            },
            P,
            "",
            id="pass-docker-manifest-list",
        ),
        pytest.param(
            {
                **UNKNOWN,
                "media_types": ("application/vnd.docker.distribution.manifest.v1+prettyjws",),
            },
            P,
            "",
            id="pass-schema1-manifest",
        ),
        pytest.param(
            {**UNKNOWN, "newest_tag": TagEvidence(name="1.0", content_type="image")},
            P,
            "",
            id="pass-tag-content-type",
        ),
        pytest.param(
            {**UNKNOWN, "newest_tag": TagEvidence(name="v1", content_type="image")},
            P,
            "",
            id="pass-newest-tag-content-type",
        ),
        pytest.param(
            {
                **UNKNOWN,
                "newest_tag": TagEvidence(
                    name="v1", media_type="application/vnd.docker.distribution.manifest.v2+json"
                ),
            },
            P,
            "",
            id="pass-newest-tag-media-type",
        ),
        pytest.param(
            {
                **UNKNOWN,
                "media_types": (OCI_MANIFEST,),
                "image": ImageEvidence(
                    reference="example/app:v1",
                    manifest_media_type=OCI_MANIFEST,
                    config_media_type="application/vnd.oci.image.config.v1+json",
                ),
            },
            P,
            "",
            id="pass-registry-image-config",
        ),
        pytest.param({"tag_count": 0}, F, "no tags", id="fail-zero-tags"),
        pytest.param({**UNKNOWN, "tag_count": None}, F, "no tags", id="fail-nothing-pushed"),
        pytest.param(
            {
                **UNKNOWN,
                "content_types": ("helm",),
                "media_types": (OCI_MANIFEST, HELM_CONFIG),
            },
            F,
            "holds only helm artifacts",
            id="fail-helm-chart",
        ),
        pytest.param(
            {**UNKNOWN, "media_types": (OCI_MANIFEST, HELM_CONFIG)},
            F,
            "holds only helm artifacts",
            id="fail-helm-by-media-type",
        ),
        pytest.param(
            {
                "repository_type": "plugin",
                "content_types": ("plugin",),
                "media_types": ("application/vnd.docker.plugin.v1+json",),
            },
            F,
            "holds only plugin artifacts",
            id="fail-plugin",
        ),
        pytest.param(
            {**UNKNOWN, "repository_type": "plugin"},
            F,
            "holds only plugin artifacts",
            id="fail-plugin-repository-type",
        ),
        pytest.param(
            {**UNKNOWN, "content_types": ("volume", "wasm", "compose")},
            F,
            "holds only compose, volume and wasm artifacts",
            id="fail-several-kinds",
        ),
        pytest.param(
            {**UNKNOWN, "content_types": ("unrecognized",)},
            F,
            "holds only unrecognized artifacts",
            id="fail-unrecognized",
        ),
        pytest.param(
            {**UNKNOWN, "newest_tag": TagEvidence(name="1.0", content_type="model")},
            F,
            "holds only model artifacts",
            id="fail-model-tag",
        ),
        pytest.param(UNKNOWN, R, "could not tell what the tags hold", id="review-nothing-known"),
        pytest.param(
            {**UNKNOWN, "media_types": (OCI_MANIFEST, OCI_INDEX)},
            R,
            "could not tell what the tags hold",
            id="review-oci-manifest-alone-is-not-enough",
        ),
    ],
)
def test_repository_outcome(fields: dict[str, Any], outcome: Outcome, reason: str) -> None:
    subject = make_subject([make_repo(name="repo", **fields)])

    res = produces_images.run(subject, Policy(), NOW)

    assert res.id == "produces-images"
    assert res.per_repository["repo"].outcome is outcome
    assert res.per_repository["repo"].reason == reason
    assert res.outcome is outcome
    assert_well_formed(res, subject, per_repository=True)


@pytest.mark.parametrize(
    ("repositories", "outcome", "listed", "in_summary"),
    [
        pytest.param(
            [make_repo(name="a"), make_repo(name="b")],
            P,
            [],
            "All 2 repositories hold container images.",
            id="pass-all-images",
        ),
        pytest.param(
            [
                make_repo(name="app"),
                make_repo(name="charts", content_types=("helm",), media_types=()),
                make_repo(name="odd", **UNKNOWN),
            ],
            F,
            ["charts", "odd"],
            "1 of 3 repositories holds no container images: charts; for 1 more",
            id="fail-beats-review",
        ),
        pytest.param(
            [make_repo(name="app"), make_repo(name="odd", **UNKNOWN)],
            R,
            ["odd"],
            "Could not tell what the tags hold in 1 of 2 repositories: odd.",
            id="review-unclassified",
        ),
        pytest.param([], F, [], "The namespace has no repositories.", id="fail-no-repositories"),
    ],
)
def test_namespace_outcome(
    repositories: list[Any], outcome: Outcome, listed: list[str], in_summary: str
) -> None:
    subject = make_subject(repositories)

    res = produces_images.run(subject, Policy(), NOW)

    assert res.outcome is outcome
    assert list(res.repositories) == listed
    assert in_summary in res.summary
    assert_well_formed(res, subject, per_repository=True)


def test_fail_remediation_mentions_moving_other_artifacts() -> None:
    subject = make_subject([make_repo(content_types=("helm",), media_types=())])

    res = produces_images.run(subject, Policy(), NOW)

    assert res.remediation is not None
    assert "another namespace" in res.remediation


def test_a_buildkit_registry_cache_is_named_as_such() -> None:
    cache = ImageEvidence(
        reference="sha256:c",
        manifest_media_type="application/vnd.oci.image.index.v1+json",
        config_media_type="application/vnd.buildkit.cacheconfig.v0",
        error="the tag holds a BuildKit build cache",
    )
    repo = make_repo(
        name="cache",
        content_types=("unrecognized",),
        media_types=("application/vnd.oci.image.index.v1+json",),
        image=cache,
    )
    found = produces_images.run(make_subject([repo]), Policy(), NOW)
    assert found.per_repository["cache"].outcome is Outcome.FAIL
    assert found.per_repository["cache"].reason == "holds only BuildKit build cache artifacts"
