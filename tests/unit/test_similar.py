"""The word-set comparisons of `licenses.similar` against every template, done the long way
(plain sets of words, every template scored)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsos_check.licenses import similar
from dsos_check.licenses.similar import nearest_license, twins

_TEXTS = sorted((Path(__file__).parent / "data" / "licenses").iterdir())


def _word_sets() -> dict[str, frozenset[str]]:
    """Every template's words as a plain set, by license id."""
    store = similar._store()
    return {
        t.license_id: frozenset(store.words[number] for number in t.numbers) for t in store.ordered
    }


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def _twins_of_every_template(text: str, license_id: str) -> tuple[str, ...]:
    words = frozenset(re.findall("[a-z0-9]+", text[:200_000].lower()))
    if len(words) < similar._MIN_WORDS // 2:
        return ()
    scores = {lid: _dice(words, ws) for lid, ws in _word_sets().items()}
    own = scores.get(license_id, 0.0)
    found = [(s, lid) for lid, s in scores.items() if s >= similar.TWIN_SIMILARITY]
    return tuple(lid for s, lid in sorted(found, reverse=True) if s > own)


def _nearest_of_every_template(text: str) -> similar.Nearest | None:
    """`nearest_license` with every template scored."""
    near_in_size = similar._near_in_size
    similar._near_in_size = lambda count, least: similar._store().ordered
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
    near = {template.license_id for template in similar._near_in_size(count, least)}
    for license_id, words in _word_sets().items():
        if license_id not in near:
            most = 2 * min(count, len(words)) / (count + len(words))
            assert most < least, (license_id, count, len(words))


def test_every_template_keeps_its_words_in_order() -> None:
    """The compact templates decode to the words of the classifier's patterns, in order, and
    their word-set bits and sizes are those of the words."""
    store = similar._store()
    assert len(store.ordered) > 500
    assert [t.size for t in store.ordered] == sorted(t.size for t in store.ordered)
    for template in store.ordered:
        words = [store.words[number] for number in template.numbers]
        assert all(re.fullmatch("[a-z0-9]+", word) for word in words)
        assert template.size == len(set(words))
        assert template.bits.bit_count() == template.size
        assert similar._word_set(words) == (template.bits, template.size)


@given(st.text(max_size=300))
def test_words_are_those_the_regex_finds(text: str) -> None:
    """`_words` (C string methods) splits any text, ASCII or not, as the word regex does."""
    assert similar._words(text.lower()) == re.findall("[a-z0-9]+", text.lower())


@given(
    st.lists(
        st.sampled_from(("mit", "license", "zzz-not-a-template-word", "the", "x1")), max_size=20
    )
)
def test_word_set_bits_count_only_template_words(words: list[str]) -> None:
    bits, size = similar._word_set(words)
    assert size == len(set(words))
    known = {w for w in words if w in similar._store().numbers}
    assert bits.bit_count() == len(known)
