"""Riders: added restrictions and source-available names in free text (licenses.md §3.3, §4.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dsos_check.licenses import riders
from dsos_check.licenses.riders import MAX_RIDER_TEXT, Rider, find_riders

from .work import assert_linear

DATA = Path(__file__).parent / "data" / "licenses"


def names(text: str) -> list[str]:
    return [rider.name for rider in find_riders(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Riders and source-available license names.
        ("Apache 2.0 with Commons Clause", "Commons Clause"),
        ('"Commons-Clause" License Condition v1.0', "Commons Clause"),
        ("Licensed under the Server Side Public License, version 1", "Server Side Public License"),
        ("Licensed under the Server-Side Public License (SSPL)", "Server Side Public License"),
        ("available under SSPLv1 or the Elastic License", "Server Side Public License"),
        ("Business Source License 1.1", "Business Source License"),
        ("License: BUSL-1.1", "Business Source License"),
        ("dual-licensed under the Elastic License 2.0 and SSPL", "Elastic License"),
        ("released under ELv2", "Elastic License"),
        ("PolyForm Noncommercial License 1.0.0", "PolyForm license"),
        ("Functional Source License, Version 1.1, MIT Future License", "Functional Source License"),
        ("licensed as FSL-1.1-Apache-2.0", "Functional Source License"),
        (
            "n8n is fair-code distributed under the Sustainable Use License",
            "Sustainable Use License",
        ),
        ("Confluent Community License Agreement Version 1.0", "Confluent Community License"),
        ("Redis Source Available License 2.0 (RSALv2)", "Redis Source Available License"),
        ("dual-licensed under RSALv2 and SSPLv1", "Redis Source Available License"),
        ("This is Fair Source software", "Fair Source"),
        ("Fair-Source License, Version 0.9", "Fair Source"),
        # Sale restrictions.
        ("the License does not grant to you, the right to Sell the Software.", "sale restriction"),
        ("This software may not be sold.", "sale restriction"),
        ("Copies cannot be resold.", "sale restriction"),
        ("You may not sell the Software or any derivative of it.", "sale restriction"),
        # Non-commercial restrictions.
        ("Free for non-commercial use.", "non-commercial restriction"),
        ("For noncommercial purposes only.", "non-commercial restriction"),
        ("Non commercial use only", "non-commercial restriction"),
        ("Not for commercial use.", "non-commercial restriction"),
        ("NOT FOR COMMERCIAL USE", "non-commercial restriction"),
        ("The software may not be used for commercial purposes.", "non-commercial restriction"),
        ("It can't be used\nfor any commercial product.", "non-commercial restriction"),
        ("Commercial use is strictly prohibited.", "non-commercial restriction"),
        ("Commercial use requires a paid license.", "non-commercial restriction"),
        ("Personal projects only, no commercial use.", "non-commercial restriction"),
        ("Licensed CC BY-NC-SA 4.0", "non-commercial restriction"),
        # Other field-of-use restrictions.
        ("This software may not be used for military purposes.", "field-of-use restriction"),
        ("It shall not be used in weapons systems.", "field-of-use restriction"),
        (
            "The Software may not be used to provide a hosted or managed service.",
            "hosted-service restriction",
        ),
        (
            "You may not use it as a service; it must not be used as a managed service.",
            "hosted-service restriction",
        ),
        ("It may not be used to offer a competing product.", "hosted-service restriction"),
        ("The evaluation build may not be used in production.", "production-use restriction"),
    ],
)
def test_positive(text: str, name: str) -> None:
    assert name in names(text)
    assert name in names(text.upper())


@pytest.mark.parametrize(
    "text",
    [
        "Free for commercial use.",
        "Commercial use is permitted.",
        "Commercial use is allowed without a fee.",
        "You may use it for anything, including commercial use.",
        "There are no restrictions on commercial use.",
        "Use it for both commercial and non-commercial use.",
        "Suitable for commercial or noncommercial purposes.",
        "Free for non-commercial as well as commercial projects.",
        "This project is licensed under the Fair License.",
        "Fair licensing for all; the source is on GitHub.",
        "Our business is open source; the Elastic search engine is great.",
        "Installs on any server; side effects are none.",
        'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, INCLUDING BUT NOT '
        "LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND "
        "NONINFRINGEMENT.",
        "Neither the name of the copyright holder nor the names of its contributors may be used "
        "to endorse or promote products derived from this software without specific prior "
        "written permission.",
        "The name of the author may not be used to endorse or promote commercial products "
        "derived from this software.",
        "No commercial use of these trademarks may be made without prior written permission.",
        "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies",
        "This alternative is allowed only for noncommercial distribution and only if you "
        "received the program in object code or executable form with such an offer.",
        "you convey such an object code only occasionally and noncommercially",
        "It may not be used. It is for commercial customers.",  # the object is in another sentence
        "Your data will not be used for commercial purposes.",
        "",
    ],
)
def test_false_positive(text: str) -> None:
    assert find_riders(text) == []


@pytest.mark.parametrize(
    "name",
    [
        "apache-2.0.txt",
        "mit.txt",
        "bsd-3-clause.md",
        "gpl-2.0.txt",
        "gpl-3.0.txt",
        "lgpl-2.1.txt",
        "mpl-2.0.txt",
    ],
)
def test_osi_license_texts_have_no_riders(name: str) -> None:
    assert find_riders((DATA / name).read_text(encoding="utf-8")) == []


def test_names_only_ignores_phrases() -> None:
    text = "Free for non-commercial use. Apache 2.0 with Commons Clause."
    assert names(text) == ["non-commercial restriction", "Commons Clause"]
    assert [r.name for r in find_riders(text, names_only=True)] == ["Commons Clause"]


def test_text_order_and_one_rider_per_name() -> None:
    text = "Business Source License. BUSL-1.1. The Business Source License again. Commons Clause."
    assert find_riders(text) == [
        Rider("Business Source License", "Business Source License"),
        Rider("Commons Clause", "Commons Clause"),
    ]


def test_snippet_is_one_clean_short_line() -> None:
    text = (
        "This   software\n\tmay not\nbe used \x1b[31m for any purpose connected with military "
        + "x" * 200
    )
    (rider,) = find_riders(text)
    assert rider.name == "field-of-use restriction"
    assert rider.snippet.startswith("may not be used for any purpose connected with military")
    assert "\n" not in rider.snippet
    assert "\x1b" not in rider.snippet
    assert len(rider.snippet) <= 80


def test_long_gap_is_not_bridged() -> None:
    filler = " ".join(["word"] * 30)
    assert find_riders(f"It may not be used {filler} for military purposes.") == []


def test_input_is_capped() -> None:
    assert find_riders("x" * MAX_RIDER_TEXT + " Commons Clause") == []
    assert names("x " + "Commons Clause") == ["Commons Clause"]


def test_non_str_is_empty() -> None:
    assert find_riders(None) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "may not be used " * 20_000,
        "non-commercial and " * 20_000,
        "commercial " * 30_000,
        " " * MAX_RIDER_TEXT,
        "server side public " * 20_000,
    ],
)
def test_hostile_input_is_fast(text: str) -> None:
    assert_linear(find_riders, text)


_GATE_PIECES = (
    *("commercial", "non", "Commercial", "sell", "may", " not", " be", " used", " for", " in"),
    *("production", "nc", "cc-by-", "train", "AI", "model", "licen", "ser", "ver", "Side"),
    *("Public License", "Commons", " Clause", "polyform", "directory", " ", "\n", ".", "-"),
    *("A database service 7", "BUSL", "elv2", "fsl-1.1", "Fair", " Source", "sold", "x"),
)


@given(st.lists(st.sampled_from(_GATE_PIECES), max_size=12).map("".join))
@example("You may not sell it.")
@example("Not for commercial use.")
@example("It may not be used in production.")
def test_text_without_a_keyword_holds_no_rider(text: str) -> None:
    """`find_riders` returns at once for ASCII text in which no keyword occurs: a scan of it
    finds nothing either, whatever is asked."""
    if riders._holds_no_keyword(text):
        scanned = riders.scan_for_riders(text)
        for names_only, additions in ((False, False), (True, False), (False, True)):
            assert riders._hits(scanned, names_only, additions) == []
    assert riders._holds_no_keyword("A database service 7")
    assert not riders._holds_no_keyword("Not for commercial use.")
