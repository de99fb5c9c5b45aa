"""License clues in Docker Hub overviews: licenses.md §4.3 detectors, §5 items 7 and 9."""

from __future__ import annotations

import bisect
import html
import json
import re
import unicodedata
from enum import StrEnum
from importlib import resources
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dsos_check.licenses import markdown, name_list, names, overview
from dsos_check.licenses.markdown import inline
from dsos_check.licenses.name_list import map_license_name
from dsos_check.licenses.overview import (
    MAX_OVERVIEW_LENGTH,
    OverviewClue,
    find_overview_clues,
)
from dsos_check.licenses.spdx import canonical_license_id, evaluate
from dsos_check.scanner import fold

from .work import assert_linear

CONFIDENCE = {
    "spdx-identifier": "high",
    "badge": "medium",
    "url": "medium",
    "license-line": "medium",
    "license-heading": "medium",
    "phrase": "low",
}
RANK = {"high": 0, "medium": 1, "low": 2}


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(clue.kind, clue.expression) for clue in find_overview_clues(text)]


def _check_well_formed(clues: list[OverviewClue]) -> None:
    assert len(clues) <= 50
    for clue in clues:
        assert clue.confidence == CONFIDENCE[clue.kind]
        assert 0 < len(clue.text) <= 80
        assert "\n" not in clue.text
        assert not any(unicodedata.category(ch).startswith("C") for ch in clue.text)
        assert evaluate(clue.expression).status != "invalid"
    ranks = [RANK[clue.confidence] for clue in clues]
    assert ranks == sorted(ranks)
    keys = [(clue.kind, clue.expression) for clue in clues]
    assert len(keys) == len(set(keys))


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Load licenselynx's map (about 0.1 s, once per process) outside the timed tests."""
    map_license_name("MIT License")


# --------------------------------------------------------------------------- map_license_name

NAMES = [
    # licenses.md §4.3: names licenselynx maps (src=spdx)
    ("MIT", "MIT"),
    ("mit", "MIT"),
    ("MIT License", "MIT"),
    ("The MIT License (MIT)", "MIT"),
    ("Expat", "MIT"),
    ("Apache 2.0", "Apache-2.0"),
    ("Apache-2", "Apache-2.0"),
    ("Apache License, Version 2.0", "Apache-2.0"),
    ("GPLv3", "GPL-3.0-only"),
    ("GPL v3", "GPL-3.0-only"),
    ("GPLv2+", "GPL-2.0-or-later"),
    ("GPL-2.0", "GPL-2.0-only"),
    ("BSD-3", "BSD-3-Clause"),
    ("3-clause BSD", "BSD-3-Clause"),
    ("New BSD License", "BSD-3-Clause"),
    ("MPL 2.0", "MPL-2.0"),
    ("ISC License", "ISC"),
    ("The Unlicense", "Unlicense"),
    ("CC0", "CC0-1.0"),
    ("WTFPL", "WTFPL"),
    ("Elastic License 2.0", "Elastic-2.0"),
    ("Business Source License 1.1", "BUSL-1.1"),
    # licenses.md §4.3: names licenselynx misses, covered by the alias table
    ("apache2", "Apache-2.0"),
    ("ASL 2.0", "Apache-2.0"),
    ("GPL-3", "GPL-3.0-only"),
    ("GNU GPL v3", "GPL-3.0-only"),
    ("GNU General Public License v3.0", "GPL-3.0-only"),
    ("Simplified BSD", "BSD-2-Clause"),
    ("SSPL", "SSPL-1.0"),
    ("Server Side Public License (SSPL)", "SSPL-1.0"),
    ("AGPLv3", "AGPL-3.0-only"),
    ("BSL 1.1", "BUSL-1.1"),
    ("LGPLv2.1", "LGPL-2.1-only"),
    # SPDX ids and expressions, any case
    ("apache-2.0", "Apache-2.0"),
    ("bsd-3-clause", "BSD-3-Clause"),
    ("GPL-3.0+", "GPL-3.0-or-later"),
    ("mit or apache-2.0", "MIT OR Apache-2.0"),
    ("LicenseRef-Acme", "LicenseRef-Acme"),
    ("Apache-2.0 WITH LLVM-exception", "Apache-2.0 WITH LLVM-exception"),
    # or-later spellings
    ("GPL v3 or later", "GPL-3.0-or-later"),
    ("GNU General Public License v3.0 or later", "GPL-3.0-or-later"),
    ("GPL v2+", "GPL-2.0-or-later"),
    ("LGPLv2.1 or any later version", "LGPL-2.1-or-later"),
    ("MPL 2.0 or later", "MPL-2.0"),
    # several names
    ("MIT or Apache 2.0", "MIT OR Apache-2.0"),
    ("MIT/Apache-2.0", "MIT OR Apache-2.0"),
    ("Dual MIT/Apache 2.0", "MIT OR Apache-2.0"),
    ("Apache 2.0 and MIT", "Apache-2.0 AND MIT"),
    ("MIT and/or Apache 2.0", "MIT OR Apache-2.0"),
    # exceptions and decoration
    ("GPLv2 with Classpath exception", "GPL-2.0-only WITH Classpath-exception-2.0"),
    ("Apache 2.0 with LLVM exception", "Apache-2.0 WITH LLVM-exception"),
    ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
    ("**MIT**", "MIT"),
    ('"Apache License 2.0"', "Apache-2.0"),
    ("MIT (see LICENSE file)", "MIT"),
    ("Apache License 2.0 (Apache-2.0)", "Apache-2.0"),
    ("  MIT\tLicense. ", "MIT"),
    # licenses.md §5 item 9
    ("BSD", None),
    ("BSD License", None),
    ("GPL", None),
    ("LGPL", None),
    ("GNU GPL", None),
    ("open source", None),
    ("Open Source", None),
    ("Proprietary", None),
    ("commercial", None),
    ("Public Domain", None),
    ("Fair Source", None),
    ("Fair Source License", None),
    ("fair source license 0.9", None),
    ("Commons Clause", None),
    ("Apache 2.0 with Commons Clause", None),
    ("Apache Software License", None),
    ("see LICENSE", None),
    ("License", None),
    ("the License", None),
    ("NONE", None),
    ("NOASSERTION", None),
    ("MIT OR Foo-1.0", None),
    ("MIT AND", None),
    ("M\u0130T", None),  # MİT: a look-alike is not MIT
    ("", None),
    ("   ", None),
    ("works with MIT-licensed plugins", None),
    ("MIT " * 300, None),
]


