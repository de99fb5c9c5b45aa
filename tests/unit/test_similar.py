"""The word-set comparisons of `licenses.similar` against every template, done the long way."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsos_check.licenses import similar
from dsos_check.licenses.similar import nearest_license, twins

_TEXTS = sorted((Path(__file__).parent / "data" / "licenses").iterdir())


def _twins_of_every_template(text: str, license_id: str) -> tuple[str, ...]:
    words = frozenset(similar._words(text[:200_000].lower()))
    if len(words) < similar._MIN_WORDS // 2:
        return ()
    scores = {lid: similar._dice(words, ws) for lid, _, ws in similar._templates()}
    own = scores.get(license_id, 0.0)
    found = [(s, lid) for lid, s in scores.items() if s >= similar.TWIN_SIMILARITY]
    return tuple(lid for s, lid in sorted(found, reverse=True) if s > own)


def _nearest_of_every_template(text: str) -> similar.Nearest | None:
    """`nearest_license` with every template scored."""
    near_in_size = similar._near_in_size
    similar._near_in_size = lambda count, least: similar._templates()
    try:
        return nearest_license(text)
    finally:
        similar._near_in_size = near_in_size


def _variants(text: str) -> list[str]:
    """The text, cut short, doubled, with words added: word sets of other sizes."""
    words = text.split()
    return [
        text,
        " ".join(words[: len(words) // 2]),
        " ".join(words[: len(words) * 9 // 10]),
        text + " " + " ".join(f"extra{i}" for i in range(len(words) // 20)),
        text + "\n\nThe Software may not be used for military purposes.",
    ]


@pytest.mark.parametrize("path", _TEXTS, ids=lambda path: path.name)
def test_twins_and_nearest_license_are_those_of_every_template(path: Path) -> None:
    """Leaving out the templates whose word-set size is too far off to reach the threshold
    changes no answer."""
    for text in _variants(path.read_text(encoding="utf-8")):
        for license_id in ("MIT", "Apache-2.0", "GPL-3.0", "BSD-3-Clause", "HPND", "none"):
            assert twins(text, license_id) == _twins_of_every_template(text, license_id)
        assert nearest_license(text) == _nearest_of_every_template(text)


@settings(max_examples=30, deadline=None)
@given(st.integers(20, 3_000), st.sampled_from((similar.TWIN_SIMILARITY, similar.MIN_SIMILARITY)))
def test_templates_left_out_cannot_reach_the_threshold(count: int, least: float) -> None:
    near = {template[0] for template in similar._near_in_size(count, least)}
    for license_id, _, words in similar._templates():
        if license_id not in near:
            most = 2 * min(count, len(words)) / (count + len(words))
            assert most < least, (license_id, count, len(words))
