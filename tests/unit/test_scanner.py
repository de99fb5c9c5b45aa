"""The shared keyword pre-scan: word starts, whole short words, symbols anywhere."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsos_check.checks import commercial_signals, documentation
from dsos_check.checks.commercial_signals import find_commercial_signals
from dsos_check.licenses import clues, links, overview, riders, scope, source_repo
from dsos_check.scanner import (
    Anchored,
    KeywordScanner,
    Literals,
    Occurrences,
    Spec,
    _word_starts,
    _word_starts_at,
    fold,
    found_at,
    matches_at,
    occurrences,
)

SCANNER = KeywordScanner(
    [
        Spec("pro", ("pro",), re.compile(r"\bpro\b")),
        Spec("sales", ("sales", "sales@"), re.compile(r"sales")),
        Spec("money", ("$", "usd"), re.compile(r"\$|usd")),
        Spec("licence", ("licen",), re.compile(r"licen")),
    ]
)


def test_short_keywords_are_whole_words() -> None:
    assert "pro" not in SCANNER.present("a project of professionals")
    assert "pro" in SCANNER.present("upgrade to pro.")


def test_long_keywords_match_at_word_starts_only() -> None:
    assert "licen" in SCANNER.present("licensed under")
    assert "licen" in SCANNER.present("dual-licensed")
    assert "licen" not in SCANNER.present("unlicensed")


def test_a_longer_keyword_implies_the_shorter_it_starts_with() -> None:
    assert SCANNER.present("mail sales@example.com") >= {"sales", "sales@"}


def test_symbols_and_digits() -> None:
    assert SCANNER.present("only us$5") >= {"$"}
    assert "usd" in SCANNER.present("5usd per month")


def test_candidates_are_the_specs_with_a_keyword() -> None:
    labels = [spec.label for spec in SCANNER.candidates(SCANNER.present("contact sales"))]
    assert labels == ["sales"]


def test_project_is_not_a_pro_edition() -> None:
    assert find_commercial_signals("A project for professionals, built with pro-active care.") == []
    assert [s.kind for s in find_commercial_signals("Upgrade to Pro for more.")] == ["pro edition"]


# --------------------------------------------------------------------------- anchored patterns


def _anchored() -> list[tuple[str, Anchored]]:
    found = [
        (f"commercial {spec.label} {i}", spec.anchored)
        for i, spec in enumerate(commercial_signals._SCANNER.specs)
        if spec.anchored is not None
    ]
    found += [
        (f"rider {spec.label} {i}", spec.anchored)
        for i, spec in enumerate(riders._SCANNER.specs)
        if spec.anchored is not None
    ]
    return [
        *found,
        ("may not be used", riders._USE_AT),
        ("any use", riders._ANY_USE_AT),
        ("non-commercial", riders._NON_COMMERCIAL_AT),
        ("mixed contents", scope._MIXED_AT),
        ("github link", source_repo._GITHUB_AT),
        ("license badge", source_repo._LICENSE_BADGE_AT),
        ("trigger", overview._TRIGGER_AT),
        ("loose trigger", overview._LOOSE_TRIGGER_AT),
        ("closed statement", clues._CLOSED_AT),
    ]


# Characters that case-insensitive matching or word boundaries treat specially.
_ODD = [
    "\u0130",
    "\u0131",
    "\u017f",
    "\u212a",
    "é",
    "_",
    "5",
    "12",
    "$",
    "€",
    "-",
    "/",
    ".",
    ":",
    "@",
    "(",
    "'",
]
_GAPS = [" ", "  ", "-", "\n", "\n\n", "\t", "", ".", ", "]
# Whole phrases the word runs of a pattern do not spell.
_PHRASES = [
    "commercial license",
    "dual licensed, or a commercial",
    "github.com/acme/app",
    "www.github.com:acme/app.git",
    "img.shields.io/github/license/acme/app",
    "badgen.net/github/license/acme/app",
    # Riders: source-available names and restrictions.
    "Server Side Public License",
    "Business-Source License",
    "Functional Source License",
    "FSL-1.1",
    "Sustainable Use License",
    "Confluent Community License",
    "Redis Source Available License",
    "may not be sold",
    "cannot be resold",
    "CC-BY-NC",
    "cc by nc",
    "may not be used for commercial purposes",
    "must not be used in production",
    "can't be used to compete",
    "closed-source",
    "All Rights Reserved",
    "source available",
]


def _texts(pattern: str, rng: random.Random, count: int) -> list[str]:
    plain = re.sub(r"\\[a-zA-Z]|\(\?[:!=<]+|\[\^?|[?*+{}()|\]]", " ", pattern.replace("[cs]", "s"))
    ordered = re.findall(r"[a-zA-Z0-9.@/$€£-]+", plain)  # the pattern's words, in its order
    words = [
        *sorted(set(ordered)),
        "the",
        "a",
        "our",
        "of",
        "not",
        "x",
        "Acme",
        "SLA",
        "Pro",
        *_PHRASES,
    ]
    texts = []
    for _ in range(count):
        tokens = []
        for _ in range(rng.randint(1, 10)):
            if rng.random() < 0.4 and ordered:  # a run of the pattern's words: often a match
                start = rng.randrange(len(ordered))
                tokens += [w + " " for w in ordered[start : start + rng.randint(1, 5)]]
                continue
            word = rng.choice(words + _ODD)
            word = rng.choice([word, word.upper(), word.title()])
            tokens.append(word + rng.choice(_GAPS))
        texts.append("".join(tokens))
    return texts


@pytest.mark.parametrize(("name", "anchored"), _anchored(), ids=lambda v: str(v)[:40])
def test_anchored_patterns_match_as_finditer_does(name: str, anchored: Anchored) -> None:
    """Trying a pattern only at its anchors finds exactly what scanning every position finds:
    random texts built from the pattern's own words, in every case, with odd characters."""
    rng = random.Random(name)
    texts = _texts(anchored.pattern.pattern, rng, 2_000)
    texts += [text * 3 for text in texts[:300]]
    matched = 0
    for text in texts:
        expected = [m.span() for m in anchored.pattern.finditer(text)]
        assert [m.span() for m in anchored.finditer(text, fold(text))] == expected, repr(text)
        matched += bool(expected)
    assert matched, "the generated texts never matched: the test proves nothing"


