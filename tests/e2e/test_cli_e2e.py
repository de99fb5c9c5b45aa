"""End-to-end: the installed dsos-check CLI against the fake Docker Hub's standard world."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import RunCli
from tests.fakehub import (
    ACME,
    OUTSIDER,
    PRIV,
    PRIV_OAT,
    UNKNOWN_NAMESPACE,
    Credential,
    FakeDockerHub,
)
from tests.fakehub.scenarios import BIG_REPO_COUNT, standard_world
from tests.helpers import NAMESPACE_KEYS

Report = dict[str, Any]

REQUIRED_CHECKS = {
    "public",
    "osi-license",
    "active-development",
    "produces-images",
    "documentation",
    "organization",
}
OUTCOMES = {"pass", "warn", "review", "fail"}
VERDICTS = {"eligible", "needs_review", "not_eligible", "error"}
LICENSE_SOURCES = {"image-label", "source-repository", "description", "config", None}
BATCH = (
    "acmeoss",
    "sponsoredorg",
    "privateorg",
    "staleorg",
    "helmorg",
    "pluginorg",
    "emptyrepoorg",
    "someuser",
    "nolabelorg",
    "badlicenseorg",
    "singlearchorg",
)


def namespace(report: Report, name: str) -> dict[str, Any]:
    """The report entry for namespace `name`."""
    found = [n for n in report["namespaces"] if n["namespace"] == name]
    assert len(found) == 1, (
        f"{name} not exactly once in {[n['namespace'] for n in report['namespaces']]}"
    )
    entry = found[0]
    assert isinstance(entry, dict)
    return entry


def check(ns: dict[str, Any], check_id: str) -> dict[str, Any]:
    """One check of a namespace entry."""
    found = [c for c in ns["checks"] if c["id"] == check_id]
    assert len(found) == 1, f"check {check_id} not exactly once in {ns['checks']}"
    entry = found[0]
    assert isinstance(entry, dict)
    return entry


def repos(ns: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Repository entries by name."""
    return {r["name"]: r for r in ns["repositories"]}


def creds(c: Credential) -> list[str]:
    """`--username/--token` options for a credential."""
    return ["--username", c.username, "--token", c.token]


@pytest.fixture(scope="module")
def batch(run_cli: RunCli) -> Report:
    """One anonymous JSON run over every well-behaved namespace (exit: the worst verdict)."""
    result = run_cli(*BATCH, "-f", "json")
    assert result.returncode == 1, result.describe()
    return result.json()


# ============================================================================ report shape


def test_report_shape(batch: Report) -> None:
    assert batch["schema_version"] == 1
    assert batch["tool"]["name"] == "dsos-check"
    assert batch["tool"]["version"] == "0.1.0"
    assert batch["tool"]["spdx_license_list_version"] == "3.29"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", batch["generated_at"])
    assert batch["policy"]["active_days"] == 183
    assert [n["namespace"] for n in batch["namespaces"]] == list(BATCH)
    for ns in batch["namespaces"]:
        assert set(ns) >= NAMESPACE_KEYS
        assert ns["verdict"] in VERDICTS
        assert ns["error"] is None
        assert ns["authenticated"] is False
        assert ns["can_list_private"] is False
        assert ns["account"]["type"] in ("organization", "user")
        ids = [c["id"] for c in ns["checks"]]
        assert len(ids) == len(set(ids))
        assert set(ids) >= REQUIRED_CHECKS
        for c in ns["checks"]:
            assert c["outcome"] in OUTCOMES
            assert isinstance(c["summary"], str)
            assert c["summary"]
            assert isinstance(c["repositories"], list)
        # the contract's aggregation rule
        outcomes = {c["outcome"] for c in ns["checks"]}
        expected = (
            "not_eligible"
            if "fail" in outcomes
            else "needs_review"
            if "review" in outcomes
            else "eligible"
        )
        assert ns["verdict"] == expected, ns["namespace"]
        for r in ns["repositories"]:
            assert {
                "name",
                "is_private",
                "last_pushed",
                "content_types",
                "license",
                "outcomes",
            } <= (set(r))
            assert {"expression", "osi_approved", "source", "evidence"} <= set(r["license"])
            assert r["license"]["source"] in LICENSE_SOURCES
            assert isinstance(r["license"]["evidence"], list)
            assert set(r["outcomes"].values()) <= OUTCOMES
            assert set(r["outcomes"]) <= {c["id"] for c in ns["checks"]}
            if r["last_pushed"] is not None:
                datetime.fromisoformat(r["last_pushed"].replace("Z", "+00:00"))


