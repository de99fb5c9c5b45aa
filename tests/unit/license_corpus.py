"""Hand-written license evidence in the shapes found in the wild, each with the right outcome.

Shared by the per-category test (`test_license_corpus.py`) and `bench/license_accuracy.py`,
which prints the accuracy per category. Texts are the team's own, modelled on real LICENSE files,
READMEs, Docker Hub overviews and image labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from dsos_check.models import (
    HistoryStep,
    ImageEvidence,
    RepositoryEvidence,
    SourceRepositoryEvidence,
)
from tests.unit.checks.factories import make_repo

Expected = Literal["pass", "fail", "review"]
DATA = Path(__file__).parent / "data" / "licenses"
KEY = "org.opencontainers.image.licenses"
NEUTRAL = "# App\n\nA small web server.\n"


def text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


MIT = text("mit.txt")
APACHE = text("apache-2.0.txt")
GPL3 = text("gpl-3.0.txt")
_MIT_PARAS = MIT.split("\n\n")
_APACHE_PARAS = APACHE.split("\n\n")


def mit_with(paragraph: str, at: int = 2) -> str:
    return "\n\n".join([*_MIT_PARAS[:at], paragraph, *_MIT_PARAS[at:]])


def apache_with(paragraph: str, at: int = 12) -> str:
    return "\n\n".join([*_APACHE_PARAS[:at], paragraph, *_APACHE_PARAS[at:]])


@dataclass(frozen=True)
class Case:
    category: str
    name: str
    repo: RepositoryEvidence
    expected: Expected


def gh(spdx_id: str | None = None, license_text: str | None = None) -> SourceRepositoryEvidence:
    return SourceRepositoryEvidence(
        url="https://github.com/example/app",
        found_in="image label org.opencontainers.image.source",
        status="found",
        spdx_id=spdx_id,
        license_text=license_text,
    )


def image(labels: dict[str, str] | None = None, **fields: Any) -> ImageEvidence:
    return ImageEvidence(reference="sha256:" + "a" * 64, labels=labels or {}, **fields)


def repo(overview: str = NEUTRAL, **fields: Any) -> RepositoryEvidence:
    return make_repo(full_description=overview, **fields)


def _labels() -> list[Case]:
    c = "label names"
    cases: list[tuple[str, Expected]] = [
        ("Apache License 2.0", "pass"),
        ("Apache License, Version 2.0", "pass"),
        ("GPLv2", "pass"),
        ("GPL-3.0+", "pass"),
        ("MIT License", "pass"),
        ("BSD 3-Clause", "pass"),
        ("mpl 2.0", "pass"),
        ("SSPL", "fail"),
        ("Server Side Public License", "fail"),
        ("Proprietary", "fail"),
        ("Commercial", "fail"),
        ("BSL 1.1", "fail"),
        ("Elastic License 2.0", "fail"),
        ("LicenseRef-Proprietary", "fail"),
        ("All Rights Reserved", "fail"),
        ("CC BY-NC 4.0", "fail"),
        ("GPL", "review"),
        ("AGPL", "review"),
        ("BSD", "review"),
        ("Acme Community License", "review"),
        ("see LICENSE file", "review"),
    ]
    return [Case(c, value, repo(image=image({KEY: value})), expected) for value, expected in cases]


def _precedence() -> list[Case]:
    c = "precedence"
    mit_overview = NEUTRAL + "\n## License\n\nMIT\n"
    return [
        Case(
            c,
            "commons-clause label vs MIT overview",
            repo(mit_overview, image=image({KEY: "Apache-2.0 WITH Commons-Clause"})),
            "fail",
        ),
        Case(
            c,
            "LicenseRef commons clause",
            repo(mit_overview, image=image({KEY: "Apache-2.0 AND LicenseRef-Commons-Clause"})),
            "fail",
        ),
        Case(
            c,
            "too deep label vs MIT overview",
            repo(mit_overview, image=image({KEY: "(" * 80 + "MIT" + ")" * 80})),
            "review",
        ),
        Case(
            c,
            "garbage label vs MIT overview",
            repo(mit_overview, image=image({KEY: "MIT; see https://example.com"})),
            "review",
        ),
        Case(
            c,
            "SSPL github vs MIT label",
            repo(image=image({KEY: "MIT"}), source_repository=gh("SSPL-1.0")),
            "fail",
        ),
        Case(
            c,
            "agreeing label and github",
            repo(image=image({KEY: "MIT"}), source_repository=gh("MIT")),
            "pass",
        ),
        Case(
            c,
            "disagreeing approvals",
            repo(image=image({KEY: "MIT"}), source_repository=gh("LicenseRef-Acme")),
            "review",
        ),
        Case(
            c,
            "BUSL label name",
            repo(mit_overview, image=image({KEY: "Business Source License 1.1"})),
            "fail",
        ),
    ]


def _scope() -> list[Case]:
    c = "scope"
    return [
        Case(
            c,
            "dockerfiles MIT, products proprietary",
            repo(
                "# Acme DB images\n\nThe Dockerfiles in this repository are MIT licensed. The products "
                "installed within the images are licensed under their own proprietary license terms.\n"
            ),
            "review",
        ),
        Case(
            c,
            "build scripts under Apache",
            repo(
                "# Tool\n\nThe build scripts for this image are licensed under the Apache License 2.0.\n"
            ),
            "review",
        ),
        Case(
            c,
            "docs CC BY-NC-SA, image AGPL",
            repo(
                "# Wiki\n\nLicensed under the GNU Affero General Public License v3.0.\n\n"
                "The documentation is licensed under CC BY-NC-SA 4.0.\n"
            ),
            "pass",
        ),
        Case(
            c,
            "other software boilerplate",
            repo(
                "# App\n\nLicensed under the MIT license.\n\nAs with all Docker images, these likely "
                "also contain other software which may be under other licenses (such as Bash, etc "
                "from the base distribution).\n"
            ),
            "review",
        ),
        Case(
            c,
            "plain phrase",
            repo("# App\n\nThis image is released under the MIT License.\n"),
            "pass",
        ),
        Case(
            c, "heading section", repo("# App\n\n## License\n\nApache 2.0, see LICENSE.\n"), "pass"
        ),
        Case(
            c,
            "website content",
            repo(
                "# Site\n\nThe website content is licensed under CC BY-NC 4.0.\n\nThe code is "
                "licensed under the MIT license.\n"
            ),
            "pass",
        ),
        Case(
            c,
            "license line naming a proprietary part",
            repo("# DB\n\nLicense: Apache-2.0 (Dockerfiles), proprietary (the database)\n"),
            "review",
        ),
        Case(
            c,
            "MIT label, proprietary software inside",
            repo(
                "# Acme Server\n\nThe Acme server in this image is proprietary. The Dockerfile "
                "is MIT licensed.\n",
                image=image({KEY: "MIT"}),
            ),
            "review",
        ),
        Case(
            c,
            "examples under BSD only",
            repo(
                "# Product\n\nThe examples in this repository are licensed under the BSD 3-Clause "
                "license.\n"
            ),
            "review",
        ),
    ]


def _texts() -> list[Case]:
    c = "modified texts"
    ai_ban = (
        "The Software may not be used to train artificial intelligence or machine learning "
        "models without written permission."
    )
    open_core = (
        "Portions of this software are licensed as follows:\n\n* All content that resides "
        'under the "ee/" directory of this repository is licensed under the license defined '
        'in "ee/LICENSE".\n* Content outside of the above mentioned directories is available '
        "under the MIT license as defined below."
    )
    cases = [
        ("clean MIT, GitHub MIT", gh("MIT", MIT), "pass"),
        ("clean Apache, no id", gh("NOASSERTION", APACHE), "pass"),
        ("clean GPL-3.0", gh("GPL-3.0", GPL3), "pass"),
        ("MIT + AI ban in the middle, GitHub MIT", gh("MIT", mit_with(ai_ban)), "fail"),
        ("MIT + AI ban at the end", gh("MIT", MIT + "\n\n" + ai_ban + "\n"), "fail"),
        ("Apache + AI ban", gh("Apache-2.0", apache_with(ai_ban)), "fail"),
        ("open-core preamble", gh("NOASSERTION", open_core + "\n\n" + MIT), "fail"),
        (
            "may not be used for",
            gh(
                "MIT", mit_with("This software may not be used for any purpose that harms animals.")
            ),
        ),
        (
            "added benign paragraph",
            gh(
                "MIT",
                mit_with(
                    "Please cite our paper when you publish results obtained with this software, "
                    "it helps us get funding for the project."
                ),
            ),
            "review",
        ),
        ("commons clause", gh("Apache-2.0", text("apache-2.0-commons-clause.txt")), "fail"),
        ("SPDX tag file", gh("NOASSERTION", "SPDX-License-Identifier: Apache-2.0\n"), "pass"),
        (
            "pointer file",
            gh(
                "NOASSERTION",
                "This project is licensed under the MIT license. "
                "See LICENSE-MIT for the full text.\n",
            ),
            "pass",
        ),
        (
            "dual pointer",
            gh(
                "NOASSERTION",
                "Licensed under either of Apache License, Version "
                "2.0 or MIT license at your option.\n",
            ),
            "pass",
        ),
        ("label names base, text modified", gh("NOASSERTION", mit_with(ai_ban)), "fail"),
    ]
    out = []
    for name, source, *expected in cases:
        outcome = expected[0] if expected else "fail"
        out.append(Case(c, name, repo(source_repository=source), outcome))  # type: ignore[arg-type]
    out.append(
        Case(
            c,
            "label MIT, text modified",
            repo(
                image=image({KEY: "MIT"}),
                source_repository=gh(
                    "MIT",
                    mit_with(
                        "Redistribution in any product sold to the United States government is not "
                        "allowed without a separate written agreement with the authors of this software."
                    ),
                ),
            ),
            "review",
        )
    )
    custom = (
        "Acme Software License\n\nYou may install and run the software on your own servers. "
        "Redistribution of the software, modified or not, requires a written agreement with "
        "Acme Inc. The software is provided as is, without warranty of any kind.\n"
    )
    out.append(
        Case(
            c,
            "custom license text, MIT label",
            repo(image=image({KEY: "MIT"}), source_repository=gh("NOASSERTION", custom)),
            "review",
        )
    )
    return out


def _buildkit(step: str) -> HistoryStep:
    return HistoryStep(created_by=f"{step} # buildkit", comment="buildkit.dockerfile.v0")


def _classic(step: str) -> HistoryStep:
    if step.startswith("RUN "):
        return HistoryStep(created_by=f"/bin/sh -c {step[4:]}")
    return HistoryStep(created_by=f"/bin/sh -c #(nop)  {step}", empty_layer=True)


def _inherited() -> list[Case]:
    c = "inherited labels"
    base = [
        _classic("ADD file:1234 in / "),
        _classic("LABEL org.opencontainers.image.licenses=GPL-2.0-only"),
        _classic('CMD ["bash"]'),
    ]
    own_bk = [_buildkit("WORKDIR /app"), _buildkit("COPY . /app"), _buildkit("RUN make")]
    base_bk = [
        _buildkit("ADD alpine-minirootfs.tar.gz / "),
        _buildkit("LABEL org.opencontainers.image.licenses=Apache-2.0"),
        _buildkit('CMD ["/bin/sh"]'),
    ]
    annotations = {"org.opencontainers.image.base.name": "docker.io/library/debian:12"}
    return [
        Case(
            c,
            "classic base label alone",
            repo(
                image=image(
                    {KEY: "GPL-2.0-only"}, history=(*base, *own_bk), annotations=annotations
                )
            ),
            "review",
        ),
        Case(
            c,
            "buildkit base label alone",
            repo(image=image({KEY: "Apache-2.0"}, history=(*base_bk, *own_bk))),
            "review",
        ),
        Case(
            c,
            "project relabels",
            repo(
                image=image({KEY: "MIT"}, history=(*base, *own_bk, _buildkit(f"LABEL {KEY}=MIT")))
            ),
            "pass",
        ),
        Case(
            c,
            "own label, no base label",
            repo(
                image=image(
                    {KEY: "MIT"},
                    history=(
                        _buildkit("FROM scratch"),
                        _buildkit(f"LABEL {KEY}=MIT"),
                        _buildkit("COPY app /app"),
                    ),
                )
            ),
            "pass",
        ),
        Case(
            c,
            "inherited label, project license on GitHub",
            repo(
                image=image({KEY: "GPL-2.0-only"}, history=(*base, *own_bk)),
                source_repository=gh("MIT"),
            ),
            "pass",
        ),
        Case(
            c,
            "label from --label (no history step)",
            repo(image=image({KEY: "MIT"}, history=(*base_bk[:1], *own_bk))),
            "pass",
        ),
    ]


def _badges() -> list[Case]:
    c = "overview pointers"
    return [
        Case(
            c,
            "static badge",
            repo("# App\n\n![License](https://img.shields.io/badge/license-MIT-blue.svg)\n"),
            "pass",
        ),
        Case(
            c,
            "alt text",
            repo("# App\n\n[![License: Apache 2.0](https://example.com/x.svg)](LICENSE)\n"),
            "pass",
        ),
        Case(
            c,
            "link text",
            repo("# App\n\nLicense: [MPL 2.0](https://example.com/LICENSE)\n"),
            "pass",
        ),
        Case(c, "GPL without version", repo("# App\n\n## License\n\nGPL\n"), "review"),
        Case(c, "licensed under the AGPL", repo("# App\n\nLicensed under the AGPL.\n"), "review"),
        Case(
            c,
            "license URL",
            repo("# App\n\nSee https://opensource.org/licenses/BSD-3-Clause\n"),
            "pass",
        ),
    ]


def cases() -> list[Case]:
    """Every case, in category order."""
    return [*_labels(), *_precedence(), *_scope(), *_texts(), *_inherited(), *_badges()]