def _anchor_positions(anchored: Anchored, folded: str) -> list[int]:
    """Every position of every anchor with no letter before it (nor after it, for a whole
    anchor), each anchor searched for on its own: a set, sorted."""
    found = set()
    for anchor in anchored.anchors:
        for at in occurrences(folded, anchor):
            after = at + len(anchor)
            if not (anchored.whole and after < len(folded) and folded[after].isalpha()):
                found.add(at)
    return sorted(found)


@pytest.mark.parametrize(("name", "anchored"), _anchored(), ids=lambda v: str(v)[:40])
def test_anchor_starts_are_every_anchors_positions(name: str, anchored: Anchored) -> None:
    """The anchors' positions, gathered in a list (not sorted when one anchor occurs), are those
    of every anchor looked up on its own, for a lone text, a plain memo and the memo of a scan
    that covers the anchors; they are all the starts of a pattern without `reach`."""
    rng = random.Random(name)
    texts = _texts(anchored.pattern.pattern, rng, 600)
    texts += [text * 3 for text in texts[:100]]
    literals = Literals(anchored.anchors)
    for text in texts:
        folded = fold(text)
        expected = _anchor_positions(anchored, folded)
        assert anchored._anchor_starts(folded, None) == expected, repr(text)
        assert anchored._anchor_starts(folded, {}) == expected, repr(text)
        assert anchored._anchor_starts(folded, literals.word_starts(folded)) == expected
        if not anchored.reach and anchored.first is None:
            assert anchored._starts(text, folded, literals.word_starts(folded)) == expected


def test_fold_keeps_offsets_and_lowers_what_ignorecase_matches() -> None:
    text = "\u0130STANBUL \u0131\u017f\u212a Stra\u00dfe \u01c5"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("istanbul isk strasse"[:12])
    assert fold("ABC") == "abc"


@given(st.text(alphabet="ab_5 .-\u00e9\u0130\u212a\n", max_size=30), st.data())
def test_word_starts_are_the_positions_no_word_character_precedes(text: str, data: Any) -> None:
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    expected = [
        i for i in range(lo, hi) if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")
    ]
    assert list(_word_starts(text, lo, hi)) == expected


def test_anchor_lookups_are_shared_through_the_memo() -> None:
    memo: Occurrences = {}
    assert occurrences("pro, unproven (pro)", "pro", memo) == [0, 15]
    memo["pro"] = [99]  # a second asking is answered from the memo
    assert occurrences("pro", "pro", memo) == [99]


