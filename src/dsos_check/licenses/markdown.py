"""Markdown and HTML inline markup reduced to the words a reader sees."""

from __future__ import annotations

import html
import re

__all__ = ["inline"]

_IMAGE = re.compile(r"!\[([^\[\]\n]*+)\](?:\([^()\s]*+(?:[ \t]++\"[^\"\n]*+\")?\)|\[[^\[\]\n]*+\])")
_EMPTY_LINK = re.compile(r"\[[ \t]*+\]\([^()\s]*+\)")
_LINK = re.compile(r"\[([^\[\]\n]*+)\]\([^()\s]*+(?:[ \t]++\"[^\"\n]*+\")?\)")
_REF_LINK = re.compile(r"\[([^\[\]\n]*+)\]\[[^\[\]\n]*+\]")
_HTML_TAG = re.compile(r"<[A-Za-z/!][^<>\n]*+>")
# Runs of `*`, backticks and `~`, and runs of `_` not inside a word (snake_case stays). Written
# to start with one character class, so the regex engine skips to those characters in C rather
# than trying three alternatives at every position.
_EMPHASIS = re.compile(
    r"[*`~_](?:(?<=[*`~])[*`~]*+|(?<=_)(?<![A-Za-z0-9]_)_*+|(?<=_)_*+(?![A-Za-z0-9]))"
)
# Alt text that states a license ("License: MIT") is what a reader sees when the badge fails to
# load, and often the only place the overview names the license.
_LICENSE_ALT = re.compile(r"(?i)licen[cs]e[sd]?\s*[:=-]\s*\S")


def _image(match: re.Match[str]) -> str:
    alt = match.group(1)
    return f" {alt} " if _LICENSE_ALT.search(alt) else ""


def inline(text: str) -> str:
    """Markdown/HTML inline markup removed: images dropped (but for alt text that states a
    license), links reduced to their text."""
    if "[" in text:  # every image and link starts with one
        text = _IMAGE.sub(_image, text)
        text = _EMPTY_LINK.sub("", text)
        text = _LINK.sub(r"\1", text)
        text = _REF_LINK.sub(r"\1", text)
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    if "_" in text:
        text = _EMPHASIS.sub("", text)
    else:
        # Without "_", every run the pattern finds is one of `*`, backticks and `~`, and each
        # such character starts one: they all go. Removed by three searches in C instead of
        # the regex engine testing every character of the text against its first class.
        text = text.replace("*", "").replace("`", "").replace("~", "")
    return html.unescape(text)
