"""Validating what users type: namespace names, namespace files, base URLs and tokens."""

from __future__ import annotations

import ipaddress
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

from dsos_check.errors import UsageError
from dsos_check.text import shorten

# Docker Hub namespaces are lower-case letters and digits, and older ones may hold
# single '-', '_' or '.' separators between them (the distribution spec's path component).
NAMESPACE_RE = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
NAMESPACE_MAX = 255
MAX_NAMESPACES = 10_000
# A Docker Hub page pasted instead of a name: hub.docker.com/u/NAME, /r/NAME/REPO, /orgs/NAME,
# /repositories/NAME, /_/NAME, or docker.io/NAME/REPO, with or without a scheme.
_HUB_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:hub\.docker\.com/(?:u|r|orgs|repositories|_|v2/namespaces)/|"
    r"(?:index\.)?docker\.io/)(?P<name>[A-Za-z0-9][A-Za-z0-9._-]{0,254})(?:[/?#].{0,2000})?",
    re.IGNORECASE,
)
MAX_FILE_BYTES = 4 * 1024 * 1024


def validate_namespace(name: str) -> str:
    """Return the namespace if it is a valid Docker Hub name, else UsageError saying why."""
    shown = repr(shorten(name, 40))
    if not name:
        raise UsageError("invalid namespace '': a namespace cannot be empty")
    if len(name) > NAMESPACE_MAX:
        raise UsageError(
            f"invalid namespace {shown}: {len(name)} characters, at most {NAMESPACE_MAX}"
        )
    pasted = _HUB_URL.fullmatch(name.strip())
    if pasted is not None:
        raise UsageError(
            f"invalid namespace {shown}: that is a Docker Hub address; "
            f"give the namespace: {pasted.group('name').lower()}"
        )
    if "/" in name:
        raise UsageError(
            f"invalid namespace {shown}: give the namespace only (e.g. 'acme', not 'acme/app')"
        )
    if NAMESPACE_RE.fullmatch(name) is None:
        hint = " (Docker Hub names are lower case)" if name.lower() != name else ""
        raise UsageError(
            f"invalid namespace {shown}: use lower-case letters and digits, "
            f"optionally separated by '-', '_' or '.'{hint}"
        )
    return name


def namespaces_from_text(text: str, origin: str) -> list[str]:
    """Namespaces from a file's text: one per line, blank lines and `#` comments ignored."""
    names = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        try:
            names.append(validate_namespace(value))
        except UsageError as exc:
            raise UsageError(f"{origin}, line {number}: {exc.message}") from None
    return names


def read_namespace_file(path: str) -> list[str]:
    """Namespaces from `--from-file PATH` (`-` reads standard input)."""
    origin = "standard input" if path == "-" else path
    try:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data = (
                stream.read(MAX_FILE_BYTES + 1)
                if stream is not None
                else sys.stdin.read(MAX_FILE_BYTES + 1).encode("utf-8", "replace")
            )
        else:
            with Path(path).open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read --from-file {path!r}: {exc.strerror}") from None
    # Refused, never cut: a cut could end inside a name and check a different namespace.
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(f"--from-file {origin}: larger than {MAX_FILE_BYTES} bytes")
    return namespaces_from_text(data.decode("utf-8", errors="replace"), origin)


def collect_namespaces(arguments: Iterable[str], from_file: str | None) -> list[str]:
    """All namespaces asked for, validated, de-duplicated in order; at least one."""
    names = [validate_namespace(name) for name in arguments]
    if from_file is not None:
        names += read_namespace_file(from_file)
    unique = list(dict.fromkeys(names))
    if not unique:
        raise UsageError("give at least one NAMESPACE (or --from-file)")
    if len(unique) > MAX_NAMESPACES:
        raise UsageError(f"at most {MAX_NAMESPACES} namespaces per run")
    return unique


def refuse_plain_http(url: str, option: str, token_option: str) -> None:
    """A token never travels in clear text: with a token, an `http://` URL must be loopback."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return
    host = (parts.hostname or "").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise UsageError(
            f"{token_option} is never sent over plain http://: use an https:// {option}, "
            "or a loopback address for testing"
        )


def validate_base_url(value: str, option: str) -> str:
    """An http(s) base URL with a host and no query, fragment or credentials."""
    # Undecodable bytes, control characters and white space have no place in a URL.
    _refuse(value.strip(), option, "URL", lambda c: c.isprintable() and not c.isspace())
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} must be an http:// or https:// URL, not {shorten(value, 60)!r}")
    if parts.username or parts.password:
        raise UsageError(f"{option} must not contain credentials")
    if parts.query or parts.fragment:
        raise UsageError(f"{option} must not contain a query or fragment")
    try:
        _ = parts.port
    except ValueError:
        raise UsageError(f"{option} has an invalid port") from None
    return value.strip().rstrip("/")


def validate_token(value: str | None, option: str) -> str | None:
    """A token as an HTTP header carries it: visible ASCII, no spaces (surrounding white space,
    as a token read from a file brings, is dropped). The message says where the token goes
    wrong, never what it holds."""
    return _visible_ascii(value, option, "token")


def validate_username(value: str | None, option: str) -> str | None:
    """A Docker ID or organization name as a login sends it: visible ASCII, no spaces."""
    return _visible_ascii(value, option, "Docker ID")


def _visible_ascii(value: str | None, option: str, noun: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    _refuse(
        text,
        option,
        noun,
        lambda c: "!" <= c <= "~",
        f"; a {noun} is printable ASCII without spaces",
    )
    return text


def _refuse(
    text: str, option: str, noun: str, allowed: Callable[[str], bool], rule: str = ""
) -> None:
    """A usage error at the first character of `text` that is not `allowed`: where it is and
    what kind of character, never the text itself (a token must not be echoed)."""
    for index, character in enumerate(text):
        if not allowed(character):
            raise UsageError(
                f"{option}: not a {noun}: character {index + 1} of {len(text)} is "
                f"{_kind_of(character)}{rule}"
            )


def _kind_of(character: str) -> str:
    if "\udc80" <= character <= "\udcff":
        return "a byte that is not UTF-8"  # how Python hands undecodable argv/env bytes over
    if character.isspace():
        return "white space"
    if not character.isprintable():
        return "a control character"
    return "a character outside ASCII"
