"""The small enums the command line offers and answers with; no heavy imports, so start-up is quick."""

from __future__ import annotations

from enum import StrEnum

DEFAULT_HUB_URL = "https://hub.docker.com"
DEFAULT_REGISTRY_URL = "https://registry-1.docker.io"
DEFAULT_GITHUB_API_URL = "https://api.github.com"


class Format(StrEnum):
    """Report formats offered on the command line."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    JUNIT = "junit"
    SARIF = "sarif"
    BADGE = "badge"
    APPLICATION = "application"


class FailOn(StrEnum):
    """The lowest verdict that makes the exit code non-zero."""

    REVIEW = "review"
    NOT_ELIGIBLE = "not-eligible"


class Verdict(StrEnum):
    """One namespace's overall answer."""

    ELIGIBLE = "eligible"
    NEEDS_REVIEW = "needs_review"
    NOT_ELIGIBLE = "not_eligible"
    ERROR = "error"