@pytest.mark.parametrize(
    ("name", "expected"), [pytest.param(n, e, id=n.strip()[:40] or "blank") for n, e in NAMES]
)
def test_map_license_name(name: str, expected: str | None) -> None:
    assert map_license_name(name) == expected


# The brief's alias spellings, several of which collapse onto one table key.
SPELLINGS = [
    ("apache2", "Apache-2.0"),
    ("apache 2", "Apache-2.0"),
    ("apache-2", "Apache-2.0"),
    ("Apache V2", "Apache-2.0"),
    ("apache version 2.0", "Apache-2.0"),
    ("asl 2.0", "Apache-2.0"),
    ("asl2", "Apache-2.0"),
    ("apache software license 2.0", "Apache-2.0"),
    ("apache license 2.0", "Apache-2.0"),
    ("gplv2", "GPL-2.0-only"),
    ("gplv3", "GPL-3.0-only"),
    ("gpl v3", "GPL-3.0-only"),
    ("gpl-3", "GPL-3.0-only"),
    ("gnu gpl v3", "GPL-3.0-only"),
    ("GNU GPLv2", "GPL-2.0-only"),
    ("gnu general public license v3", "GPL-3.0-only"),
    ("gnu general public license v3.0", "GPL-3.0-only"),
    ("gnu general public license version 3", "GPL-3.0-only"),
    ("agplv3", "AGPL-3.0-only"),
    ("agpl v3", "AGPL-3.0-only"),
    ("GNU AGPLv3", "AGPL-3.0-only"),
    ("gnu affero general public license v3", "AGPL-3.0-only"),
    ("lgplv2.1", "LGPL-2.1-only"),
    ("lgplv3", "LGPL-3.0-only"),
    ("GNU Lesser General Public License v2.1", "LGPL-2.1-only"),
    ("mpl2", "MPL-2.0"),
    ("mpl 2.0", "MPL-2.0"),
    ("mozilla public license 2.0", "MPL-2.0"),
    ("sspl", "SSPL-1.0"),
    ("SSPL v1", "SSPL-1.0"),
    ("server side public license", "SSPL-1.0"),
    ("bsl 1.1", "BUSL-1.1"),
    ("business source license", "BUSL-1.1"),
    ("busl", "BUSL-1.1"),
    ("elastic license", "Elastic-2.0"),
    ("elastic license 2.0", "Elastic-2.0"),
    ("ELv2", "Elastic-2.0"),
    ("mit license", "MIT"),
    ("the mit license", "MIT"),
    ("expat", "MIT"),
    ("bsd 3-clause", "BSD-3-Clause"),
    ("BSD 3-Clause License", "BSD-3-Clause"),
    ("new bsd", "BSD-3-Clause"),
    ("modified BSD license", "BSD-3-Clause"),
    ("simplified bsd", "BSD-2-Clause"),
    ("bsd 2-clause", "BSD-2-Clause"),
    ("isc", "ISC"),
    ("unlicense", "Unlicense"),
    ("the unlicense", "Unlicense"),
    ("cc0", "CC0-1.0"),
    ("zlib", "Zlib"),
    ("eupl 1.2", "EUPL-1.2"),
    ("EUPL v1.2", "EUPL-1.2"),
    ("polyform noncommercial", "PolyForm-Noncommercial-1.0.0"),
    ("commons clause", None),
    ("bsl 1.0", "BSL-1.0"),
    ("Boost Software License 1.0", "BSL-1.0"),
]


@pytest.mark.parametrize(("name", "expected"), [pytest.param(n, e, id=n) for n, e in SPELLINGS])
def test_alias_spellings(name: str, expected: str | None) -> None:
    assert map_license_name(name) == expected


