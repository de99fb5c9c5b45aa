"""Whose license a sentence states: the image's software, or something else (licenses.md §5.3).

"The Dockerfiles in this repository are MIT licensed" licenses the packaging, not the software in
the image; "documentation is under CC BY-NC-SA" restricts the docs, not the program. And "the
products installed within the images are under their own license" says the image holds software
under other terms, which a person has to look at.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Final

from dsos_check.scanner import Anchored, Scanned, Uncompiled, fold

__all__ = [
    "MIXED_ANCHORS",
    "mixed_contents",
    "scope_of_statement",
    "scoped_subject",
    "sentence_around",
]

_SENTENCE_LIMIT: Final = 400
_SUBJECT_WORDS: Final = 15  # a sentence's subject is in the last words before its verb
_URL: Final = re.compile(r"\S*(?:://|www\.|\.com/|\.org/|\.io/)\S*|\S+/\S+")
# `[.!?](?=\s)|\n\s*\n|\n\s*[-*#|>]`, written to start with one character class: the regex
# engine then skips to those characters in C instead of trying three alternatives everywhere.
_SENTENCE_END: Final = re.compile(r"[.!?\n](?:(?<=[.!?])(?=\s)|(?<=\n)\s*\n|(?<=\n)\s*[-*#|>])")

# The things a license sentence may be about that are not the image's software. Matched only in
# the words before the license verb of the sentence, so "MIT (see the docs)" is not scoped.
_OTHER_THINGS: Final = re.compile(
    r"(?i)\b(?:docker[\s-]?files?|containerfiles?|build[\s-]+(?:scripts?|files?|tooling|recipes?"
    r"|definitions?|context)|(?:helper|shell|entrypoint|packaging)\s+scripts?|scripts?|"
    r"packaging|docs|documentation|website|web\s+site|examples?|samples?|tutorials?|"
    r"helm\s+charts?|charts?|compose\s+files?|manifests?|configuration\s+files?|config\s+files?|"
    r"artwork|logos?|icons?|trademarks?|images?\s+definitions?|blog\s+posts?|"
    r"(?:this|the)\s+(?:git\s+|github\s+)?repo(?:sitory)?\s+(?:files|contents?)|"
    r"files\s+in\s+this\s+(?:git\s+|github\s+)?repo(?:sitory)?)\b"
)
# The sentence's own subject is the software: "the software in the Dockerfiles" is rare, but
# "this image and its Dockerfiles" licenses both.
_SOFTWARE: Final = re.compile(
    r"(?i)\b(?:this\s+(?:image|project|software|program|container|application|app|server|tool)"
    r"|the\s+(?:image|project|software|program|source\s+code|code\s+base|codebase)|all\s+code)\b"
)
_LICENSE_VERB: Final = re.compile(
    r"(?i)\b(?:licen[cs]ed|released|distributed|available|provided|covered|governed|"
    r"(?:is|are)\s+(?:under|MIT|BSD|GPL|Apache))\b|\blicen[cs]es?\b|\bunder\b"
)
_MIXED: Final = Uncompiled(
    r"(?i)\b(?:(?:contains?|contained|includes?|included|bundles?|bundled|ships?|shipped|"
    r"installed)\b[^.\n]{0,100}?\b(?:software|products?|components?|packages?|binaries|"
    r"dependencies|programs?|tools?)\b|(?:software|products?|components?|packages?|binaries|"
    r"programs?)\s+(?:installed|contained|included|bundled|shipped)\s+(?:with)?in\b)"
    r"[^.\n]{0,160}?\b(?:other|their\s+own|separate|different|respective|various|"
    r"proprietary|commercial|third[\s-]party)\s+(?:licen[cs]e|terms|agreements?)"
    # The software itself said to be closed: "the server is proprietary", "under the Acme EULA".
    r"|\b(?:is|are)\s+(?:licensed\s+under\s+)?(?:a\s+|an\s+)?(?:proprietary|closed[\s-]source)"
    r"(?:\s+(?:software|licen[cs]e))?\s*(?:[.,;]|$)|\bEULA\b|\bend[\s-]user\s+licen[cs]e\s+agreement"
)
# The words a match of _MIXED starts with, whole (a separator or a word boundary follows each
# in the pattern, so "container" or "production" is not tried): it is tried only there. Those
# of the "contains ... under other terms" and "end-user license agreement" branches only when
# the text has a word they end with; "is"/"are" (everywhere in prose) only when it says
# "proprietary" or "closed".
_CONTENTS_STARTS: Final = (
    *("contain", "contains", "contained", "include", "includes", "included", "bundle"),
    *("bundles", "bundled", "ship", "ships", "shipped", "installed", "software", "product"),
    *("products", "component", "components", "package", "packages", "binaries", "program"),
    *("programs", "end"),
)
_CONTENTS_ENDS: Final = ("licen", "terms", "agreement")
_CLOSED_STARTS: Final = ("is", "are")
_CLOSED_WORDS: Final = ("proprietary", "closed")
_MIXED_AT: Final = Anchored(_MIXED, (*_CONTENTS_STARTS, *_CLOSED_STARTS, "eula"), whole=True)
_MIXED_BY_WORDS: Final = {
    (contents, closed): Anchored(
        _MIXED,
        (*(_CONTENTS_STARTS if contents else ()), *(_CLOSED_STARTS if closed else ()), "eula"),
        whole=True,
    )
    for contents in (False, True)
    for closed in (False, True)
}

# For a scanner of the same text to look them up too (the rider scanner of an overview).
MIXED_ANCHORS: Final = _MIXED_AT.anchors


def _mixed_at(folded: str) -> Anchored:
    """`_MIXED_AT` without the starts whose branches need a word `folded` does not hold."""
    contents = any(word in folded for word in _CONTENTS_ENDS)
    closed = any(word in folded for word in _CLOSED_WORDS)
    return _MIXED_BY_WORDS[contents, closed]


# The characters a `_SENTENCE_END` match can hold but whitespace: where it starts, and the
# list or heading mark it may end with.
_END_CHARS: Final = frozenset(".!?-*#|>")


def _last_sentence_end(text: str, lo: int, hi: int) -> int:
    """Where the last `_SENTENCE_END` match of `text[lo:hi]` ends (`lo` if there is none).

    Only from the last character a match can start with, stepped back over whitespace and
    those a match can hold: no match spans the character before that point, so the matches
    found from there are those found from `lo`, and a sentence's last few characters are read
    instead of 400. The part before is read only if none is found after it.
    """
    at = max(text.rfind(char, lo, hi) for char in ".!?\n")
    if at < 0:
        return lo
    while at > lo and (text[at - 1].isspace() or text[at - 1] in _END_CHARS):
        at -= 1
    last = deque(_SENTENCE_END.finditer(text, at, hi), maxlen=1)
    if not last and at > lo:
        last = deque(_SENTENCE_END.finditer(text, lo, at), maxlen=1)
    return last[0].end() if last else lo


def sentence_around(text: str, start: int, end: int) -> tuple[int, str]:
    """(offset, text) of the sentence holding `text[start:end]`, at most 400 characters before it."""
    lo = max(0, start - _SENTENCE_LIMIT)
    begin = _last_sentence_end(text, lo, start)
    tail = _SENTENCE_END.search(text, end, min(len(text), end + _SENTENCE_LIMIT))
    stop = tail.start() + 1 if tail is not None else min(len(text), end + _SENTENCE_LIMIT)
    return begin, text[begin:stop]


_URL_MARKS: Final = ("://", "www.", ".com/", ".org/", ".io/")


def _without_urls(text: str) -> str:
    r"""The words of `text` (joined by single spaces) but those `_URL` matches: a whole word when
    it holds a mark or a "/" between two characters. `_URL.sub` tries `\S*` at every position of
    a long link and backtracks through it each time; only the words matter here."""
    return " ".join(
        word
        for word in text.split()
        # Every mark but "www." holds a "/": a word without either is kept at once.
        if ("/" not in word and "www." not in word)
        or ("/" not in word[1:-1] and not any(mark in word for mark in _URL_MARKS))
    )


def _before_links(text: str) -> str:
    """The words of `text` before the first one holding "/" or "www." (and the space after
    them): `_without_urls` keeps each of them as it is."""
    cut = text.find("/")
    www = text.find("www.")
    if www >= 0 and (cut < 0 or www < cut):
        cut = www
    head = text[:cut] if cut >= 0 else text
    if head and not head[-1].isspace():  # the start of the word that holds the mark goes too
        parts = head.rsplit(None, 1)
        head = parts[0] if len(parts) == 2 else ""
    return head


def scoped_subject(sentence: str, position: int) -> str | None:
    """What the sentence licenses instead of the software, looking before `position`; else None.

    `position` is where the license statement starts within `sentence` (the trigger or name).
    """
    before = sentence[: max(0, position)]
    if "/" in before or "www." in before:  # in every match of _URL
        # A verb in the words before the first link ("Licensed under MIT, see https://...")
        # ends the subject there, links or not: the links are dropped only when it is not.
        head = _before_links(before)
        verb = _LICENSE_VERB.search(head)
        if verb is not None:
            before = head
        else:
            before = _without_urls(before)
            verb = _LICENSE_VERB.search(before)
    else:
        verb = _LICENSE_VERB.search(before)
    subject = before if verb is None else before[: verb.start()]
    if not subject or subject.isspace():  # the statement opens its sentence (most)
        return None
    subject = " ".join(subject.split()[-_SUBJECT_WORDS:])
    found = _OTHER_THINGS.search(subject)
    if found is None:
        return None
    # The head noun comes first: "the build scripts for this image" licenses the scripts, "this
    # image and its Dockerfiles" licenses the image too.
    software = _SOFTWARE.search(subject)
    if software is not None and software.start() < found.start():
        return None
    return " ".join(found.group().split())


def scope_of_statement(text: str, start: int) -> str | None:
    """`scoped_subject` of the sentence of `text` holding a statement that starts at `start`:
    only the part of it before `start` is read, so where the sentence ends is not looked for."""
    if start >= 2 and text[start - 2 : start] == "\n\n":
        # A statement opening a paragraph (most License sections) opens its sentence: the last
        # `_SENTENCE_END` match before it ends right there, found without a search.
        return None
    begin = _last_sentence_end(text, max(0, start - _SENTENCE_LIMIT), start)
    if begin >= start:  # the statement opens its sentence: nothing before it to scope it
        return None
    return scoped_subject(text[begin:start], start - begin)


def mixed_contents(text: str, scanned: Scanned | None = None) -> str | None:
    """A sentence saying the image holds software under other licenses, if the text has one
    (`scanned`: the text as a scanner with `MIXED_ANCHORS` read it, if the caller has that)."""
    if scanned is not None and scanned.text is text:
        folded, memo = scanned.folded, scanned.memo
    else:
        folded, memo = fold(text), None
    match = _mixed_at(folded).search(text, folded, memo)
    if match is None:
        return None
    _, sentence = sentence_around(text, match.start(), match.end())
    return " ".join(sentence.split())
