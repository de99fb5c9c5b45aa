"""The standard world the end-to-end tests run against: one builder per scenario family, each
namespace one situation."""

from __future__ import annotations

from tests.fakehub.scenarios import accounts, big, commercial, hostile, licenses, publishing
from tests.fakehub.scenarios.common import (
    ACME,
    BIG_REPO_COUNT,
    CREDENTIALS,
    OUTSIDER,
    PRIV,
    PRIV_OAT,
    SOMEUSER,
    UNKNOWN_NAMESPACE,
    Credential,
    Family,
    image_repo,
)
from tests.fakehub.world import GitHubRepo, Namespace, User, World, days_ago, now

__all__ = [
    "ACME",
    "BIG_REPO_COUNT",
    "CREDENTIALS",
    "OUTSIDER",
    "PRIV",
    "PRIV_OAT",
    "SOMEUSER",
    "UNKNOWN_NAMESPACE",
    "Credential",
    "image_repo",
    "standard_world",
]

# In the order the namespaces have always had in the standard world.
FAMILIES = (
    accounts.organizations,
    publishing.kinds,
    accounts.personal,
    big.namespaces,
    licenses.unlicensed,
    hostile.namespaces,
    publishing.single_arch,
    licenses.beyond_label,
    commercial.namespaces,
)


def standard_world() -> World:
    """Build the standard world; every date is relative to now, so it never rots."""
    t = now()
    namespaces: list[Namespace] = []
    github: dict[str, GitHubRepo] = {}
    for build in FAMILIES:
        family: Family = build()
        namespaces += family.namespaces
        github.update(family.github)
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
