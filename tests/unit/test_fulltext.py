"""Full license texts: SPDX ids, coverage, riders in the rest (licenses.md §4.2, §5 item 7)."""

from __future__ import annotations

import random
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsos_check.licenses import fulltext, similar
from dsos_check.licenses.fulltext import MAX_LICENSE_TEXT, classify_license_text
from dsos_check.licenses.spdx import evaluate

from .work import assert_linear

DATA = Path(__file__).parent / "data" / "licenses"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module", autouse=True)
def warm_classifier() -> None:
    """Load the classifier's scanner once, so timings below measure warm calls."""
    classify_license_text("warm-up")


@pytest.mark.parametrize(
    ("name", "spdx_id", "coverage"),
    [
        ("mit.txt", "MIT", 100.0),
        ("apache-2.0.txt", "Apache-2.0", 100.0),
        ("bsd-3-clause.md", "BSD-3-Clause", 98.57),  # a "BSD 3-Clause License" title line
        ("gpl-3.0.txt", "GPL-3.0", 100.0),  # the classifier's deprecated ids, kept as given
        ("gpl-2.0.txt", "GPL-2.0", 100.0),
        ("lgpl-2.1.txt", "LGPL-2.1", 100.0),
        ("mpl-2.0.txt", "MPL-2.0", 100.0),
    ],
)
def test_clean_license_file(name: str, spdx_id: str, coverage: float) -> None:
    match = classify_license_text(read(name))
    assert match.ids == (spdx_id,)
    assert match.expression == spdx_id
    assert match.coverage == pytest.approx(coverage, abs=0.01)
    assert match.riders == ()
    assert match.clean
    assert match.reason == f"The text matches {spdx_id} ({int(coverage)}% covered)."
    assert evaluate(match.expression).osi_approved is True


def test_commons_clause_rider() -> None:
    match = classify_license_text(read("apache-2.0-commons-clause.txt"))
    assert match.ids == ("Apache-2.0",)
    assert match.coverage == pytest.approx(92.43, abs=0.01)
    assert not match.clean
    assert [r.name for r in match.riders] == ["Commons Clause", "sale restriction"]
    assert match.riders[1].snippet == "right to Sell the Software"
    assert match.reason == (
        "The text matches Apache-2.0 (92% covered); the rest adds: Commons Clause, sale restriction."
    )


def test_commons_clause_before_the_license() -> None:
    clause = read("apache-2.0-commons-clause.txt").split('"Commons Clause"', 1)[1]
    match = classify_license_text('"Commons Clause"' + clause + "\n" + read("apache-2.0.txt"))
    assert match.ids == ("Apache-2.0",)
    assert "Commons Clause" in [r.name for r in match.riders]
    assert not match.clean


def test_added_sentence() -> None:
    match = classify_license_text(read("mit-no-military.txt"))
    assert match.ids == ("MIT",)
    assert match.coverage == pytest.approx(95.38, abs=0.01)
    assert [(r.name, r.snippet) for r in match.riders] == [
        ("field-of-use restriction", "may not be used for military")
    ]
    assert not match.clean
    assert "the rest adds: field-of-use restriction" in match.reason


def test_sentence_inside_the_copyright_backfill() -> None:
    # The classifier stretches the MIT match back to the copyright line, over the added sentence.
    body = read("mit.txt").split("\n", 2)[2]
    text = "Copyright (c) 2024 Example Corp.\n\nThis software may not be sold.\n\n" + body
    match = classify_license_text(text)
    assert (match.ids, match.coverage) == (("MIT",), 100.0)
    assert [r.name for r in match.riders] == ["sale restriction"]
    assert not match.clean
    assert match.reason.endswith("(100% covered); it also adds: sale restriction.")


def test_rider_on_a_long_license_stays_under_two_percent() -> None:
    match = classify_license_text(
        read("gpl-3.0.txt") + "\nIt may not be used to provide a hosted service.\n"
    )
    assert match.ids == ("GPL-3.0",)
    assert match.coverage >= 98
    assert [r.name for r in match.riders] == ["hosted-service restriction"]
    assert not match.clean


def test_title_line_keeps_a_short_file_below_clean() -> None:
    match = classify_license_text(read("mit-with-title.txt"))  # "The MIT License (MIT)" on top
    assert match.ids == ("MIT",)
    assert match.coverage == pytest.approx(97.89, abs=0.01)
    assert match.riders == ()
    assert not match.clean
    assert match.reason == (
        "The text matches MIT (97% covered); the rest adds no recognised restriction."
    )


def test_two_licenses_in_one_file() -> None:
    match = classify_license_text(read("mit.txt") + "\n\n" + read("apache-2.0.txt"))
    assert match.ids == ("MIT", "Apache-2.0")
    assert match.expression == "MIT AND Apache-2.0"
    assert match.clean
    assert evaluate(match.expression).osi_approved is True


def test_same_license_twice_is_one_id() -> None:
    match = classify_license_text(read("mit.txt") + "\n\n" + read("mit.txt"))
    assert match.ids == ("MIT",)
    assert match.coverage >= 99.9  # only the blank lines between the copies are outside
    assert match.clean


