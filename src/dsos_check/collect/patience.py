"""Patience with slow origins, per namespace: once an origin has timed out for a namespace, that
namespace asks it nothing more in this run.

Without this a server that drips or stalls costs a full deadline for every repository of a
namespace (hundreds of deadlines for a large one). The fact is kept per namespace, never for the
run: the namespace being checked is a context variable set by each namespace's task, so one
namespace's slow answers never fail another's requests.
"""

from __future__ import annotations

from contextvars import ContextVar

from dsos_check.errors import TimedOut

# The namespace whose evidence the current task collects (None outside a namespace's task).
SCOPE: ContextVar[str | None] = ContextVar("dsos_check_scope", default=None)


class SlowOrigins:
    """The (namespace, origin) pairs that have timed out."""

    def __init__(self) -> None:
        self._timed_out: set[tuple[str, str]] = set()

    def check(self, origin: str) -> None:
        """TimedOut at once if `origin` already timed out for the current namespace."""
        scope = SCOPE.get()
        if scope is not None and (scope, origin) in self._timed_out:
            raise TimedOut(
                f"{origin} did not answer in time earlier while checking {scope}; not asked again"
            )

    def timed_out(self, origin: str) -> None:
        """Remember that `origin` timed out for the current namespace."""
        scope = SCOPE.get()
        if scope is not None:
            self._timed_out.add((scope, origin))
