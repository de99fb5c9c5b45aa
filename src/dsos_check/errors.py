"""Every expected failure, as one DsosCheckError hierarchy; only the CLI turns them into exit codes."""

from __future__ import annotations


class DsosCheckError(Exception):
    """Base class: an expected failure with a one-line, user-facing message."""

    exit_code = 4

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(DsosCheckError):
    """The user asked for something invalid: bad option, namespace name or config (exit 2)."""

    exit_code = 2


class CheckError(DsosCheckError):
    """A namespace could not be checked; its verdict becomes `error` (exit 4)."""

    exit_code = 4


class NamespaceNotFound(CheckError):
    """Neither /v2/orgs/{ns}/ nor /v2/users/{ns}/ knows the namespace."""


class HubUnavailable(CheckError):
    """A remote service could not be reached, timed out or kept failing."""


class ApiError(CheckError):
    """A remote service answered with an unexpected status or a malformed body."""


class TokenServiceError(ApiError):
    """The registry's token service could not be reached or gave no token."""


class AuthError(CheckError):
    """Docker Hub rejected the credentials."""


class RateLimited(CheckError):
    """A remote service kept answering 429 beyond what we are willing to wait."""


class TimedOut(HubUnavailable):
    """A remote service did not answer in time."""


class DeadlineExceeded(TimedOut):
    """A request did not complete within its total deadline (a server dripping bytes, say)."""


class PullsExhausted(CheckError):
    """The registry's pull budget has nothing left for another manifest GET."""
