"""A large namespace's repository analyses, spread over the CPUs this process may use.

Analysing a repository (its license, commercial signals, documentation and source link:
`analysis.py`) needs nothing but that repository, and it is most of the time a large
re-evaluation takes. It is pure Python, so threads would take turns on one core; processes do not. The children are forked (on
Linux only): they start at once, with every module imported, and read the repositories from the
memory they share with this process instead of receiving a pickled copy. Only their answers come
back, pickled: about 600 bytes per repository.

Used only where it pays and is safe: at least MIN_REPOSITORIES repositories, more than one CPU,
and no other thread running (a thread holding a lock while the process forks would leave that
lock held forever in the child). The answers are the serial ones: a child that cannot be started,
dies, gets stuck or answers anything but its share's analyses has its share worked out here, and an
analysis that raises is run again here, in order, so the error is the one a serial run meets
first. Ctrl-C is this process's to handle: the children ignore it, and are ended and reaped
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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final

from dsos_check.analysis import Analyse, RepositoryAnalysis
from dsos_check.analysis import analyse_repositories as serial
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
# A child's answer is read only up to this many bytes per repository (about 600 are needed).
_MAX_ANSWER_PER_REPOSITORY: Final = 64 * 1024
# How long a child that has answered (or failed) is given to exit before it is ended.
_EXIT_WAIT: Final = 5.0
# A child still without an answer this many times as long after this process finished its own
# share (of the same size), and at least _MIN_WAIT seconds after, is taken to be stuck.
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
    namespace is large, this is Linux (fork), more than one CPU is ours and no other thread runs."""
    if count < MIN_REPOSITORIES or sys.platform != "linux":
        return 1
    if threading.active_count() > 1:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), count // _MIN_SHARE))


def spread(
    namespace: str, repositories: Sequence[RepositoryEvidence], shares: int
) -> tuple[RepositoryAnalysis, ...]:
    """The analyses worked out in `shares` processes, this one included. Share k is every
    `shares`-th repository from the k-th: long and short overviews spread evenly."""
    portions = [repositories[k::shares] for k in range(shares)]
    children = _start_all(namespace, portions[1:])
    try:
        parts: list[Sequence[RepositoryAnalysis]] | None = _gather(namespace, portions, children)
    except Exception:
        parts = None
    finally:
        for child in children:
            _end(child)
    if parts is None:  # an analysis raised: raise what a serial run would raise first
        return serial(namespace, repositories)
    return _interleaved(parts, len(repositories))


def _gather(
    namespace: str,
    portions: Sequence[Sequence[RepositoryEvidence]],
    children: Sequence[_Child | None],
) -> list[Sequence[RepositoryAnalysis]]:
    """This process's own share first, then each child's answer (or its share worked out here).
    A child is waited for at most `_PATIENCE` times as long as this process took for its share
    (at least `_MIN_WAIT` seconds): one that takes longer is stuck, not slow."""
    started = time.monotonic()
    parts: list[Sequence[RepositoryAnalysis]] = [serial(namespace, portions[0])]
    deadline = time.monotonic() + max(_MIN_WAIT, _PATIENCE * (time.monotonic() - started))
    for child, portion in zip(children, portions[1:], strict=True):
        answer = _answer(child, len(portion), deadline)
        parts.append(serial(namespace, portion) if answer is None else answer)
    return parts


def _interleaved(
    parts: Sequence[Sequence[RepositoryAnalysis]], total: int
) -> tuple[RepositoryAnalysis, ...]:
    """The shares' answers back in the repositories' order."""
    shares = len(parts)
    return tuple(parts[i % shares][i // shares] for i in range(total))


class _Child:
    """A forked process analysing one share, and the pipe its answer comes back on."""

    def __init__(self, process: BaseProcess, answers: Connection) -> None:
        self.process = process
        self.answers = answers
        # Whether it has answered or failed (it is then exiting on its own).
        self.finished = False


def _start_all(
    namespace: str, portions: Sequence[Sequence[RepositoryEvidence]]
) -> list[_Child | None]:
    """One child per portion (None where one could not be started). Ctrl-C is held back while
    forking, so that no child is born between its fork and ignoring it; standard streams are
    flushed first, or a child would write what is buffered a second time."""
    import multiprocessing  # only a large namespace needs it

    context = multiprocessing.get_context("fork")
    sys.stdout.flush()
    sys.stderr.flush()
    # What reading the evidence freed is not handed down to every child.
    release_free_memory()
    # The objects built so far are left out of the children's collections: a collection would
    # touch (and so copy) every page they share with this process.
    gc.freeze()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return [_start(context, namespace, portion) for portion in portions]
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        gc.unfreeze()


def _start(
    context: ForkContext,
    namespace: str,
    portion: Sequence[RepositoryEvidence],
) -> _Child | None:
    try:
        answers, send = context.Pipe(duplex=False)
    except OSError:  # out of file descriptors: this process does the work
        return None
    process = context.Process(
        target=_child_main, args=(namespace, portion, send), name="dsos-check-analysis", daemon=True
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


def _child_main(namespace: str, portion: Sequence[RepositoryEvidence], send: Connection) -> None:
    """In the child: analyse the portion and send the answer, pickled; on any failure send
    nothing (the parent then works the portion out itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        answer = pickle.dumps(serial(namespace, portion), protocol=pickle.HIGHEST_PROTOCOL)
        send.send_bytes(answer)
    except BaseException:  # the parent redoes the work; a trace would be noise
        return
    finally:
        send.close()


def _answer(
    child: _Child | None, count: int, deadline: float
) -> tuple[RepositoryAnalysis, ...] | None:
    """The child's analyses of its `count` repositories, or None if it sent none that fit by
    the deadline (a `time.monotonic()` value)."""
    if child is None:
        return None
    try:
        if not child.answers.poll(max(0.0, deadline - time.monotonic())):
            return None  # stuck: `_end` ends it at once, and its share is worked out here
        child.finished = True  # it has answered, or is gone: it exits on its own
        data = child.answers.recv_bytes(maxlength=max(1, count) * _MAX_ANSWER_PER_REPOSITORY)
        answer = pickle.loads(data)  # written by our own child, through a pipe
    except Exception:  # it died, or its answer is cut short, too long or unreadable
        return None
    if not isinstance(answer, tuple) or len(answer) != count:
        return None
    if not all(isinstance(a, RepositoryAnalysis) for a in answer):
        return None
    return answer


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
