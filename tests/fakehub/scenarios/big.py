"""Big namespaces: several pages of repositories, a few of them failing."""

from __future__ import annotations

import dataclasses

from tests.fakehub.scenarios.common import (
    BIG_REPO_COUNT,
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


def big_with_failures(ns: str) -> list[Repo]:
    """BIG_REPO_COUNT well-behaved repositories, three of them broken in different ways."""
    repos = [
        image_repo(ns, f"service-{i:03d}", pushed_days=1 + i % 30) for i in range(BIG_REPO_COUNT)
    ]
    unlicensed = image_repo(ns, "service-007", license_=None, license_line="Docs only.")
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


def namespaces() -> Family:
    """bigorg and bigfailorg, BIG_REPO_COUNT repositories each."""
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
    # --- bigorg: 250 repositories (3 pages of 100) -----------------------------------------------
    namespaces.append(
        Namespace(
            "bigorg",
            repos=[
                Repo(
                    f"svc{i:03d}",
                    description=f"service {i}",
                    full_description=overview("bigorg", f"svc{i:03d}", "License: MIT"),
                    tags=[
                        Tag(
                            "latest",
                            days_ago(1 + i % 30),
                            kind="single",
                            labels=labels("bigorg", f"svc{i:03d}", "MIT", days_ago(1 + i % 30)),
                        )
                    ],
                )
                for i in range(BIG_REPO_COUNT)
            ],
        )
    )

    # --- bigfailorg: 250 repositories, 3 of which fail (a screenful of report, not 250 lines) ---
    namespaces.append(Namespace("bigfailorg", repos=big_with_failures("bigfailorg")))
    return Family(namespaces, github)
