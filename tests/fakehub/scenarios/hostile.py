"""Hostile data: crafted to break parsers and terminals."""

from __future__ import annotations

from tests.fakehub.scenarios.common import (
    LICENSES,
    SOURCE,
    Family,
)
from tests.fakehub.world import (
    GitHubRepo,
    Namespace,
    Repo,
    Tag,
    days_ago,
)

HOSTILE_LONG_LABEL = ("MIT OR Apache-2.0 AND " * 500)[:10_000]
HOSTILE_NESTED = "(" * 5000 + "MIT" + ")" * 5000
HOSTILE_OVERVIEW = (
    "\x1b[2J\x1b[H\x1b[31;1mHOSTILE\x1b[0m overview [bold red]x[/] [link=http://evil]click[/link]\n"
    "\x1b]8;;http://evil\x07innocent link\x1b]8;;\x07 \x1b[8mhidden\x1b[28m \r\x1b[Kspoofed\n"
    "Source: https://github.com/hostileorg/ansi\nLicense: MIT\n"
)
HOSTILE_DESCRIPTION = "\x1b]8;;http://evil\x07click me\x1b]8;;\x07 [bold red]x[/]"


def namespaces() -> Family:
    """hostileorg."""
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
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
    return Family(namespaces, github)
