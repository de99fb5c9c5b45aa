"""How full the concurrency gate was: requests in flight on average, from the first request sent
to the last answer read. A run that kept every place busy shows `--concurrency`; a lower figure
means requests waited on one another (a serial start, long chains, a slow tail) or on the CPU."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Occupancy:
    """Request-seconds spent in flight, counted at each place taken and given back."""

    clock: Callable[[], float] = time.monotonic
    first: float | None = None
    last: float | None = None
    busy: float = 0.0  # the integral of requests in flight over time
    _in_flight: int = field(default=0, repr=False)
    _since: float = field(default=0.0, repr=False)

    def taken(self) -> None:
        """A request took a place in the gate."""
        now = self._advance()
        if self.first is None:
            self.first = now
        self._in_flight += 1

    def given_back(self) -> None:
        """A request left the gate (answered or failed)."""
        self.last = self._advance()
        self._in_flight = max(0, self._in_flight - 1)

    @property
    def span(self) -> float:
        """Seconds from the first request sent to the last answer read."""
        if self.first is None or self.last is None:
            return 0.0
        return self.last - self.first

    @property
    def mean(self) -> float:
        """Requests in flight on average over `span`."""
        return self.busy / self.span if self.span > 0 else 0.0

    def _advance(self) -> float:
        now = self.clock()
        if self._in_flight:
            self.busy += self._in_flight * (now - self._since)
        self._since = now
        return now
