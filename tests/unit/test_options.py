"""CommandLine.validate(): the options as typed → one frozen Options value, or a usage error."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from dsos_check.choices import FailOn, Format
from dsos_check.errors import UsageError
from dsos_check.options import CommandLine, Options
from dsos_check.runner import run

EXAMPLE = Path(__file__).parents[2] / "examples" / "evidence.json"


def test_defaults_and_endpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    options = CommandLine(namespaces=("acme", "acme", "other")).validate()
    assert options.namespaces == ("acme", "other")
    assert options.policy.active_days == 183
    assert options.policy.fail_on is FailOn.REVIEW
    assert options.endpoints.hub_url == "https://hub.docker.com"
    assert options.endpoints.token is None
    assert options.use_cache


def test_command_line_wins_over_the_policy_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dsos-check.toml").write_text(
        'active_days = 30\nfail_on = "not-eligible"\n', encoding="utf-8"
    )
    from_file = CommandLine(namespaces=("acme",)).validate()
    assert (from_file.policy.active_days, from_file.policy.fail_on) == (30, FailOn.NOT_ELIGIBLE)
    typed = CommandLine(namespaces=("acme",), active_days=90, fail_on=FailOn.REVIEW).validate()
    assert (typed.policy.active_days, typed.policy.fail_on) == (90, FailOn.REVIEW)


def test_token_without_username_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--token needs --username"):
        CommandLine(namespaces=("acme",), token="dckr_pat_x").validate()


def test_a_username_alone_checks_anonymously_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = CommandLine(namespaces=("acme",), username="acme").validate()
    assert options.endpoints.username is None
    assert options.notes == ("--username given without a token: checking anonymously",)


def test_the_token_never_shows_in_the_repr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    line = CommandLine(namespaces=("acme",), username="acme", token="dckr_pat_secret")
    assert "dckr_pat_secret" not in repr(line)
    assert "dckr_pat_secret" not in repr(line.validate())


def test_evidence_with_namespaces_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--evidence re-evaluates a saved file"):
        CommandLine(namespaces=("acme",), evidence=tmp_path / "e.json").validate()


def test_quiet_silences_verbose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert not CommandLine(namespaces=("a",), quiet=True, verbose=True).validate().verbose


def test_run_in_process_re_evaluates_evidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = CommandLine(evidence=EXAMPLE, fmt=Format.JSON).validate()
    assert isinstance(options, Options)
    out, err = io.StringIO(), io.StringIO()
    code = run(options, out, err)
    report = json.loads(out.getvalue())
    assert "no network" in err.getvalue()
    verdicts = {ns["namespace"]: ns["verdict"] for ns in report["namespaces"]}
    worst = max(verdicts.values(), key=["eligible", "needs_review", "not_eligible", "error"].index)
    assert code == {"eligible": 0, "needs_review": 3, "not_eligible": 1, "error": 4}[worst]


def test_run_turns_expected_errors_into_their_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    missing = CommandLine(evidence=tmp_path / "missing.json").validate()
    err = io.StringIO()
    assert run(missing, io.StringIO(), err) == 2
    assert err.getvalue().startswith("Error: ")


V1 = Path(__file__).resolve().parents[1] / "data" / "evidence-v1.json"


@pytest.mark.parametrize(
    ("evidence", "baseline"),
    [(V1, EXAMPLE), (EXAMPLE, V1), (V1, V1)],
    ids=["v1-v2", "v2-v1", "v1-v1"],
)
def test_evidence_and_baseline_accept_both_schema_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, evidence: Path, baseline: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    options = CommandLine(evidence=evidence, baseline=baseline, fmt=Format.JSON).validate()
    out = io.StringIO()
    run(options, out, io.StringIO())
    report = json.loads(out.getvalue())
    assert report["schema_version"] == 1
    collected = [ns for ns in report["namespaces"] if ns["verdict"] != "error"]
    assert collected
    # The same run saved in either version: nothing changed since the baseline.
    assert all(ns["changes"] == [] for ns in collected)


@pytest.mark.parametrize(
    ("field", "value", "where", "kind"),
    [
        ("token", "dckr_pat_ab\udcffcd1234", "--token (or DOCKERHUB_TOKEN)", "not UTF-8"),
        ("token", "dckr_pat_ab\u00e9cd1234", "--token (or DOCKERHUB_TOKEN)", "outside ASCII"),
        ("token", "dckr_pat_ab\x1b[31mcd", "--token (or DOCKERHUB_TOKEN)", "control character"),
        ("token", "dckr_pat ab cd", "--token (or DOCKERHUB_TOKEN)", "white space"),
        ("github_token", "ghp_ab\udce9cd1234", "--github-token (or GITHUB_TOKEN)", "not UTF-8"),
        ("username", "ac\udcffme", "--username (or DOCKERHUB_USERNAME)", "not UTF-8"),
        ("username", "acme\u202e", "--username (or DOCKERHUB_USERNAME)", "control character"),
    ],
)
def test_a_token_or_username_that_http_cannot_carry_is_a_usage_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    field: str,
    value: str,
    where: str,
    kind: str,
) -> None:
    """Undecodable bytes in an environment variable or argument (Python hands them over as
    lone surrogates), control characters, spaces: exit 2 saying where, never echoing it."""
    monkeypatch.chdir(tmp_path)
    typed = {"username": "acme", "token": "dckr_pat_abcd1234", field: value}
    with pytest.raises(UsageError) as caught:
        CommandLine(namespaces=("acme",), **typed).validate()  # type: ignore[arg-type]
    message = caught.value.message
    assert message.startswith(f"{where}: not a "), message
    assert kind in message
    assert value not in message
    assert value[:8] not in message
    assert caught.value.exit_code == 2


def test_white_space_around_a_token_is_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = CommandLine(
        namespaces=("acme",), username=" acme\n", token="dckr_pat_abcd1234\n", github_token="  "
    ).validate()
    assert options.endpoints.token == "dckr_pat_abcd1234"
    assert options.endpoints.username == "acme"
    assert options.endpoints.github_token is None