# ============================================================================ credentials


@pytest.mark.parametrize("how", ["options", "environment"])
def test_eligible_with_member_token(run_cli: RunCli, fake: FakeDockerHub, how: str) -> None:
    if how == "options":
        result = run_cli("acmeoss", "-f", "json", *creds(ACME))
    else:
        result = run_cli(
            "acmeoss",
            point_at_fakes=False,
            env={
                "DOCKERHUB_USERNAME": ACME.username,
                "DOCKERHUB_TOKEN": ACME.token,
                "DSOS_FORMAT": "json",
                "DSOS_HUB_URL": fake.hub_url,
                "DSOS_REGISTRY_URL": fake.registry_url,
                "DSOS_GITHUB_API_URL": fake.github_url,
            },
        )
    assert result.returncode == 0, result.describe()
    ns = namespace(result.json(), "acmeoss")
    assert ns["verdict"] == "eligible"
    assert ns["authenticated"] is True
    assert ns["can_list_private"] is True
    assert ns["account"] == {"type": "organization", "badge": None}
    for check_id in REQUIRED_CHECKS:
        assert check(ns, check_id)["outcome"] == "pass", check(ns, check_id)
    by_name = repos(ns)
    assert set(by_name) == {"server", "toolkit"}
    for r in by_name.values():
        assert r["license"]["source"] == "image-label", r
        assert r["license"]["osi_approved"] is True, r
        assert r["is_private"] is False
        assert r["content_types"] == ["image"]
    assert by_name["server"]["license"]["expression"] == "Apache-2.0"
    # from the manifest annotation (the toolkit config has no license label)
    assert set(re.findall(r"[\w.-]+", by_name["toolkit"]["license"]["expression"])) == {
        "MIT",
        "OR",
        "Apache-2.0",
    }
    assert ACME.token not in result.stdout + result.stderr


def test_anonymous_needs_review(run_cli: RunCli) -> None:
    result = run_cli("acmeoss", "-f", "json")
    assert result.returncode == 3, result.describe()
    ns = namespace(result.json(), "acmeoss")
    assert (ns["verdict"], ns["authenticated"], ns["can_list_private"]) == (
        "needs_review",
        False,
        False,
    )
    assert check(ns, "public")["outcome"] == "review"
    relaxed = run_cli("acmeoss", "-f", "json", "--fail-on", "not-eligible")
    assert relaxed.returncode == 0, relaxed.describe()
    assert namespace(relaxed.json(), "acmeoss")["verdict"] == "needs_review"


def test_private_repository_seen_with_member_token(run_cli: RunCli) -> None:
    result = run_cli("privateorg", "-f", "json", *creds(PRIV))
    assert result.returncode == 1, result.describe()
    ns = namespace(result.json(), "privateorg")
    assert ns["verdict"] == "not_eligible"
    assert ns["can_list_private"] is True
    public = check(ns, "public")
    assert public["outcome"] == "fail"
    assert public["repositories"] == ["secret"]
    assert repos(ns)["secret"]["is_private"] is True
    assert repos(ns)["app"]["is_private"] is False


def test_organization_access_token_of_the_namespace(run_cli: RunCli) -> None:
    result = run_cli("privateorg", "-f", "json", *creds(PRIV_OAT))
    assert result.returncode == 1, result.describe()
    ns = namespace(result.json(), "privateorg")
    assert ns["can_list_private"] is True
    assert check(ns, "public")["outcome"] == "fail"
    assert "secret" in check(ns, "public")["repositories"]


@pytest.mark.parametrize("cred", [OUTSIDER, ACME], ids=["outsider", "member-of-another-org"])
def test_non_member_token_is_as_good_as_anonymous(run_cli: RunCli, cred: Credential) -> None:
    result = run_cli("privateorg", "-f", "json", *creds(cred))
    assert result.returncode == 3, result.describe()
    ns = namespace(result.json(), "privateorg")
    assert ns["authenticated"] is True
    assert ns["can_list_private"] is False
    assert check(ns, "public")["outcome"] == "review"
    assert set(repos(ns)) == {"app"}


