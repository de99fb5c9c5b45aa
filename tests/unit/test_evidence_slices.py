"""A large evidence file read a batch of repositories at a time from slices of its text: the same
document as read whole, and whatever the layout holds, nothing the whole reading would refuse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from dsos_check import evidence, evidence_slices
from dsos_check.errors import UsageError
from dsos_check.evidence import EvidenceFile, read_evidence
from dsos_check.evidence_slices import layout_of, read_in_slices
from tests.unit.test_evidence_v1 import (
    _IMAGES,
    _SENTENCES,
    _assert_same,
    _migrated_in_python,
    _old_message,
)

DATA = Path(__file__).parent.parent / "data"
V1_FILE = DATA / "evidence-v1.json"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "evidence.json"


def _written(tmp_path: Path, document: Any, name: str = "e.json") -> Path:
    """`document` laid out as dsos-check's writer lays it out (two-space indents)."""
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _sliced(path: Path) -> EvidenceFile | None:
    layout = layout_of(evidence._read(str(path)))
    assert layout is not None
    return read_in_slices(str(path), layout)


def _with_repositories(repositories: list[Any]) -> Any:
    document = json.loads(V1_FILE.read_text(encoding="utf-8"))
    document["namespaces"][0]["evidence"]["repositories"] = repositories
    return document


@pytest.mark.parametrize("batch", [1, 2, 256])
def test_a_file_read_in_slices_is_the_file_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(evidence_slices, "_BATCH", batch)
    problems = _with_repositories(
        [
            {"name": f"r{i}", "tag_content_types": [], "problems": _SENTENCES, "image": image}
            for i, image in enumerate(_IMAGES)
        ]
    )
    with_bom = tmp_path / "bom.json"
    with_bom.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    for path in (EXAMPLE, V1_FILE, _written(tmp_path, problems), with_bom):
        document = _sliced(path)
        assert document is not None
        _assert_same(document, _migrated_in_python(evidence._read(str(path))))


def test_a_namespace_without_repositories_or_with_none(tmp_path: Path) -> None:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document["namespaces"][0]["evidence"]["repositories"] = []
    del document["namespaces"][1]["evidence"]["repositories"]
    path = _written(tmp_path, document)
    got = _sliced(path)
    assert got is not None
    _assert_same(got, _migrated_in_python(path.read_bytes()))


def _nested(depth: int) -> str:
    return '"tag_content_types": ' + '{"a": ' * depth + "1" + "}" * depth


def _hostile(tmp_path: Path) -> dict[str, Path]:
    """Files whose text looks like the writer's where it is not what it seems."""
    nested = _with_repositories(
        [{"name": "a", "tag_content_types": {"repositories": [{"name": "b"}]}}]
    )
    twice = json.loads(V1_FILE.read_text(encoding="utf-8"))
    evidence_text = json.dumps(twice["namespaces"][0]["evidence"], indent=2)
    repositories = json.dumps(twice["namespaces"][0]["evidence"]["repositories"], indent=2)
    twice_path = _written(tmp_path, twice, "twice.json")
    text = twice_path.read_text(encoding="utf-8")
    # The same key twice in one namespace: the last one is the namespace's.
    twice_path.write_text(
        text.replace('"authenticated": true,', '"repositories": [],\n"authenticated": true,', 1)
    )
    assert evidence_text  # (laid out by json, as the writer's)
    # The parser refuses objects nested this deep in the file, though not in one repository.
    deep = json.dumps(_with_repositories([{"name": "a", "tag_content_types": 1}]), indent=2)
    deep_path, shallower_path = tmp_path / "deep.json", tmp_path / "shallower.json"
    deep_path.write_text(deep.replace('"tag_content_types": 1', _nested(195)))
    shallower_path.write_text(deep.replace('"tag_content_types": 1', _nested(194)))
    inside = _with_repositories(
        [{"name": "a", "labels_text": repositories}]  # a refused field holding the writer's text
    )
    return {
        "array-inside-another-field": _written(tmp_path, nested, "nested.json"),
        "key-twice": twice_path,
        "nested-beyond-the-parser-limit": deep_path,
        "nested-up-to-the-parser-limit": shallower_path,
        "refused-field": _written(tmp_path, inside, "inside.json"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "array-inside-another-field",
        "key-twice",
        "nested-beyond-the-parser-limit",
        "nested-up-to-the-parser-limit",
        "refused-field",
    ],
)
def test_a_layout_that_is_not_what_it_seems_reads_as_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = _hostile(tmp_path)[name]
    data = evidence._read(str(path))
    try:
        expected: EvidenceFile | None = _migrated_in_python(data)
    except ValidationError:
        expected, message = None, _old_message(path)
    layout = layout_of(data)
    assert layout is not None  # each looks laid out as the writer lays it out
    sliced = read_in_slices(str(path), layout)
    if expected is None:
        assert sliced is None
    elif sliced is not None:
        _assert_same(sliced, expected)
    for batched_from in (evidence.BATCHED_FROM, 0):  # read straight, then in slices
        monkeypatch.setattr(evidence, "BATCHED_FROM", batched_from)
        if expected is None:
            with pytest.raises(UsageError) as caught:
                read_evidence(str(path))
            assert caught.value.message == message
        else:
            _assert_same(read_evidence(str(path)), expected)


def test_a_file_changed_after_its_layout_was_read_is_read_again(tmp_path: Path) -> None:
    path = _written(tmp_path, json.loads(EXAMPLE.read_text(encoding="utf-8")))
    layout = layout_of(path.read_bytes())
    assert layout is not None
    path.write_bytes(path.read_bytes()[: layout.size // 2])  # truncated meanwhile
    assert read_in_slices(str(path), layout) is None
    path.unlink()
    assert read_in_slices(str(path), layout) is None