@pytest.mark.parametrize(
    ("name", "target"), [pytest.param(n, t, id=n) for n, t in names._ALIAS_TABLE.items()]
)
def test_every_alias_table_entry(name: str, target: str | None) -> None:
    assert map_license_name(name) == target
    assert map_license_name(name.upper()) == target
    if target is not None:
        assert canonical_license_id(target) == target
        assert evaluate(target).status in ("approved", "not-approved")


def test_alias_table_is_small_and_keys_do_not_collide() -> None:
    assert len(names._ALIAS_TABLE) <= 60
    assert len(names._ALIASES) == len(names._ALIAS_TABLE)


class _Source(StrEnum):
    SPDX = "spdx"
    SCANCODE = "scancode-licensedb"


class _Found:
    def __init__(self, license_id: object, src: object) -> None:
        self.id = license_id
        self.src = src


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        pytest.param(_Found("MIT", "spdx"), "MIT", id="str-spdx"),
        pytest.param(_Found("MIT", _Source.SPDX), "MIT", id="enum-spdx"),
        pytest.param(_Found("public-domain", "scancode-licensedb"), None, id="str-scancode"),
        pytest.param(_Found("proprietary", _Source.SCANCODE), None, id="enum-scancode"),
        pytest.param(_Found(None, "spdx"), None, id="no-id"),
        pytest.param(None, None, id="none"),
    ],
)
def test_licenselynx_answers_count_only_when_spdx(
    monkeypatch: pytest.MonkeyPatch, found: object, expected: str | None
) -> None:
    monkeypatch.setattr(names, "_lynx_table", lambda: None)
    monkeypatch.setattr(names, "_lynx_mapper", lambda: lambda name: found)
    assert names._lynx("anything") == expected


def test_licenselynx_raising_is_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(name: str) -> object:
        raise RuntimeError(name)

    monkeypatch.setattr(names, "_lynx_table", lambda: None)
    monkeypatch.setattr(names, "_lynx_mapper", lambda: boom)
    assert names._lynx("MIT") is None


def test_the_licenselynx_table_answers_what_its_api_does() -> None:
    """Every name licenselynx's stable map holds (with its quotes written every way it reads
    them), and names it does not hold: the table's answer is the API's."""
    table = names._lynx_table()
    assert table is not None
    assert len(table) > 1000
    data = resources.files("licenselynx.resources").joinpath("merged_data.json")
    asked = list(json.loads(data.read_bytes())["stableMap"])
    asked += [
        name.replace("'", quote) for name in asked if "'" in name for quote in "\u2019\u201c\uff07"
    ]
    asked += ["MIT", "mit", "Apache License 2.0", "not a license", ""]
    for name in asked:
        assert names._lynx(name) == names._lynx_by_api(name), name


def test_map_license_name_rejects_non_text() -> None:
    assert map_license_name(cast(Any, None)) is None
    assert map_license_name(cast(Any, b"MIT")) is None


# --------------------------------------------------------------------------- detectors

BADGES = """# Acme Toolkit

[![License: MIT](https://img.shields.io/badge/License-MIT-yellow.svg)](https://github.com/acme/toolkit/blob/main/LICENSE) [![CI](https://img.shields.io/github/actions/workflow/status/acme/toolkit/ci.yml)](https://github.com/acme/toolkit/actions) [![license](https://img.shields.io/github/license/acme/toolkit)](LICENSE) ![PyPI - License](https://img.shields.io/pypi/l/acme)

A toolkit.
"""

