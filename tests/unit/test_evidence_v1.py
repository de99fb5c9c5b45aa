"""Version-1 evidence files are validated in their own shape, straight from their bytes (or a
batch at a time for a large file): the same documents, and the same refusals, as migrating them
in Python (`migrate_v1`) and validating the result as version 2."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from dsos_check import evidence
from dsos_check.errors import UsageError
from dsos_check.evidence import EvidenceFile, load_evidence, read_evidence
from dsos_check.evidence_errors import describe
from dsos_check.evidence_schema import instance
from dsos_check.evidence_slices import layout_of, read_in_slices
from dsos_check.models import LookupFailure, NamespaceEvidence

V1_FILE = Path(__file__).parent.parent / "data" / "evidence-v1.json"


def _v1(repositories: list[Any], **header: Any) -> bytes:
    data = json.loads(V1_FILE.read_text(encoding="utf-8"))
    data["namespaces"][0]["evidence"]["repositories"] = repositories
    data.update(header)
    return json.dumps(data).encode()


def _sliced(data: bytes) -> EvidenceFile | None:
    """The file read in slices, laid out as the writer lays it out."""
    text = json.dumps(json.loads(data), indent=2).encode()
    layout = layout_of(text)
    assert layout is not None
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "e.json"
        path.write_bytes(text)
        return read_in_slices(str(path), layout)


def _migrated_in_python(data: bytes) -> EvidenceFile:
    """The file read as it was before: parsed, migrated in Python, written out, validated."""
    return evidence._DOCUMENT.validate_json(evidence._upgraded(data), strict=True)


def _old_message(path: Path) -> str:
    data = path.read_bytes()
    with pytest.raises(ValidationError) as caught:
        _migrated_in_python(data)
    return f"{path}: {describe(data, caught.value)}"


def _assert_same(got: Any, expected: Any) -> None:
    """Equal, of the same types all the way down, with the same fields given (pydantic's
    `model_fields_set`, which `exclude_unset` dumps read)."""
    assert type(got) is type(expected)
    if isinstance(got, BaseModel):
        assert got.model_fields_set == expected.model_fields_set
        assert got.__pydantic_extra__ is None
        assert expected.__pydantic_extra__ is None
        for name in type(got).model_fields:
            _assert_same(getattr(got, name), getattr(expected, name))
    elif isinstance(got, tuple | list):
        assert len(got) == len(expected)
        for a, b in zip(got, expected, strict=True):
            _assert_same(a, b)
    elif isinstance(got, dict):
        assert list(got) == list(expected)
        for key in got:
            _assert_same(got[key], expected[key])
    else:
        assert got == expected


_SENTENCES = [
    "tags could not be read from the registry: the registry token service answered 503",
    "the registry answered 500",
    "Docker Hub answered 429",
]
_IMAGES = [
    {"reference": "sha256:a", "error": "the registry's pull budget is spent"},
    {"reference": "sha256:b", "error": "not a container image (a Helm chart)"},
    {"reference": "sha256:c", "error": "the registry token service answered 503"},
    {"reference": "sha256:d", "error": "the registry answered 500", "failure": "content"},
    {"reference": "sha256:e", "error": "the registry answered 500", "failure": None},
    {"reference": "sha256:f", "labels": {"a": "b"}, "error": None},
]


def test_problems_and_image_errors_read_as_migrate_v1_makes_them(tmp_path: Path) -> None:
    repositories: list[Any] = [
        {
            "name": f"r{i}",
            "tag_content_types": tag_content_types,
            "problems": [*_SENTENCES, {"service": "registry", "message": "typed already"}],
            "image": image,
        }
        for i, (image, tag_content_types) in enumerate(
            zip(_IMAGES, [["image"], [], None, {"any": [1]}, "x", 5], strict=True)
        )
    ]
    repositories.append({"name": "bare"})  # no tag_content_types at all
    path = tmp_path / "v1.json"
    path.write_bytes(_v1(repositories))
    document = read_evidence(str(path))
    _assert_same(document, _migrated_in_python(path.read_bytes()))
    assert document.schema_version == 2
    entry = document.items[0]
    assert isinstance(entry, NamespaceEvidence)
    first = entry.repositories[0]
    assert [p.service for p in first.problems] == [
        LookupFailure.TOKEN_SERVICE,
        LookupFailure.REGISTRY,
        LookupFailure.DOCKER_HUB,
        LookupFailure.REGISTRY,
    ]
    failures = [r.image.failure if r.image else None for r in entry.repositories]
    assert failures == [
        LookupFailure.PULL_BUDGET,
        LookupFailure.CONTENT,
        LookupFailure.TOKEN_SERVICE,
        LookupFailure.CONTENT,  # given: kept
        None,  # given as null: kept, as `setdefault` keeps it
        None,
        None,
    ]


def test_the_example_file_reads_as_before_field_for_field() -> None:
    _assert_same(read_evidence(str(V1_FILE)), _migrated_in_python(V1_FILE.read_bytes()))


_BAD_REPOSITORIES: list[tuple[str, Any]] = [
    ("string-for-number", {"name": "a", "tag_count": "5"}),
    ("string-for-boolean", {"name": "a", "is_private": "false"}),
    ("number-for-string", {"name": 5}),
    ("naive-datetime", {"name": "a", "last_updated": "2026-11-20T12:00:00"}),
    ("not-a-datetime", {"name": "a", "last_updated": "yesterday"}),
    ("unknown-field", {"name": "a", "tags": []}),
    ("string-for-array", {"name": "a", "content_types": "image"}),
    ("problem-number", {"name": "a", "problems": [5]}),
    ("problems-string", {"name": "a", "problems": "the registry answered 500"}),
    ("problem-bad-service", {"name": "a", "problems": [{"service": "x", "message": "m"}]}),
    ("image-error-number", {"name": "a", "image": {"reference": "x", "error": 5}}),
    ("image-bad-failure", {"name": "a", "image": {"reference": "x", "failure": "nope"}}),
    ("image-unknown-field", {"name": "a", "image": {"reference": "x", "errors": []}}),
    ("image-array", {"name": "a", "image": []}),
    ("repository-string", "a"),
    ("missing-name", {"tag_content_types": []}),
]
_BAD_HEADERS: list[tuple[str, dict[str, Any]]] = [
    ("no-namespaces", {"namespaces": []}),
    ("bad-status", {"namespaces": [{"status": "done", "evidence": {}}]}),
    ("no-kind", {"kind": None}),
    ("naive-generated-at", {"generated_at": "2026-11-20T12:00:00"}),
]


@pytest.mark.parametrize("batched", [False, True], ids=["straight", "batched"])
@pytest.mark.parametrize(
    "data",
    [pytest.param(_v1([repo]), id=name) for name, repo in _BAD_REPOSITORIES]
    + [pytest.param(_v1([{"name": "a"}], **header), id=name) for name, header in _BAD_HEADERS],
)
def test_a_bad_version_1_file_is_refused_with_the_message_of_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, batched: bool
) -> None:
    path = tmp_path / "v1.json"
    path.write_bytes(data)
    assert evidence._straight(data) is None
    assert evidence._in_batches(from_json(data)) is None
    if batched:
        monkeypatch.setattr(evidence, "BATCHED_FROM", 0)
    with pytest.raises(UsageError) as caught:
        load_evidence(str(path))
    assert caught.value.message == _old_message(path)


_VALUES: list[Any] = [
    None,
    True,
    0,
    5,
    1.5,
    "x",
    "2026-11-20T12:00:00Z",
    "2026-11-20T12:00:00",
    [],
    ["image"],
    [5],
    {},
    *_SENTENCES[:1],
    [_SENTENCES[0], {"service": "registry", "message": "m"}],
    [{"service": "bad", "message": "m"}],
    *_IMAGES,
    {"reference": "x", "failure": "registry"},
    {"name": "latest", "last_pushed": "2026-11-20T12:00:00Z"},
]
_VALID: dict[str, list[Any]] = {
    "is_private": [False, True],
    "description": ["x", None],
    "full_description": ["# x\n\nMIT", None],
    "last_updated": ["2026-11-20T12:00:00Z", "2026-11-20T13:00:00+01:00", None],
    "repository_type": ["image", None],
    "content_types": [["image"], []],
    "media_types": [["application/vnd.oci.image.index.v1+json"], []],
    "tag_count": [5, None],
    "newest_tag": [{"name": "latest", "last_pushed": "2026-11-20T12:00:00Z"}, None],
    "image": [*_IMAGES, None],
    "source_repository": [
        {"url": "https://github.com/a/b", "found_in": "description", "status": "found"},
        None,
    ],
    "problems": [[], _SENTENCES, [{"service": "registry", "message": "m"}]],
    "tag_content_types": [["image"], [], None],
}


def _value(field: str) -> st.SearchStrategy[Any]:
    """Mostly a value the field takes, one time in ten anything."""
    return st.integers(0, 9).flatmap(
        lambda n: st.sampled_from(_VALUES if n == 0 else _VALID[field])
    )


_REPOSITORY = st.builds(
    lambda name, fields, unknown: {"name": name, **fields, **({"unknown": 1} if unknown else {})},
    st.sampled_from(["a"] * 7 + [5]),
    st.fixed_dictionaries({}, optional={field: _value(field) for field in _VALID}),
    st.integers(0, 19).map(lambda n: n == 0),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_REPOSITORY, min_size=1, max_size=2))
def test_version_1_read_in_its_shape_accepts_exactly_what_migrating_it_accepts(
    repositories: list[dict[str, Any]],
) -> None:
    data = _v1(repositories)
    try:
        expected: EvidenceFile | None = _migrated_in_python(data)
    except ValidationError:
        expected = None
    event(f"migrated in Python: {'refused' if expected is None else 'accepted'}")
    for got in (evidence._straight(data), evidence._in_batches(from_json(data)), _sliced(data)):
        if expected is None:
            assert got is None
        else:
            assert got is not None
            _assert_same(got, expected)


def test_models_are_built_as_model_construct_builds_them() -> None:
    """`instance` sets what pydantic's `model_construct` sets: a pydantic that adds an attribute
    to its models fails here, not in a file's models."""
    document = read_evidence(str(V1_FILE))
    namespace = document.items[0]
    assert isinstance(namespace, NamespaceEvidence)
    for made in (document, document.namespaces[0], namespace, namespace.repositories[0]):
        values = dict(made.__dict__)
        built = instance(type(made), values, set(made.model_fields_set))
        constructed = type(made).model_construct(set(made.model_fields_set), **values)
        assert built.__getstate__() == constructed.__getstate__()
        assert vars(built) == vars(constructed)
        assert built == constructed
