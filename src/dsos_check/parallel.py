"""A large namespace's repository analyses, spread over the CPUs this process may use.

Analysing a repository (its license, commercial signals, documentation and source link:
`analysis.py`) needs nothing but that repository, and it is most of the time a large
re-evaluation takes. It is pure Python, so threads would take turns on one core; processes do
not. The children are forked (on Linux only): they start at once, with every module imported,
and read the repositories from the memory they share with this process instead of receiving a
pickled copy. Only their answers come back, pickled, one chunk at a time: about 600 bytes per
repository.

This process only hands out the work and collects it: one child per CPU does the analysing. So
the license tables the analysis loads (licenseclassifier's scanner, the similarity templates:
tens of MiB) are never loaded beside the whole evidence, the results and the judging that
follows, which is where this process's memory peaks.

Used only where it pays and is safe: at least MIN_REPOSITORIES repositories, more than one CPU,
and no other thread running (a thread holding a lock while the process forks would leave that
lock held forever in the child). The repositories are dealt into chunks that each child claims
one at a time, so a child slowed by the rest of the machine takes fewer. The answers are the
serial ones: the chunks of a child that cannot be started, dies, gets stuck or answers nonsense
are worked out here, and an analysis that raises is run again here, in order, so the error is the
one a serial run meets first. Ctrl-C is this process's to handle: the children ignore it, and are
ended and reaped before the interrupt goes on.
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
from typing import TYPE_CHECKING, Final, TypeGuard, cast

from dsos_check.analysis import Analyse, RepositoryAnalysis
from dsos_check.analysis import analyse_repositories as serial
from dsos_check.cpus import usable_cpus
from dsos_check.memory import release_free_memory
from dsos_check.models import RepositoryEvidence

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext
    from multiprocessing.process import BaseProcess

__all__ = [
    "MIN_REPOSITORIES",
    "analyse_repositories",
    "analyser",
    "chunk_sizes",
    "processes_for",
    "spread",
]

# Below this many repositories the analysis stays in this process. Spreading costs about 30 ms
# (60 ms with the first import of multiprocessing), as much as analysing 50-100 short overviews,
# so on a free second CPU it pays from about 200 of them; on a machine with no CPU to spare it
# loses 10-25 %. From 500, a free CPU saves a few tenths of a second (docs/performance.md).
MIN_REPOSITORIES: Final = 500
# Each process gets at least this many repositories (so a 500-repository namespace on a
# 64-CPU machine is not cut into slivers that each cost a process).
_MIN_SHARE: Final = 250
# Full-size chunks per process, and chunks at most (one byte each in a pipe: see `_tickets`).
# The chunks claimed last shrink (`chunk_sizes`): the last one to finish keeps the other
# children waiting, and at an eighth of a share it cost a two-CPU run 5 % of its wall time.
# Each chunk costs one pipe read, one answer and one `malloc_trim` (~1 ms).
_CHUNKS_PER_PROCESS: Final = 8
_MAX_CHUNKS: Final = 255
# The smallest chunk (unless a full-size one is smaller): 8-50 ms of analysis.
_MIN_CHUNK: Final = 16
# A child's answer is read only up to this many bytes per repository (about 600 are needed).
_MAX_ANSWER_PER_REPOSITORY: Final = 64 * 1024
# How long a child that has answered (or failed) is given to exit before it is ended.
_EXIT_WAIT: Final = 5.0
# When no chunk has been answered for this many times as long as a chunk has taken on average,
# and for at least _MIN_WAIT seconds, the children still at work are taken to be stuck.
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
    """How many processes should analyse `count` repositories: 1 (this one) unless the namespace
    is large, this is Linux (fork), more than one CPU is ours (`cpus.usable_cpus`: a container's
    CPU quota counts) and no other thread runs; else that many children."""
    if count < MIN_REPOSITORIES or sys.platform != "linux":
        return 1
    if threading.active_count() > 1:
        return 1
    return max(1, min(usable_cpus(), count // _MIN_SHARE))


def spread(
    namespace: str, repositories: Sequence[RepositoryEvidence], shares: int
) -> tuple[RepositoryAnalysis, ...]:
    """The analyses worked out by `shares` children. The repositories are dealt into chunks
    (`chunk_sizes`; each takes repositories from all over the namespace, so long and short
    overviews spread evenly), and each child takes the next chunk when it is done with one: a
    child slowed by the rest of the machine takes fewer."""
    places = _dealt(len(repositories), chunk_sizes(len(repositories), shares))
    portions = [[repositories[i] for i in chunk] for chunk in places]
    tickets = _tickets(len(portions))
    if tickets is None:
        return serial(namespace, repositories)
    # Filled as each child starts, so that a Ctrl-C held back while forking (raised the moment
    # it is let through, before `_start_all` returns) still ends every child started.
    children: list[_Child | None] = []
    try:
        _start_all(namespace, portions, tickets, shares, children)
        try:
            parts: list[Sequence[RepositoryAnalysis]] | None = _gather(
                namespace, portions, children
            )
        except Exception:
            parts = None
    finally:
        for child in children:
            _end(child)
        os.close(tickets)
    if parts is None:  # an analysis raised: raise what a serial run would raise first
        return serial(namespace, repositories)
    return _reassembled(parts, places, len(repositories))


def chunk_sizes(total: int, shares: int) -> list[int]:
    """How many repositories each chunk holds, in the order the chunks are claimed: full-size
    ones (`_CHUNKS_PER_PROCESS` per share), then, once fewer than two per child are left,
    each 1/(2 x shares) of what is left, down to `_MIN_CHUNK`: so the children finish within a
    small chunk of one another. At most `_MAX_CHUNKS` (full-size ones only, when shrinking
    would need more)."""
    full = -(-total // min(_MAX_CHUNKS // 2, shares * _CHUNKS_PER_PROCESS))
    smallest = min(full, _MIN_CHUNK)
    sizes: list[int] = []
    left = total
    while left > 0 and len(sizes) <= _MAX_CHUNKS:
        size = min(left, full, max(smallest, -(-left // (2 * shares))))
        sizes.append(size)
        left -= size
    if len(sizes) > _MAX_CHUNKS:
        return [min(full, total - start) for start in range(0, total, full)]
    return sizes


def _dealt(total: int, sizes: Sequence[int]) -> list[list[int]]:
    """The places (in the namespace) of each chunk's repositories: the places are taken every
    n-th from the first, then every n-th from the second, and so on (n chunks), and cut into
    chunks of `sizes`, so each chunk is drawn from across the whole namespace."""
    stride = len(sizes)
    order = [i for start in range(stride) for i in range(start, total, stride)]
    places: list[list[int]] = []
    taken = 0
    for size in sizes:
        places.append(order[taken : taken + size])
        taken += size
    return places


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
    children: Sequence[_Child | None],
) -> list[Sequence[RepositoryAnalysis]]:
    """Every chunk's analyses: the children's answers, and here each chunk no answer holds (its
    child died, got stuck or answered nonsense, or none could be started)."""
    done = _answers(portions, children)
    return [
        done[k] if k in done else serial(namespace, portion) for k, portion in enumerate(portions)
    ]


def _answers(
    portions: Sequence[Sequence[RepositoryEvidence]], children: Sequence[_Child | None]
) -> dict[int, tuple[RepositoryAnalysis, ...]]:
    """The chunks the children answer for, by number, as they come. The children still at work
    are stuck when no chunk has been answered for `_PATIENCE` times as long as a chunk has taken
    on average (at least `_MIN_WAIT` seconds): stuck, not slow."""
    from multiprocessing.connection import wait

    working: dict[Connection, _Child] = {c.answers: c for c in children if c is not None}
    done: dict[int, tuple[RepositoryAnalysis, ...]] = {}
    started = last = time.monotonic()
    while working:
        average = (last - started) * len(working) / len(done) if done else 0.0
        patience = max(_MIN_WAIT, _PATIENCE * average)
        ready = wait(list(working), timeout=max(0.0, last + patience - time.monotonic()))
        if not ready:
            break  # stuck: `_end` ends them at once, and their chunks are worked out here
        for answers in cast("list[Connection]", ready):
            answer = _answer(answers, portions)
            if isinstance(answer, tuple):
                done[answer[0]] = answer[1]
                last = time.monotonic()
            else:  # it is exiting on its own, unless it answered nonsense
                working.pop(answers).finished = answer
    return done


def _reassembled(
    parts: Sequence[Sequence[RepositoryAnalysis]], places: Sequence[Sequence[int]], total: int
) -> tuple[RepositoryAnalysis, ...]:
    """The chunks' answers back in the repositories' order."""
    found: list[RepositoryAnalysis | None] = [None] * total
    for chunk, answers in zip(places, parts, strict=True):
        for place, answer in zip(chunk, answers, strict=True):
            found[place] = answer
    assert None not in found  # the chunks cover every place once (`_dealt`)
    return cast("tuple[RepositoryAnalysis, ...]", tuple(found))


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
    """In the child: analyse chunks until none is left, sending each one's analyses, pickled, as
    soon as it is done; on any failure stop (the parent works out the chunk this child had
    claimed and not answered)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        for answer in _claimed(namespace, portions, tickets):
            send.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # the parent redoes the work; a trace would be noise
        return
    finally:
        send.close()


