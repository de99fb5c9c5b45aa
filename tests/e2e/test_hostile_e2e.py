"""Hostile and broken servers, one test per class of the hardening issue: never a crash, a
bloat, a hang or a lie, and the other namespaces of the run are still reported in full."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CliResult, RunCli
from tests.e2e.hostile_runner import clean_fake
from tests.fakehub import ACME, FakeDockerHub
from tests.fakehub.hostile import Raw, always, bomb_answer, json_raw

__all__ = ["clean_fake"]  # the fixture, used by name

ORG = b'{"orgname": "acmeoss", "full_name": "Acme", "type": "organization"}'
HIDDEN = "\u200f\u061c\u200b\u2028\u2029\u202e\u2066\ufeff\u00ad"


def verdicts(result: CliResult) -> dict[str, str]:
    return {n["namespace"]: n["verdict"] for n in result.json()["namespaces"]}


def errors(result: CliResult) -> dict[str, Any]:
    return {n["namespace"]: n["error"] for n in result.json()["namespaces"]}


def assert_one_bad_namespace(result: CliResult, bad: str, message: str) -> None:
    """`bad` is an error saying `message`; staleorg is judged as usual; exit 4; no traceback."""
    assert result.returncode == 4, result.describe()
    assert verdicts(result) == {bad: "error", "staleorg": "not_eligible"}, result.describe()
    assert message in errors(result)[bad], result.describe()
    assert "Traceback" not in result.stderr


@pytest.fixture
def run(run_cli: RunCli, clean_fake: FakeDockerHub) -> RunCli:
    """The CLI in this process, through the same guard as the console script."""
    return run_cli


# 1: a lone surrogate in remote text ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "table", "markdown", "junit"])
def test_a_lone_surrogate_is_replaced_not_fatal(
    run: Any, clean_fake: FakeDockerHub, fmt: str
) -> None:
    detail = '{"name": "server", "full_description": "broken \\ud800 text \\udfff", "description": "\\ud83d"}'
    always(clean_fake.hub, "/v2/namespaces/acmeoss/repositories/server", json_raw(detail))
    result = run("acmeoss", "staleorg", "-f", fmt, "--no-cache")
    assert result.returncode == 1, result.describe()  # staleorg is not eligible: a verdict
    assert "Traceback" not in result.stderr
    assert "acmeoss" in result.stdout
    assert "staleorg" in result.stdout
    if fmt == "json":
        assert verdicts(result)["acmeoss"] != "error"


# 2: wire values that used to escape the error model -------------------------------------------


@pytest.mark.parametrize("retry_after", [b"999999999999", "\u00b2".encode(), b"1e400", b"-5"])
def test_any_retry_after_is_a_rate_limit_error(
    run: Any, clean_fake: FakeDockerHub, retry_after: bytes
) -> None:
    answer = Raw(status=429, headers=[(b"Retry-After", retry_after)], body=b"{}")
    always(clean_fake.hub, "/v2/orgs/acmeoss", answer)
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache")
    assert_one_bad_namespace(result, "acmeoss", "rate limiting us (429)")


def test_huge_rate_limit_numbers_are_ignored(run: Any, clean_fake: FakeDockerHub) -> None:
    digits = b"9" * 5000
    answer = json_raw(
        ORG,
        extra=[(b"X-RateLimit-Remaining", digits), (b"X-RateLimit-Reset", digits)],
    )
    always(clean_fake.hub, "/v2/orgs/acmeoss", answer)
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache")
    assert verdicts(result) == {"acmeoss": "needs_review", "staleorg": "not_eligible"}, (
        result.describe()
    )


def test_json_nested_200000_deep_is_an_api_error(run: Any, clean_fake: FakeDockerHub) -> None:
    always(clean_fake.hub, "/v2/orgs/acmeoss", json_raw(b"[" * 200_000 + b"]" * 200_000))
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache")
    assert_one_bad_namespace(result, "acmeoss", "nests JSON")


def test_an_invalid_port_in_next_is_an_api_error(run: Any, clean_fake: FakeDockerHub) -> None:
    page = {"count": 2, "next": "http://127.0.0.1:99999/v2/x?page=2", "results": []}
    always(clean_fake.hub, "/v2/namespaces/acmeoss/repositories", json_raw(json.dumps(page)))
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache")
    assert_one_bad_namespace(result, "acmeoss", "not a valid http(s) URL")


def test_an_invalid_port_in_location_is_an_api_error(run: Any, clean_fake: FakeDockerHub) -> None:
    answer = Raw(status=302, headers=[(b"Location", b"http://127.0.0.1:99999/v2/orgs/acmeoss/")])
    always(clean_fake.hub, "/v2/orgs/acmeoss", answer)
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache")
    assert_one_bad_namespace(result, "acmeoss", "invalid or non-HTTP location")


# 3 and 4: decompression bombs and dripping servers ---------------------------------------------


@pytest.mark.parametrize("layers", [1, 2])
def test_a_compression_bomb_is_refused_at_the_cap(
    run: Any, clean_fake: FakeDockerHub, layers: int
) -> None:
    always(clean_fake.hub, "/v2/orgs/acmeoss", bomb_answer(256 * 1024 * 1024, layers))
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache")
    assert_one_bad_namespace(result, "acmeoss", "more than the 8388608 bytes we accept")


def test_too_many_stacked_encodings_are_refused(run: Any, clean_fake: FakeDockerHub) -> None:
    always(clean_fake.hub, "/v2/orgs/acmeoss", bomb_answer(1024, 3))
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache")
    assert_one_bad_namespace(result, "acmeoss", "stacked 3 content encodings")


def test_a_dripping_server_is_cut_at_the_deadline(run: Any, clean_fake: FakeDockerHub) -> None:
    # 400 bytes at 0.2 s a byte: each read is quick, the whole would take 80 s.
    dripping = Raw(
        headers=[(b"Content-Type", b"application/json")], body=ORG.ljust(400), chunk=1, drip=0.2
    )
    always(clean_fake.hub, "/v2/orgs/acmeoss", dripping)
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache", "--timeout", "2")
    assert_one_bad_namespace(result, "acmeoss", "did not answer in full within 2 s")


def test_a_truncated_body_is_an_error(run: Any, clean_fake: FakeDockerHub) -> None:
    always(clean_fake.hub, "/v2/orgs/acmeoss", Raw(body=ORG, cut_at=20))
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache")
    assert_one_bad_namespace(result, "acmeoss", "could not reach 127.0.0.1")


# 5: writing onto special files -----------------------------------------------------------------


def test_output_to_a_fifo_is_written_through(run: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("staleorg", "-f", "json", "--no-cache", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.returncode == 1, result.describe()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(received[0])["namespaces"][0]["namespace"] == "staleorg"


@pytest.mark.skipif(os.geteuid() != 0, reason="making a character device needs root")
@pytest.mark.parametrize("option", ["-o", "--save-evidence"])
def test_a_character_device_stays_a_device(run: Any, tmp_path: Path, option: str) -> None:
    device = tmp_path / "null"  # a private copy of /dev/null: the real one is never at risk
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = run("staleorg", "-f", "json", "--no-cache", option, str(device))
    assert result.returncode == 1, result.describe()
    assert stat.S_ISCHR(os.lstat(device).st_mode)


@pytest.mark.parametrize("option", ["-o", "--save-evidence"])
def test_an_existing_file_keeps_its_mode(run: Any, tmp_path: Path, option: str) -> None:
    target = tmp_path / "private.json"
    target.write_text("old")
    target.chmod(0o600)
    result = run("staleorg", "-f", "json", "--no-cache", option, str(target))
    assert result.returncode == 1, result.describe()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["namespaces"]


# 6: --from-file - over the cap ------------------------------------------------------------------


def test_an_oversized_namespace_list_on_stdin_is_refused_not_cut(run: Any) -> None:
    text = "staleorg\n" + "#" * (4 * 1024 * 1024) + "\nacmeoss\n"
    result = run("--from-file", "-", "--no-cache", stdin=text)
    assert result.returncode == 2, result.describe()
    assert "larger than" in result.stderr
    assert result.stdout == ""


# 7: a non-ASCII ETag -------------------------------------------------------------------------------


def test_a_non_ascii_etag_never_breaks_a_later_run(
    run: Any, clean_fake: FakeDockerHub, tmp_path: Path
) -> None:
    answer = json_raw(
        ORG, extra=[(b"ETag", b'"caf\xc3\xa9\xff"'), (b"Last-Modified", b"\xe2\x80\x8f")]
    )
    always(clean_fake.hub, "/v2/orgs/acmeoss", answer)
    for _ in range(3):
        result = run(
            "acmeoss",
            "-f",
            "json",
            env={"DSOS_CACHE_TTL": "0", "DSOS_CACHE_DIR": str(tmp_path / "cache")},
        )
        assert verdicts(result) == {"acmeoss": "needs_review"}, result.describe()


# 9: extreme datetimes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "10000-01-01"]
)
def test_extreme_dates_from_the_wire(
    run: Any, clean_fake: FakeDockerHub, tmp_path: Path, when: str
) -> None:
    detail = json.dumps({"name": "server", "last_updated": when})
    always(clean_fake.hub, "/v2/namespaces/acmeoss/repositories/server", json_raw(detail))
    saved = tmp_path / "evidence.json"
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache", "--save-evidence", str(saved))
    assert result.returncode == 1, result.describe()
    again = run("--evidence", str(saved), "-f", "json", point_at_fakes=False)
    assert again.returncode == 1, again.describe()


def test_extreme_dates_in_an_evidence_file(run: Any, tmp_path: Path) -> None:
    saved = tmp_path / "evidence.json"
    assert run("staleorg", "--no-cache", "--save-evidence", str(saved)).returncode == 1
    text = saved.read_text().replace(
        '"collected_at": "', '"collected_at": "0001-01-01T00:30:00+01:00", "x": "', 1
    )
    document = json.loads(saved.read_text())
    document["namespaces"][0]["evidence"]["collected_at"] = "0001-01-01T00:30:00+01:00"
    saved.write_text(json.dumps(document))
    assert text  # the file was read
    for fmt in ("json", "table", "junit"):
        result = run("--evidence", str(saved), "-f", fmt, point_at_fakes=False)
        assert result.returncode in (1, 2, 3), result.describe()
        assert "Traceback" not in result.stderr
        assert "internal error" not in result.stderr


# 10: a deeply nested policy file ----------------------------------------------------------------


def test_a_deeply_nested_policy_file_is_a_usage_error(run: Any, tmp_path: Path) -> None:
    policy = tmp_path / "deep.toml"
    policy.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    result = run("staleorg", "--config", str(policy))
    assert result.returncode == 2, result.describe()
    assert "deep.toml" in result.stderr
    assert "Traceback" not in result.stderr


# 11: tokens -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_option", "secret_args"),
    [
        ("--hub-url", ["--username", "someone", "--token", "dckr_pat_NEVER_ON_THE_WIRE"]),
        ("--github-api-url", ["--github-token", "ghp_NEVER_ON_THE_WIRE"]),
    ],
)
def test_a_token_is_never_sent_over_plain_http(
    run: Any, clean_fake: FakeDockerHub, url_option: str, secret_args: list[str]
) -> None:
    mark = clean_fake.mark()
    result = run("staleorg", *secret_args, url_option, "http://192.0.2.1:8080")
    assert result.returncode == 2, result.describe()
    assert "plain http://" in result.stderr
    assert list(clean_fake.iter_requests(mark)) == []


def test_a_token_echoed_by_the_server_is_redacted_everywhere(
    run: Any, clean_fake: FakeDockerHub, tmp_path: Path
) -> None:
    echo = json.dumps({"message": f"bad credentials {ACME.token} ghp_ECHOED_SECRET"})
    always(clean_fake.hub, "/v2/orgs/acmeoss", json_raw(echo, status=400))
    saved = tmp_path / "evidence.json"
    result = run(
        "acmeoss",
        "staleorg",
        "-f",
        "json",
        "--no-cache",
        "-v",
        "--username",
        ACME.username,
        "--token",
        ACME.token,
        "--github-token",
        "ghp_ECHOED_SECRET",
        "--save-evidence",
        str(saved),
    )
    assert_one_bad_namespace(result, "acmeoss", "bad credentials ***")
    everything = result.stdout + result.stderr + saved.read_text()
    for secret in (ACME.token, "ghp_ECHOED_SECRET", *clean_fake.issued_tokens):
        assert secret not in everything


# 12: invisible characters -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "markdown", "junit"])
def test_invisible_characters_never_reach_the_report(
    run: Any, clean_fake: FakeDockerHub, fmt: str
) -> None:
    detail = {
        "name": "server",
        "description": f"a{HIDDEN}b",
        "full_description": f"License: MIT{HIDDEN}",
    }
    listing = {
        "count": 1,
        "next": None,
        "results": [{"name": f"ser{HIDDEN}ver", "description": f"x{HIDDEN}y"}],
    }
    always(clean_fake.hub, "/v2/namespaces/acmeoss/repositories/", json_raw(json.dumps(detail)))
    always(clean_fake.hub, "/v2/namespaces/acmeoss/repositories", json_raw(json.dumps(listing)))
    result = run("acmeoss", "-f", fmt, "--no-cache", "-v")
    assert result.returncode in (1, 3), result.describe()
    assert not set(HIDDEN) & set(result.stdout + result.stderr)


# 13: one namespace's odd answers stay with that namespace -------------------------------------


def test_a_legacy_fallback_for_one_namespace_leaves_the_others_alone(
    run: Any, clean_fake: FakeDockerHub
) -> None:
    always(clean_fake.hub, "/v2/namespaces/acmeoss/", Raw(status=404, body=b'{"message": "gone"}'))
    # Only this run's requests: the session's fake also recorded every earlier test's.
    mark = clean_fake.mark()
    result = run("acmeoss", "staleorg", "-f", "json", "--no-cache")
    assert verdicts(result) == {"acmeoss": "needs_review", "staleorg": "not_eligible"}, (
        result.describe()
    )
    paths = [r.path for r in clean_fake.iter_requests(mark) if r.server == "hub"]
    assert any(p.startswith("/v2/repositories/acmeoss/") for p in paths)  # acmeoss fell back
    assert "/v2/namespaces/staleorg/repositories" in paths  # staleorg did not
    assert not any(p.startswith("/v2/repositories/staleorg") for p in paths)


# the installed console script, in a subprocess -----------------------------------------------


def test_subprocess_bomb_and_drip_in_one_batch(run_cli: RunCli, clean_fake: FakeDockerHub) -> None:
    always(clean_fake.hub, "/v2/orgs/acmeoss", bomb_answer(2 * 1024**3, 2))
    dripping = Raw(body=ORG.ljust(400), chunk=1, drip=0.3)
    always(clean_fake.hub, "/v2/orgs/sponsoredorg", dripping)
    result = run_cli(
        "acmeoss",
        "sponsoredorg",
        "staleorg",
        "-f",
        "json",
        "--no-cache",
        "--timeout",
        "3",
        real_process=True,
    )
    assert result.returncode == 4, result.describe()
    assert verdicts(result) == {
        "acmeoss": "error",
        "sponsoredorg": "error",
        "staleorg": "not_eligible",
    }
    assert "more than the 8388608 bytes" in errors(result)["acmeoss"]
    assert "within 3 s" in errors(result)["sponsoredorg"]
    assert "Traceback" not in result.stderr


def test_subprocess_output_to_dev_stdout(run_cli: RunCli) -> None:
    result = run_cli("staleorg", "-f", "json", "--no-cache", "-o", "/dev/stdout", real_process=True)
    assert result.returncode == 1, result.describe()
    assert verdicts(result) == {"staleorg": "not_eligible"}
    assert os.path.islink("/dev/stdout")


def test_a_dripping_registry_costs_a_namespace_one_round_of_deadlines(
    run: Any, clean_fake: FakeDockerHub
) -> None:
    # bigorg has 250 repositories: without per-namespace patience each would wait a deadline.
    dripping = Raw(body=b" " * 400, chunk=1, drip=0.2)
    always(clean_fake.registry, "/v2/bigorg/", dripping)
    mark = clean_fake.mark()
    result = run("bigorg", "staleorg", "-f", "json", "--no-cache", "--timeout", "2")
    assert verdicts(result)["staleorg"] == "not_eligible", result.describe()
    assert verdicts(result)["bigorg"] in ("needs_review", "not_eligible"), result.describe()
    asked = [
        r
        for r in clean_fake.iter_requests(mark)
        if r.path.startswith("/v2/bigorg/") and r.method == "GET"  # HEADs answer at once
    ]
    assert 0 < len(asked) <= 2 * 8  # one wave of the concurrency limit, not one per repository