def test_wrong_token_is_an_error(run_cli: RunCli) -> None:
    result = run_cli("acmeoss", "-f", "json", "--username", ACME.username, "--token", "nope")
    # A rejected login is a namespace that could not be checked, not a usage error.
    assert result.returncode == 4, result.describe()
    assert result.json()["namespaces"][0]["verdict"] == "error"
    assert "nope" not in result.stdout + result.stderr


# ============================================================================ per-namespace checks


def test_privateorg_anonymous_sees_only_public(batch: Report) -> None:
    ns = namespace(batch, "privateorg")
    assert set(repos(ns)) == {"app"}
    assert check(ns, "public")["outcome"] == "review"


def test_stale(run_cli: RunCli, batch: Report) -> None:
    result = run_cli("staleorg", "-f", "json")
    assert result.returncode == 1, result.describe()
    ns = namespace(result.json(), "staleorg")
    active = check(ns, "active-development")
    assert active["outcome"] == "fail"
    assert set(active["repositories"]) == {"legacyapp", "oldtool"}
    assert namespace(batch, "staleorg")["verdict"] == "not_eligible"


def test_active_days_widens_the_window(run_cli: RunCli) -> None:
    result = run_cli("staleorg", "-f", "json", "--active-days", "1000")
    ns = namespace(result.json(), "staleorg")
    assert result.json()["policy"]["active_days"] == 1000
    assert check(ns, "active-development")["outcome"] == "pass"
    assert result.returncode == 3, result.describe()


def test_helm_only_repository(batch: Report) -> None:
    ns = namespace(batch, "helmorg")
    produces = check(ns, "produces-images")
    assert produces["outcome"] == "fail"
    assert produces["repositories"] == ["charts"]
    assert repos(ns)["charts"]["content_types"] == ["helm"]
    assert repos(ns)["charts"]["outcomes"]["produces-images"] == "fail"
    assert repos(ns)["app"]["outcomes"]["produces-images"] == "pass"
    assert ns["verdict"] == "not_eligible"


@pytest.mark.parametrize(
    ("ns_name", "repo"), [("pluginorg", "volumeplugin"), ("emptyrepoorg", "placeholder")]
)
def test_no_images(batch: Report, ns_name: str, repo: str) -> None:
    ns = namespace(batch, ns_name)
    produces = check(ns, "produces-images")
    assert produces["outcome"] == "fail"
    assert produces["repositories"] == [repo]
    assert ns["verdict"] == "not_eligible"


def test_personal_account(batch: Report) -> None:
    ns = namespace(batch, "someuser")
    assert ns["account"]["type"] == "user"
    assert check(ns, "organization")["outcome"] == "review"


def test_sponsored_badge(batch: Report) -> None:
    ns = namespace(batch, "sponsoredorg")
    assert ns["account"] == {"type": "organization", "badge": "open_source"}
    assert namespace(batch, "acmeoss")["account"]["badge"] is None


def test_no_labels_no_docs(batch: Report) -> None:
    ns = namespace(batch, "nolabelorg")
    assert check(ns, "osi-license")["outcome"] in ("review", "fail")
    assert check(ns, "documentation")["outcome"] in ("review", "fail")
    for r in repos(ns).values():
        assert r["license"]["expression"] is None
        assert r["license"]["osi_approved"] is None
        assert r["license"]["source"] is None


def test_not_osi_license(batch: Report) -> None:
    ns = namespace(batch, "badlicenseorg")
    osi = check(ns, "osi-license")
    assert osi["outcome"] == "fail"
    assert osi["repositories"] == ["db"]
    lic = repos(ns)["db"]["license"]
    assert (lic["expression"], lic["osi_approved"], lic["source"]) == (
        "SSPL-1.0",
        False,
        "image-label",
    )


def test_single_arch_tag_without_top_level_digest(batch: Report) -> None:
    ns = namespace(batch, "singlearchorg")
    lic = repos(ns)["legacy"]["license"]
    assert (lic["expression"], lic["osi_approved"], lic["source"]) == (
        "Apache-2.0",
        True,
        "image-label",
    )
    assert repos(ns)["legacy"]["last_pushed"] is not None


def test_unknown_namespace(run_cli: RunCli) -> None:
    result = run_cli(UNKNOWN_NAMESPACE, "-f", "json")
    assert result.returncode == 4, result.describe()
    ns = namespace(result.json(), UNKNOWN_NAMESPACE)
    assert ns["verdict"] == "error"
    assert ns["checks"] == []
    assert "not found" in ns["error"].lower()