@pytest.mark.parametrize(
    ("name", "coverage"),
    [("readme.md", 0.0), ("certifi-note.txt", 19.53)],
)
def test_not_a_license_file(name: str, coverage: float) -> None:
    match = classify_license_text(read(name))
    assert (match.ids, match.expression, match.riders, match.clean) == ((), None, (), False)
    assert match.coverage == pytest.approx(coverage, abs=0.01)
    assert match.reason == "Not a recognisable license text."


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "The text is empty."),
        ("   \n\t\x00\x00\n", "The text is empty."),
        ("asdf qwer !!! zxcv 1234 \x1b[31m", "Not a recognisable license text."),
        (b"", "The text is empty."),
    ],
)
def test_empty_and_garbage(text: str | bytes, reason: str) -> None:
    match = classify_license_text(text)
    assert (match.ids, match.expression, match.coverage, match.clean) == ((), None, 0.0, False)
    assert match.reason == reason


def test_readme_mentions_are_riders_without_ids() -> None:
    text = "This image ships Acme DB, licensed under Apache 2.0 with the Commons Clause.\n"
    match = classify_license_text(text)
    assert match.ids == ()
    assert match.coverage < 75
    assert [r.name for r in match.riders] == ["Commons Clause"]
    assert match.reason == "Not a recognisable license text, but it mentions: Commons Clause."


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Server Side Public License, version 1\n", "Server Side Public License"),
        ("Licensed under the Business Source License 1.1 (BUSL).", "Business Source License"),
        ("Elastic License 2.0 (ELv2)", "Elastic License"),
    ],
)
def test_source_available_names(text: str, name: str) -> None:
    assert [r.name for r in classify_license_text(text).riders] == [name]


# The draft wording of the Commons Clause, which the classifier knows as its own id (its text
# even says "Commons Cause"): a rider named by the id, not by a phrase in the uncovered text.
DRAFT_COMMONS_CLAUSE = """
The Software is provided to you by the Licensor under the License, as defined
below, subject to the following condition. Without limiting other conditions in
the License, the grant of rights under the License will not include, and the
License does not grant to you, the right to Sell the Software. For purposes of
the foregoing, "Sell" means practicing any or all of the rights granted to you
under the License to provide to third parties, for a fee or other consideration,
a product or service that consists, entirely or substantially, of the Software
or the functionality of the Software. Any license notice or attribution required
by the License must also include this Commons Cause License Condition notice.
"""


def test_commons_clause_draft_matched_by_the_classifier() -> None:
    match = classify_license_text(read("apache-2.0.txt") + DRAFT_COMMONS_CLAUSE)
    assert match.ids == ("Apache-2.0", "CommonsClause")
    assert match.coverage >= 98
    assert [r.name for r in match.riders] == ["Commons Clause"]
    assert match.riders[0].snippet.startswith("The Software is provided to you by the Licensor")
    assert not match.clean
    assert match.reason == (
        "The text matches Apache-2.0 AND CommonsClause (99% covered); it names: Commons Clause."
    )
    assert evaluate(match.expression or "").osi_approved is not True


def test_bytes_are_decoded_with_replacement() -> None:
    match = classify_license_text(read("mit.txt").encode() + b"\n\xff\xfe\n")
    assert match.ids == ("MIT",)


def test_nuls_are_stripped() -> None:
    match = classify_license_text("\x00".join(read("mit.txt")))
    assert match.ids == ("MIT",)
    assert match.clean


def test_crlf_line_ends() -> None:
    match = classify_license_text(read("apache-2.0.txt").replace("\n", "\r\n"))
    assert match.ids == ("Apache-2.0",)
    assert match.clean


def test_input_is_capped() -> None:
    match = classify_license_text("x " * MAX_LICENSE_TEXT + read("mit.txt"))
    assert match.ids == ()


def test_large_random_text_is_fast() -> None:
    rng = random.Random(7)
    text = "".join(rng.choice(string.printable) for _ in range(MAX_LICENSE_TEXT))
    # A few calls per word of the text: it is tokenised and every word looked up.
    assert_linear(classify_license_text, text, per_char=10)
    match = classify_license_text(text)
    assert match.ids == ()
    assert match.coverage < 75


def test_classifier_failure_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str) -> list[object]:
        raise RecursionError("deep")

    monkeypatch.setattr(fulltext, "_identify", boom)
    match = classify_license_text("Licensed under the Commons Clause.")
    assert match.ids == ()
    assert match.reason == ("The text could not be classified, but it mentions: Commons Clause.")


def test_non_str_input() -> None:
    match = classify_license_text(None)  # type: ignore[arg-type]
    assert match.reason == "The text is empty."


def test_import_does_not_load_the_classifier() -> None:
    code = (
        "import sys, dsos_check.licenses.fulltext; "
        "print(any(m.startswith('licenseclassifier') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert result.stdout.strip() == "False"


@given(st.text(alphabet="abzAZ09 \t\n\r\x0b\x1c-_.,é\u00a0\u0130", max_size=40))
def test_license_words_are_the_word_pattern_matches(text: str) -> None:
    lowered = text.lower()
    assert similar._words(lowered) == similar._WORD.findall(lowered)
