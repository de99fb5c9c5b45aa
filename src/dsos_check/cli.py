"""Command line: the Typer signature → CommandLine → validated Options → runner.run → exit code.

The only module using typer; it holds no logic of its own.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dsos_check import __version__
from dsos_check.choices import (
    DEFAULT_GITHUB_API_URL,
    DEFAULT_HUB_URL,
    DEFAULT_REGISTRY_URL,
    FailOn,
    Format,
)
from dsos_check.errors import UsageError
from dsos_check.exitcodes import EXIT_ERROR, exit_code

if (
    TYPE_CHECKING
):  # the heavy modules load only when a check runs, so --help and --version are quick
    from dsos_check.options import CommandLine

__all__ = ["EXIT_ERROR", "app", "exit_code", "main"]


app = typer.Typer(
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from dsos_check.licenses.spdx import SPDX_LICENSE_LIST_VERSION

        typer.echo(f"dsos-check {__version__} (SPDX license list {SPDX_LICENSE_LIST_VERSION})")
        raise typer.Exit()


@app.command(
    help=(
        "Check whether Docker Hub namespaces qualify for the Docker-Sponsored Open Source program.\n\n"
        "Exit codes: 0 eligible, 1 not eligible, 2 usage error, 3 needs review, "
        "4 could not check a namespace."
    )
)
def run(
    namespaces: Annotated[
        list[str] | None,
        typer.Argument(
            help="Docker Hub namespaces (organizations or users).",
            show_default=False,
            metavar="NAMESPACE",
        ),
    ] = None,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from-file",
            metavar="PATH",
            help="More namespaces, one per line; blank lines and # comments ignored; - reads stdin.",
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", "-f", envvar="DSOS_FORMAT", case_sensitive=False),
    ] = Format.TABLE,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="PATH", help="Write the report to a file (atomically)."
        ),
    ] = None,
    username: Annotated[
        str | None,
        typer.Option(
            envvar="DOCKERHUB_USERNAME",
            metavar="TEXT",
            help="Docker ID or organization the token belongs to.",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="DOCKERHUB_TOKEN",
            metavar="TEXT",
            show_default=False,
            help="Personal or organization access token; never printed, logged or saved.",
        ),
    ] = None,
    github_token: Annotated[
        str | None,
        typer.Option(
            envvar="GITHUB_TOKEN",
            metavar="TEXT",
            show_default=False,
            help="Token for GitHub API look-ups of linked source repositories (sent there only).",
        ),
    ] = None,
    github_api_url: Annotated[
        str,
        typer.Option(envvar="DSOS_GITHUB_API_URL", metavar="URL", help="GitHub REST API base URL."),
    ] = DEFAULT_GITHUB_API_URL,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            envvar="DSOS_CONFIG",
            metavar="PATH",
            show_default=False,
            help="Policy file (default: ./dsos-check.toml, else [tool.dsos-check] in ./pyproject.toml).",
        ),
    ] = None,
    active_days: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=36500,
            metavar="INT",
            show_default=False,
            help="A push within this many days counts as active.  [default: 183]",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            show_default=False,
            help="The lowest verdict that makes the exit code non-zero.  [default: review]",
        ),
    ] = None,
    concurrency: Annotated[
        int,
        typer.Option(min=1, max=64, metavar="INT", help="Most HTTP requests in flight at once."),
    ] = 8,
    timeout: Annotated[
        float,
        typer.Option(
            min=0.1,
            max=600,
            metavar="SECONDS",
            help="Connect and read timeout, and total deadline, for each request (s).",
        ),
    ] = 30.0,
    save_evidence: Annotated[
        Path | None,
        typer.Option(
            "--save-evidence",
            metavar="PATH",
            help="Write everything collected (no secrets) as JSON, for audit and offline re-runs.",
        ),
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence",
            metavar="PATH",
            help="Re-evaluate a saved evidence file offline (no network); its collection time is 'now'.",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="PATH",
            help="An evidence file saved by an earlier run: also report what changed since then.",
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Bypass the on-disk HTTP cache.")
    ] = False,
    cache_ttl: Annotated[
        float,
        typer.Option(
            envvar="DSOS_CACHE_TTL",
            min=0,
            max=86400,
            metavar="SECONDS",
            help="How long Docker Hub answers without validators are reused from the cache.",
        ),
    ] = 300.0,
    hub_url: Annotated[
        str, typer.Option(envvar="DSOS_HUB_URL", metavar="URL", help="Docker Hub API base URL.")
    ] = DEFAULT_HUB_URL,
    registry_url: Annotated[
        str,
        typer.Option(
            envvar="DSOS_REGISTRY_URL", metavar="URL", help="Registry (OCI distribution) base URL."
        ),
    ] = DEFAULT_REGISTRY_URL,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Less on stderr.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="More on stderr, every clue in tables.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_version, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    from dsos_check.options import CommandLine

    command_line = CommandLine(
        namespaces=tuple(namespaces or ()),
        from_file=from_file,
        fmt=fmt,
        output=output,
        username=username,
        token=token,
        github_token=github_token,
        config=config,
        active_days=active_days,
        fail_on=fail_on,
        concurrency=concurrency,
        timeout=timeout,
        no_cache=no_cache,
        cache_ttl=cache_ttl,
        save_evidence=save_evidence,
        evidence=evidence,
        baseline=baseline,
        hub_url=hub_url,
        registry_url=registry_url,
        github_api_url=github_api_url,
        quiet=quiet,
        verbose=verbose,
    )
    raise typer.Exit(_execute(command_line))


def _execute(command_line: CommandLine) -> int:
    """Validate, then run; a usage error is exit 2 before any request."""
    from dsos_check.runner import Diagnostics, run

    try:
        options = command_line.validate()
    except UsageError as exc:
        return Diagnostics(sys.stderr).error(exc)
    return run(options, sys.stdout, sys.stderr)


def main() -> None:
    """Console-script entry point: an unexpected error exits 4 with one line (see guard)."""
    from dsos_check.guard import run_guarded

    run_guarded(app)
