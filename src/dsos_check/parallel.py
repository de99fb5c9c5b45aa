"""A large namespace's repository analyses, spread over the CPUs this process may use.

Analysing a repository (its license, commercial signals, documentation and source link:
`analysis.py`) needs nothing but that repository, and it is most of the time a large
re-evaluation takes. It is pure Python, so threads would take turns on one core; processes do not. The children are forked (on
Linux only): they start at once, with every module imported, and read the repositories from the
memory they share with this process instead of receiving a pickled copy. Only their answers come
back, pickled: about 600 bytes per repository.

Used only where it pays and is safe: at least MIN_REPOSITORIES repositories, more than one CPU,
and no other thread running (a thread holding a lock while the process forks would leave that
lock held forever in the child). The repositories are dealt into chunks that each process claims
one at a time, so a process slowed by the rest of the machine takes fewer. The answers are the
serial ones: the chunks of a child that cannot be started, dies, gets stuck or answers nonsense
are worked out here, and an analysis that raises is run again here, in order, so the error is the
one a serial run meets first. Ctrl-C is this process's to handle: the children ignore it, and are ended and reaped
before the interrupt goes on.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Final

from dsos_check.analysis import Analyse, RepositoryAnalysis
from dsos_check.analysis import analyse_repositories as serial
from dsos_check.cpus import usable_cpus
from dsos_check.memory import release_free_memory
from dsos_check.models import RepositoryEvidence

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext
    from multiprocessing.process import BaseProcess

__all__ = ["MIN_REPOSITORIES", "analyse_repositories", "analyser", "processes_for", "spread"]

# Below this many repositories the analysis stays in this process. Spreading costs about 30 ms
# (60 ms with the first import of multiprocessing), as much as analysing 50-100 short overviews,
# so on a free second CPU it pays from about 200 of them; on a machine with no CPU to spare it
# loses 10-25 %. From 500, a free CPU saves a few tenths of a second (docs/performance.md).
MIN_REPOSITORIES: Final = 500
# Each process gets at least this many repositories (so a 500-repository namespace on a
# 64-CPU machine is not cut into slivers that each cost a process).
_MIN_SHARE: Final = 250
# Chunks per process, and at most (one byte each in a pipe: see `_tickets`). The last chunk
# to finish keeps the others waiting half its length on average: eight per process make that
# 1/32 of the work on two CPUs, for one pipe read and one `malloc_trim` (~1 ms) per chunk.
_CHUNKS_PER_PROCESS: Final = 8
_MAX_CHUNKS: Final = 255
# A child's answer is read only up to this many bytes per repository (about 600 are needed).
_MAX_ANSWER_PER_REPOSITORY: Final = 64 * 1024
# How long a child that has answered (or failed) is given to exit before it is ended.
_EXIT_WAIT: Final = 5.0
# A child still without an answer this many times as long after this process ran out of chunks
# as this process spent on its own, and at least _MIN_WAIT seconds after, is taken to be stuck.
_PATIENCE: Final = 20.0
_MIN_WAIT: Final = 30.0


def analyse_repositories(
    namespace: str, repositories: Sequence[RepositoryEvidence]
) -> tuple[RepositoryAnalysis, ...]:
    """Every repository's analysis, in order: the same answers as `analysis.analyse_repositories`,
    worked out on several CPUs when the namespace is large enough for that to pay."""
    return _analyse(namespace, repositories)[0]


def analyser(log: Callable[[str], None] | None) -> Analyse:
    """`analyse_repositories`, saying on `log` how each large namespace was analysed."""

    def analyse(
        namespace: str, repositories: Sequence[RepositoryEvidence]
    ) -> tuple[RepositoryAnalysis, ...]:
        started = time.perf_counter()
        found, shares = _analyse(namespace, repositories)
        if log is not None and len(repositories) >= MIN_REPOSITORIES:
            log(
                f"analysed the {len(repositories)} repositories of {namespace} in {shares} "
                f"process{'es' if shares > 1 else ''} ({time.perf_counter() - started:.1f} s)"
            )
        return found

    return analyse


def _analyse(
    namespace: str, repositories: Sequence[RepositoryEvidence]
) -> tuple[tuple[RepositoryAnalysis, ...], int]:
    """The analyses, and in how many processes they were worked out."""
    shares = processes_for(len(repositories))
    if shares < 2:
        return serial(namespace, repositories), 1
    return spread(namespace, repositories, shares), shares


def processes_for(count: int) -> int:
    """How many processes (this one included) should analyse `count` repositories: 1 unless the
    namespace is large, this is Linux (fork), more than one CPU is ours (`cpus.usable_cpus`: a
    container's CPU quota counts) and no other thread runs."""
    if count < MIN_REPOSITORIES or sys.platform != "linux":
        return 1
    if threading.active_count() > 1:
        return 1
    return max(1, min(usable_cpus(), count // _MIN_SHARE))


def spread(
    namespace: str, repositories: Sequence[RepositoryEvidence], shares: int
) -> tuple[RepositoryAnalysis, ...]:
    """The analyses worked out in `shares` processes, this one included. The repositories are
    dealt into a few chunks per process (chunk k is every n-th repository from the k-th, so
    long and short overviews spread evenly), and each process takes the next chunk when it is
    done with one: a process slowed by the rest of the machine takes fewer."""
    count = min(_MAX_CHUNKS, shares * _CHUNKS_PER_PROCESS, len(repositories))
    portions = [repositories[k::count] for k in range(count)]
    tickets = _tickets(count)
    if tickets is None:
        return serial(namespace, repositories)
    # Filled as each child starts, so that a Ctrl-C held back while forking (raised the moment
    # it is let through, before `_start_all` returns) still ends every child started.
    children: list[_Child | None] = []
    try:
        _start_all(namespace, portions, tickets, shares - 1, children)
        try:
            parts: list[Sequence[RepositoryAnalysis]] | None = _gather(
                namespace, portions, tickets, children
            )
        except Exception:
            parts = None
    finally:
        for child in children:
            _end(child)
        os.close(tickets)
    if parts is None:  # an analysis raised: raise what a serial run would raise first
        return serial(namespace, repositories)
    return _interleaved(parts, len(repositories))


def _tickets(count: int) -> int | None:
    """The reading end of a pipe holding one byte per chunk: reading one claims that chunk, and
    an empty pipe (its writing end closed) says there is none left. A one-byte read of a pipe
    is atomic, so no two processes claim the same chunk, and no lock is held by anyone: a child
    that dies leaves nothing locked. None when no pipe is to be had."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        os.write(write, bytes(range(count)))  # count <= _MAX_CHUNKS: fits a pipe's buffer
    finally:
        os.close(write)
    return read


def _claimed(
    namespace: str, portions: Sequence[Sequence[RepositoryEvidence]], tickets: int
) -> Iterator[tuple[int, tuple[RepositoryAnalysis, ...]]]:
    """Each chunk this process claims, analysed, until none is left."""
    while ticket := os.read(tickets, 1):
        yield ticket[0], serial(namespace, portions[ticket[0]])
        # A chunk's texts (lower-cased, cleaned, inline-free copies of every overview) were
        # freed: given back, so they do not pile up as resident memory over the chunks.
        release_free_memory()


def _gather(
    namespace: str,
    portions: Sequence[Sequence[RepositoryEvidence]],
    tickets: int,
    children: Sequence[_Child | None],
) -> list[Sequence[RepositoryAnalysis]]:
    """Every chunk's analyses: those this process claims, then each child's answer; a chunk no
    answer holds (its child died, got stuck or answered nonsense) is worked out here. A child is
    waited for at most `_PATIENCE` times as long as this process took for its chunks (at least
    `_MIN_WAIT` seconds): one that takes longer is stuck, not slow."""
    started = time.monotonic()
    done = dict(_claimed(namespace, portions, tickets))
    deadline = time.monotonic() + max(_MIN_WAIT, _PATIENCE * (time.monotonic() - started))
    for child in children:
        done.update(_answer(child, portions, deadline))
    return [
        done[k] if k in done else serial(namespace, portion) for k, portion in enumerate(portions)
    ]


def _interleaved(
    parts: Sequence[Sequence[RepositoryAnalysis]], total: int
) -> tuple[RepositoryAnalysis, ...]:
    """The chunks' answers back in the repositories' order."""
    count = len(parts)
    return tuple(parts[i % count][i // count] for i in range(total))


class _Child:
    """A forked process analysing chunks, and the pipe its answer comes back on."""

    def __init__(self, process: BaseProcess, answers: Connection) -> None:
        self.process = process
        self.answers = answers
        # Whether it has answered or failed (it is then exiting on its own).
        self.finished = False


def _start_all(
    namespace: str,
    portions: Sequence[Sequence[RepositoryEvidence]],
    tickets: int,
    count: int,
    children: list[_Child | None],
) -> None:
    """`count` children added to `children` (None where one could not be started). Ctrl-C is
    held back while forking, so that no child is born between its fork and ignoring it;
    standard streams are flushed first, or a child would write what is buffered a second
    time."""
    import multiprocessing  # only a large namespace needs it

    context = multiprocessing.get_context("fork")
    sys.stdout.flush()
    sys.stderr.flush()
    # What reading the evidence freed is not handed down to every child.
    release_free_memory()
    # The objects built so far are left out of the children's collections: a collection would
    # touch (and so copy) every page they share with this process. Unfrozen again here only if
    # nothing was frozen before (the console script may have frozen the heap on purpose).
    frozen = gc.get_freeze_count()
    gc.freeze()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        children.extend(_start(context, namespace, portions, tickets) for _ in range(count))
    finally:
        if not frozen:
            gc.unfreeze()
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C held back is raised here


def _start(
    context: ForkContext,
    namespace: str,
    portions: Sequence[Sequence[RepositoryEvidence]],
    tickets: int,
) -> _Child | None:
    try:
        answers, send = context.Pipe(duplex=False)
    except OSError:  # out of file descriptors: this process does the work
        return None
    process = context.Process(
        target=_child_main,
        args=(namespace, portions, tickets, send),
        name="dsos-check-analysis",
        daemon=True,
    )
    try:
        process.start()
    except OSError:  # no process to be had (EAGAIN, ENOMEM): this one does the work
        answers.close()
        return None
    finally:
        # This process keeps only the reading end: once the child is gone, reading says so.
        send.close()
    return _Child(process, answers)


def _child_main(
    namespace: str,
    portions: Sequence[Sequence[RepositoryEvidence]],
    tickets: int,
    send: Connection,
) -> None:
    """In the child: analyse chunks until none is left, then send them all, pickled; on any
    failure send nothing (the parent then works out the chunks this child had claimed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        answer = dict(_claimed(namespace, portions, tickets))
        send.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # the parent redoes the work; a trace would be noise
        return
    finally:
        send.close()


def _answer(
    child: _Child | None, portions: Sequence[Sequence[RepositoryEvidence]], deadline: float
) -> dict[int, tuple[RepositoryAnalysis, ...]]:
    """The chunks the child analysed, by number; none if it sent nothing that fits by the
    deadline (a `time.monotonic()` value)."""
    if child is None:
        return {}
    try:
        if not child.answers.poll(max(0.0, deadline - time.monotonic())):
            return {}  # stuck: `_end` ends it at once, and its chunks are worked out here
        child.finished = True  # it has answered, or is gone: it exits on its own
        size = max(1, sum(map(len, portions))) * _MAX_ANSWER_PER_REPOSITORY
        answer = pickle.loads(child.answers.recv_bytes(maxlength=size))  # from our own child
    except Exception:  # it died, or its answer is cut short, too long or unreadable
        return {}
    return answer if _fits(answer, portions) else {}


def _fits(answer: object, portions: Sequence[Sequence[RepositoryEvidence]]) -> bool:
    """Whether a child's answer is chunk numbers with one analysis per repository of each."""
    if not isinstance(answer, dict):
        return False
    for chunk, found in answer.items():
        if not isinstance(chunk, int) or not 0 <= chunk < len(portions):
            return False
        if not isinstance(found, tuple) or len(found) != len(portions[chunk]):
            return False
        if not all(isinstance(a, RepositoryAnalysis) for a in found):
            return False
    return True


def _end(child: _Child | None) -> None:
    """The child gone and reaped (no zombie), whatever state it is in."""
    if child is None:
        return
    child.answers.close()
    process = child.process
    if child.finished:
        process.join(_EXIT_WAIT)
    if process.exitcode is None:  # still working (Ctrl-C, or this process's analysis raised)
        process.terminate()
        process.join(_EXIT_WAIT)
    if process.exitcode is None:
        process.kill()
        process.join()
