"""Where the remote services live and which credentials belong to each: what the command line
decides and collection uses (kept free of HTTP imports, so validating options stays light)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dsos_check.choices import DEFAULT_GITHUB_API_URL, DEFAULT_HUB_URL, DEFAULT_REGISTRY_URL


@dataclass(frozen=True)
class Endpoints:
    """Where the remote services live, and the credentials that belong to each."""

    hub_url: str = DEFAULT_HUB_URL
    registry_url: str = DEFAULT_REGISTRY_URL
    github_api_url: str = DEFAULT_GITHUB_API_URL
    username: str | None = None
    token: str | None = field(default=None, repr=False)
    github_token: str | None = field(default=None, repr=False)