def test_big_organization_is_fully_paginated(run_cli: RunCli, fake: FakeDockerHub) -> None:
    mark = fake.mark()
    result = run_cli("bigorg", "-f", "json")
    assert result.returncode == 3, result.describe()
    ns = namespace(result.json(), "bigorg")
    names = [r["name"] for r in ns["repositories"]]
    assert len(names) == len(set(names)) == BIG_REPO_COUNT
    assert check(ns, "osi-license")["outcome"] == "pass"
    assert check(ns, "active-development")["outcome"] == "pass"
    listing = [
        r
        for r in fake.iter_requests(mark)
        if r.server == "hub"
        and re.fullmatch(r"/v2/(namespaces/bigorg/repositories|repositories/bigorg)/?", r.path)
    ]
    assert 3 <= len(listing) <= 4, [r.target for r in listing]  # 100 per page, maybe one 404 probe


# ============================================================================ hostile data


def test_hostile_table_output(run_cli: RunCli, fake: FakeDockerHub) -> None:
    result = run_cli("hostileorg", "-f", "table", *creds(ACME))
    assert result.returncode in (1, 3), result.describe()
    assert result.stdout.strip(), result.describe()
    assert "\x1b" not in result.stdout
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stdout
    assert "Traceback" not in result.stderr
    for secret in [ACME.token, *fake.issued_tokens]:
        assert secret not in result.stdout + result.stderr


def test_hostile_json_output(run_cli: RunCli, fake: FakeDockerHub) -> None:
    result = run_cli("hostileorg", "-f", "json", *creds(ACME))
    assert result.returncode in (1, 3), result.describe()
    assert "\x1b" not in result.stdout  # escaped as \u001b inside JSON strings
    ns = namespace(result.json(), "hostileorg")
    assert set(repos(ns)) == {"longlabel", "nested", "ansi"}
    for name in ("longlabel", "nested"):
        assert repos(ns)[name]["license"]["osi_approved"] is not True, name
    for secret in [ACME.token, *fake.issued_tokens]:
        assert secret not in result.stdout + result.stderr


# ============================================================================ usage errors


@pytest.mark.parametrize(
    "name",
    ["Foo/Bar", "../x", "", "a" * 300, "a?b"],
    ids=["slash", "dotdot", "empty", "long", "query"],
)
def test_invalid_namespace_is_a_usage_error(
    run_cli: RunCli, fake: FakeDockerHub, name: str
) -> None:
    before = fake.request_count()
    result = run_cli(name)
    assert result.returncode == 2, result.describe()
    assert len(result.stderr.strip().splitlines()) == 1, result.describe()
    assert result.stdout == ""
    assert fake.request_count() == before


def test_version(run_cli: RunCli) -> None:
    result = run_cli("--version", point_at_fakes=False, real_process=True)
    assert result.returncode == 0, result.describe()
    assert result.stdout.strip() == "dsos-check 0.1.0 (SPDX license list 3.29)"


