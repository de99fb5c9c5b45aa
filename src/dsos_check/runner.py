"""One run of the tool, in-process: `run(options, out, err) -> exit code`.

Collects (or loads evidence), judges, renders, writes, and says on `err` what happened. Expected
failures (DsosCheckError) become their exit codes here; nothing below this module exits.
"""

from __future__ import annotations

import functools
import os
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dsos_check.choices import Format
from dsos_check.errors import DsosCheckError, UsageError
from dsos_check.exitcodes import exit_code
from dsos_check.interrupts import stop_if_interrupted
from dsos_check.preload import freeze, preload
from dsos_check.redact import redact, redact_utf8
from dsos_check.text import clean, encodable, shorten

if TYPE_CHECKING:
    from rich.console import Console

    from dsos_check.collect.cache import HttpCache
    from dsos_check.collect.session import Stats
    from dsos_check.models import CacheUse, Collected, Report
    from dsos_check.options import Options


class Diagnostics:
    """Everything said on stderr: notes, errors, the summary, internal-error traces."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    @functools.cached_property
    def console(self) -> Console:
        """The stream as rich writes to it, made when first needed: a quiet run that writes its
        report to a file says nothing, and importing rich costs about 5 % of its start-up."""
        from rich.console import Console

        return Console(
            file=self._stream, highlight=False, markup=False, emoji=False, soft_wrap=True
        )

    def _say(self, text: str, style: str = "") -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style))

    def note(self, message: str) -> None:
        """A dim one-line diagnostic."""
        self._say(shorten(redact(message), 500), "dim")

    def error(self, error: DsosCheckError) -> int:
        """Say what went wrong; the error's exit code."""
        self._say(f"Error: {shorten(redact(error.message), 500)}", "red")
        return error.exit_code

    def internal_error(self, namespace: str, exc: BaseException) -> None:
        """A bug's traceback (only shown with -v)."""
        trace = "".join(traceback.format_exception(exc))
        self._say(
            redact(f"internal error while checking {shorten(namespace, 60)}:\n{clean(trace)}")
        )

    def summary(self, report: Report) -> None:
        """One line per namespace: its verdict, and the error if it could not be checked."""
        for ns in report.namespaces:
            line = f"{shorten(ns.namespace, 60)}: {ns.verdict.value}"
            if ns.error:
                line += f" ({shorten(redact(ns.error), 200)})"
            self._say(line)


def run(options: Options, out: TextIO, err: TextIO) -> int:
    """Do what the options ask; the contract's exit code."""
    diag = Diagnostics(err)
    try:
        return _run(options, out, diag)
    except DsosCheckError as exc:
        return diag.error(exc)


def _run(options: Options, out: TextIO, diag: Diagnostics) -> int:
    if not options.quiet:
        for message in options.notes:
            diag.note(message)
        if options.policy.config_file:
            diag.note(f"policy file: {options.policy.config_file}")
    items, cache_use = _gather(options, diag)
    # The evidence lives until the report is written: its millions of objects (a large
    # re-evaluation) leave the collector's full passes, each of which walked them all.
    freeze()
    # Imported only now: while collecting, `preload` imports these on a helper thread.
    from dsos_check.changes import apply_baseline
    from dsos_check.evidence import write_evidence
    from dsos_check.judge import build_report, judge_all
    from dsos_check.memory import release_free_memory
    from dsos_check.parallel import analyser
    from dsos_check.report import RenderOptions, renderer_for
    from dsos_check.step_summary import write_step_summary

    # To the second, as collection stamps its evidence (not imported from there: an offline run
    # need not load the HTTP stack).
    now = datetime.now(UTC).replace(microsecond=0)
    # A large namespace's repositories are analysed on every CPU this process may use (see
    # parallel: only where that pays, and never while another thread runs).
    analyse = analyser(diag.note if options.verbose else None)
    judged = judge_all(items, options.policy, analyse)
    stop_if_interrupted()  # a Ctrl-C Python could not raise while judging: nothing is written
    if options.save_evidence is not None:
        write_evidence(str(options.save_evidence), items, generated_at=now)
    # The evidence (every overview: most of a large run's memory) is not needed to render, and
    # what it held is given back rather than kept beside the rendered report.
    del items
    release_free_memory()
    report = build_report(
        apply_baseline(judged, options.baseline, options.policy, analyse),
        options.policy,
        now,
        evidence_file=str(options.evidence) if options.evidence is not None else None,
        cache=cache_use,
    )
    to_terminal = options.output is None and out.isatty()
    color = to_terminal and "NO_COLOR" not in os.environ
    width = report_width(diag.console.width if to_terminal else None)
    renderer = renderer_for(
        options.fmt, RenderOptions(color=color, width=width, verbose=options.verbose)
    )
    # A file takes the UTF-8 as rendered; a stream takes text in its own encoding.
    rendered = renderer.render(report) if options.output is None else renderer.render_utf8(report)
    stop_if_interrupted()
    try:
        write_report(rendered, options.output, out)
    except OSError as exc:
        raise UsageError(f"cannot write --output {str(options.output)!r}: {exc.strerror}") from None
    if options.fmt is Format.MARKDOWN:
        text = rendered if isinstance(rendered, str) else rendered.decode("utf-8")
        write_step_summary(report, text, diag.note)
    else:
        write_step_summary(report, None, diag.note)
    if not options.quiet:
        diag.summary(report)
    return exit_code(report.verdict, options.policy.fail_on)


