"""The registry's pull budget: every manifest GET is one pull, taken before the request is sent.

Docker Hub counts a pull for each GET of a manifest (HEADs and blob GETs are free) and reports
what is left in `ratelimit-remaining: N;w=SECONDS` on manifest answers. The budget here is taken
synchronously (no await between the check and the decrement), so concurrent requests can never
spend more than was left; the server's figure only ever lowers ours, because answers to requests
still in flight have not counted those yet.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from dsos_check.collect.wire import wire_int

# Pulls kept back for the user's own `docker pull`s; 0 means labels may use the whole budget.
PULL_RESERVE = 0
# A window claimed longer than this is not believed (Docker's is 6 hours).
MAX_WINDOW_SECONDS = 7 * 24 * 3600


@dataclass
class PullBudget:
    """Pulls left in the registry's window, as far as we know.

    Until an answer tells the budget, only one pull is in flight, so a budget smaller than the
    concurrency is never overrun; an answer without the header means the pulls are not limited
    (a sponsored namespace, a paid plan, another registry).
    """

    reserve: int = PULL_RESERVE
    clock: Callable[[], float] = time.time
    remaining: int | None = None
    window_seconds: int | None = None
    unlimited: bool = False
    spent: int = 0
    refused: int = 0
    _in_flight_unknown: int = 0
    _learned: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def known(self) -> bool:
        """Whether an answer has said how many pulls are left (or that they are not counted)."""
        return self.unlimited or self.remaining is not None

    async def take(self) -> bool:
        """Take one pull for a manifest GET about to be sent; False when none is left."""
        while not self.known and self._in_flight_unknown >= 1:
            await self._learned.wait()
        if not self.known:
            self._in_flight_unknown += 1
            self._learned.clear()
            self.spent += 1
            return True
        if self.unlimited:
            self.spent += 1
            return True
        assert self.remaining is not None
        if self.remaining - self.reserve <= 0:
            self.refused += 1
            return False
        self.remaining -= 1
        self.spent += 1
        return True

    def settle(self, headers: Mapping[str, str] | None, status: int) -> None:
        """Learn from the answer to a pull taken with `take()` (None: no answer came)."""
        if not self.known and self._in_flight_unknown > 0:
            self._in_flight_unknown -= 1
        if headers is not None:
            self.observe(headers, status)
        self._learned.set()  # waiters re-check; a failed first pull lets the next one try

    def observe(self, headers: Mapping[str, str], status: int) -> None:
        """Read `ratelimit-remaining` (and its window) from any registry answer."""
        value = headers.get("ratelimit-remaining", "")
        count, _, window = value.partition(";")
        left = wire_int(count)
        if left is not None:
            self.remaining = left if self.remaining is None else min(self.remaining, left)
            self.unlimited = False
            seconds = wire_int(window.strip().removeprefix("w="))
            if seconds is not None:
                self.window_seconds = min(seconds, MAX_WINDOW_SECONDS)
        elif status == 429:
            self.remaining = 0
        elif status == 200 and not self.known:
            self.unlimited = True

    def refills_by(self) -> datetime | None:
        """When the window has surely refilled: Docker's window is a rolling one of
        `w` seconds, so the last pull counted now is forgotten by then at the latest."""
        if self.window_seconds is None:
            return None
        moment = datetime.fromtimestamp(self.clock(), UTC) + timedelta(seconds=self.window_seconds)
        return moment.replace(microsecond=0)

    def affordable(self, pulls: int) -> bool:
        """Whether `pulls` more pulls fit in what is known to be left."""
        if self.unlimited or self.remaining is None:
            return True
        return self.remaining - self.reserve >= pulls
