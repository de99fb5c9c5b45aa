"""Scope: sentences that license something other than the image's software."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsos_check.licenses import clues, scope
from dsos_check.licenses.overview import find_overview_clues
from dsos_check.licenses.riders import scan_for_riders
from dsos_check.licenses.scope import mixed_contents, scoped_subject
from dsos_check.scanner import fold


@pytest.mark.parametrize(
    ("sentence", "scope"),
    [
        ("The Dockerfiles in this repository are MIT licensed.", "Dockerfiles"),
        (
            "The build scripts for this image are licensed under the Apache License 2.0.",
            "build scripts",
        ),
        ("Documentation is licensed under CC-BY-4.0.", "Documentation"),
        ("The website content is licensed under the MIT license.", "website"),
        ("The examples are released under the MIT license.", "examples"),
        ("This image is licensed under the MIT license.", None),
        ("This image and its Dockerfiles are released under the MIT license.", None),
        ("Licensed under the MIT license. See https://github.com/acme/examples.", None),
    ],
)
def test_scoped_statement(sentence: str, scope: str | None) -> None:
    clues = find_overview_clues("# App\n\n## License\n\n" + sentence + "\n")
    assert clues, sentence
    assert clues[0].scope == scope


@pytest.mark.parametrize(
    "text",
    [
        "As with all Docker images, these likely also contain other software which may be under "
        "other licenses (such as Bash, etc from the base distribution).",
        "The products installed within the images are licensed under their own license terms.",
        "This image contains third-party components under their respective licenses.",
        "The server in this image is proprietary.",
        "Use of the software is subject to the Acme EULA.",
    ],
)
def test_mixed_contents(text: str) -> None:
    assert mixed_contents("# Image\n\n" + text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "This image is licensed under the MIT license.",
        "Unlike proprietary alternatives, this server is open source.",
        "It replaces proprietary software such as Foo.",
    ],
)
def test_plain_statement_is_not_mixed(text: str) -> None:
    assert mixed_contents("# App\n\n" + text + "\n") is None


_MIXED_PIECES = (
    *("The image ", "contains", " software", " under ", "other", " licenses", ".", "\n"),
    *("is", " proprietary", "EULA", "this", "end-user license agreement", "\u0130", "é", " "),
    *("bundled", " packages", " their own", " terms", "Installed", "programs", " in"),
)


@given(st.text(alphabet="w./:abc com org io\n-", max_size=40))
def test_a_subject_without_slash_or_www_holds_no_url(text: str) -> None:
    """`scoped_subject` skips the URL removal when neither "/" nor "www." occurs: no match then."""
    if "/" not in text and "www." not in text:
        assert scope._URL.sub(" ", text) == text
    words = "The Dockerfiles at " + text + " are MIT licensed."
    plain = " ".join(scope._URL.sub(" ", words).split())
    assert scoped_subject(words, len(words)) == scoped_subject(plain, len(plain))


@given(st.lists(st.sampled_from(_MIXED_PIECES), max_size=16).map("".join))
def test_mixed_contents_from_the_rider_scan_is_the_same(text: str) -> None:
    """The overview's rider scan, handed to `mixed_contents`, gives the same sentence."""
    assert mixed_contents(text, scan_for_riders(text)) == mixed_contents(text)