DETECTORS = [
    pytest.param(
        BADGES, [("license-line", "MIT"), ("badge", "MIT")], id="badge-shields-header-line"
    ),
    pytest.param(
        "[![License](https://img.shields.io/badge/License-Apache_2.0-blue.svg)](LICENSE)",
        [("badge", "Apache-2.0")],
        id="badge-underscore-is-space",
    ),
    pytest.param(
        "![l](https://img.shields.io/badge/license-BSD--3--Clause-green)",
        [("badge", "BSD-3-Clause")],
        id="badge-double-dash",
    ),
    pytest.param(
        "![l](https://img.shields.io/badge/licence-GPL%20v3-red.svg?style=flat)",
        [("badge", "GPL-3.0-only")],
        id="badge-percent-encoded",
    ),
    pytest.param(
        "![l](https://img.shields.io/badge/License-MIT%20OR%20Apache--2.0-blue)",
        [("badge", "MIT OR Apache-2.0")],
        id="badge-expression",
    ),
    pytest.param(
        '<img src="https://badgen.net/badge/license/Apache-2.0/blue" alt="license">',
        [("badge", "Apache-2.0")],
        id="badge-badgen",
    ),
    pytest.param(
        "![l](https://img.shields.io/static/v1?label=License&message=MPL%202.0&color=blue)",
        [("badge", "MPL-2.0")],
        id="badge-static-query",
    ),
    pytest.param(
        "![v](https://img.shields.io/badge/version-1.2.3-blue) ![l](https://img.shields.io/badge/MIT-blue)",
        [],
        id="badge-without-license-label",
    ),
    pytest.param(
        "![l](https://img.shields.io/github/license/acme/app) ![p](https://img.shields.io/pypi/l/acme)"
        " ![d](https://img.shields.io/badge/dynamic/json?label=license&query=$.license&url=x)",
        [],
        id="badge-dynamic-ignored",
    ),
    pytest.param(
        "![l](https://img.shields.io/badge/license-Fair_Source-orange)", [], id="badge-fair-source"
    ),
    pytest.param(
        "Terms: https://opensource.org/licenses/MIT and https://opensource.org/license/apache-2-0"
        " and <https://opensource.org/licenses/mit-license.php>",
        [("url", "MIT")],
        id="url-opensource",
    ),
    pytest.param(
        "[GPL](https://www.gnu.org/licenses/gpl-3.0.en.html)",
        [("url", "GPL-3.0-only")],
        id="url-gnu",
    ),
    pytest.param(
        "https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html https://gnu.org/licenses/agpl-3.0.txt",
        [("url", "LGPL-2.1-only"), ("url", "AGPL-3.0-only")],
        id="url-gnu-old-and-agpl",
    ),
    pytest.param(
        "https://spdx.org/licenses/BSD-2-Clause.html", [("url", "BSD-2-Clause")], id="url-spdx"
    ),
    pytest.param(
        "http://www.apache.org/licenses/LICENSE-2.0", [("url", "Apache-2.0")], id="url-apache"
    ),
    pytest.param("https://mozilla.org/MPL/2.0/", [("url", "MPL-2.0")], id="url-mozilla"),
    pytest.param(
        "https://creativecommons.org/publicdomain/zero/1.0/ and "
        "https://creativecommons.org/licenses/by-nc/4.0/legalcode",
        [("url", "CC0-1.0"), ("url", "CC-BY-NC-4.0")],
        id="url-creative-commons",
    ),
    pytest.param(
        "https://choosealicense.com/licenses/bsl-1.0/ https://choosealicense.com/licenses/gpl-3.0/",
        [("url", "BSL-1.0"), ("url", "GPL-3.0-only")],
        id="url-choosealicense",
    ),
    pytest.param(
        "See [LICENSE](https://github.com/acme/app/blob/main/LICENSE) and "
        "https://www.gnu.org/licenses/gpl-faq.html and https://opensource.org/licenses",
        [],
        id="url-license-file-link-ignored",
    ),
    pytest.param("License: MIT", [("license-line", "MIT")], id="line-plain"),
    pytest.param("**License:** Apache 2.0", [("license-line", "Apache-2.0")], id="line-bold"),
    pytest.param("- **Licence** = GPLv3", [("license-line", "GPL-3.0-only")], id="line-bullet"),
    pytest.param(
        "* License: [MIT](LICENSE) (see LICENSE file)", [("license-line", "MIT")], id="line-link"
    ),
    pytest.param(
        "| Property | Value |\n|---|---|\n| Image | acme/app |\n| **License** | [Apache-2.0](LICENSE) |",
        [("license-line", "Apache-2.0")],
        id="line-table",
    ),
    pytest.param("License: see LICENSE", [], id="line-see-license"),
    pytest.param("License: BSD", [], id="line-bare-bsd"),
    pytest.param("License: Proprietary", [], id="line-proprietary"),
    pytest.param("```yaml\nlicense: MIT\n```", [], id="line-in-code-fence"),
    pytest.param(
        "## License\n\nMIT © [Jane Doe](https://jane.example)",
        [("license-heading", "MIT")],
        id="heading-atx",
    ),
    pytest.param(
        "Intro.\n\nLicense\n=======\n\n[Apache 2.0](LICENSE)",
        [("license-heading", "Apache-2.0")],
        id="heading-setext",
    ),
    pytest.param(
        "## 📝 Licensing\n\n[![License](https://img.shields.io/badge/license-MIT-blue.svg)](LICENSE)\n\n"
        "This project is licensed under the GNU AGPLv3 - see the [LICENSE](LICENSE) file.",
        [("badge", "MIT"), ("license-heading", "AGPL-3.0-only"), ("phrase", "AGPL-3.0-only")],
        id="heading-skips-badge-line",
    ),
    pytest.param(
        "# License\n\nCopyright 2020 Acme Inc.\n\nThe code is under the Mozilla Public License 2.0.",
        [("license-heading", "MPL-2.0")],
        id="heading-after-copyright",
    ),
    pytest.param(
        "## License\n\nThis project is [MIT](LICENSE) licensed.",
        [("license-heading", "MIT")],
        id="heading-name-licensed",
    ),
    pytest.param(
        "## License\n\nApache-2.0-licensed, see LICENSE.",
        [("license-heading", "Apache-2.0")],
        id="heading-name-hyphen-licensed",
    ),
    pytest.param("## License\n\nThis is not MIT licensed.", [], id="heading-negated"),
    pytest.param("## License\n\nFair Source licensed.", [], id="heading-fair-source-licensed"),
    pytest.param(
        "#License\n\nGNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007",
        [],
        id="heading-gpl-without-version-on-line",
    ),
    pytest.param("### License\n\nSee LICENSE.\n\nMIT", [], id="heading-first-line-decides"),
    pytest.param("## License\n\n## Contributing\n\nMIT", [], id="heading-empty-section"),
    pytest.param("## Third-party licenses\n\nMIT", [], id="heading-third-party-is-not-the-license"),
    pytest.param(
        "<!-- SPDX-License-Identifier: Apache-2.0 OR MIT -->\n# App",
        [("spdx-identifier", "Apache-2.0 OR MIT")],
        id="spdx-html-comment",
    ),
    pytest.param(
        "<!--\nSPDX-FileCopyrightText: 2024 Acme\nSPDX-License-Identifier: GPL-2.0-or-later\n-->",
        [("spdx-identifier", "GPL-2.0-or-later")],
        id="spdx-multiline-comment",
    ),
    pytest.param(
        "SPDX-License-Identifier: gpl-2.0+",
        [("spdx-identifier", "GPL-2.0-or-later")],
        id="spdx-deprecated-normalised",
    ),
    pytest.param(
        "SPDX-License-Identifier: LicenseRef-Acme-EULA",
        [("spdx-identifier", "LicenseRef-Acme-EULA")],
        id="spdx-license-ref",
    ),
    pytest.param(
        "SPDX-License-Identifier: MIT AND",
        [],
        id="spdx-invalid",
    ),
    pytest.param(
        "We add an `SPDX-License-Identifier:` header to every file.\n"
        "SPDX-License-Identifier: headers in all files",
        [],
        id="spdx-passing-mention",
    ),
    pytest.param(
        '    Licensed under the Apache License, Version 2.0 (the "License");\n'
        "    you may not use this file except in compliance with the License.\n"
        "    You may obtain a copy of the License at\n\n"
        "        http://www.apache.org/licenses/LICENSE-2.0\n\n"
        "    Unless required by applicable law or agreed to in writing, software\n"
        '    distributed under the License is distributed on an "AS IS" BASIS,\n'
        "    See the License for the specific language governing permissions and\n"
        "    limitations under the License.",
        [("url", "Apache-2.0"), ("phrase", "Apache-2.0")],
        id="phrase-apache-header",
    ),
    pytest.param(
        "Licensed under the License.\ndistributed under the License is distributed",
        [],
        id="phrase-the-license",
    ),
    pytest.param(
        "Elasticsearch is dual-licensed under the Elastic License 2.0 and SSPL.",
        [("phrase", "Elastic-2.0 OR SSPL-1.0")],
        id="phrase-dual-and-means-or",
    ),
    pytest.param(
        "It is available under either the MIT license or the Apache License 2.0, at your option.",
        [("phrase", "MIT OR Apache-2.0")],
        id="phrase-either-or",
    ),
    pytest.param(
        "Released under the terms of the GNU General Public License v3.0 or later.",
        [("phrase", "GPL-3.0-or-later")],
        id="phrase-terms-of-or-later",
    ),
    pytest.param(
        "Our server is available under the Server Side Public License (SSPL).",
        [("phrase", "SSPL-1.0")],
        id="phrase-sspl-parenthetical",
    ),
    pytest.param(
        "The code is distributed under the Business Source License 1.1 and converts later.",
        [("phrase", "BUSL-1.1")],
        id="phrase-busl",
    ),
    pytest.param(
        "This software is provided under the BSD 3-Clause License.",
        [("phrase", "BSD-3-Clause")],
        id="phrase-bsd-3",
    ),
    pytest.param(
        "Licensed under the [MIT License](LICENSE).", [("phrase", "MIT")], id="phrase-link-text"
    ),
    pytest.param(
        "Licensed under Apache 2.0 with Commons Clause.", [], id="phrase-rider-drops-statement"
    ),
    pytest.param(
        "OpenJDK is licensed under the GPLv2 with the Classpath Exception.",
        [("phrase", "GPL-2.0-only WITH Classpath-exception-2.0")],
        id="phrase-with-exception",
    ),
    pytest.param(
        "Licensed under the Apache License 2.0 with LLVM Exceptions.",
        [("phrase", "Apache-2.0 WITH LLVM-exception")],
        id="phrase-with-llvm-exceptions",
    ),
    pytest.param(
        "Licensed under Apache 2.0, with the Commons Clause.", [], id="phrase-comma-rider"
    ),
    pytest.param(
        "MinIO is released under GNU AGPLv3 license.",
        [("phrase", "AGPL-3.0-only")],
        id="phrase-gnu-agplv3",
    ),
    pytest.param(
        "This image is released under the MIT license; the software it contains is licensed "
        "under GPLv2.",
        [("phrase", "MIT"), ("phrase", "GPL-2.0-only")],
        id="phrase-two-statements",
    ),
    pytest.param("Released under Fair Source.", [], id="phrase-fair-source"),
    pytest.param("Released under the Fair Source License, version 0.9.", [], id="phrase-fsl"),
    pytest.param("Released under the BSD license.", [], id="phrase-bare-bsd"),
    pytest.param("Released under the GPL.", [], id="phrase-bare-gpl"),
    pytest.param("Docs are available under the doc folder.", [], id="phrase-id-word-in-prose"),
    pytest.param("Images are available under the `latest` tag.", [], id="phrase-no-name"),
]


