"""What users type: namespace names, namespace files, base URLs (tokens: test_options)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsos_check.errors import UsageError
from dsos_check.inputs import (
    collect_namespaces,
    namespaces_from_text,
    validate_base_url,
    validate_namespace,
)


@pytest.mark.parametrize(
    "name", ["docker", "acme", "mcp", "bitnami", "a1b2", "my-org", "my_org", "old.name", "x" * 255]
)
def test_valid_namespaces(name: str) -> None:
    assert validate_namespace(name) == name


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("Foo/Bar", "namespace only"),
        ("../x", "namespace only"),
        ("", "cannot be empty"),
        ("a" * 300, "at most 255"),
        ("a?b", "lower-case"),
        ("Foo", "lower case"),
        ("-acme", "lower-case"),
        ("acme-", "lower-case"),
        ("ac me", "lower-case"),
        ("acme\x1b[31m", "lower-case"),
        ("..", "lower-case"),
    ],
)
def test_invalid_namespaces(name: str, fragment: str) -> None:
    with pytest.raises(UsageError, match="invalid namespace") as info:
        validate_namespace(name)
    assert fragment in info.value.message
    assert "\x1b" not in info.value.message


def test_namespace_file_comments_blank_lines_and_errors_with_line_numbers() -> None:
    assert namespaces_from_text("# applicants\nacme\n\n  beta  # renewal\n", "f") == [
        "acme",
        "beta",
    ]
    with pytest.raises(UsageError, match="f, line 2: invalid namespace"):
        namespaces_from_text("acme\nBad/Name\n", "f")


def test_collect_namespaces_dedupes_and_needs_one(tmp_path: Path) -> None:
    file = tmp_path / "ns.txt"
    file.write_text("beta\nacme\n")
    assert collect_namespaces(["acme"], str(file)) == ["acme", "beta"]
    with pytest.raises(UsageError, match="at least one NAMESPACE"):
        collect_namespaces([], None)
    with pytest.raises(UsageError, match="cannot read --from-file"):
        collect_namespaces([], str(tmp_path / "missing.txt"))


@pytest.mark.parametrize(
    "url",
    ["ftp://x", "hub.docker.com", "http://", "https://u:p@h", "https://h/?q=1", "http://h:99999"],
)
def test_bad_base_urls(url: str) -> None:
    with pytest.raises(UsageError):
        validate_base_url(url, "--hub-url")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://h\udcffost", "a byte that is not UTF-8"),
        ("https://127.0.0.1:1/\udce9", "a byte that is not UTF-8"),
        ("https://hub.docker.com/\x1b[2J", "a control character"),
        ("https://hub.docker.com/a b", "white space"),
        ("https://hub.docker.com\u202e", "a control character"),
    ],
)
def test_a_base_url_that_http_cannot_carry_is_refused(url: str, kind: str) -> None:
    """Undecodable bytes (lone surrogates from argv or the environment), control characters and
    spaces: a usage error naming the option, not an internal error at the first request."""
    with pytest.raises(UsageError) as caught:
        validate_base_url(url, "--registry-url")
    assert caught.value.message.startswith("--registry-url: not a URL: character ")
    assert kind in caught.value.message


def test_good_base_url_loses_trailing_slash() -> None:
    assert validate_base_url("http://127.0.0.1:8080/", "--hub-url") == "http://127.0.0.1:8080"