def _answer(
    answers: Connection, portions: Sequence[Sequence[RepositoryEvidence]]
) -> tuple[int, tuple[RepositoryAnalysis, ...]] | bool:
    """One chunk's number and analyses read from a child's pipe; True when the child has closed
    it (it is done, or gone), False when what it sent does not fit (it is then ended)."""
    try:
        size = max(1, max(map(len, portions), default=0)) * _MAX_ANSWER_PER_REPOSITORY
        answer = pickle.loads(answers.recv_bytes(maxlength=size))  # from our own child
    except EOFError:
        return True
    except Exception:  # cut short, too long or unreadable
        return False
    return answer if _fits(answer, portions) else False


def _fits(
    answer: object, portions: Sequence[Sequence[RepositoryEvidence]]
) -> TypeGuard[tuple[int, tuple[RepositoryAnalysis, ...]]]:
    """Whether a child's answer is a chunk number with one analysis per repository of it."""
    if not isinstance(answer, tuple) or len(answer) != 2:
        return False
    chunk, found = answer
    if not isinstance(chunk, int) or not 0 <= chunk < len(portions):
        return False
    if not isinstance(found, tuple) or len(found) != len(portions[chunk]):
        return False
    return all(isinstance(a, RepositoryAnalysis) for a in found)


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
