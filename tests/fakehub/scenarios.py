"""The standard world the end-to-end tests run against: one namespace per situation."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.fakehub.world import (
    GitHubRepo,
    Namespace,
    Repo,
    Tag,
    TagKind,
    User,
    World,
    days_ago,
    now,
)

LICENSES = "org.opencontainers.image.licenses"
SOURCE = "org.opencontainers.image.source"
CREATED = "org.opencontainers.image.created"


@dataclass(frozen=True)
class Credential:
    """A username + secret the standard world accepts."""

    username: str
    token: str


ACME = Credential("acmebot", "dckr_pat_acme_SECRET")  # member of acmeoss
PRIV = Credential("privbot", "dckr_pat_priv_SECRET")  # member of privateorg
PRIV_OAT = Credential("privateorg", "dckr_oat_priv_SECRET")  # organization access token
OUTSIDER = Credential("outsider", "dckr_pat_outsider_SECRET")  # member of nothing
SOMEUSER = Credential("someuser", "dckr_pat_someuser_SECRET")  # owner of the personal namespace
CREDENTIALS = (ACME, PRIV, PRIV_OAT, OUTSIDER, SOMEUSER)

UNKNOWN_NAMESPACE = "nosuchorg"
BIG_REPO_COUNT = 250

HOSTILE_LONG_LABEL = ("MIT OR Apache-2.0 AND " * 500)[:10_000]
HOSTILE_NESTED = "(" * 5000 + "MIT" + ")" * 5000
HOSTILE_OVERVIEW = (
    "\x1b[2J\x1b[H\x1b[31;1mHOSTILE\x1b[0m overview [bold red]x[/] [link=http://evil]click[/link]\n"
    "\x1b]8;;http://evil\x07innocent link\x1b]8;;\x07 \x1b[8mhidden\x1b[28m \r\x1b[Kspoofed\n"
    "Source: https://github.com/hostileorg/ansi\nLicense: MIT\n"
)
HOSTILE_DESCRIPTION = "\x1b]8;;http://evil\x07click me\x1b]8;;\x07 [bold red]x[/]"

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
APACHE_TEXT = (Path(__file__).resolve().parents[2] / "LICENSE").read_text(encoding="utf-8")
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


def _labels(ns: str, repo: str, license_: str | None, created: datetime) -> dict[str, str]:
    labels = {
        SOURCE: f"https://github.com/{ns}/{repo}",
        CREATED: created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "org.opencontainers.image.title": repo,
        "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
    }
    if license_ is not None:
        labels[LICENSES] = license_
    return labels


def _overview(ns: str, repo: str, license_line: str) -> str:
    return (
        f"# {repo}\n\n"
        f"The {repo} image of the {ns} project.\n\n"
        f"## Source\n\nhttps://github.com/{ns}/{repo}\n\n"
        f"## License\n\n{license_line}\n\n"
        f"## Contributing\n\nhttps://github.com/{ns}/{repo}/blob/main/CONTRIBUTING.md\n\n"
        f"Website: https://{ns}.example.org\n"
    )


def _image_repo(
    ns: str,
    name: str,
    *,
    license_: str | None = "MIT",
    pushed_days: float = 3,
    license_line: str = "License: MIT",
    kind: TagKind = "multiarch",
    private: bool = False,
) -> Repo:
    """A well-behaved image repository: labelled, documented, recently pushed."""
    pushed = days_ago(pushed_days)
    older = days_ago(pushed_days + 45)
    tags = [
        Tag("latest", pushed, kind=kind, labels=_labels(ns, name, license_, pushed)),
        Tag("1.4.0", pushed, kind=kind, labels=_labels(ns, name, license_, pushed)),
        Tag("1.3.0", older, kind=kind, labels=_labels(ns, name, license_, older)),
    ]
    return Repo(
        name,
        description=f"{name} from {ns}",
        full_description=_overview(ns, name, license_line),
        tags=tags,
        categories=[{"name": "Developer Tools", "slug": "developer-tools"}],
        private=private,
    )


def _big_with_failures(ns: str) -> list[Repo]:
    """BIG_REPO_COUNT well-behaved repositories, three of them broken in different ways."""
    repos = [
        _image_repo(ns, f"service-{i:03d}", pushed_days=1 + i % 30) for i in range(BIG_REPO_COUNT)
    ]
    unlicensed = _image_repo(ns, "service-007", license_=None, license_line="Docs only.")
    repos[7] = dataclasses.replace(unlicensed, full_description=unlicensed.full_description)
    repos[42] = dataclasses.replace(repos[42], full_description="")
    repos[199] = dataclasses.replace(
        repos[199],
        name="a-rather-long-repository-name-that-must-not-be-cut-199",
        private=False,
        content_types=["helm"],
        tags=[],
    )
    return repos


def standard_world() -> World:
    """Build the standard world; every date is relative to now, so it never rots."""
    t = now()
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}

    # --- acmeoss: eligible organization (with a member token) ---------------------------------
    server = _image_repo(
        "acmeoss",
        "server",
        license_="Apache-2.0",
        pushed_days=3,
        license_line="Licensed under the Apache License 2.0.",
    )
    toolkit_pushed = days_ago(8)
    toolkit_labels = _labels("acmeoss", "toolkit", None, toolkit_pushed)
    toolkit = Repo(
        "toolkit",
        description="Command-line toolkit",
        full_description=_overview("acmeoss", "toolkit", "License: MIT"),
        tags=[
            Tag(
                name,
                toolkit_pushed if name != "0.9.0" else days_ago(120),
                labels=toolkit_labels,
                annotations={
                    LICENSES: "MIT OR Apache-2.0",
                    SOURCE: "https://github.com/acmeoss/toolkit",
                },
                platforms=(("linux", "arm64", "v8"), ("linux", "amd64"), ("linux", "s390x")),
            )
            for name in ("latest", "1.0.0", "0.9.0")
        ],
    )
    namespaces.append(
        Namespace(
            "acmeoss",
            full_name="Acme Open Source",
            company="Acme OSS community",
            profile_url="https://github.com/acmeoss",
            members=[ACME.username],
            repos=[server, toolkit],
        )
    )
    github["acmeoss/server"] = GitHubRepo(
        "Apache-2.0", "Apache License\nVersion 2.0, January 2004\n"
    )
    github["acmeoss/toolkit"] = GitHubRepo("MIT", "MIT License\n\nCopyright (c) Acme\n")

    # --- sponsoredorg: already carries the DSOS badge ------------------------------------------
    namespaces.append(
        Namespace(
            "sponsoredorg",
            badge="open_source",
            full_name="Sponsored Org",
            profile_url="https://github.com/sponsoredorg",
            repos=[
                _image_repo(
                    "sponsoredorg",
                    "engine",
                    license_="Apache-2.0",
                    license_line="Licensed under the Apache License 2.0.",
                ),
                _image_repo("sponsoredorg", "agent", kind="manifestlist", pushed_days=5),
            ],
        )
    )
    github["sponsoredorg/engine"] = GitHubRepo("Apache-2.0", "Apache License\nVersion 2.0\n")

    # --- privateorg: one public and one private repository ------------------------------------
    namespaces.append(
        Namespace(
            "privateorg",
            members=[PRIV.username],
            repos=[
                _image_repo("privateorg", "app"),
                _image_repo("privateorg", "secret", private=True),
            ],
        )
    )

    # --- staleorg: nothing pushed for more than a year -----------------------------------------
    namespaces.append(
        Namespace(
            "staleorg",
            repos=[
                _image_repo("staleorg", "legacyapp", pushed_days=400),
                _image_repo("staleorg", "oldtool", pushed_days=800),
            ],
        )
    )

    # --- helmorg: one image repository and one Helm-chart-only repository -----------------------
    chart_pushed = days_ago(4)
    namespaces.append(
        Namespace(
            "helmorg",
            repos=[
                _image_repo("helmorg", "app"),
                Repo(
                    "charts",
                    description="Helm charts",
                    full_description=_overview("helmorg", "charts", "License: MIT"),
                    tags=[
                        Tag("1.2.0", chart_pushed, kind="helm"),
                        Tag("1.1.0", days_ago(30), kind="helm"),
                    ],
                ),
            ],
        )
    )

    # --- pluginorg: a Docker plugin and nothing else ---------------------------------------------
    namespaces.append(
        Namespace(
            "pluginorg",
            repos=[
                Repo(
                    "volumeplugin",
                    description="A volume plugin",
                    full_description=_overview("pluginorg", "volumeplugin", "License: MIT"),
                    repository_type="plugin",
                    media_types=["application/vnd.docker.plugin.v1+json"],
                    content_types=["plugin"],
                    tags=[Tag("latest", days_ago(6), kind="plugin")],
                )
            ],
        )
    )

    # --- emptyrepoorg: a repository nothing was ever pushed to ----------------------------------
    namespaces.append(
        Namespace(
            "emptyrepoorg",
            repos=[
                Repo(
                    "placeholder",
                    description="Coming soon",
                    full_description=_overview("emptyrepoorg", "placeholder", "License: MIT"),
                    content_types=[],
                    media_types=[],
                    date_registered=days_ago(20),
                    storage_size=0,
                    pull_count=0,
                )
            ],
        )
    )

    # --- someuser: a personal account ------------------------------------------------------------
    namespaces.append(
        Namespace(
            "someuser",
            kind="user",
            full_name="Some User",
            profile_url="https://github.com/someuser",
            repos=[_image_repo("someuser", "tool")],
        )
    )

    # --- bigorg: 250 repositories (3 pages of 100) -----------------------------------------------
    namespaces.append(
        Namespace(
            "bigorg",
            repos=[
                Repo(
                    f"svc{i:03d}",
                    description=f"service {i}",
                    full_description=_overview("bigorg", f"svc{i:03d}", "License: MIT"),
                    tags=[
                        Tag(
                            "latest",
                            days_ago(1 + i % 30),
                            kind="single",
                            labels=_labels("bigorg", f"svc{i:03d}", "MIT", days_ago(1 + i % 30)),
                        )
                    ],
                )
                for i in range(BIG_REPO_COUNT)
            ],
        )
    )

    # --- bigfailorg: 250 repositories, 3 of which fail (a screenful of report, not 250 lines) ---
    namespaces.append(Namespace("bigfailorg", repos=_big_with_failures("bigfailorg")))

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
                _image_repo(
                    "badlicenseorg", "db", license_="SSPL-1.0", license_line="License: SSPL-1.0"
                )
            ],
        )
    )

    # --- hostileorg: data crafted to break parsers and terminals ---------------------------------
    hostile_pushed = days_ago(2)
    namespaces.append(
        Namespace(
            "hostileorg",
            full_name="\x1b[31mHostile\x1b[0m [bold]Org[/bold]",
            profile_url="http://evil\x1b]8;;http://evil\x07",
            repos=[
                Repo(
                    "longlabel",
                    description="x" * 100,
                    full_description="L" * 25_000,
                    tags=[
                        Tag(
                            "latest",
                            hostile_pushed,
                            labels={
                                LICENSES: HOSTILE_LONG_LABEL,
                                SOURCE: "https://github.com/" + "a" * 10_000,
                            },
                        )
                    ],
                ),
                Repo(
                    "nested",
                    description="nested parentheses",
                    full_description="License: " + HOSTILE_NESTED,
                    tags=[Tag("latest", hostile_pushed, labels={LICENSES: HOSTILE_NESTED})],
                ),
                Repo(
                    "ansi",
                    description=HOSTILE_DESCRIPTION,
                    full_description=HOSTILE_OVERVIEW,
                    tags=[
                        Tag(
                            "latest",
                            hostile_pushed,
                            labels={
                                LICENSES: "\x1b[32mMIT\x1b[0m",
                                SOURCE: "https://github.com/hostileorg/ansi\x1b[2J",
                            },
                        )
                    ],
                ),
            ],
        )
    )

    # --- singlearchorg: the old single-arch tag shape (no top-level digest) ---------------------
    legacy_pushed = days_ago(12)
    namespaces.append(
        Namespace(
            "singlearchorg",
            repos=[
                Repo(
                    "legacy",
                    description="single-arch image",
                    full_description=_overview(
                        "singlearchorg", "legacy", "Licensed under the Apache License 2.0."
                    ),
                    tags=[
                        Tag(
                            "latest",
                            legacy_pushed,
                            kind="single",
                            top_level_digest=False,
                            labels=_labels("singlearchorg", "legacy", "Apache-2.0", legacy_pushed),
                        ),
                        Tag(
                            "0.1",
                            days_ago(300),
                            kind="single",
                            top_level_digest=False,
                            labels=_labels("singlearchorg", "legacy", "Apache-2.0", days_ago(300)),
                        ),
                    ],
                )
            ],
        )
    )

    # --- issue 3: licenses found beyond the image label ---------------------------------------
    # ghlicenseorg: no label; the source repository's LICENSE says Apache-2.0 (GitHub spdx_id).
    namespaces.append(
        Namespace(
            "ghlicenseorg",
            repos=[
                _image_repo(
                    "ghlicenseorg", "app", license_=None, license_line="See the repository."
                )
            ],
        )
    )
    github["ghlicenseorg/app"] = GitHubRepo("Apache-2.0", APACHE_TEXT)
    # ghtextorg: no label; GitHub says NOASSERTION, the text itself is MIT.
    namespaces.append(
        Namespace(
            "ghtextorg",
            repos=[
                _image_repo("ghtextorg", "app", license_=None, license_line="See the repository.")
            ],
        )
    )
    github["ghtextorg/app"] = GitHubRepo("NOASSERTION", MIT_TEXT)
    # overviewlicorg: no label, no license file on GitHub (404); the overview says MIT.
    namespaces.append(
        Namespace(
            "overviewlicorg",
            repos=[
                _image_repo(
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
                _image_repo(
                    "conflictorg", "app", license_="MIT", license_line="See the repository."
                )
            ],
        )
    )
    github["conflictorg/app"] = GitHubRepo("WTFPL", "DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE\n")
    # riderorg: the label says Apache-2.0; the LICENSE is Apache-2.0 plus the Commons Clause.
    namespaces.append(
        Namespace(
            "riderorg",
            repos=[
                _image_repo(
                    "riderorg", "app", license_="Apache-2.0", license_line="See the repository."
                )
            ],
        )
    )
    github["riderorg/app"] = GitHubRepo("NOASSERTION", APACHE_TEXT + COMMONS_CLAUSE)

    # --- issue 4: commercial signals -------------------------------------------------------------
    # verifiedorg: a Docker Verified Publisher (a paid program): non-commercial fails.
    namespaces.append(
        Namespace(
            "verifiedorg", badge="verified_publisher", repos=[_image_repo("verifiedorg", "agent")]
        )
    )
    # enterpriseorg: sells an enterprise edition and a hosted offer in its overview.
    enterprise = _image_repo("enterpriseorg", "server", license_="Apache-2.0")
    enterprise.full_description = (enterprise.full_description or "") + (
        "\n## Editions\n\nNeed SSO and audit logs? Upgrade to our **Enterprise Edition** "
        "and contact sales@enterpriseorg.example for pricing. Or try the hosted version: "
        "start your 14-day free trial at https://cloud.enterpriseorg.example.\n"
    )
    namespaces.append(
        Namespace(
            "enterpriseorg",
            company="Enterprise Org Inc.",
            repos=[enterprise, _image_repo("enterpriseorg", "cli")],
        )
    )

    for ns in namespaces:
        ns.date_joined = ns.date_joined or days_ago(900, base=t)

    users = [
        User(ACME.username, ACME.token, orgs=["acmeoss"]),
        User(PRIV.username, PRIV.token, orgs=["privateorg"]),
        User(PRIV_OAT.username, PRIV_OAT.token, kind="oat"),
        User(OUTSIDER.username, OUTSIDER.token),
        User(SOMEUSER.username, SOMEUSER.token),
    ]
    return World(
        namespaces=namespaces,
        users=users,
        github_repos=github,
        unlimited_pull_namespaces=["sponsoredorg"],
    )
