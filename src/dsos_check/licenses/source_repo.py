"""Finding a repository's source code on GitHub: image source labels first, then overview links."""

from __future__ import annotations

import re
from typing import NamedTuple

from dsos_check.models import RepositoryEvidence
from dsos_check.scanner import Anchored, Uncompiled, fold

SOURCE_KEYS = ("org.opencontainers.image.source", "org.label-schema.vcs-url")

# github.com/OWNER/REPO in https, ssh, git and bare forms. GitHub owners are 1-39 characters of
# letters, digits and single hyphens; repository names letters, digits, '.', '_' and '-'.
_GITHUB = re.compile(
    r"(?:(?<=[\s(<\[\"'`=:/@])|^)(?:www\.)?github\.com[/:]"
    r"(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<repo>[A-Za-z0-9._-]{1,100})",
    re.IGNORECASE,
)
# First path segments of github.com that are not user or organization names.
_RESERVED = frozenset(
    {
        "about",
        "apps",
        "collections",
        "contact",
        "customer-stories",
        "enterprise",
        "events",
        "explore",
        "features",
        "login",
        "marketplace",
        "new",
        "notifications",
        "orgs",
        "pricing",
        "search",
        "security",
        "settings",
        "site",
        "sponsors",
        "topics",
        "trending",
        "users",
    }
)
MAX_SCAN = 100_000
# A license badge that shows a GitHub repository's license: the repository it names is where the
# license is ("![license](https://img.shields.io/github/license/OWNER/REPO)").
_LICENSE_BADGE = Uncompiled(
    r"(?<![\w-])(?:img\.shields\.io|badgen\.net)/github/license/"
    r"(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<repo>[A-Za-z0-9._-]{1,100})",
    re.IGNORECASE,
)


_GIT_SUFFIX = re.compile(r"\.git$", re.IGNORECASE)
# Where matches of the patterns above can start: they are tried only there.
_GITHUB_AT = Anchored(_GITHUB, ("www.", "github.com"))
_LICENSE_BADGE_AT = Anchored(_LICENSE_BADGE, ("img.shields.io", "badgen.net"))


class SourceLink(NamedTuple):
    """A GitHub repository and where the link to it was found."""

    owner: str
    repo: str
    found_in: str

    @property
    def url(self) -> str:
        """The repository's web address."""
        return f"https://github.com/{self.owner}/{self.repo}"


def parse_github(text: str, folded: str | None = None) -> list[tuple[str, str]]:
    """Every distinct github.com OWNER/REPO named in a text, in order (`folded`, when given, is
    `fold(text[:MAX_SCAN])`)."""
    found: dict[tuple[str, str], None] = {}
    text = text[:MAX_SCAN]
    folded = fold(text) if folded is None else folded
    # Every match holds "github.com" in the folded text: most texts (labels, overviews without
    # links) end here, before the anchors are looked up.
    if "github.com" not in folded:
        return []
    for match in _GITHUB_AT.finditer(text, folded):
        owner, repo = match.group("owner"), match.group("repo")
        # `_GIT_SUFFIX.sub("", repo)`: the name holds ASCII only, and no line break.
        if repo[-4:].lower() == ".git":
            repo = repo[:-4]
        repo = repo.rstrip(".")
        if not repo or owner.lower() in _RESERVED or repo in (".", ".."):
            continue
        found.setdefault((owner, repo), None)
    return list(found)


def find_source_link(repo: RepositoryEvidence, namespace: str) -> SourceLink | None:
    """Where the source code of a repository lives on GitHub, if anything says so."""
    image = repo.image
    if image is not None:
        for values, kind in ((image.annotations, "annotation"), (image.labels, "image label")):
            for key in SOURCE_KEYS:
                label = values.get(key)
                links = parse_github(label) if label else []
                if links:
                    owner, name = links[0]
                    return SourceLink(owner, name, f"{kind} {key}")
    for text, place in ((repo.full_description, "overview"), (repo.description, "description")):
        head = (text or "")[:MAX_SCAN]
        folded = fold(head)  # once for both look-ups
        # Every badge match holds one of its anchors: most overviews have neither.
        hosted = "img.shields.io" in folded or "badgen.net" in folded
        badge = _LICENSE_BADGE_AT.search(head, folded) if hosted else None
        if badge is not None:
            repository = re.sub(r"\.(?:svg|png|json)$", "", badge.group("repo"), flags=re.I)
            return SourceLink(badge.group("owner"), repository, f"{place} license badge")
        links = parse_github(head, folded)
        if links:
            owner, name = _best(links, repo.name, namespace)
            return SourceLink(owner, name, f"{place} link")
    return None


def _best(links: list[tuple[str, str]], name: str, namespace: str) -> tuple[str, str]:
    """The link most likely to be this image's own source: same repository name, then owner."""

    def score(link: tuple[str, str]) -> int:
        owner, repo = link[0].lower(), link[1].lower()
        return (2 if repo == name.lower() else 0) + (1 if owner == namespace.lower() else 0)

    return max(links, key=score)  # max keeps the first of equals: the order of the text
