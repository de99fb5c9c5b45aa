"""What one repository's evidence says on its own, before any policy: its license, its signs of a
commercial offer, what its documentation lacks and where its source code lives (pure).

These depend on nothing but the repository (and its namespace's name, for picking among source
links), never on the policy or the other repositories, and they are most of the cost of judging a
large namespace: so they are worked out once per repository, up front, by a function the caller
chooses (`parallel.analyse_repositories` spreads a large namespace over processes), and read by
judging, the checks and the report's fixes instead of being worked out again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from dsos_check.checks.commercial_signals import Signal
from dsos_check.checks.documentation import missing_parts
from dsos_check.checks.non_commercial import repository_signals
from dsos_check.licenses.resolve import resolve_license
from dsos_check.licenses.source_repo import find_source_link
from dsos_check.lookups import unreachable_source
from dsos_check.models import LicenseReport, RepositoryEvidence

__all__ = ["Analyse", "RepositoryAnalysis", "analyse_repositories", "analyse_repository"]


@dataclass(frozen=True, slots=True)
class RepositoryAnalysis:
    """One repository's policy-free findings."""

    # The license its evidence resolves to, a failed source look-up said as such; the policy's
    # overrides are applied later, by judging.
    license: LicenseReport
    # The signs of a commercial offer in its description and overview, and what its
    # documentation lacks (`documentation.missing_parts`). None: that scan raised, and its check
    # scans again so that the error stops that check only, as it always did (a failed license or
    # source-link look-up fails the whole namespace, as it always did).
    signals: tuple[Signal, ...] | None
    missing_documentation: tuple[str, ...] | None
    # Where its source code lives: the GitHub link its image or overview names, else the source
    # repository collection looked up (the report's `source_url`, and the overview fix's link).
    source_url: str | None

    def __reduce__(self) -> tuple[type[RepositoryAnalysis], tuple[object, ...]]:
        # Pickled by its fields: a slotted frozen dataclass is otherwise pickled through
        # dataclasses' own state functions, in Python, which took half the time of sending a
        # large namespace's analyses between processes (`parallel`).
        return (
            RepositoryAnalysis,
            (self.license, self.signals, self.missing_documentation, self.source_url),
        )


# What judging is given to analyse a namespace's repositories: (namespace, repositories) in,
# one analysis per repository out, in the same order.
Analyse = Callable[[str, Sequence[RepositoryEvidence]], Sequence[RepositoryAnalysis]]


def analyse_repository(repo: RepositoryEvidence, namespace: str) -> RepositoryAnalysis:
    """The analysis of one repository; an error in the license or link look-up propagates."""
    return RepositoryAnalysis(
        license=unreachable_source(repo, resolve_license(repo)),
        signals=_unless_raised(repository_signals, repo),
        missing_documentation=_unless_raised(missing_parts, repo),
        source_url=_source_url(repo, namespace),
    )


T = TypeVar("T")


def _unless_raised(
    scan: Callable[[RepositoryEvidence], Sequence[T]], repo: RepositoryEvidence
) -> tuple[T, ...] | None:
    """What a check's scan finds, or None when it raised (the check then raises it itself)."""
    try:
        return tuple(scan(repo))
    except Exception:
        return None


def _source_url(repo: RepositoryEvidence, namespace: str) -> str | None:
    link = find_source_link(repo, namespace)
    if link is not None:
        return link.url
    return repo.source_repository.url if repo.source_repository is not None else None


def analyse_repositories(
    namespace: str, repositories: Sequence[RepositoryEvidence]
) -> tuple[RepositoryAnalysis, ...]:
    """Every repository's analysis, one after another in this process."""
    return tuple(analyse_repository(repo, namespace) for repo in repositories)
