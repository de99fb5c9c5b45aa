"""The progress bar shown on a terminal's stderr while namespaces are collected."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dsos_check.models import Collected


class ProgressBar:
    """Namespaces done, requests made, rate-limit waits; invisible when not enabled."""

    def __init__(self, total: int, console: Console, *, enabled: bool) -> None:
        self._progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not enabled,
        )
        self._task = self._progress.add_task("", total=total, detail="")

    def __enter__(self) -> ProgressBar:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def advance(self, _: Collected, requests: int, waited: float) -> None:
        """One namespace is done."""
        detail = f"{requests} requests" + (f", {waited:.0f}s rate-limit waits" if waited else "")
        self._progress.update(self._task, advance=1, detail=detail)
