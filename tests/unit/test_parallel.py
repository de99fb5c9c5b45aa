"""Analyses spread over forked processes are the serial ones, whatever happens to the children;
errors and Ctrl-C behave as in a serial run, and no child outlives the call."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsos_check import cpus, parallel
from dsos_check.analysis import RepositoryAnalysis, analyse_repositories
from dsos_check.models import RepositoryEvidence
from tests.unit.checks.factories import make_repo
from tests.unit.license_corpus import cases

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forks only on Linux")

SALES = "# Acme\n\nGet started with our Enterprise Edition: contact sales@acme.io.\n"


def _repositories() -> tuple[RepositoryEvidence, ...]:
    varied = [case.repo for case in cases()] + [make_repo(full_description=SALES)]
    return tuple(r.model_copy(update={"name": f"r{i}"}) for i, r in enumerate(varied))


REPOSITORIES = _repositories()
SERIAL = analyse_repositories("acme", REPOSITORIES)


@pytest.fixture(autouse=True)
def _no_child_left() -> Iterator[None]:
    yield
    assert multiprocessing.active_children() == []
    with pytest.raises(ChildProcessError):  # nothing left to reap: no zombie either
        os.waitpid(-1, os.WNOHANG)


def _exit_codes(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The exit code of each child as `spread` leaves it, in order."""
    codes: list[int | None] = []
    end = parallel._end

    def recorded(child: parallel._Child | None) -> None:
        end(child)
        codes.append(None if child is None else child.process.exitcode)

    monkeypatch.setattr(parallel, "_end", recorded)
    return codes


@pytest.mark.parametrize("shares", [2, 3, 5])
def test_spread_answers_exactly_what_the_serial_analysis_does(shares: int) -> None:
    assert parallel.spread("acme", REPOSITORIES, shares) == SERIAL


def _claim_then(then: Callable[[Connection], object]) -> Callable[..., None]:
    """A child that claims a chunk (so only it could answer for it), then does `then`."""

    def child(namespace: str, portions: object, tickets: int, send: Connection) -> None:
        assert os.read(tickets, 1)
        then(send)

    return child


@pytest.mark.parametrize(
    "then",
    [lambda send: os._exit(1), lambda send: send.send_bytes(b"not a pickle")],
    ids=["dies", "answers-nonsense"],
)
def test_the_chunks_of_a_failed_child_are_worked_out_here(
    monkeypatch: pytest.MonkeyPatch, then: Callable[[Connection], object]
) -> None:
    monkeypatch.setattr(parallel, "_child_main", _claim_then(then))
    assert parallel.spread("acme", REPOSITORIES, 3) == SERIAL


def test_stuck_children_are_ended_and_their_chunks_worked_out_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "_child_main", _claim_then(lambda send: time.sleep(600)))
    monkeypatch.setattr(parallel, "_MIN_WAIT", 0.5)
    monkeypatch.setattr(parallel, "_PATIENCE", 0.0)
    ended = _exit_codes(monkeypatch)
    assert parallel.spread("acme", REPOSITORIES, 2) == SERIAL
    assert ended == [-signal.SIGTERM, -signal.SIGTERM]  # ended, not waited for