def report_width(terminal: int | None) -> int:
    """COLUMNS when set, else the terminal's width, else 80: the table must fit where it lands."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and 20 <= int(columns) <= 1000:
        return int(columns)
    return terminal or 80


def _gather(options: Options, diag: Diagnostics) -> tuple[list[Collected], CacheUse | None]:
    """The evidence: read from --evidence, or collected over the network (and how much of it
    came from the on-disk cache)."""
    if options.evidence is not None:
        from dsos_check.evidence import load_evidence

        items = load_evidence(str(options.evidence))
        if not options.quiet:
            diag.note(
                f"re-evaluating {len(items)} namespace(s) from {options.evidence} (no network)"
            )
        return items, None
    # The collection's own modules (only a network run needs them, and the event loop) are
    # imported before the helper thread starts (see preload).
    import dsos_check.progress  # noqa: F401
    from dsos_check.collect.session import run_loop

    cache = _cache(options)
    preload()
    items, stats = run_loop(_collect(options, diag, cache))
    if options.verbose:
        _report_costs(stats, cache, diag)
    return items, cache.usage() if cache is not None else None


def _cache(options: Options) -> HttpCache | None:
    from dsos_check.collect.cache import HttpCache, default_cache_dir

    if not options.use_cache:
        return None
    return HttpCache(default_cache_dir(), short_ttl=options.cache_ttl)


async def _collect(
    options: Options, diag: Diagnostics, cache: HttpCache | None
) -> tuple[list[Collected], Stats]:
    from dsos_check.collect.session import Settings, collect
    from dsos_check.progress import ProgressBar

    settings = Settings(
        endpoints=options.endpoints,
        concurrency=options.concurrency,
        timeout=options.timeout,
        cache=cache,
    )
    shown = not options.quiet and not options.verbose and diag.console.is_terminal
    with ProgressBar(len(options.namespaces), diag.console, enabled=shown) as bar:
        return await collect(
            options.namespaces,
            settings,
            log=diag.note if options.verbose else None,
            on_internal_error=diag.internal_error if options.verbose else None,
            on_done=bar.advance,
        )


def _report_costs(stats: Stats, cache: HttpCache | None, diag: Diagnostics) -> None:
    counts = ", ".join(f"{host}: {n}" for host, n in sorted(stats.requests.items()))
    diag.note(f"requests: {counts or 'none'}")
    if stats.span > 0:
        diag.note(
            f"requests in flight: {stats.in_flight:.1f} of {stats.concurrency} on average over "
            f"the {stats.span:.1f} s from the first request to the last answer"
        )
    if stats.waits:
        diag.note(f"rate-limit waits: {stats.waits} ({stats.waited:.1f} s)")
    if cache is not None:
        cached = ", ".join(f"{host}: {n}" for host, n in sorted(stats.from_cache.items()))
        diag.note(f"answered from the cache ({cache.directory}): {cached or 'none'}")


def write_report(rendered: str | bytes, output: Path | None, out: TextIO) -> None:
    """The report (text, or UTF-8 from `Renderer.render_utf8`), with every known secret redacted,
    to `out` or to the --output file (see atomic_write: a regular file is replaced atomically, a
    FIFO or device written through)."""
    from dsos_check.atomic import atomic_write

    if isinstance(rendered, bytes):
        data = redact_utf8(rendered)
        if output is None:
            out.write(data.decode("utf-8"))
            out.flush()
            return
        atomic_write(output, data)
        return
    text = encodable(redact(rendered))
    if output is None:
        out.write(text)
        out.flush()
        return
    atomic_write(output, text)
