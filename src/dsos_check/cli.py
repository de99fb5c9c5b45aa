"""Command line: options → clients → pipeline → renderer → exit code. The only module using typer."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from dsos_check import __version__
from dsos_check.choices import FailOn, Format, Verdict
from dsos_check.errors import CheckError, DsosCheckError, UsageError

if (
    TYPE_CHECKING
):  # the heavy modules load only when a check runs, so --help and --version are quick
    from rich.console import Console

    from dsos_check.collect.cache import HttpCache
    from dsos_check.collect.http import Http
    from dsos_check.models import Collected, Report

DEFAULT_HUB_URL = "https://hub.docker.com"
DEFAULT_REGISTRY_URL = "https://registry-1.docker.io"
DEFAULT_GITHUB_API_URL = "https://api.github.com"

EXIT_ELIGIBLE = 0
EXIT_NOT_ELIGIBLE = 1
EXIT_USAGE = 2
EXIT_NEEDS_REVIEW = 3
EXIT_ERROR = 4


app = typer.Typer(
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@cache
def _stderr() -> Console:
    """The console for diagnostics (created on first use)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        from dsos_check.licenses.spdx import SPDX_LICENSE_LIST_VERSION

        typer.echo(f"dsos-check {__version__} (SPDX license list {SPDX_LICENSE_LIST_VERSION})")
        raise typer.Exit()


def exit_code(verdict: Verdict, fail_on: FailOn) -> int:
    """The contract's exit code for the most severe verdict of a run."""
    if verdict is Verdict.ERROR:
        return EXIT_ERROR
    if verdict is Verdict.NOT_ELIGIBLE:
        return EXIT_NOT_ELIGIBLE
    if verdict is Verdict.NEEDS_REVIEW and fail_on is FailOn.REVIEW:
        return EXIT_NEEDS_REVIEW
    return EXIT_ELIGIBLE


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
            help="Connect and read timeout for each request (s).",
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
    from dsos_check.collect.cache import HttpCache, default_cache_dir
    from dsos_check.config import load_policy
    from dsos_check.evidence import load_evidence, write_evidence
    from dsos_check.inputs import collect_namespaces, validate_base_url
    from dsos_check.models import Policy
    from dsos_check.pipeline import build_report, judge, utcnow
    from dsos_check.report import RENDERERS, RenderOptions

    try:
        names = collect_namespaces(namespaces or [], from_file) if evidence is None else []
        hub = validate_base_url(hub_url, "--hub-url")
        registry = validate_base_url(registry_url, "--registry-url")
        github = validate_base_url(github_api_url, "--github-api-url")
        if token and not username:
            raise UsageError(
                "--token needs --username (or DOCKERHUB_USERNAME): the Docker ID or organization it belongs to"
            )
        if username and not token and not quiet:
            _note("--username given without a token: checking anonymously")
        for option, path in (("--output", output), ("--save-evidence", save_evidence)):
            _check_writable(option, path)
        loaded = load_policy(config)
        items: list[Collected] | None = None
        if evidence is not None:
            if names_given(namespaces, from_file):
                raise UsageError(
                    "--evidence re-evaluates a saved file: give no NAMESPACE or --from-file"
                )
            items = load_evidence(str(evidence))
    except UsageError as exc:
        _fail(exc)

    # Options on the command line win over the policy file, which wins over the defaults.
    policy = Policy(
        active_days=active_days or loaded.active_days or Policy().active_days,
        fail_on=fail_on or loaded.fail_on or FailOn.REVIEW,
        exclude=loaded.exclude,
        overrides=loaded.overrides,
        attestation=loaded.attestation,
        config_file=loaded.path,
    )
    if loaded.path and not quiet:
        _note(f"policy file: {loaded.path}")
    if items is None:
        import asyncio

        items = asyncio.run(
            _collect(
                names,
                hub_url=hub,
                registry_url=registry,
                github_api_url=github,
                github_token=github_token or None,
                username=username if token else None,
                token=token or None,
                concurrency=concurrency,
                timeout=timeout,
                verbose=verbose and not quiet,
                progress=not quiet and _stderr().is_terminal,
                cache=None if no_cache else HttpCache(default_cache_dir(), short_ttl=cache_ttl),
            )
        )
    elif not quiet:
        _note(f"re-evaluating {len(items)} namespace(s) from {evidence} (no network)")
    now = utcnow()
    report = build_report([judge(item, policy) for item in items], policy, now)
    if save_evidence is not None:
        try:
            write_evidence(str(save_evidence), items, generated_at=now)
        except UsageError as exc:
            _fail(exc)
    color = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    width = _stderr().width if output is None and sys.stdout.isatty() else 120
    text = RENDERERS[fmt](report, RenderOptions(color=color, width=width, verbose=verbose))
    try:
        _write(text, output)
    except OSError as exc:
        _fail(UsageError(f"cannot write --output {str(output)!r}: {exc.strerror}"))
    if fmt is Format.MARKDOWN:
        _append_step_summary(text)
    if not quiet:
        _summary(report)
    raise typer.Exit(exit_code(report.verdict, policy.fail_on))


