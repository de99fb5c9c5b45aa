"""The contract's exit codes, and the one rule that maps a run's verdict to one (light: no imports)."""

from __future__ import annotations

from dsos_check.choices import FailOn, Verdict

EXIT_ELIGIBLE = 0
EXIT_NOT_ELIGIBLE = 1
EXIT_USAGE = 2
EXIT_NEEDS_REVIEW = 3
EXIT_ERROR = 4


def exit_code(verdict: Verdict, fail_on: FailOn) -> int:
    """The contract's exit code for the most severe verdict of a run."""
    if verdict is Verdict.ERROR:
        return EXIT_ERROR
    if verdict is Verdict.NOT_ELIGIBLE:
        return EXIT_NOT_ELIGIBLE
    if verdict is Verdict.NEEDS_REVIEW and fail_on is FailOn.REVIEW:
        return EXIT_NEEDS_REVIEW
    return EXIT_ELIGIBLE
