"""The progress bar shown on a terminal's stderr while namespaces are collected."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from dsos_check.models import Collected

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class ProgressBar:
    """Namespaces done, requests made, rate-limit waits; nothing at all when not enabled.

    rich's progress module is imported only for a bar that is shown: a run in CI, piped or
    quiet, would pay for it (about 40 ms) before its first request and never draw it."""

    def __init__(self, total: int, console: Console, *, enabled: bool) -> None:
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if not enabled:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("", total=total, detail="")

    def __enter__(self) -> ProgressBar:
        if self._progress is not None:
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)

    def advance(self, _: Collected, requests: int, waited: float) -> None:
        """One namespace is done."""
        if self._progress is None or self._task is None:
            return
        detail = f"{requests} requests" + (f", {waited:.0f}s rate-limit waits" if waited else "")
        self._progress.update(self._task, advance=1, detail=detail)
