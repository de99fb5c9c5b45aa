"""Licenses: none anywhere, not OSI-approved, and found beyond the image label."""

from __future__ import annotations

from pathlib import Path

from tests.fakehub.scenarios.common import (
    Family,
    image_repo,
)
from tests.fakehub.world import (
    GitHubRepo,
    Namespace,
    Repo,
    Tag,
    days_ago,
)

MIT_TEXT = """MIT License

Copyright (c) 2024 The Project Authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""
APACHE_TEXT = (Path(__file__).resolve().parents[3] / "LICENSE").read_text(encoding="utf-8")
COMMONS_CLAUSE = """
"Commons Clause" License Condition v1.0

The Software is provided to you by the Licensor under the License, as defined below, subject to
the following condition.

Without limiting other conditions in the License, the grant of rights under the License will not
include, and the License does not grant to you, the right to Sell the Software.

For purposes of the foregoing, "Sell" means practicing any or all of the rights granted to you
under the License to provide to third parties, for a fee or other consideration (including
without limitation fees for hosting or consulting/ support services related to the Software), a
product or service whose value derives, entirely or substantially, from the functionality of the
Software. Any license notice or attribution required by the License must also include this
Commons Clause License Condition notice.
"""


def unlicensed() -> Family:
    """nolabelorg and badlicenseorg."""
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
    # --- nolabelorg: no labels, no links, no license anywhere -----------------------------------
    namespaces.append(
        Namespace(
            "nolabelorg",
            repos=[
                Repo(
                    "bare",
                    description="",
                    full_description="A container image.",
                    tags=[Tag("latest", days_ago(2))],
                ),
                Repo(
                    "bare2",
                    description="",
                    full_description=None,
                    tags=[Tag("latest", days_ago(9), kind="single")],
                ),
            ],
        )
    )

    # --- badlicenseorg: a license that is not OSI-approved ---------------------------------------
    namespaces.append(
        Namespace(
            "badlicenseorg",
            repos=[
                image_repo(
                    "badlicenseorg", "db", license_="SSPL-1.0", license_line="License: SSPL-1.0"
                )
            ],
        )
    )
    return Family(namespaces, github)


def beyond_label() -> Family:
    """Licenses found in the GitHub repository, its text, the overview, conflicts, riders."""
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
    # --- issue 3: licenses found beyond the image label ---------------------------------------
    # ghlicenseorg: no label; the source repository's LICENSE says Apache-2.0 (GitHub spdx_id).
    namespaces.append(
        Namespace(
            "ghlicenseorg",
            repos=[
                image_repo("ghlicenseorg", "app", license_=None, license_line="See the repository.")
            ],
        )
    )
    github["ghlicenseorg/app"] = GitHubRepo("Apache-2.0", APACHE_TEXT)
    # ghtextorg: no label; GitHub says NOASSERTION, the text itself is MIT.
    namespaces.append(
        Namespace(
            "ghtextorg",
            repos=[
                image_repo("ghtextorg", "app", license_=None, license_line="See the repository.")
            ],
        )
    )
    github["ghtextorg/app"] = GitHubRepo("NOASSERTION", MIT_TEXT)
    # overviewlicorg: no label, no license file on GitHub (404); the overview says MIT.
    namespaces.append(
        Namespace(
            "overviewlicorg",
            repos=[
                image_repo(
                    "overviewlicorg",
                    "app",
                    license_=None,
                    license_line="This project is licensed under the MIT License.",
                )
            ],
        )
    )
    # conflictorg: the label says MIT, the source repository says WTFPL (not OSI-approved).
    namespaces.append(
        Namespace(
            "conflictorg",
            repos=[
                image_repo("conflictorg", "app", license_="MIT", license_line="See the repository.")
            ],
        )
    )
    github["conflictorg/app"] = GitHubRepo("WTFPL", "DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE\n")
    # riderorg: the label says Apache-2.0; the LICENSE is Apache-2.0 plus the Commons Clause.
    namespaces.append(
        Namespace(
            "riderorg",
            repos=[
                image_repo(
                    "riderorg", "app", license_="Apache-2.0", license_line="See the repository."
                )
            ],
        )
    )
    github["riderorg/app"] = GitHubRepo("NOASSERTION", APACHE_TEXT + COMMONS_CLAUSE)
    return Family(namespaces, github)
