"""What every scenario family shares: the label keys, credentials and a well-behaved image repo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tests.fakehub.world import (
    GitHubRepo,
    Namespace,
    Repo,
    Tag,
    TagKind,
    days_ago,
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


@dataclass
class Family:
    """The namespaces of one scenario family and the GitHub repositories they link to."""

    namespaces: list[Namespace] = field(default_factory=list)
    github: dict[str, GitHubRepo] = field(default_factory=dict)


def labels(ns: str, repo: str, license_: str | None, created: datetime) -> dict[str, str]:
    labels = {
        SOURCE: f"https://github.com/{ns}/{repo}",
        CREATED: created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "org.opencontainers.image.title": repo,
        "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
    }
    if license_ is not None:
        labels[LICENSES] = license_
    return labels


def overview(ns: str, repo: str, license_line: str) -> str:
    return (
        f"# {repo}\n\n"
        f"The {repo} image of the {ns} project.\n\n"
        f"## Source\n\nhttps://github.com/{ns}/{repo}\n\n"
        f"## License\n\n{license_line}\n\n"
        f"## Contributing\n\nhttps://github.com/{ns}/{repo}/blob/main/CONTRIBUTING.md\n\n"
        f"Website: https://{ns}.example.org\n"
    )


def image_repo(
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
        Tag("latest", pushed, kind=kind, labels=labels(ns, name, license_, pushed)),
        Tag("1.4.0", pushed, kind=kind, labels=labels(ns, name, license_, pushed)),
        Tag("1.3.0", older, kind=kind, labels=labels(ns, name, license_, older)),
    ]
    return Repo(
        name,
        description=f"{name} from {ns}",
        full_description=overview(ns, name, license_line),
        tags=tags,
        categories=[{"name": "Developer Tools", "slug": "developer-tools"}],
        private=private,
    )