_BADGE_PIECES = (
    *("img.shields.io/badge/", "IMG.Shields.IO/badge/", "img.shields.io/static/v1?", "x", "-"),
    *("badgen.net/badge/", "license", "-MIT-blue", "/", "?", "&", "label=License", "message=MIT"),
    *(" ", "\n", ")", "\u0130", "\u212a", "_", "a-img.shields.io/badge/"),
    *("opensource.org/licenses/", "OpenSource.org/licence/", "spdx.org/licenses/", "MIT", "2.0"),
    *("apache.org/licenses/LICENSE-", "www.gnu.org/licenses/", "gpl-3", "mozilla.org/en-US/"),
    *("MPL/", "creativecommons.org/licenses/by-sa/", "choosealicense.com/licenses/", "4.0"),
)


@given(st.lists(st.sampled_from(_BADGE_PIECES), max_size=12))
def test_matches_at_a_literal_are_the_finditer_matches(pieces: list[str]) -> None:
    text = "".join(pieces)
    for pattern, literal in (
        (links._SHIELDS_STATIC, "img.shields.io/badge/"),
        (links._SHIELDS_QUERY, "img.shields.io/static/v1?"),
        (links._BADGEN, "badgen.net/badge/"),
    ):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in matches_at(pattern, text, fold(text), literal)] == expected
    expected = [m.span() for m in links._LICENSE_URL.finditer(text)]
    found = matches_at(links._LICENSE_URL, text, fold(text), *links.LICENSE_HOSTS)
    assert [m.span() for m in found] == expected


_GITHUB_PIECES = (
    *("github.com/", "GitHub.com:", "G\u0130THUB.COM/", "www.github.com/", "github.co", "x"),
    *("acme/", "tool", ".git", "-", " ", "(", "\n", "about/", "\u212a", "git@", "https://"),
)


@given(st.lists(st.sampled_from(_GITHUB_PIECES), max_size=12))
def test_github_links_are_those_the_plain_pattern_finds(pieces: list[str]) -> None:
    """The "github.com" pre-check and the anchors never drop a link the plain pattern finds."""
    text = "".join(pieces)
    expected: dict[tuple[str, str], None] = {}
    for match in source_repo._GITHUB.finditer(text):
        owner, repo = match.group("owner"), match.group("repo")
        repo = source_repo._GIT_SUFFIX.sub("", repo).rstrip(".")
        if repo and owner.lower() not in source_repo._RESERVED and repo not in (".", ".."):
            expected.setdefault((owner, repo), None)
    assert source_repo.parse_github(text) == list(expected)


_SCAN_PIECES = (
    *("pro", "Pro", "project", "per", "usd", "5usd", "us$5", "$", "€", "sales@", "SALES", "licen"),
    *("licensed", "unlicensed", "commercial", "non-commercial", "may", "not", "be", "used", "SLA"),
    *("Server Side Public", "nc", "since", "eee", "ee", "\u0130", "\u0131", "\u017f", "\u212a"),
    *("é", "_", "-", " ", "\n", "(", "24/7", "fsl-1", "elv2", "sell", "resold", "cannot"),
    *("contains", "is", "this", "are", "EULA", "end-user", "software", "installed"),
    *("\ud800", "\udfff"),  # lone surrogates, as a JSON escape leaves them
)


@given(st.lists(st.sampled_from(_SCAN_PIECES), max_size=20).map("".join))
def test_one_pass_scan_is_present_fold_and_occurrences(text: str) -> None:
    """`KeywordScanner.scan` (one Aho-Corasick pass) answers as `present`, `fold` and one
    `occurrences` per word do, for every scanner's keywords and anchors."""
    for scanner in (SCANNER, commercial_signals._SCANNER, riders._SCANNER):
        scanned = scanner.scan(text)
        present, folded, memo = scanned.present, scanned.folded, scanned.memo
        assert scanned.text is text
        assert present == scanner.present(text.lower())
        assert folded == fold(text)
        for literal in scanner._literals.literals:
            assert occurrences(folded, literal, memo) == occurrences(folded, literal), literal


@given(st.lists(st.sampled_from(_SCAN_PIECES), max_size=20).map("".join))
def test_literals_finds_every_occurrence_as_find_does(text: str) -> None:
    words = ("ee", "e", "pro", "project", "$", "nc", "\u0131", "licen", "licensed")
    found = Literals(words).positions(text)
    for word in words:
        expected, at = [], text.find(word)
        while at >= 0:
            expected.append(at)
            at = text.find(word, at + 1)
        assert found.get(word, []) == expected, word


