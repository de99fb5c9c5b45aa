"""What a namespace publishes: stale, Helm-only, plugin-only, empty and single-arch images."""

from __future__ import annotations

from tests.fakehub.scenarios.common import (
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


def kinds() -> Family:
    """staleorg, helmorg, pluginorg and emptyrepoorg."""
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
    # --- staleorg: nothing pushed for more than a year -----------------------------------------
    namespaces.append(
        Namespace(
            "staleorg",
            repos=[
                image_repo("staleorg", "legacyapp", pushed_days=400),
                image_repo("staleorg", "oldtool", pushed_days=800),
            ],
        )
    )

    # --- helmorg: one image repository and one Helm-chart-only repository -----------------------
    chart_pushed = days_ago(4)
    namespaces.append(
        Namespace(
            "helmorg",
            repos=[
                image_repo("helmorg", "app"),
                Repo(
                    "charts",
                    description="Helm charts",
                    full_description=overview("helmorg", "charts", "License: MIT"),
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
                    full_description=overview("pluginorg", "volumeplugin", "License: MIT"),
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
                    full_description=overview("emptyrepoorg", "placeholder", "License: MIT"),
                    content_types=[],
                    media_types=[],
                    date_registered=days_ago(20),
                    storage_size=0,
                    pull_count=0,
                )
            ],
        )
    )
    return Family(namespaces, github)


def single_arch() -> Family:
    """singlearchorg: the old single-arch tag shape."""
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
    # --- singlearchorg: the old single-arch tag shape (no top-level digest) ---------------------
    legacy_pushed = days_ago(12)
    namespaces.append(
        Namespace(
            "singlearchorg",
            repos=[
                Repo(
                    "legacy",
                    description="single-arch image",
                    full_description=overview(
                        "singlearchorg", "legacy", "Licensed under the Apache License 2.0."
                    ),
                    tags=[
                        Tag(
                            "latest",
                            legacy_pushed,
                            kind="single",
                            top_level_digest=False,
                            labels=labels("singlearchorg", "legacy", "Apache-2.0", legacy_pushed),
                        ),
                        Tag(
                            "0.1",
                            days_ago(300),
                            kind="single",
                            top_level_digest=False,
                            labels=labels("singlearchorg", "legacy", "Apache-2.0", days_ago(300)),
                        ),
                    ],
                )
            ],
        )
    )
    return Family(namespaces, github)