@pytest.mark.parametrize(("text", "expected"), DETECTORS)
def test_detectors(text: str, expected: list[tuple[str, str]]) -> None:
    clues = find_overview_clues(text)
    _check_well_formed(clues)
    assert [(clue.kind, clue.expression) for clue in clues] == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("This image works with MIT-licensed plugins.", id="mit-licensed-plugins"),
        pytest.param("Unlike the GPL, this is permissive.", id="unlike-the-gpl"),
        pytest.param("Compatible with Apache 2.0 projects.", id="compatible-with"),
        pytest.param("See the LICENSE file.", id="see-license-file"),
        pytest.param("Check the license before use. Licenses vary.", id="license-word"),
        pytest.param("It is released under a permissive license.", id="permissive"),
        pytest.param("This is open source software.", id="open-source"),
        pytest.param(
            "# License\n\nView [license information](https://nginx.org/LICENSE) for the software "
            "contained in this image.\n\nAs with all Docker images, these likely also contain other "
            "software which may be under other licenses (such as Bash, etc from the base "
            "distribution, along with any direct or indirect dependencies of the primary software "
            "being contained).\n\nSome additional license information which was able to be "
            "auto-detected might be found in [the `repo-info` repository's `nginx/` directory]"
            "(https://github.com/docker-library/repo-info/tree/master/repos/nginx).",
            id="docker-official-boilerplate",
        ),
        pytest.param("", id="empty"),
        pytest.param(" \n\t\n", id="whitespace"),
    ],
)
def test_no_false_positives(text: str) -> None:
    assert find_overview_clues(text) == []


