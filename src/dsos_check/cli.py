"""Command line: the Typer signature → CommandLine → validated Options → runner.run → exit code.

The only module using typer; it holds no logic of its own.
"""

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperArgument, TyperCommand

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

# --- how --help looks: option panels, examples, a plain NAMESPACE, choice errors in plain words
E = TypeVar("E", bound=StrEnum)

PANEL_INPUT = "Input"
PANEL_OUTPUT = "Output"
PANEL_ACCESS = "Docker Hub and GitHub access"
PANEL_POLICY = "Policy"
PANEL_NETWORK = "Network and cache"

EXAMPLES = (
    "Examples:\n\n"
    "  dsos-check myorg\n\n"
    "  DOCKERHUB_USERNAME=myorg DOCKERHUB_TOKEN=dckr_oat_... dsos-check myorg "
    "-f application -o apply.md\n\n"
    "  dsos-check --from-file namespaces.txt -f markdown --fail-on not-eligible"
)


class Command(TyperCommand):
    """The command, with NAMESPACE shown by name in --help (not as `<list[str]>`) and flags
    without a `<bool>` type."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, TyperArgument) or getattr(param, "is_flag", False):
                setattr(param, "display_type_rich", lambda ctx: None)  # noqa: B010
        return params


def choice(enum: type[E]) -> Callable[[Any], E]:
    """A parser for an option taking one of an enum's values; errs without pydantic's
    "Value error," prefix."""

    def parse(value: Any) -> E:
        if isinstance(value, enum):
            return value
        try:
            return enum(str(value).lower())
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in enum)
            raise typer.BadParameter(f"{str(value)!r} is not one of {allowed}") from None

    return parse


def metavar(enum: type[StrEnum]) -> str:
    """`[a|b|c]` for an enum option."""
    return "[" + "|".join(m.value for m in enum) + "]"


app = typer.Typer(
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from dsos_check.spdx_version import version_line

        typer.echo(version_line())
        raise typer.Exit()


@app.command(
    cls=Command,
    epilog=EXAMPLES,
    help=(
        "Check whether Docker Hub namespaces qualify for the Docker-Sponsored Open Source program.\n\n"
        "Exit codes: 0 eligible, 1 not eligible, 2 usage error, 3 needs review, "
        "4 could not check a namespace."
    ),
)
def run(
    namespaces: Annotated[
        list[str] | None,
        typer.Argument(
            help="Docker Hub namespaces to check (organizations or users), e.g. myorg.",
            show_default=False,
            metavar="NAMESPACE",
        ),
    ] = None,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from-file",
            rich_help_panel=PANEL_INPUT,
            metavar="PATH",
            help="More namespaces, one per line; blank lines and # comments ignored; - reads stdin.",
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            envvar="DSOS_FORMAT",
            rich_help_panel=PANEL_OUTPUT,
            parser=choice(Format),
            metavar="FORMAT",
            help="table (for people), json, markdown (PR comment), junit (CI), sarif (code "
            "scanning), badge (shields.io), application (to paste into Docker's DSOS application).",
        ),
    ] = Format.TABLE,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            rich_help_panel=PANEL_OUTPUT,
            metavar="PATH",
            help="Write the report to a file (atomically).",
        ),
    ] = None,
    username: Annotated[
        str | None,
        typer.Option(
            rich_help_panel=PANEL_ACCESS,
            envvar="DOCKERHUB_USERNAME",
            metavar="TEXT",
            help="Docker ID or organization the token belongs to.",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            rich_help_panel=PANEL_ACCESS,
            envvar="DOCKERHUB_TOKEN",
            metavar="TEXT",
            show_default=False,
            help="Personal or organization access token; never printed, logged or saved.",
        ),
    ] = None,
    github_token: Annotated[
        str | None,
        typer.Option(
            rich_help_panel=PANEL_ACCESS,
            envvar="GITHUB_TOKEN",
            metavar="TEXT",
            show_default=False,
            help="Token for GitHub API look-ups of linked source repositories (sent there only).",
        ),
    ] = None,
    github_api_url: Annotated[
        str,
        typer.Option(
            rich_help_panel=PANEL_NETWORK,
            envvar="DSOS_GITHUB_API_URL",
            metavar="URL",
            help="GitHub REST API base URL.",
        ),
    ] = DEFAULT_GITHUB_API_URL,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            rich_help_panel=PANEL_POLICY,
            envvar="DSOS_CONFIG",
            metavar="PATH",
            show_default=False,
            help="Policy file (default: ./dsos-check.toml, else \\[tool.dsos-check] in ./pyproject.toml).",
        ),
    ] = None,
    active_days: Annotated[
        int | None,
        typer.Option(
            rich_help_panel=PANEL_POLICY,
            min=1,
            max=36500,
            metavar="INT",
            show_default=False,
            help="A push within this many days counts as active.  \\[default: 183]",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            rich_help_panel=PANEL_POLICY,
            parser=choice(FailOn),
            metavar=metavar(FailOn),
            show_default=False,
            help="The lowest verdict that makes the exit code non-zero.  \\[default: review]",
        ),
    ] = None,
    concurrency: Annotated[
        int,
        typer.Option(
            rich_help_panel=PANEL_NETWORK,
            min=1,
            max=64,
            metavar="INT",
            help="Most HTTP requests in flight at once.",
        ),
    ] = 8,
    timeout: Annotated[
        float,
        typer.Option(
            rich_help_panel=PANEL_NETWORK,
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
            rich_help_panel=PANEL_OUTPUT,
            metavar="PATH",
            help="Write everything collected (no secrets) as JSON, for audit and offline re-runs.",
        ),
    ] = None,
    evidence: Annotated[
        Path | None,
        typer.Option(
            "--evidence",
            rich_help_panel=PANEL_INPUT,
            metavar="PATH",
            help="Re-evaluate a saved evidence file offline (no network); as of when it was collected.",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            rich_help_panel=PANEL_INPUT,
            metavar="PATH",
            help="An evidence file saved by an earlier run: also report what changed since then.",
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", rich_help_panel=PANEL_NETWORK, help="Bypass the on-disk HTTP cache."
        ),
    ] = False,
    cache_ttl: Annotated[
        float,
        typer.Option(
            rich_help_panel=PANEL_NETWORK,
            envvar="DSOS_CACHE_TTL",
            min=0,
            max=86400,
            metavar="SECONDS",
            help="Reuse Docker Hub answers from the cache for this long (default 0: always ask, "
            "so a change just made on Docker Hub shows at once).",
        ),
    ] = 0.0,
    hub_url: Annotated[
        str,
        typer.Option(
            rich_help_panel=PANEL_NETWORK,
            envvar="DSOS_HUB_URL",
            metavar="URL",
            help="Docker Hub API base URL.",
        ),
    ] = DEFAULT_HUB_URL,
    registry_url: Annotated[
        str,
        typer.Option(
            rich_help_panel=PANEL_NETWORK,
            envvar="DSOS_REGISTRY_URL",
            metavar="URL",
            help="Registry (OCI distribution) base URL.",
        ),
    ] = DEFAULT_REGISTRY_URL,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", rich_help_panel=PANEL_OUTPUT, help="Less on stderr."),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            rich_help_panel=PANEL_OUTPUT,
            help="More on stderr, every clue in tables.",
        ),
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


def _execute(command_line: "CommandLine") -> int:
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