_DOCUMENTATION_PIECES = (
    *("github.com/", "GitHub.com:", "G\u0130THUB.COM/", "x-github.com/a", "git.", "git.example"),
    *(".org", "/", ":", "a", "-", " ", "\n", "licen", "LICENCE", "Licen\u017fe", "\u212a", "c"),
    *("contribut", "CONTRIBUTING", "sr.ht", "gitee.com/", "_", "codeberg.org:x", "\u0130"),
)


@given(st.lists(st.sampled_from(_DOCUMENTATION_PIECES), max_size=14).map("".join))
def test_found_at_a_literal_is_whether_search_finds_a_match(text: str) -> None:
    """`found_at` answers as `pattern.search` does for every pattern the documentation check
    asks it about."""
    folded = fold(text)
    for pattern, literals in (
        (documentation._HOST_LINK, documentation._HOST_STARTS),
        (documentation._LICENSE_STATEMENT, ("licen",)),
        (documentation._CONTRIBUTING, ("contribut",)),
    ):
        expected = pattern.search(text) is not None
        assert found_at(pattern, text, folded, *literals) is expected, pattern.pattern


@given(st.lists(st.sampled_from(_SCAN_PIECES), max_size=20).map("".join))
def test_the_first_specs_are_the_candidates_among_those_given(text: str) -> None:
    """The rider scan asks for the candidates among the first so many of its specs (names,
    then phrases, then additions): those `candidates` finds among the same specs given."""
    scanner = riders._SCANNER
    present = scanner.scan(text).present
    for specs in (riders._NAMES, riders._NAMES + riders._PHRASES, scanner.specs):
        assert scanner.specs[: len(specs)] == specs
        expected = scanner.candidates(present, specs)
        assert scanner.candidates(present, first=len(specs)) == expected


@given(st.lists(st.sampled_from(_SCAN_PIECES), max_size=20).map("".join))
def test_a_spec_search_is_its_first_match(text: str) -> None:
    scanned = riders._SCANNER.scan(text)
    for spec in (*riders._SCANNER.specs, *commercial_signals._SCANNER.specs):
        first = next(spec.finditer(text, scanned.folded, scanned.memo), None)
        found = spec.search(text, scanned.folded, scanned.memo)
        assert (found and found.span()) == (first and first.span())


_SIGNAL_PIECES = (
    *("billed", "Charged", "LICENSED", "licenced", "monthly", "Annually", "yearly", "per", "-"),
    *("node", "seat", "service", "Service", "level", "agreements", "SLA", "SLAs", "sla", "x"),
    *("buy", "a", "license", "pro", "Pro", "edition", "plan", "free", "tier", "support", " "),
    *("\n", ".", "_", "5", "$", "usd", "/", "mo", "contact", "sales", "trial", "cloud", "is"),
    *("premium", "features", "Add-ons", "addon", "modules", "plugin", "versions", "\u2010"),
    *("Buying", "purchase", "ORDER", "your", "Consulting", "professional", "paid", "services"),
)


@given(st.lists(st.sampled_from(_SIGNAL_PIECES), max_size=14).map("".join))
def test_every_signal_match_holds_one_of_its_keywords(text: str) -> None:
    """A signal pattern runs only when one of its keywords is present: wherever the pattern
    matches, one is (keywords may be any words every match holds, not only its first)."""
    present = commercial_signals._SCANNER.present(text.lower())
    for spec in commercial_signals._SCANNER.specs:
        if spec.pattern.search(text) is not None:
            assert present.intersection(spec.keys), (spec.label, spec.pattern.pattern)


@given(st.text(alphabet="aAB$_5 .-\u00e9\u00c9\n", max_size=30), st.data())
def test_word_starts_at_first_characters_are_the_word_starts_holding_them(
    text: str, data: Any
) -> None:
    """An anchored pattern with `first` and `reach` takes only the word starts that hold one of
    its first characters, found by one pattern (`$` is a non-word first character)."""
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    for first in (frozenset("AB\u00c9"), frozenset("$A")):
        anchored = Anchored(re.compile("x"), ("x",), reach=5, first=first)
        assert anchored._before_first is not None
        expected = [at for at in _word_starts(text, lo, hi) if text[at] in first]
        assert list(_word_starts_at(text, lo, hi, first, anchored._before_first)) == expected
