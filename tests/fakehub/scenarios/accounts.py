"""Accounts: organizations with and without members' tokens, the sponsored one, a personal one."""

from __future__ import annotations

from tests.fakehub.scenarios.common import (
    ACME,
    LICENSES,
    PRIV,
    SOURCE,
    Family,
    image_repo,
    labels,
    overview,
)
from tests.fakehub.world import (
    GitHubRepo,
    Namespace,
    Repo,
    Tag,
    days_ago,
)


def organizations() -> Family:
    """acmeoss (eligible), sponsoredorg (already sponsored), privateorg (a private repository)."""
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
    # --- acmeoss: eligible organization (with a member token) ---------------------------------
    server = image_repo(
        "acmeoss",
        "server",
        license_="Apache-2.0",
        pushed_days=3,
        license_line="Licensed under the Apache License 2.0.",
    )
    toolkit_pushed = days_ago(8)
    toolkit_labels = labels("acmeoss", "toolkit", None, toolkit_pushed)
    toolkit = Repo(
        "toolkit",
        description="Command-line toolkit",
        full_description=overview("acmeoss", "toolkit", "License: MIT"),
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
                image_repo(
                    "sponsoredorg",
                    "engine",
                    license_="Apache-2.0",
                    license_line="Licensed under the Apache License 2.0.",
                ),
                image_repo("sponsoredorg", "agent", kind="manifestlist", pushed_days=5),
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
                image_repo("privateorg", "app"),
                image_repo("privateorg", "secret", private=True),
            ],
        )
    )
    return Family(namespaces, github)


def personal() -> Family:
    """someuser: a personal account, not an organization."""
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
    # --- someuser: a personal account ------------------------------------------------------------
    namespaces.append(
        Namespace(
            "someuser",
            kind="user",
            full_name="Some User",
            profile_url="https://github.com/someuser",
            repos=[image_repo("someuser", "tool")],
        )
    )
    return Family(namespaces, github)