REALISTIC = """<!-- SPDX-License-Identifier: Apache-2.0 -->
# Acme Server

[![License](https://img.shields.io/badge/License-Apache_2.0-blue.svg)](https://opensource.org/licenses/Apache-2.0)
[![Docker Pulls](https://img.shields.io/docker/pulls/acme/server)](https://hub.docker.com/r/acme/server)

Acme Server is a fast key-value store. Source: https://github.com/acme/server

## Quick start

```console
$ docker run -d -p 6379:6379 acme/server
```

| Key | Value |
| --- | ----- |
| Maintainer | Acme |
| License | Apache 2.0 |

## License

Acme Server is licensed under the Apache License, Version 2.0. See [LICENSE](https://github.com/acme/server/blob/main/LICENSE).
"""


def test_realistic_overview_order_and_dedup() -> None:
    clues = find_overview_clues(REALISTIC)
    _check_well_formed(clues)
    assert [(clue.kind, clue.expression) for clue in clues] == [
        ("spdx-identifier", "Apache-2.0"),
        ("badge", "Apache-2.0"),
        ("url", "Apache-2.0"),
        ("license-line", "Apache-2.0"),
        ("license-heading", "Apache-2.0"),
        ("phrase", "Apache-2.0"),
    ]
    assert clues[0].text == "SPDX-License-Identifier: Apache-2.0"
    assert clues[-1].text == "licensed under the Apache License, Version 2.0."


def test_same_expression_and_kind_reported_once() -> None:
    text = "License: MIT\n\nLicence: MIT License\n\nReleased under MIT. Licensed under MIT too."
    assert _pairs(text) == [("license-line", "MIT"), ("phrase", "MIT")]


def test_different_expressions_are_all_reported_in_order() -> None:
    text = "Released under the MIT license.\n\nLicense: GPLv3\n\nSPDX-License-Identifier: ISC"
    assert _pairs(text) == [
        ("spdx-identifier", "ISC"),
        ("license-line", "GPL-3.0-only"),
        ("phrase", "MIT"),
    ]


def test_snippets_are_short_clean_single_lines() -> None:
    text = (
        "License: \x1b[31mMIT\x1b[0m \u202e "
        + "x" * 500
        + "\nReleased under the MIT\x00 license.\r\n"
    )
    clues = find_overview_clues(text)
    _check_well_formed(clues)
    assert [(clue.kind, clue.expression) for clue in clues] == [
        ("license-line", "MIT"),
        ("phrase", "MIT"),
    ]
    assert clues[0].text.startswith("License: MIT")
    assert clues[0].text.endswith("…")


def test_only_the_first_100k_characters_are_read() -> None:
    assert find_overview_clues("x" * MAX_OVERVIEW_LENGTH + "\nLicense: MIT") == []
    assert _pairs("x" * (MAX_OVERVIEW_LENGTH - 20) + "\nLicense: MIT") == [("license-line", "MIT")]


def test_non_text_input() -> None:
    assert find_overview_clues(cast(Any, None)) == []
    assert find_overview_clues(cast(Any, b"License: MIT")) == []


# --------------------------------------------------------------------------- hostile input


def _timed(text: str) -> list[OverviewClue]:
    """The clues, after checking that the scan's work grows linearly with the text (counted in
    calls, not timed: speed is measured by bench/)."""
    assert_linear(find_overview_clues, text)
    clues = find_overview_clues(text)
    _check_well_formed(clues)
    return clues