def test_a_child_stuck_on_one_chunk_leaves_the_others_to_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One child hangs on the first chunk; the other answers the rest, one chunk at a time; the
    stuck one is ended and its chunk worked out here."""
    real = parallel._child_main

    def stuck_on_chunk_0(
        namespace: str,
        portions: Sequence[Sequence[RepositoryEvidence]],
        tickets: int,
        send: Connection,
    ) -> None:
        ticket = os.read(tickets, 1)
        if ticket == bytes([0]):
            time.sleep(600)
        found = analyse_repositories(namespace, portions[ticket[0]])
        send.send_bytes(pickle.dumps((ticket[0], found)))
        real(namespace, portions, tickets, send)

    monkeypatch.setattr(parallel, "_child_main", stuck_on_chunk_0)
    monkeypatch.setattr(parallel, "_MIN_WAIT", 1.0)
    monkeypatch.setattr(parallel, "_PATIENCE", 0.0)
    worked_out_here: list[int] = []
    monkeypatch.setattr(parallel, "serial", _recording(worked_out_here))
    ended = _exit_codes(monkeypatch)
    assert parallel.spread("acme", REPOSITORIES, 2) == SERIAL
    assert sorted(ended, key=str) == sorted([0, -signal.SIGTERM], key=str)
    assert worked_out_here == [parallel.chunk_sizes(len(REPOSITORIES), 2)[0]]


def _recording(
    sizes: list[int],
) -> Callable[[str, Sequence[RepositoryEvidence]], tuple[RepositoryAnalysis, ...]]:
    """`serial` that notes, in this process only, how many repositories each call analysed."""
    parent = os.getpid()

    def analyse(
        namespace: str, repos: Sequence[RepositoryEvidence]
    ) -> tuple[RepositoryAnalysis, ...]:
        if os.getpid() == parent:
            sizes.append(len(repos))
        return analyse_repositories(namespace, repos)

    return analyse


def test_a_slow_child_takes_fewer_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The first child to start is starved of CPU; each child notes its chunks in a file of its own.
    def one_slow_child(
        namespace: str, repos: Sequence[RepositoryEvidence]
    ) -> tuple[RepositoryAnalysis, ...]:
        try:
            os.close(os.open(tmp_path / "slow", os.O_CREAT | os.O_EXCL))
            (tmp_path / "slow-pid").write_text(str(os.getpid()))
        except FileExistsError:
            pass
        if (tmp_path / "slow-pid").read_text() == str(os.getpid()):
            time.sleep(1.0)
        with (tmp_path / f"chunks-{os.getpid()}").open("a") as chunks:
            chunks.write("x")
        return analyse_repositories(namespace, repos)

    monkeypatch.setattr(parallel, "serial", one_slow_child)
    assert parallel.spread("acme", REPOSITORIES, 2) == SERIAL
    slow = (tmp_path / "slow-pid").read_text()
    taken = {
        path.name.removeprefix("chunks-"): len(path.read_text())
        for path in tmp_path.glob("chunks-*")
    }
    chunks = len(parallel.chunk_sizes(len(REPOSITORIES), 2))
    assert sum(taken.values()) == chunks
    assert taken[slow] < chunks / 2


def test_no_process_to_be_had_means_this_one_does_the_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", refuse)
    assert parallel.spread("acme", REPOSITORIES, 3) == SERIAL


def test_no_pipe_to_be_had_means_this_one_does_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(duplex: bool = True) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(multiprocessing.get_context("fork"), "Pipe", refuse)
    assert parallel.spread("acme", REPOSITORIES, 3) == SERIAL


def test_an_analysis_that_raises_raises_what_a_serial_run_meets_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # r1 and r3 fall into different chunks, whichever process claims them; the serial run meets
    # r1 first, so its error is the one raised.
    def failing(namespace: str, repos: Sequence[RepositoryEvidence]) -> list[RepositoryAnalysis]:
        for repo in repos:
            if repo.name == "r1":
                raise KeyError(repo.name)
            if repo.name == "r3":
                raise ZeroDivisionError(repo.name)
        return list(analyse_repositories(namespace, repos))

    monkeypatch.setattr(parallel, "serial", failing)
    with pytest.raises(KeyError):
        parallel.spread("acme", REPOSITORIES, 2)


def test_ctrl_c_ends_the_children_at_once_and_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(namespace: str, repos: Sequence[RepositoryEvidence]) -> list[RepositoryAnalysis]:
        time.sleep(60)  # a child still at work
        return []

    def interrupted(*args: object) -> dict[int, tuple[RepositoryAnalysis, ...]]:
        signal.raise_signal(signal.SIGINT)  # pressed while this process waits for the answers
        return {}

    monkeypatch.setattr(parallel, "serial", slow)
    monkeypatch.setattr(parallel, "_answers", interrupted)
    ended = _exit_codes(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        parallel.spread("acme", REPOSITORIES, 3)
    assert ended == [-signal.SIGTERM] * 3  # ended at once, not waited for


def test_this_process_analyses_nothing_while_its_children_can(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The license tables the analysis loads stay out of this process, whose memory peaks later
    (docs/performance.md)."""
    worked_out_here: list[int] = []
    monkeypatch.setattr(parallel, "serial", _recording(worked_out_here))
    assert parallel.spread("acme", REPOSITORIES, 2) == SERIAL
    assert worked_out_here == []


