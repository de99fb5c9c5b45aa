"""Pacing by `X-RateLimit-*`: use the allowed rate fully, but spread the last requests of a window."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from dsos_check.collect.wire import wire_int, wire_seconds

# Treat X-RateLimit-Reset values below this as "seconds from now" rather than an epoch.
_EPOCH_FLOOR = 1_000_000_000
# Margin added when waiting for a window to reset (clock skew, integer reset values).
_RESET_MARGIN = 0.25


@dataclass
class _Window:
    remaining: int | None = None  # what the server last said is left (lowest seen this window)
    reset: float | None = None
    in_flight: int = 0  # requests decided but not answered yet: the server may not count them yet
    next_slot: float = 0.0


@dataclass
class Pacer:
    """Per origin, from the server's `X-RateLimit-Remaining` minus the requests in flight: run
    freely while plenty is left; below `reserve`, spread what is left evenly until the reset; with
    nothing left, wait for the reset. Origins that send no such headers are never paced (the
    registry's pull counters are handled elsewhere).

    Call `delay()` right before sending (inside the concurrency gate, waiting there), then
    `observe()` with the answer's headers and `done()` once it is answered or failed.
    """

    reserve: int = 16
    # Longer waits are not made: the request goes out and its answer (a 429, GitHub's 403)
    # says what happened, rather than a run that silently sleeps for an hour.
    max_wait: float = 60.0
    # Never spend the very last requests of a window (other clients, clock skew).
    safety: int = 1
    clock: Callable[[], float] = time.time
    waits: int = 0
    waited: float = 0.0
    _windows: dict[str, _Window] = field(default_factory=dict)

    def delay(self, origin: str) -> float:
        """Seconds to wait before sending the next request to `origin`; counts it as in flight."""
        window = self._windows.setdefault(origin, _Window())
        window.in_flight += 1
        if window.remaining is None or window.reset is None:
            return 0.0
        now = self.clock()
        if now >= window.reset:  # a new window: unknown until the next answer says
            window.remaining = None
            window.next_slot = 0.0
            return 0.0
        # What this request may spend: what is left, less those already on their way.
        left = window.remaining - (window.in_flight - 1) - self.safety
        if left > self.reserve:
            return 0.0
        slot = max(now, window.next_slot)
        if left > 0 and slot < window.reset:
            window.next_slot = slot + (window.reset - slot) / left
            wait = slot - now
        else:
            wait = window.reset - now + _RESET_MARGIN
        if wait > self.max_wait:
            return 0.0
        if wait > 0:
            self.waits += 1
            self.waited += wait
        return max(0.0, wait)

    def left(self, origin: str) -> int | None:
        """Requests the server last said are left in `origin`'s current window (None: unknown)."""
        window = self._windows.get(origin)
        if window is None or window.remaining is None or window.reset is None:
            return None
        if self.clock() >= window.reset:
            return None
        return max(0, window.remaining - window.in_flight)

    def done(self, origin: str) -> None:
        """A request counted by `delay()` was answered (or failed)."""
        window = self._windows.get(origin)
        if window is not None and window.in_flight > 0:
            window.in_flight -= 1

    def observe(self, origin: str, headers: Mapping[str, str]) -> None:
        """Learn the window from an answer's `X-RateLimit-Remaining` and `X-RateLimit-Reset`."""
        remaining = wire_int(headers.get("x-ratelimit-remaining"))
        value = wire_seconds(headers.get("x-ratelimit-reset"))
        if remaining is None or value is None:
            return
        if value < _EPOCH_FLOOR:
            value += self.clock()
        window = self._windows.setdefault(origin, _Window())
        if window.reset is not None and value < window.reset:
            return  # a late answer from a window that is already over
        if window.reset == value and window.remaining is not None:
            # Same window: answers arrive out of order, so the count only ever goes down.
            window.remaining = min(window.remaining, remaining)
            return
        if window.reset != value:
            window.next_slot = 0.0  # a new window: the old schedule no longer applies
        window.remaining = remaining
        window.reset = value
