"""Repository outcomes other than a plain pass (`base.PASSED`), one shared frozen value each."""

from __future__ import annotations

import functools

from dsos_check.models import Outcome, RepositoryOutcome


@functools.lru_cache(maxsize=4096)
def judged_as(outcome: Outcome, reason: str) -> RepositoryOutcome:
    """A repository's outcome other than a plain pass. Shared like PASSED: reasons repeat across
    a namespace ("no tags", "last push 3 days ago", a resolver's sentence), a frozen value can be
    held by many repositories, and building one costs more than finding it."""
    return RepositoryOutcome(outcome=outcome, reason=reason)
