"""Helpers shared by the unit and end-to-end tests (imported as `tests.helpers`)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from dsos_check.checks import CHECKS
from dsos_check.choices import Format
from dsos_check.models import Report
from dsos_check.report import RenderOptions, renderer_for

T = TypeVar("T")

# The contract's check ids in report order, taken from the registry (never listed by hand).
CHECK_IDS: list[str] = [check.id for check in CHECKS]
# The checks that judge each repository (the table and Markdown columns).
REPOSITORY_CHECK_IDS: list[str] = [c.id for c in CHECKS if c.per_repository]
# The keys every namespace entry of the JSON report carries (schema_version 1).
NAMESPACE_KEYS = frozenset(
    {
        "namespace",
        "verdict",
        "error",
        "authenticated",
        "can_list_private",
        "account",
        "checks",
        "repositories",
    }
)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion on a fresh event loop."""
    return asyncio.run(coro)


def render_as(fmt: Format, report: Report, options: RenderOptions | None = None) -> str:
    """A report rendered in one format, the way the CLI renders it."""
    return renderer_for(fmt, options).render(report)