HOSTILE = [
    pytest.param("[![" * 34_000, id="image-openers"),
    pytest.param("](" * 50_000, id="link-closers"),
    pytest.param("[![](" * 20_000, id="mixed-openers"),
    pytest.param("[" * 10_000 + "x" + "]" * 10_000 + "(" * 10_000, id="nested-brackets"),
    pytest.param("\x1b[31mLicense: MIT\x00\x1b[0m\n" * 4_000, id="ansi-and-nul"),
    pytest.param("\x00" * 100_000, id="nul-bytes"),
    pytest.param("License: " + "a " * 50_000, id="huge-license-line"),
    pytest.param("#" + " " * 99_000 + "x", id="huge-heading-line"),
    pytest.param(" " * 99_000 + "License", id="spaces-then-word"),
    pytest.param("SPDX-License-Identifier:" + " " * 99_000, id="huge-spdx-line"),
    pytest.param("SPDX-License-Identifier: " + "(" * 5_000 + "MIT" + ")" * 5_000, id="deep-parens"),
    pytest.param("licensed under " * 7_000, id="repeated-trigger"),
    pytest.param(
        " ".join(f"licensed under w{i} x{i} y{i} z{i} a{i} b{i} c{i} d{i}." for i in range(2_500)),
        id="unique-phrases",
    ),
    pytest.param(
        "\n".join(f"License: w{i} x{i} y{i} z{i} a{i} b{i} c{i} d{i}" for i in range(3_000)),
        id="unique-license-lines",
    ),
    pytest.param(
        "\n".join(f"## License\n\nw{i} x{i} y{i} z{i} a{i} b{i} c{i}" for i in range(3_000)),
        id="many-license-headings",
    ),
    pytest.param(
        " ".join(f"img.shields.io/badge/license-w{i}_x_y_z_a_b_c-blue" for i in range(2_500)),
        id="many-badges",
    ),
    pytest.param("img.shields.io/badge/" + "-" * 100_000, id="badge-dashes"),
    pytest.param(" ".join(f"opensource.org/licenses/w{i}" for i in range(5_000)), id="many-urls"),
    pytest.param("*_`~" * 25_000, id="emphasis"),
    pytest.param("<a " * 33_000, id="html-openers"),
    pytest.param("<!--" * 25_000, id="comment-openers"),
    pytest.param("```\n" * 25_000, id="fences"),
    pytest.param("a\u0301" * 50_000, id="combining-marks"),
    pytest.param("\ud800" * 1_000 + "License: MIT", id="lone-surrogates"),
    pytest.param("https://" + "a/" * 50_000, id="long-url"),
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_fast_and_safe(text: str) -> None:
    _timed(text)


def test_many_real_statements_are_capped() -> None:
    text = "\n".join(f"SPDX-License-Identifier: LicenseRef-{i}" for i in range(5_000))
    clues = _timed(text)
    assert len(clues) == 50
    assert clues[0].expression == "LicenseRef-0"


def test_realistic_25k_overview_is_fast() -> None:
    body = REALISTIC.replace("## License", "## Usage")
    filler = (
        "Acme Server stores keys in memory and persists snapshots to disk. It speaks the "
        "[RESP protocol](https://example.org/resp) and runs on **amd64** and `arm64`.\n\n"
        "- Fast\n- Small\n- Available under `/data` in the container\n\n"
    )
    text = body + filler * ((25_000 - len(body)) // len(filler))
    assert 24_000 <= len(text) <= 25_000
    clues = _timed(text)
    assert {clue.expression for clue in clues} == {"Apache-2.0"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "License",
                "licensed under",
                "MIT",
                "Apache 2.0",
                "or",
                "and",
                "dual",
                "##",
                "#",
                "|",
                ":",
                "=",
                "\n",
                "\n\n",
                "---",
                "[",
                "](",
                ")",
                "![",
                "<!--",
                "-->",
                "`",
                "**",
                "img.shields.io/badge/",
                "-",
                "--",
                "_",
                "SPDX-License-Identifier:",
                "opensource.org/licenses/",
                "with",
                "Fair",
                "Source",
                "\x1b[",
                "\x00",
            ]
        )
        | st.text(max_size=8),
        max_size=60,
    ).map(" ".join)
)
def test_fuzzed_markdown_never_raises(text: str) -> None:
    _check_well_formed(find_overview_clues(text))


_NAME_PIECES = (
    *("MIT", "Apache", "License", "2.0", "licensed", "under", "or", "and", "/", "with", "GPL-3.0"),
    *(".", ";", ":", "!", "?", '"', "\u201c", "\u00bb", ")", "*", "_", "`", " ", "\n", "\t"),
    *("https://x.org/a", "see", "LICENSE", "the", "either", "BSD-3-Clause", "x" * 61),
)


@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=14))
def test_leading_names_cut_at_the_first_clause_parse_as_the_whole_value(pieces: list[str]) -> None:
    """Caching by the first clause never changes the answer: the tokenizer stops there anyway."""
    value = "".join(pieces)
    parsed = name_list.parse_names(name_list.tokenize(names.clean_name(value), 0))
    assert name_list.leading_names(value) == (parsed[0] if parsed is not None else None)