_PLAIN_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n|\n\s*[-*#|>]")


@given(st.text(alphabet=".!?\n \t\r-*#|>ab\u00a0\u2028", max_size=40))
def test_sentence_ends_are_those_of_the_plain_alternation(text: str) -> None:
    plain = [m.span() for m in _PLAIN_SENTENCE_END.finditer(text)]
    assert [m.span() for m in scope._SENTENCE_END.finditer(text)] == plain


_PLAIN_LICENSE_HEADING = re.compile(r"^(#{1,6})[ \t]*licen[cs]", re.IGNORECASE | re.MULTILINE)
_PLAIN_HEADING = re.compile(r"^(#{1,6})[ \t]", re.MULTILINE)


@given(st.text(alphabet="#\n \tLICENSlicens\u0130\u0131x", max_size=40))
def test_heading_patterns_match_as_the_plain_multiline_ones(text: str) -> None:
    """The License-section patterns, rewritten to start at a "#", find what `^` found."""
    for new, plain in (
        (clues._LICENSE_HEADING, _PLAIN_LICENSE_HEADING),
        (clues._HEADING, _PLAIN_HEADING),
    ):
        expected = [(m.span(), m.span(1)) for m in plain.finditer(text)]
        assert [(m.span(), m.span(1)) for m in new.finditer(text)] == expected
        for start in range(len(text) + 1):
            found, wanted = new.search(text, start), plain.search(text, start)
            assert (found and found.span()) == (wanted and wanted.span())


@given(st.text(alphabet="LICENSEDlicensed GPLgpl:#\n\u0130\u0131\u017f\u212a", max_size=40))
def test_unversioned_gpl_needs_licen_in_the_folded_text(text: str) -> None:
    """`_prose_clues` runs the unversioned-GPL pattern only on text with "licen" once folded."""
    if "licen" not in fold(text):
        assert clues._UNVERSIONED.search(text) is None


@given(st.text(alphabet="w./:com org io ab\n\t\u00a0\u2028\x1c", max_size=40))
def test_urls_are_dropped_as_the_url_pattern_drops_them(text: str) -> None:
    """`_without_urls` keeps the words `_URL.sub` keeps."""
    assert scope._without_urls(text) == " ".join(scope._URL.sub(" ", text).split())


_MIXED_TEXT_PIECES = (
    *_MIXED_PIECES,
    *("closed-source", "Proprietary", " agreement", " terms", "LICENSE", "The server ", "are "),
    *("end-user", " product", "s ", "ships", "is closed source.", "issue"),
    *("container", "production", "shipping", "contains5", "_", "\u017fhips", "\u0131nstalled"),
)


@given(st.lists(st.sampled_from(_MIXED_TEXT_PIECES), max_size=16).map("".join))
def test_mixed_starts_left_out_only_where_no_branch_can_match(text: str) -> None:
    """The starts `mixed_contents` leaves out for a text find nothing `finditer` finds."""
    folded = fold(text)
    expected = [m.span() for m in scope._MIXED_AT.pattern.finditer(text)]
    assert [m.span() for m in scope._mixed_at(folded).finditer(text, folded)] == expected


def _last_end_of_the_whole_head(text: str, lo: int, hi: int) -> int:
    """The last sentence end as `sentence_around` found it before: every match of the head."""
    cut = 0
    for match in scope._SENTENCE_END.finditer(text[lo:hi]):
        cut = match.end()
    return lo + cut


@given(st.text(alphabet=".!?\n \t\r-*#|>ab_5\u00a0\u2028", max_size=40), st.data())
def test_the_last_sentence_end_is_that_of_every_match_of_the_head(text: str, data: Any) -> None:
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    assert scope._last_sentence_end(text, lo, hi) == _last_end_of_the_whole_head(text, lo, hi)


@given(st.text(alphabet=".!?\n \t\r-*#|>ab_5\u00a0\u2028", max_size=40), st.data())
def test_a_blank_line_ends_the_sentence_before_it(text: str, data: Any) -> None:
    """`scope_of_statement` takes a statement right after a blank line to open its sentence
    without looking: the last sentence end of every match before it is there."""
    start = data.draw(st.integers(0, len(text)))
    text = text[:start] + "\n\n" + text[start:]
    start += 2
    lo = max(0, start - 400)
    assert _last_end_of_the_whole_head(text, lo, start) == start
    assert scope.scope_of_statement(text, start) is None


def _subject_with_every_link_dropped(sentence: str, position: int) -> str | None:
    """`scoped_subject` as it was: the links dropped from the whole text before the verb is
    looked for."""
    before = scope._without_urls(sentence[: max(0, position)])
    verb = scope._LICENSE_VERB.search(before)
    subject = " ".join((before if verb is None else before[: verb.start()]).split()[-15:])
    found = scope._OTHER_THINGS.search(subject)
    if found is None:
        return None
    software = scope._SOFTWARE.search(subject)
    if software is not None and software.start() < found.start():
        return None
    return " ".join(found.group().split())


_SUBJECT_PIECES = (
    *("The ", "Dockerfiles", " docs", " this image", " is", " are", " MIT", " under", " licensed"),
    *(" licenses", " https://x.org/licensed", " www.a.io", " a/b", "/", "www.", " see", "\n"),
    *("\t", "\u00a0", "\u2028", "\x1c", " examples", " released", "under/x", " is/MIT", ". "),
    *(" docs under/x", " Dockerfiles licensed/", "www.docs"),
)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_SUBJECT_PIECES), max_size=14).map("".join), st.data())
def test_the_subject_is_that_of_the_text_with_every_link_dropped(text: str, data: Any) -> None:
    """A verb before the first link ends the subject there; the links are dropped only when
    there is none: the same answer as dropping every link first."""
    position = data.draw(st.integers(0, len(text)))
    assert scoped_subject(text, position) == _subject_with_every_link_dropped(text, position)


@given(st.lists(st.sampled_from(_SUBJECT_PIECES), max_size=14).map("".join), st.data())
def test_the_scope_of_a_statement_reads_its_sentence_up_to_it(text: str, data: Any) -> None:
    """`scope_of_statement` is `scoped_subject` of the whole sentence around the statement."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    begin, sentence = scope.sentence_around(text, start, end)
    assert scope.scope_of_statement(text, start) == scoped_subject(sentence, start - begin)