def test_ctrl_c_held_back_while_forking_still_ends_every_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ctrl-C pressed while the children are forked is raised the moment it is let through,
    # before the children's list is handed back: each child started is ended all the same.
    import gc

    parent = os.getpid()
    real = signal.pthread_sigmask

    def mask(how: int, signals: Iterable[int]) -> set[int]:
        previous = real(how, signals)
        if how == signal.SIG_SETMASK and os.getpid() == parent:
            raise KeyboardInterrupt
        return previous

    monkeypatch.setattr(signal, "pthread_sigmask", mask)
    ended = _exit_codes(monkeypatch)
    frozen = gc.get_freeze_count()
    with pytest.raises(KeyboardInterrupt):
        parallel.spread("acme", REPOSITORIES, 3)
    assert len(ended) == 3  # every child ended and reaped (and `_no_child_left` checks)
    assert gc.get_freeze_count() <= frozen  # nothing left frozen by the interrupted start


def test_what_was_frozen_before_stays_frozen_and_nothing_more() -> None:
    import gc

    gc.unfreeze()  # a known start: nothing frozen
    parallel.spread("acme", REPOSITORIES, 2)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        parallel.spread("acme", REPOSITORIES, 2)
        # Still frozen (objects frozen earlier may have been freed since, so not a count).
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_small_namespaces_and_threaded_processes_stay_in_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert parallel.processes_for(parallel.MIN_REPOSITORIES - 1) == 1
    busy = threading.Event()
    thread = threading.Thread(target=busy.wait)
    thread.start()
    try:
        assert parallel.processes_for(10_000) == 1
    finally:
        busy.set()
        thread.join()


def test_large_namespaces_use_every_cpu_but_never_slivers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(cpus, "cpu_quota", lambda *args: None)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))
    assert parallel.processes_for(parallel.MIN_REPOSITORIES) == 2
    assert parallel.processes_for(100_000) == 64
    # A container given 2.5 CPUs' worth of time on a 64-CPU host: 3 processes, not 64.
    monkeypatch.setattr(cpus, "cpu_quota", lambda *args: 2.5)
    assert parallel.processes_for(100_000) == 3
    monkeypatch.setattr(cpus, "cpu_quota", lambda *args: None)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3})
    assert parallel.processes_for(100_000) == 1
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)))
    assert parallel.processes_for(100_000) == 1


def test_below_two_processes_nothing_is_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork(*args: object) -> None:
        raise AssertionError("forked")

    monkeypatch.setattr(parallel, "spread", no_fork)
    assert parallel.analyse_repositories("acme", REPOSITORIES) == SERIAL


@given(total=st.integers(1, 50_000), shares=st.integers(2, 256))
def test_chunks_cover_the_namespace_once_and_shrink_towards_the_end(
    total: int, shares: int
) -> None:
    sizes = parallel.chunk_sizes(total, shares)
    assert sum(sizes) == total
    assert min(sizes) >= 1
    assert len(sizes) <= parallel._MAX_CHUNKS  # one ticket byte each
    assert all(a >= b for a, b in itertools.pairwise(sizes))  # never a larger chunk later
    places = parallel._dealt(total, sizes)
    assert sorted(i for chunk in places for i in chunk) == list(range(total))
    assert [len(chunk) for chunk in places] == sizes


def test_the_last_chunks_are_small_so_the_children_finish_together() -> None:
    sizes = parallel.chunk_sizes(5000, 2)
    assert sizes[0] == 5000 // (2 * parallel._CHUNKS_PER_PROCESS) + 1
    assert sizes[-2] <= parallel._MIN_CHUNK  # a child waits at most that long for the other
    # Each chunk is drawn from across the namespace, not from one end of it.
    first = parallel._dealt(5000, sizes)[0]
    assert min(first) < 100
    assert max(first) > 4900
