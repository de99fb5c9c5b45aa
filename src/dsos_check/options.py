"""What the command line asked for, validated and merged with the policy file into one frozen value.

`CommandLine` holds the values as typed; `CommandLine.validate()` turns them into `Options` or raises
UsageError (exit 2) before any request. Precedence: command line > policy file > default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dsos_check.choices import (
    DEFAULT_GITHUB_API_URL,
    DEFAULT_HUB_URL,
    DEFAULT_REGISTRY_URL,
    FailOn,
    Format,
)
from dsos_check.collect.endpoints import Endpoints
from dsos_check.errors import UsageError
from dsos_check.models import Collected, Policy


@dataclass(frozen=True)
class Options:
    """Everything one run needs, already validated; `run(options, out, err)` does the work."""

    namespaces: tuple[str, ...]
    policy: Policy
    endpoints: Endpoints = field(default_factory=Endpoints)
    fmt: Format = Format.TABLE
    output: Path | None = None
    evidence: Path | None = None
    save_evidence: Path | None = None
    # --baseline, already read (so a bad file is a usage error before any request).
    baseline: tuple[Collected, ...] | None = field(default=None, repr=False)
    concurrency: int = 8
    timeout: float = 30.0
    use_cache: bool = True
    cache_ttl: float = 0.0
    quiet: bool = False
    verbose: bool = False
    # Diagnostics found while validating that do not stop the run.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommandLine:
    """The options exactly as typed (or taken from the environment)."""

    namespaces: tuple[str, ...] = ()
    from_file: str | None = None
    fmt: Format = Format.TABLE
    output: Path | None = None
    username: str | None = None
    token: str | None = field(default=None, repr=False)
    github_token: str | None = field(default=None, repr=False)
    config: str | None = None
    active_days: int | None = None
    fail_on: FailOn | None = None
    concurrency: int = 8
    timeout: float = 30.0
    no_cache: bool = False
    cache_ttl: float = 0.0
    save_evidence: Path | None = None
    evidence: Path | None = None
    baseline: Path | None = None
    hub_url: str = DEFAULT_HUB_URL
    registry_url: str = DEFAULT_REGISTRY_URL
    github_api_url: str = DEFAULT_GITHUB_API_URL
    quiet: bool = False
    verbose: bool = False

    def validate(self) -> Options:
        """The validated Options, or UsageError naming what is wrong."""
        from dsos_check.inputs import collect_namespaces

        names = collect_namespaces(self.namespaces, self.from_file) if self.evidence is None else []
        endpoints = self._endpoints()
        for option, path in (("--output", self.output), ("--save-evidence", self.save_evidence)):
            check_writable(option, path)
        policy = self._policy()
        if self.evidence is not None and (self.namespaces or self.from_file is not None):
            raise UsageError(
                "--evidence re-evaluates a saved file: give no NAMESPACE or --from-file"
            )
        if self.fmt is Format.BADGE and self.evidence is None:
            from dsos_check.report.badge import require_one_namespace

            require_one_namespace(len(names))
        return Options(
            namespaces=tuple(names),
            policy=policy,
            endpoints=endpoints,
            fmt=self.fmt,
            output=self.output,
            evidence=self.evidence,
            save_evidence=self.save_evidence,
            baseline=self._baseline(),
            concurrency=self.concurrency,
            timeout=self.timeout,
            use_cache=not self.no_cache,
            cache_ttl=self.cache_ttl,
            quiet=self.quiet,
            verbose=self.verbose and not self.quiet,
            notes=self._notes(),
        )

    def _endpoints(self) -> Endpoints:
        from dsos_check.inputs import validate_base_url, validate_token, validate_username

        token = validate_token(self.token, "--token (or DOCKERHUB_TOKEN)")
        username = validate_username(self.username, "--username (or DOCKERHUB_USERNAME)")
        github_token = validate_token(self.github_token, "--github-token (or GITHUB_TOKEN)")
        if token and not username:
            raise UsageError(
                "--token needs --username (or DOCKERHUB_USERNAME): "
                "the Docker ID or organization it belongs to"
            )
        endpoints = Endpoints(
            hub_url=validate_base_url(self.hub_url, "--hub-url"),
            registry_url=validate_base_url(self.registry_url, "--registry-url"),
            github_api_url=validate_base_url(self.github_api_url, "--github-api-url"),
            username=username if token else None,
            token=token,
            github_token=github_token,
        )
        guard_tokens(endpoints)
        return endpoints

    def _policy(self) -> Policy:
        from dsos_check.config import load_policy

        from_file = load_policy(self.config)
        return from_file.model_copy(
            update={
                "active_days": self.active_days or from_file.active_days,
                "fail_on": self.fail_on or from_file.fail_on,
            }
        )

    def _baseline(self) -> tuple[Collected, ...] | None:
        if self.baseline is None:
            return None  # the evidence module (and the SPDX tables it loads) is not needed
        from dsos_check.evidence import load_evidence

        return tuple(load_evidence(str(self.baseline)))

    def _notes(self) -> tuple[str, ...]:
        if self.username and not self.token:
            return ("--username given without a token: checking anonymously",)
        return ()


def guard_tokens(endpoints: Endpoints) -> None:
    """Remember every token for redaction, and refuse one bound for a plain-http non-loopback URL."""
    from dsos_check.inputs import refuse_plain_http
    from dsos_check.redact import remember_secret

    for secret, url, option, secret_option in (
        (endpoints.token, endpoints.hub_url, "--hub-url", "--token"),
        (endpoints.github_token, endpoints.github_api_url, "--github-api-url", "--github-token"),
    ):
        remember_secret(secret)
        if secret:
            refuse_plain_http(url, option, secret_option)


def check_writable(option: str, path: Path | None) -> None:
    """Refuse, before any request, an output path that cannot be written."""
    if path is None:
        return
    if path.is_dir():
        raise UsageError(f"{option} {str(path)!r} is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{option} {str(path)!r}: the directory {str(parent)!r} does not exist")
