"""Patience with slow origins is per namespace: one namespace's timeouts never fail another's."""

from __future__ import annotations

import asyncio

import pytest

from dsos_check.collect.patience import SCOPE, SlowOrigins
from dsos_check.errors import TimedOut


def test_a_timed_out_origin_is_skipped_for_that_namespace_only() -> None:
    slow = SlowOrigins()

    async def check(namespace: str | None, origin: str, *, time_out: bool = False) -> bool:
        if namespace is not None:
            SCOPE.set(namespace)
        if time_out:
            slow.timed_out(origin)
        try:
            slow.check(origin)
        except TimedOut:
            return False
        return True

    async def go() -> list[bool]:
        # Each namespace runs in its own task, as collect_all runs them.
        first = await asyncio.create_task(check("a", "registry", time_out=True))
        return [
            first,
            await asyncio.create_task(check("a", "registry")),
            await asyncio.create_task(check("a", "hub")),
            await asyncio.create_task(check("b", "registry")),
            await asyncio.create_task(check(None, "registry")),
        ]

    assert asyncio.run(go()) == [False, False, True, True, True]


def test_without_a_namespace_nothing_is_remembered() -> None:
    slow = SlowOrigins()
    slow.timed_out("hub")
    slow.check("hub")
    SCOPE.set("x")
    slow.check("hub")
    slow.timed_out("hub")
    with pytest.raises(TimedOut, match="not asked again"):
        slow.check("hub")
    SCOPE.set(None)