def test_output_file(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli("acmeoss", "-f", "json", "--output", str(out), *creds(ACME), real_process=True)
    assert result.returncode == 0, result.describe()
    assert result.stdout == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    assert namespace(report, "acmeoss")["verdict"] == "eligible"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left behind
    assert out.stat().st_mode & 0o044 == 0o044  # readable like any file the user writes


def test_from_file(run_cli: RunCli) -> None:
    result = run_cli(
        "--from-file",
        "names.txt",
        "-f",
        "json",
        files={"names.txt": "# our namespaces\n\nacmeoss\n  \nstaleorg\n"},
        real_process=True,
    )
    assert result.returncode == 1, result.describe()
    assert [n["namespace"] for n in result.json()["namespaces"]] == ["acmeoss", "staleorg"]


@pytest.mark.parametrize(
    ("names", "code"),
    [
        (("acmeoss", "someuser"), 3),
        (("acmeoss", "staleorg"), 1),
        (("staleorg", UNKNOWN_NAMESPACE, "acmeoss"), 4),
    ],
)
def test_several_namespaces_exit_with_the_worst_verdict(
    run_cli: RunCli, names: tuple[str, ...], code: int
) -> None:
    result = run_cli(*names, "-f", "json")
    assert result.returncode == code, result.describe()
    assert [n["namespace"] for n in result.json()["namespaces"]] == list(names)


# ============================================================================ where secrets go


def _secrets_in(value: str) -> str:
    """A header value plus, for Basic credentials, its decoded form."""
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "basic":
        try:
            return value + " " + base64.b64decode(rest).decode(errors="replace")
        except ValueError:
            return value
    return value


def test_credentials_only_go_where_they_belong(run_cli: RunCli, fake: FakeDockerHub) -> None:
    mark = fake.mark()
    tokens_before = fake.token_requests
    result = run_cli("privateorg", "acmeoss", "-f", "json", "-v", *creds(PRIV))
    assert result.returncode == 1, result.describe()
    assert PRIV.token not in result.stdout + result.stderr
    for secret in fake.issued_tokens:
        assert secret not in result.stdout + result.stderr

    requests = list(fake.iter_requests(mark))
    hub_jwts = set(fake.hub_tokens)
    registry_tokens = set(fake.registry_tokens)
    assert fake.token_requests > tokens_before, "the registry token service was never asked"
    assert any(r.server == "cdn" for r in requests), "no blob was fetched through the CDN"
    assert any(
        r.server == "registry"
        and (r.authorization or "").removeprefix("Bearer ") in registry_tokens
        for r in requests
    )

    for r in requests:
        where = f"{r.server} {r.method} {r.target}"
        headers = " ".join(_secrets_in(v) for v in r.headers.values())
        assert PRIV.token not in r.target, where
        if r.server == "cdn":
            assert r.authorization is None, where
        if r.server == "github":
            assert r.authorization is None, where  # no --github-token was given
        if r.server != "auth":
            assert PRIV.token not in headers, where  # the PAT only goes to the token service
        if r.server != "hub":
            assert not any(t in headers for t in hub_jwts), where
        if r.server != "registry":
            assert not any(t in headers for t in registry_tokens), where
        if r.server == "hub" and r.body:
            assert r.path.rstrip("/") in ("/v2/auth/token", "/v2/users/login"), where


# ============================================================================ resilience


def test_retries_429_and_503(run_cli: RunCli, fake: FakeDockerHub) -> None:
    fake.inject("hub", "/v2/orgs/acmeoss", ("status", 429, {"Retry-After": "1"}))
    fake.inject("hub", "/v2/namespaces/acmeoss/repositories", ("status", 503))
    result = run_cli("acmeoss", "-f", "json", *creds(ACME))
    pending = fake.hub.pending_faults()
    fake.hub.clear_faults()
    assert pending == 0
    assert result.returncode == 0, result.describe()
    assert namespace(result.json(), "acmeoss")["verdict"] == "eligible"


@pytest.mark.parametrize(
    "fault", [("reset",), ("truncate", "short-read")], ids=["reset", "short-read"]
)
def test_one_dropped_connection_is_retried(
    run_cli: RunCli, fake: FakeDockerHub, fault: tuple[object, ...]
) -> None:
    fake.inject("hub", "/v2/orgs/acmeoss", fault)
    try:
        result = run_cli("acmeoss", "-f", "json", *creds(ACME))
        pending = fake.hub.pending_faults()
    finally:
        fake.hub.clear_faults()
    assert pending == 0
    assert result.returncode == 0, result.describe()
    assert namespace(result.json(), "acmeoss")["verdict"] == "eligible"


@pytest.mark.parametrize(
    ("fault", "extra"),
    [
        (("html", 502), ()),
        (("truncate",), ()),
        (("reset",), ()),
        (("stall", 2), ("--timeout", "0.5")),
    ],
    ids=["html-502", "truncated-json", "connection-reset", "stall"],
)
def test_persistent_api_failure_is_an_error_verdict(
    run_cli: RunCli, fake: FakeDockerHub, fault: tuple[object, ...], extra: tuple[str, ...]
) -> None:
    fake.inject("hub", "/v2/orgs/acmeoss", *[fault] * 8)
    try:
        result = run_cli("acmeoss", "staleorg", "-f", "json", *extra, timeout=45)
    finally:
        fake.hub.clear_faults()
    assert result.returncode == 4, result.describe()
    assert "Traceback" not in result.stderr
    report = result.json()
    ns = namespace(report, "acmeoss")
    assert ns["verdict"] == "error"
    assert ns["checks"] == []
    assert ns["error"]
    assert "\n" not in ns["error"]
    assert "<html" not in ns["error"].lower()
    # the other namespace is still checked
    assert namespace(report, "staleorg")["verdict"] == "not_eligible"


def test_legacy_endpoints_only(run_cli: RunCli) -> None:
    world = standard_world()
    world.namespaces_api = False
    with FakeDockerHub(world) as old_hub:
        result = run_cli("acmeoss", "-f", "json", *creds(ACME), stack=old_hub)
        assert result.returncode == 0, result.describe()
        ns = namespace(result.json(), "acmeoss")
        assert ns["verdict"] == "eligible"
        assert set(repos(ns)) == {"server", "toolkit"}
        assert old_hub.hub.count("/v2/repositories/acmeoss") >= 1


def test_next_url_on_another_host_never_receives_the_token(run_cli: RunCli) -> None:
    world = standard_world()
    world.hub_next_on_mirror = True
    with FakeDockerHub(world) as mirrored:
        result = run_cli("bigorg", "-f", "json", *creds(ACME), stack=mirrored)
        assert result.returncode in (0, 3), result.describe()
        ns = namespace(result.json(), "bigorg")
        assert len(ns["repositories"]) == BIG_REPO_COUNT
        pages = [r for r in mirrored.mirror.requests if "/repositories" in r.path]
        assert len(pages) == 2  # pages 2 and 3 came from the other host
        assert all(r.authorization is None for r in mirrored.mirror.requests)
        assert all(ACME.token not in str(r.headers) for r in mirrored.mirror.requests)


def test_ctrl_c_exits_130_and_leaves_no_output_file(fake: FakeDockerHub, tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    from tests.e2e.conftest import clean_env, cli_executable

    fake.inject("hub", "/v2/orgs/acmeoss", ("stall", 15))
    mark = fake.mark()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    target = cwd / "report.json"
    process = subprocess.Popen(
        [cli_executable(), *fake.cli_args(), "acmeoss", "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        # a HOME of its own: with the user's, a cached answer could skip the stalled request
        env=clean_env(None, tmp_path / "home"),
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            r.path.startswith("/v2/orgs/acmeoss") for r in fake.iter_requests(mark)
        ):
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
        fake.hub.clear_faults()
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr
    assert not target.exists()
    assert list(cwd.iterdir()) == []


def test_a_warm_rerun_sends_no_request_and_no_cache_bypasses_it(
    run_cli: RunCli, fake: FakeDockerHub, tmp_path: Path
) -> None:
    env = {"DSOS_CACHE_DIR": str(tmp_path / "cache"), "DSOS_CACHE_TTL": "600"}
    first = run_cli("acmeoss", "-f", "json", env=env)
    mark = fake.mark()
    second = run_cli("acmeoss", "-f", "json", env=env)
    assert list(fake.iter_requests(mark)) == []

    def decisions(report: Report) -> list[Any]:
        # Prose such as "last push 3 days ago" moves with the clock; the decisions must not.
        return [
            (
                n["verdict"],
                [(c["id"], c["outcome"]) for c in n["checks"]],
                [(r["name"], r["outcomes"], r["license"]["expression"]) for r in n["repositories"]],
            )
            for n in report["namespaces"]
        ]

    assert decisions(second.json()) == decisions(first.json())
    mark = fake.mark()
    run_cli("acmeoss", "-f", "json", "--no-cache", env=env)
    assert len(list(fake.iter_requests(mark))) > 5


def test_pacing_keeps_a_rate_limited_run_free_of_429s(run_cli: RunCli) -> None:
    from tests.fakehub import Namespace
    from tests.fakehub.scenarios import image_repo

    world = standard_world()
    world.namespaces.append(
        Namespace("pacedorg", repos=[image_repo("pacedorg", f"r{i:02d}") for i in range(45)])
    )
    world.hub_rate_limit = 20
    world.hub_rate_window = 1.0
    world.enforce_hub_rate_limit = True
    with FakeDockerHub(world) as limited:
        result = run_cli("pacedorg", "-f", "json", stack=limited, timeout=60)
        assert result.returncode == 3, result.describe()
        assert len(namespace(result.json(), "pacedorg")["repositories"]) == 45
        assert limited.state.hub_429s == 0


def test_registry_tokens_only_for_repositories_that_may_hold_images(
    run_cli: RunCli, fake: FakeDockerHub
) -> None:
    mark = fake.mark()
    result = run_cli("helmorg", "-f", "json")
    assert result.returncode == 1, result.describe()
    scopes = [
        scope
        for r in fake.iter_requests(mark)
        if r.server == "auth"
        for scope in r.query.get("scope", [])
    ]
    assert "repository:helmorg/app:pull" in scopes
    assert "repository:helmorg/charts:pull" not in scopes