_LINE_PIECES = (
    *("## ", "License", "LICENSE", "Licence", "licen", "lic", "en", ": MIT", "| License | MIT |"),
    *("Apache-2.0", "\n", "\n\n", "```", "<!--", "-->", "=====", "MIT licensed", "Copyright"),
    *("[MIT](x)", "**", "\u0130", "\u212a", "L\u0130cense", "LICEN\u017fE", "é", " "),
)


@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=16).map("".join))
def test_the_line_scan_is_skipped_only_when_it_finds_nothing(text: str) -> None:
    """`_collect` skips the line scan of ASCII text without "licen" in any case: it would read
    no line of it."""
    if text.isascii() and "licen" not in text.lower():
        assert list(overview._line_clues(text, inline(text))) == []


def _event_lines_by_runs(text: str) -> list[int]:
    """The lines `_event_lines` returned when it marked each run of characters outside ASCII."""
    lines = text.split("\n")
    ends = overview._line_ends(lines)
    ascii_text = text.encode("ascii", "replace").decode()
    found = {index for index, _ in overview._event_lines(ascii_text, lines)}
    for match in re.finditer(r"[^\x00-\x7f]++", text):
        found.add(bisect.bisect_left(ends, match.start()))
    return sorted(found)


@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=16).map("".join))
def test_event_lines_mark_every_line_outside_ascii(text: str) -> None:
    lines = text.split("\n")
    found = overview._event_lines(text, lines)
    assert [index for index, _ in found] == _event_lines_by_runs(text)
    assert [start for _, start in found] == [
        sum(len(line) + 1 for line in lines[:i]) for i, _ in found
    ]


def _event_lines_by_measuring(text: str) -> list[tuple[int, int]]:
    """The event lines of ASCII text as found by measuring every line: each position's line
    by bisection of the line ends."""
    lines = text.split("\n")
    ends = overview._line_ends(lines)
    positions = [m.start() for m in re.finditer(r"(?=```|~~~|<!--|-->|licen)", text.lower())]
    found = sorted({bisect.bisect_left(ends, at) for at in positions})
    return [(index, ends[index] - len(lines[index])) for index in found]


@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=24).map("".join))
def test_event_lines_of_ascii_text_are_found_around_their_positions(text: str) -> None:
    """ASCII text: the line breaks around each position give the lines and offsets that
    measuring every line gives."""
    text = text.encode("ascii", "replace").decode()
    assert overview._event_lines(text, text.split("\n")) == _event_lines_by_measuring(text)


def test_event_lines_read_a_long_line_of_positions_once() -> None:
    """Many positions on few long lines: each line is searched for its breaks once."""
    line = "licen " * 20_000
    assert overview._event_lines(line, [line]) == [(0, 0)]
    text = (line + "\n") * 3
    assert [index for index, _ in overview._event_lines(text, text.split("\n"))] == [0, 1, 2]


_GATE_PIECES = (
    *("lic", "en", "sed", "**", "_", "`", "~", "&#101;", "&amp;", "<b>", "</b>", "[x](y)", " "),
    *("released", "under", "the", "MIT", "available", "provided", "distributed", "License"),
    *("SPDX-License-", "Identifier: MIT", "img.shields.io/badge/license-MIT-blue", "\n", "\x1b"),
    *("opensource.org/licenses/MIT", "A database service 7", "pro", "vided", "\u0130", "é"),
)


@given(st.lists(st.sampled_from(_GATE_PIECES), max_size=14).map("".join))
@example("## License\n\nMIT")
@example("License: MIT")
@example("SPDX-License-Identifier: MIT")
@example("![x](https://img.shields.io/badge/license-MIT-blue)")
@example("see https://opensource.org/licenses/MIT")
@example("Re**leased** under the MIT.")
@example("&#80;rovided under Apache-2.0.")
def test_texts_the_gate_turns_away_hold_no_clue(text: str) -> None:
    """`_collect` returns at once for ASCII text holding none of the words its detectors start
    from (found in the plain text too, where markup or an entity can make one): the detectors,
    run on it regardless, find nothing either."""
    gated = overview._collect(text)
    original = overview._may_state
    overview._may_state = lambda lowered, folded_plain: True
    try:
        assert overview._collect(text) == gated
    finally:
        overview._may_state = original
    assert overview._collect("A database service 7") == []


_DUAL_PIECES = ("dual", "DUAL", "Multi", "tr\u0130ple", "triple", "-", " ", "licensed", "x", "ly")


@given(st.lists(st.sampled_from(_DUAL_PIECES), max_size=8).map("".join))
def test_dual_licensing_is_looked_for_only_where_its_words_are(text: str) -> None:
    """`_phrases` runs `_DUAL` only on a window whose folded text holds "dual", "multi" or
    "triple": every match does."""
    folded = fold(text)
    if overview._DUAL.search(text) is not None:
        assert "dual" in folded or "multi" in folded or "triple" in folded


@given(st.text(alphabet="ab *`~_\n\t5.&;#", max_size=30))
def test_emphasis_without_underscores_is_removed_as_the_pattern_removes_it(text: str) -> None:
    """Text without "_" loses its `*`, backticks and `~` by `replace`: what the pattern drops."""
    expected = html.unescape(markdown._EMPHASIS.sub("", text))
    assert inline(text) == expected
