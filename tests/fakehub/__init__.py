"""A faithful, loopback-only fake of Docker Hub, its registry and GitHub, for end-to-end tests."""

from tests.fakehub.http import FakeServer, Fault, RecordedRequest
from tests.fakehub.scenarios import (
    ACME,
    CREDENTIALS,
    OUTSIDER,
    PRIV,
    PRIV_OAT,
    SOMEUSER,
    UNKNOWN_NAMESPACE,
    Credential,
    standard_world,
)
from tests.fakehub.server import FakeDockerHub
from tests.fakehub.world import GitHubRepo, Namespace, Repo, Tag, User, World, days_ago

__all__ = [
    "ACME",
    "CREDENTIALS",
    "OUTSIDER",
    "PRIV",
    "PRIV_OAT",
    "SOMEUSER",
    "UNKNOWN_NAMESPACE",
    "Credential",
    "FakeDockerHub",
    "FakeServer",
    "Fault",
    "GitHubRepo",
    "Namespace",
    "RecordedRequest",
    "Repo",
    "Tag",
    "User",
    "World",
    "days_ago",
    "standard_world",
]
