"""The pacer: free while plenty is left, spread near the end of a window, wait at zero; capped."""

from __future__ import annotations

from dsos_check.collect.pacing import Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000_000.0

    def __call__(self) -> float:
        return self.now


def headers(remaining: int, reset: float) -> dict[str, str]:
    return {"x-ratelimit-remaining": str(remaining), "x-ratelimit-reset": str(reset)}


def test_unknown_origins_are_never_paced() -> None:
    pacer = Pacer(clock=Clock())
    assert [pacer.delay("registry") for _ in range(100)] == [0.0] * 100


def test_plenty_left_runs_freely_then_spreads_then_waits_for_the_reset() -> None:
    clock = Clock()
    pacer = Pacer(reserve=4, safety=1, clock=clock)
    pacer.observe("hub", headers(100, clock.now + 10))
    assert pacer.delay("hub") == 0.0
    pacer.done("hub")
    pacer.observe("hub", headers(5, clock.now + 10))
    waits = [pacer.delay("hub") for _ in range(4)]  # in flight: none answered yet
    assert waits[0] == 0.0
    assert 0 < waits[1] < waits[2] < waits[3] < 10.0  # spread over the rest of the window
    assert pacer.delay("hub") > 10.0  # nothing left: wait for the reset


def test_in_flight_requests_count_against_the_window() -> None:
    clock = Clock()
    pacer = Pacer(reserve=2, safety=0, clock=clock)
    pacer.observe("hub", headers(3, clock.now + 10))
    first, _, _, fourth = (pacer.delay("hub") for _ in range(4))
    assert first == 0.0
    assert fourth > 10.0  # three already on their way used what was left


def test_a_new_window_starts_free_and_late_answers_are_ignored() -> None:
    clock = Clock()
    pacer = Pacer(reserve=4, clock=clock)
    pacer.observe("hub", headers(0, clock.now + 5))
    assert pacer.delay("hub") > 5
    pacer.done("hub")
    clock.now += 6
    assert pacer.delay("hub") == 0.0  # the window is over
    pacer.done("hub")
    pacer.observe("hub", headers(0, clock.now - 1))  # a late answer from the old window
    assert pacer.delay("hub") == 0.0
    pacer.done("hub")


def test_same_window_counts_only_go_down() -> None:
    clock = Clock()
    pacer = Pacer(reserve=4, safety=0, clock=clock)
    reset = clock.now + 10
    pacer.observe("hub", headers(2, reset))
    pacer.observe("hub", headers(30, reset))  # an older answer arriving late
    assert pacer.delay("hub") == 0.0  # the one request left (2, less safety 0) goes first
    assert pacer.delay("hub") == 5.0  # the second waits for the middle of what is left
    assert pacer.delay("hub") > 10.0  # two in flight used both: the 30 was not believed


def test_waits_longer_than_the_cap_are_not_made() -> None:
    clock = Clock()
    pacer = Pacer(clock=clock, max_wait=60)
    pacer.observe("github", headers(0, clock.now + 3600))
    assert pacer.delay("github") == 0.0
