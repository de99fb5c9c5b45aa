"""Commercial signals: a company behind the namespace, paid tiers in the overview."""

from __future__ import annotations

from tests.fakehub.scenarios.common import (
    Family,
    image_repo,
)
from tests.fakehub.world import (
    GitHubRepo,
    Namespace,
)


def namespaces() -> Family:
    """The commercial-signal organizations."""
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
    # --- issue 4: commercial signals -------------------------------------------------------------
    # verifiedorg: a Docker Verified Publisher (a paid program): non-commercial fails.
    namespaces.append(
        Namespace(
            "verifiedorg", badge="verified_publisher", repos=[image_repo("verifiedorg", "agent")]
        )
    )
    # enterpriseorg: sells an enterprise edition and a hosted offer in its overview.
    enterprise = image_repo("enterpriseorg", "server", license_="Apache-2.0")
    enterprise.full_description = (enterprise.full_description or "") + (
        "\n## Editions\n\nNeed SSO and audit logs? Upgrade to our **Enterprise Edition** "
        "and contact sales@enterpriseorg.example for pricing. Or try the hosted version: "
        "start your 14-day free trial at https://cloud.enterpriseorg.example.\n"
    )
    namespaces.append(
        Namespace(
            "enterpriseorg",
            company="Enterprise Org Inc.",
            repos=[enterprise, image_repo("enterpriseorg", "cli")],
        )
    )
    return Family(namespaces, github)