async def _collect(
    names: list[str],
    *,
    hub_url: str,
    registry_url: str,
    github_api_url: str,
    github_token: str | None,
    username: str | None,
    token: str | None,
    concurrency: int,
    timeout: float,
    verbose: bool,
    progress: bool,
    cache: HttpCache | None,
) -> list[Collected]:
    import httpx

    from dsos_check.collect.github import GitHubClient
    from dsos_check.collect.http import Http
    from dsos_check.collect.hub import HubClient
    from dsos_check.collect.registry import RegistryClient
    from dsos_check.models import CollectionFailure
    from dsos_check.pipeline import Collector, collect_all

    log = _note if verbose else None
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(timeout), limits=limits, follow_redirects=False
    ) as client:
        http = Http(client, concurrency=concurrency, log=log, cache=cache)
        hub = HubClient(http, hub_url)
        collector = Collector(
            hub=hub,
            registry=RegistryClient(http, registry_url),
            github=GitHubClient(http, github_api_url, github_token),
            username=username,
            on_internal_error=_log_internal_error if verbose else None,
        )
        with _Progress(len(names), http, enabled=progress and not verbose) as bar:
            try:
                if token and username:
                    await hub.login(username, token)
                items = await collect_all(collector, names, on_done=bar.advance)
            except CheckError as exc:
                items = [CollectionFailure(namespace=ns, error=exc.message) for ns in names]
        if verbose:
            counts = ", ".join(f"{host}: {n}" for host, n in sorted(http.requests.items()))
            _note(f"requests: {counts or 'none'}")
            if http.pacer.waits:
                _note(f"rate-limit waits: {http.pacer.waits} ({http.pacer.waited:.1f} s)")
            cached = ", ".join(f"{host}: {n}" for host, n in sorted(http.from_cache.items()))
            if cache is not None:
                _note(f"answered from the cache ({cache.directory}): {cached or 'none'}")
    return items


class _Progress:
    """A progress bar on stderr (a terminal only): namespaces done, requests made, rate waits."""

    def __init__(self, total: int, http: Http, *, enabled: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._http = http
        self._enabled = enabled
        self._progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=_stderr(),
            transient=True,
            disable=not enabled,
        )
        self._task = self._progress.add_task("", total=total, detail="")

    def __enter__(self) -> _Progress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def advance(self, _: Collected) -> None:
        """One namespace is done."""
        requests = sum(self._http.requests.values())
        waited = self._http.pacer.waited
        detail = f"{requests} requests" + (f", {waited:.0f}s rate-limit waits" if waited else "")
        self._progress.update(self._task, advance=1, detail=detail)


def names_given(namespaces: list[str] | None, from_file: str | None) -> bool:
    """Whether the command line names namespaces to check."""
    return bool(namespaces) or from_file is not None


def _check_writable(option: str, path: Path | None) -> None:
    """Refuse, before any request, an output path that cannot be written."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{option} {str(path)!r} is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{option} {str(path)!r}: the directory {str(parent)!r} does not exist")


def _append_step_summary(markdown: str) -> None:
    """In GitHub Actions, add the Markdown report to the job summary as well."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")
    except OSError as exc:
        _note(f"could not append to GITHUB_STEP_SUMMARY: {exc.strerror}")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = output.parent if str(output.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        os.replace(temp, output)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _summary(report: Report) -> None:
    from rich.text import Text

    from dsos_check.text import shorten

    for ns in report.namespaces:
        line = Text(f"{shorten(ns.namespace, 60)}: {ns.verdict.value}")
        if ns.error:
            line.append(f" ({shorten(ns.error, 200)})")
        _stderr().print(line)


def _log_internal_error(namespace: str, exc: BaseException) -> None:
    from rich.text import Text

    from dsos_check.text import clean, shorten

    trace = "".join(traceback.format_exception(exc))
    _stderr().print(
        Text(f"internal error while checking {shorten(namespace, 60)}:\n{clean(trace)}")
    )


def _note(message: str) -> None:
    from rich.text import Text

    from dsos_check.text import shorten

    _stderr().print(Text(shorten(message, 500), style="dim"))


def _fail(error: DsosCheckError) -> NoReturn:
    from rich.text import Text

    from dsos_check.text import shorten

    _stderr().print(Text(f"Error: {shorten(error.message, 500)}", style="red"))
    raise typer.Exit(error.exit_code)


def main() -> None:
    """Console-script entry point."""
    app()
