"""A policy file speaks only for its namespaces; per-check exclusions; failed lookups are said."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsos_check.config import load_policy
from dsos_check.errors import UsageError
from dsos_check.judge import judge_all, scoped_policy
from dsos_check.lookups import lookup_warnings
from dsos_check.models import (
    Attestation,
    Exclusion,
    ImageEvidence,
    LookupFailure,
    Outcome,
    Policy,
    Problem,
    SourceRepositoryEvidence,
)
from tests.unit.checks.factories import make_evidence, make_repo

ATTESTED = Policy(
    config_file="dsos-check.toml",
    exclude=(Exclusion(repository="sandbox", reason="throwaway"),),
    attestation=Attestation(non_commercial=True, statement="Donations only."),
)


def test_a_file_without_namespaces_applies_to_a_single_namespace_only() -> None:
    assert scoped_policy(ATTESTED, "acme", 1) == (ATTESTED, None)
    withheld, warning = scoped_policy(ATTESTED, "acme", 2)
    assert withheld.attestation is None
    assert withheld.exclude == ()
    assert warning is not None
    assert "names no namespaces and several are checked" in warning


def test_a_file_with_namespaces_applies_to_those_only_whatever_the_batch() -> None:
    listed = ATTESTED.model_copy(update={"namespaces": ("Acme",)})
    assert scoped_policy(listed, "acme", 5)[0] is listed
    other, warning = scoped_policy(listed, "globex", 1)
    assert other.attestation is None
    assert warning is not None
    assert "speaks for Acme only" in warning


def test_judge_all_withholds_the_attestation_from_other_applicants() -> None:
    items = [
        make_evidence(namespace=name, repositories=(make_repo(name="sandbox"), make_repo()))
        for name in ("acme", "globex")
    ]
    acme, globex = judge_all(items, ATTESTED.model_copy(update={"namespaces": ("acme",)}))
    assert [x.name for x in acme.excluded] == ["sandbox"]
    assert acme.attestation is not None
    assert globex.excluded == ()
    assert globex.attestation is None
    assert any("were not applied" in w for w in globex.warnings)


def test_a_per_check_exclusion_leaves_the_repository_in_every_other_check() -> None:
    docs = make_repo(name="docs", content_types=("helm",), media_types=())
    policy = Policy(
        exclude=(Exclusion(repository="docs", reason="kept", checks=("produces-images",)),)
    )
    (ns,) = judge_all([make_evidence(repositories=(docs, make_repo()))], policy)
    (excluded,) = ns.excluded
    assert excluded.checks == ("produces-images",)
    report = next(r for r in ns.repositories if r.name == "docs")
    assert "produces-images" not in report.outcomes
    assert report.outcomes["osi-license"] is Outcome.PASS
    produces = next(c for c in ns.checks if c.id == "produces-images")
    assert produces.outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('namespace = ["x"]', "unknown key; did you mean 'namespaces'?"),
        ("[attestation]\nnon_comercial = true", "did you mean 'non_commercial'?"),
        (
            'exclude = [{repository = "a", reason = "r", checks = ["produce-images"]}]',
            "'produce-images' is not a check id; did you mean 'produces-images'?",
        ),
        (
            '[[overrides]]\nrepository = "a"\nlicense = "Apache 2.0"\nreason = "r"',
            "not an SPDX expression of known license ids",
        ),
        (
            '[[overrides]]\nrepository = "a"\nlicense = "FooBar-1.0"\nreason = "r"',
            "not an SPDX expression of known license ids",
        ),
        ('namespaces = ["https://hub.docker.com/u/x"]', "namespaces[0]"),
    ],
)
def test_policy_mistakes_are_usage_errors_with_a_hint(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "dsos-check.toml"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        load_policy(str(path))
    assert message in caught.value.message
    assert "Value error" not in caught.value.message


def test_apache_with_a_space_suggests_the_spdx_id(tmp_path: Path) -> None:
    path = tmp_path / "dsos-check.toml"
    path.write_text('[[overrides]]\nrepository = "a"\nlicense = "Apache 2.0"\nreason = "r"')
    with pytest.raises(UsageError, match=r"did you mean 'Apache-2\.0'"):
        load_policy(str(path))


def _source(status: str) -> SourceRepositoryEvidence:
    return SourceRepositoryEvidence.model_validate(
        {"url": "https://github.com/a/b", "found_in": "x", "status": status, "message": "boom"}
    )


def test_each_failed_service_is_named_once_with_a_count() -> None:
    repos = [
        make_repo(
            name="a",
            problems=(
                Problem(
                    service=LookupFailure.REGISTRY,
                    message="tags could not be read from the registry: could not connect to 127.0.0.1:9",
                ),
            ),
        ),
        make_repo(
            name="b",
            image=ImageEvidence(
                reference="sha256:x",
                error="the registry token service could not be reached: timed out",
                failure=LookupFailure.TOKEN_SERVICE,
            ),
        ),
        make_repo(name="c", source_repository=_source("unreachable")),
        make_repo(
            name="d",
            image=ImageEvidence(
                reference="x", error="not a container image (x)", failure=LookupFailure.CONTENT
            ),
        ),
    ]
    warnings = lookup_warnings(repos)
    assert [w.split(" could not")[0] for w in warnings] == [
        "the registry's token service",
        "the registry",
        "GitHub",
    ]
    assert all("1 repository" in w for w in warnings)
