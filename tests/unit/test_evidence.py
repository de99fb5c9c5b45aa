"""Evidence files: round trip, offline re-evaluation, the example, errors, atomic writes, no secrets."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import threading
import typing
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import AwareDatetime, BaseModel

from dsos_check import __version__, evidence
from dsos_check.collect.collector import Collector
from dsos_check.collect.github import GitHubClient
from dsos_check.collect.http import Http
from dsos_check.collect.hub import HubClient
from dsos_check.collect.registry import RegistryClient
from dsos_check.errors import UsageError
from dsos_check.evidence import (
    EVIDENCE_KIND,
    EVIDENCE_SCHEMA_VERSION,
    EvidenceFile,
    dump_evidence,
    load_evidence,
    read_evidence,
    write_evidence,
)
from dsos_check.evidence_slices import layout_of, read_in_slices
from dsos_check.evidence_v1 import migrate_v1
from dsos_check.judge import error_report, evaluate
from dsos_check.licenses.spdx import SPDX_LICENSE_LIST_VERSION
from dsos_check.models import (
    Collected,
    CollectionFailure,
    ImageEvidence,
    LookupFailure,
    NamespaceEvidence,
    NamespaceReport,
    Outcome,
    Policy,
    Problem,
    RepositoryEvidence,
    SourceRepositoryEvidence,
    TagEvidence,
    Verdict,
)
from tests.fakehub import ACME, FakeDockerHub, standard_world
from tests.unit.checks.factories import NOW, make_evidence, make_repo

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "evidence.json"
LICENSES = "org.opencontainers.image.licenses"
GITHUB_TOKEN = "ghp_" + "x" * 36


def rich_repo(name: str, pushed: datetime, **overrides: Any) -> RepositoryEvidence:
    """A repository with every kind of evidence filled in (and microseconds in its dates)."""
    fields: dict[str, Any] = {
        "name": name,
        "last_updated": pushed + timedelta(seconds=41, microseconds=7),
        "tag_count": 12,
        "newest_tag": TagEvidence(
            name="1.2.3",
            digest="sha256:" + "a" * 64,
            last_pushed=pushed,
            media_type="application/vnd.oci.image.index.v1+json",
            content_type="image",
            platform_digests={"linux/amd64": "sha256:" + "b" * 64},
        ),
        "image": ImageEvidence(
            reference="sha256:" + "a" * 64,
            platform="linux/amd64",
            manifest_media_type="application/vnd.oci.image.index.v1+json",
            config_media_type="application/vnd.oci.image.config.v1+json",
            labels={LICENSES: "Apache-2.0", "empty": "", "unicode ✓": "naïve — “quoted”"},
            annotations={"org.opencontainers.image.source": f"https://github.com/example/{name}"},
        ),
        "source_repository": SourceRepositoryEvidence(
            url=f"https://github.com/example/{name}",
            found_in="annotation org.opencontainers.image.source",
            status="found",
            spdx_id="Apache-2.0",
            license_name="Apache License 2.0",
            license_path="LICENSE",
            license_text="Apache License\nVersion 2.0, January 2004\n",
        ),
        "problems": (Problem(service=LookupFailure.REGISTRY, message="tags could not be read"),),
    }
    fields.update(overrides)
    return make_repo(**fields)


def sample() -> list[Collected]:
    """Two collected namespaces (one with an odd-but-valid shape) and one failure."""
    first = make_evidence(
        namespace="example",
        authenticated=True,
        can_list_private=True,
        collected_at=NOW.replace(microsecond=123456),
        repositories=(
            rich_repo("app", NOW - timedelta(days=3, microseconds=613197)),
            rich_repo("tool", NOW - timedelta(days=400), image=None, source_repository=None),
        ),
    )
    empty = make_evidence(namespace="empty-org", repositories=(), collected_at=NOW)
    failure = CollectionFailure(
        namespace="ghostns", error="namespace 'ghostns' not found on Docker Hub", authenticated=True
    )
    return [first, empty, failure]


def report_of(item: Collected) -> NamespaceReport:
    """What the pipeline reports for one namespace of an evidence file."""
    if isinstance(item, NamespaceEvidence):
        return evaluate(item, Policy())
    return error_report(item.namespace, item.error, authenticated=item.authenticated)


def saved(tmp_path: Path, items: list[Collected], name: str = "evidence.json") -> str:
    path = str(tmp_path / name)
    write_evidence(path, items, generated_at=NOW)
    return path


# --------------------------------------------------------------------------- round trip


def test_round_trip_keeps_every_field_microseconds_and_failures(tmp_path: Path) -> None:
    items = sample()
    loaded = load_evidence(saved(tmp_path, items))
    assert loaded == items
    first = loaded[0]
    assert isinstance(first, NamespaceEvidence)
    assert first.collected_at.microsecond == 123456
    assert first.repositories[0].newest_tag is not None
    assert first.repositories[0].newest_tag.last_pushed == NOW - timedelta(
        days=3, microseconds=613197
    )
    assert isinstance(loaded[2], CollectionFailure)
    # Dumping what was loaded gives the same text: the format is canonical and deterministic.
    assert dump_evidence(loaded, generated_at=NOW) == dump_evidence(items, generated_at=NOW)


def test_the_file_has_the_documented_header_and_utc_datetimes(tmp_path: Path) -> None:
    path = saved(tmp_path, sample())
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert list(data) == ["schema_version", "kind", "tool", "generated_at", "namespaces"]
    assert data["schema_version"] == EVIDENCE_SCHEMA_VERSION == 2
    assert data["kind"] == EVIDENCE_KIND == "dsos-check-evidence"
    assert data["tool"] == {
        "name": "dsos-check",
        "version": __version__,
        "spdx_license_list_version": SPDX_LICENSE_LIST_VERSION,
    }
    assert data["generated_at"] == "2026-11-23T00:00:00Z"
    assert [entry["status"] for entry in data["namespaces"]] == ["collected", "collected", "error"]
    assert data["namespaces"][0]["evidence"]["collected_at"] == "2026-11-23T00:00:00.123456Z"
    assert data["namespaces"][2]["failure"]["namespace"] == "ghostns"
    header = read_evidence(path)
    assert header.generated_at == NOW
    assert header.tool.version == __version__


def test_everything_collected_is_kept(tmp_path: Path) -> None:
    text = Path(saved(tmp_path, sample())).read_text(encoding="utf-8")
    for kept in ("Apache License\\nVersion 2.0", "naïve — “quoted”", "unicode ✓", "Source:"):
        assert kept in text
    assert '"problems": [\n' in text


def test_datetimes_are_written_in_utc_whatever_their_zone() -> None:
    plus_two = timezone(timedelta(hours=2))
    repo = make_repo(
        last_updated=datetime(2026, 11, 1, 14, 0, 0, 5, tzinfo=plus_two),
        newest_tag=TagEvidence(name="v1", last_pushed=datetime(2026, 11, 1, 9, 30, tzinfo=UTC)),
    )
    item = make_evidence(repositories=(repo,), collected_at=NOW.astimezone(plus_two))
    data = json.loads(
        dump_evidence([item], generated_at=datetime(2026, 11, 23, 1, 0, tzinfo=plus_two))
    )
    assert data["generated_at"] == "2026-11-22T23:00:00Z"
    written = data["namespaces"][0]["evidence"]
    assert written["collected_at"] == "2026-11-23T00:00:00Z"
    assert written["repositories"][0]["last_updated"] == "2026-11-01T12:00:00.000005Z"
    assert written["repositories"][0]["newest_tag"]["last_pushed"] == "2026-11-01T09:30:00Z"


def test_a_lone_surrogate_becomes_a_replacement_character(tmp_path: Path) -> None:
    # Python's json module lets "\ud800" through from a stranger's API answer; UTF-8 cannot hold it.
    image = ImageEvidence(reference="v1", labels={"key\udfff": "value\ud83d"})
    repo = make_repo(description="broken \ud800 emoji", image=image)
    (loaded,) = load_evidence(saved(tmp_path, [make_evidence(repositories=(repo,))]))
    assert isinstance(loaded, NamespaceEvidence)
    assert loaded.repositories[0].description == "broken \ufffd emoji"
    assert loaded.repositories[0].image == ImageEvidence(
        reference="v1", labels={"key\ufffd": "value\ufffd"}
    )


def test_nothing_to_save_is_refused() -> None:
    with pytest.raises(ValueError, match="no namespaces"):
        dump_evidence([], generated_at=NOW)


def _datetime_fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        stack: list[Any] = [field.annotation]
        while stack:
            hint = stack.pop()
            if hint is datetime or hint is AwareDatetime:
                yield f"{prefix}{model.__name__}.{name}"
            elif isinstance(hint, type) and issubclass(hint, BaseModel):
                yield from _datetime_fields(hint, prefix)
            else:
                stack.extend(typing.get_args(hint))


def test_the_timezone_checks_cover_every_datetime_of_the_evidence() -> None:
    # evidence._utc_repository names these fields one by one; models.UtcTime types them.
    assert sorted(set(_datetime_fields(NamespaceEvidence))) == [
        "CollectionNotes.github_resets_at",
        "CollectionNotes.pull_budget_refills_by",
        "NamespaceEvidence.collected_at",
        "RepositoryEvidence.last_updated",
        "TagEvidence.last_pushed",
    ]


# --------------------------------------------------------------------------- re-evaluation


def test_re_evaluation_is_identical_and_uses_only_the_collection_time(tmp_path: Path) -> None:
    collected = datetime(2021, 6, 1, 12, 0, tzinfo=UTC)  # years ago: the wall clock would fail it
    active = make_evidence(
        namespace="active",
        collected_at=collected,
        repositories=(make_repo(name="app", last_updated=collected - timedelta(days=10)),),
    )
    stale = make_evidence(
        namespace="stale",
        collected_at=collected,
        repositories=(make_repo(name="app", last_updated=collected - timedelta(days=400)),),
    )
    items: list[Collected] = [active, stale]
    at_collection = [report_of(item) for item in items]
    loaded = load_evidence(saved(tmp_path, items))
    once = [report_of(item) for item in loaded]
    twice = [report_of(item) for item in loaded]
    assert once == twice == at_collection
    assert datetime.now(UTC) - collected > timedelta(days=Policy().active_days)

    def activity(report: NamespaceReport) -> Outcome:
        return next(c.outcome for c in report.checks if c.id == "active-development")

    assert activity(once[0]) is Outcome.PASS
    assert activity(once[1]) is Outcome.FAIL


def test_re_evaluation_of_a_sample_matches_the_in_memory_evaluation(tmp_path: Path) -> None:
    items = sample()
    loaded = load_evidence(saved(tmp_path, items))
    assert [report_of(i) for i in loaded] == [report_of(i) for i in items]


# --------------------------------------------------------------------------- the example


def test_the_example_file_loads_and_gives_the_documented_verdicts() -> None:
    assert EXAMPLE.stat().st_size < 30_000
    items = load_evidence(str(EXAMPLE))
    reports = {r.namespace: r for r in map(report_of, items)}
    assert {name: r.verdict for name, r in reports.items()} == {
        "exampleoss": Verdict.ELIGIBLE,
        "examplecorp": Verdict.NOT_ELIGIBLE,
        "ghostns": Verdict.ERROR,
    }
    oss = reports["exampleoss"]
    assert oss.authenticated
    assert oss.can_list_private
    assert {r.name: r.license.expression for r in oss.repositories} == {
        "cli": "MIT",
        "server": "Apache-2.0",
    }
    corp = {c.id: c for c in reports["examplecorp"].checks}
    assert corp["produces-images"].outcome is Outcome.FAIL
    assert corp["produces-images"].repositories == ("charts",)
    assert corp["non-commercial"].outcome is Outcome.REVIEW
    assert corp["non-commercial"].repositories == ("platform",)
    assert corp["public"].outcome is Outcome.REVIEW  # a token, but not one of examplecorp's
    assert corp["active-development"].per_repository["legacy-agent"].outcome is Outcome.WARN
    assert reports["ghostns"].error == "namespace 'ghostns' not found on Docker Hub"


def test_the_example_file_is_in_canonical_form() -> None:
    document = read_evidence(str(EXAMPLE))
    text = dump_evidence(document.items, generated_at=document.generated_at)
    assert text == EXAMPLE.read_text(encoding="utf-8"), (
        "examples/evidence.json is stale: rewrite it with "
        "dump_evidence(load_evidence(path), generated_at=...) and check its verdicts"
    )


# --------------------------------------------------------------------------- errors


def _valid() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(dump_evidence(sample(), generated_at=NOW))
    return data


def _edit(change: Callable[[dict[str, Any]], object]) -> str:
    data = _valid()
    change(data)
    return json.dumps(data, indent=2)


def _repo(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    repo: dict[str, Any] = data["namespaces"][0]["evidence"]["repositories"][index]
    return repo


REPORT_FILE = json.dumps(
    {
        "schema_version": 1,
        "tool": {"name": "dsos-check", "version": "0.1.0", "spdx_license_list_version": "3.29"},
        "generated_at": "2026-11-23T10:00:00Z",
        "policy": {"active_days": 183},
        "namespaces": [],
    }
)

BAD_FILES: list[tuple[str, str | bytes, str]] = [
    ("empty", "", "the file is empty"),
    ("blank", " \n\t\n", "the file is empty"),
    ("not-json", "{schema_version: 1}", "invalid JSON: key must be a string at line 1 column 2"),
    ("truncated", json.dumps(_valid(), indent=2)[:500], "the file is truncated (invalid JSON: EOF"),
    ("not-utf8", '{"kind": "caf\xe9"}'.encode("latin-1"), "not UTF-8"),
    ("too-deep", "[" * 10_000 + "]" * 10_000, "nested more than 200 levels deep"),
    ("array", "[]", "not an evidence file: the top level is an array, not an object"),
    ("string", '"evidence"', "the top level is a string"),
    ("no-kind", _edit(lambda d: d.pop("kind")), '"kind" is missing'),
    ("wrong-kind", _edit(lambda d: d.update(kind="sbom")), '"kind" is "sbom", expected'),
    ("report", REPORT_FILE, "this is a dsos-check report (--format json), not an evidence file"),
    ("no-version", _edit(lambda d: d.pop("schema_version")), "schema_version is missing"),
    (
        "future-version",
        _edit(lambda d: d.update(schema_version=3, shiny={}, tool={**d["tool"], "version": "9.0"})),
        "unsupported schema_version 3 (supported: 1, 2); the file was written by dsos-check 9.0",
    ),
    ("string-version", _edit(lambda d: d.update(schema_version="1")), 'schema_version "1"'),
    (
        "bad-datetime",
        _edit(lambda d: _repo(d, 1).update(last_updated="yesterday")),
        "namespaces[0].evidence.repositories[1].last_updated: Input should be a valid datetime",
    ),
    (
        "number-datetime",
        _edit(lambda d: _repo(d).update(last_updated=1_700_000_000)),
        "repositories[0].last_updated: Input should be a valid datetime (got 1700000000)",
    ),
    (
        "naive-datetime",
        _edit(lambda d: _repo(d).update(last_updated="2026-11-01T12:00:00")),
        "namespaces[0].evidence.repositories[0].last_updated: the datetime has no time zone",
    ),
    (
        "naive-tag",
        _edit(lambda d: _repo(d)["newest_tag"].update(last_pushed="2026-11-01T12:00:00.5")),
        "repositories[0].newest_tag.last_pushed: the datetime has no time zone",
    ),
    (
        "naive-collected-at",
        _edit(lambda d: d["namespaces"][1]["evidence"].update(collected_at="2026-11-01T12:00:00")),
        "namespaces[1].evidence.collected_at: the datetime has no time zone",
    ),
    (
        "naive-generated-at",
        _edit(lambda d: d.update(generated_at="2026-11-01T12:00:00")),
        "generated_at: the datetime has no time zone",
    ),
    (
        "string-int",
        _edit(lambda d: _repo(d).update(tag_count="12")),
        'repositories[0].tag_count: Input should be a valid integer (got "12")',
    ),
    (
        "string-bool",
        _edit(lambda d: d["namespaces"][0]["evidence"].update(authenticated="true")),
        'namespaces[0].evidence.authenticated: Input should be a valid boolean (got "true")',
    ),
    (
        "label-number",
        _edit(lambda d: _repo(d)["image"]["labels"].update({LICENSES: 5})),
        f'repositories[0].image.labels["{LICENSES}"]: Input should be a valid string (got 5)',
    ),
    (
        "array-for-string",
        _edit(lambda d: _repo(d).update(description=["x"])),
        "repositories[0].description: Input should be a valid string (got an array)",
    ),
    (
        "unknown-field",
        _edit(lambda d: _repo(d).update(stars=3)),
        "namespaces[0].evidence.repositories[0].stars: unknown field",
    ),
    (
        "missing-field",
        _edit(lambda d: d["namespaces"][0]["evidence"].pop("collected_at")),
        "namespaces[0].evidence.collected_at: required field is missing",
    ),
    (
        "bad-account-type",
        _edit(lambda d: d["namespaces"][0]["evidence"]["account"].update(type="team")),
        "namespaces[0].evidence.account.type: Input should be 'organization' or 'user'",
    ),
    (
        "no-status",
        _edit(lambda d: d["namespaces"][0].pop("status")),
        'namespaces[0]: required field "status" is missing',
    ),
    (
        "bad-status",
        _edit(lambda d: d["namespaces"][2].update(status="failed")),
        'namespaces[2]: "status" is "failed", expected "collected" or "error"',
    ),
    (
        "failure-as-evidence",
        _edit(lambda d: d["namespaces"][2].update(status="collected")),
        "namespaces[2].evidence: required field is missing (and 1 more problem)",
    ),
    ("no-namespaces", _edit(lambda d: d.update(namespaces=[])), "the file holds no namespaces"),
    (
        "bad-namespace",
        _edit(lambda d: d["namespaces"][2]["failure"].update(namespace="Ghost/NS")),
        "namespaces[2].failure.namespace: invalid namespace 'Ghost/NS'",
    ),
    (
        "several",
        _edit(lambda d: [_repo(d).update(tag_count="1", is_private="no", stars=1)]),
        'repositories[0].is_private: Input should be a valid boolean (got "no") (and 2 more problems)',
    ),
]


def _bad_file(directory: Path, content: str | bytes) -> Path:
    path = directory / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [pytest.param(content, expected, id=name) for name, content, expected in BAD_FILES],
)
def test_every_bad_file_is_a_usage_error_naming_the_file(
    tmp_path: Path, content: str | bytes, expected: str
) -> None:
    path = _bad_file(tmp_path, content)
    with pytest.raises(UsageError) as caught:
        load_evidence(str(path))
    message = caught.value.message
    assert caught.value.exit_code == 2
    assert message.startswith(f"{path}: "), message
    assert expected in message, message
    assert "\n" not in message
    assert len(message) < 400 + len(str(path))


def test_a_missing_file_or_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(
        UsageError, match=r"cannot read the evidence file .*nope\.json.*No such file"
    ):
        load_evidence(str(missing))
    with pytest.raises(UsageError, match="Is a directory"):
        load_evidence(str(tmp_path))


def test_an_oversized_file_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = saved(tmp_path, sample())
    monkeypatch.setattr(evidence, "MAX_EVIDENCE_BYTES", 1024)
    with pytest.raises(UsageError, match=r"evidence\.json: larger than 0 MiB"):
        load_evidence(path)


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + dump_evidence(sample(), generated_at=NOW).encode())
    assert load_evidence(str(path)) == sample()


# --------------------------------------------------------------------------- atomic writes


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)
    os.umask(old)

    def set_umask(value: int) -> None:
        os.umask(value)

    yield set_umask
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_the_file_gets_ordinary_permissions(
    tmp_path: Path, umask: Callable[[int], None], mask: int, mode: int
) -> None:
    umask(mask)
    path = Path(saved(tmp_path, sample()))
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert _files(tmp_path) == ["evidence.json"]


def test_overwriting_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "evidence.json"
    path.write_text("old", encoding="utf-8")
    write_evidence(str(path), sample(), generated_at=NOW)
    assert load_evidence(str(path)) == sample()
    assert _files(tmp_path) == ["evidence.json"]


def test_a_missing_directory_is_a_usage_error_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "evidence.json"
    with pytest.raises(UsageError, match=r"cannot write the evidence file .*No such file"):
        write_evidence(str(target), sample(), generated_at=NOW)
    assert _files(tmp_path) == []


def test_a_directory_as_target_is_a_usage_error_and_leaves_no_temp_file(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(UsageError, match="cannot write the evidence file"):
        write_evidence(str(tmp_path / "out"), sample(), generated_at=NOW)
    assert _files(tmp_path) == ["out"]
    assert _files(tmp_path / "out") == []


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failure_while_writing_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    path = tmp_path / "evidence.json"
    path.write_text("previous", encoding="utf-8")

    def fail(*args: object) -> None:
        raise error

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(UsageError if isinstance(error, OSError) else KeyboardInterrupt):
        write_evidence(str(path), sample(), generated_at=NOW)
    assert _files(tmp_path) == ["evidence.json"]
    assert path.read_text(encoding="utf-8") == "previous"


def test_a_relative_path_is_written_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_evidence("evidence.json", sample(), generated_at=NOW)
    assert load_evidence("evidence.json") == sample()
    assert _files(tmp_path) == ["evidence.json"]


# --------------------------------------------------------------------------- no secrets


async def _collect_with_tokens(fake: FakeDockerHub) -> list[Collected]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10), follow_redirects=False) as client:
        http = Http(client, concurrency=4)
        hub = HubClient(http, fake.hub_url)
        collector = Collector(
            hub=hub,
            registry=RegistryClient(http, fake.registry_url),
            github=GitHubClient(http, fake.github_url, GITHUB_TOKEN),
            username=ACME.username,
        )
        await hub.login(ACME.username, ACME.token)
        return [await collector.collect("acmeoss")]


def test_evidence_of_a_run_with_tokens_holds_no_secret() -> None:
    with FakeDockerHub(standard_world()) as fake:
        items = asyncio.run(_collect_with_tokens(fake))
        issued = fake.issued_tokens
    (collected,) = items
    assert isinstance(collected, NamespaceEvidence)
    assert collected.authenticated
    assert collected.can_list_private
    assert collected.repositories
    assert issued  # the run really used a Hub JWT and registry tokens
    text = dump_evidence(
        [*items, CollectionFailure(namespace="x", error="boom", authenticated=True)],
        generated_at=NOW,
    )
    lowered = text.lower()
    for secret in ("authorization", "bearer", "dckr_pat", "dckr_oat", "ghp_", "jwt"):
        assert secret not in lowered, secret
    for token in (ACME.token, GITHUB_TOKEN, *issued):
        assert token not in text


# --------------------------------------------------------------------------- version 1

V1_FILE = Path(__file__).parent.parent / "data" / "evidence-v1.json"


def test_a_saved_version_1_file_is_migrated_on_load_and_judged_alike() -> None:
    raw = json.loads(V1_FILE.read_text(encoding="utf-8"))
    assert raw["schema_version"] == 1
    document = read_evidence(str(V1_FILE))
    assert document.schema_version == 2
    # The example is today's version-2 form of the same run: both judge alike, field for field.
    assert document.items == read_evidence(str(EXAMPLE)).items
    assert [report_of(i) for i in document.items] == [
        report_of(i) for i in load_evidence(str(EXAMPLE))
    ]


def test_version_1_sentences_become_typed_failures(tmp_path: Path) -> None:
    data = json.loads(V1_FILE.read_text(encoding="utf-8"))
    repo = data["namespaces"][0]["evidence"]["repositories"][0]
    repo["tag_content_types"] = ["image"]
    repo["problems"] = ["tags could not be read from the registry: the registry token service 503"]
    repo["image"] = {"reference": "sha256:x", "error": "the registry's pull budget is spent"}
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    [first, *_] = load_evidence(str(path))
    assert isinstance(first, NamespaceEvidence)
    migrated = first.repositories[0]
    assert migrated.problems[0].service is LookupFailure.TOKEN_SERVICE
    assert migrated.image is not None
    assert migrated.image.failure is LookupFailure.PULL_BUDGET


def test_re_evaluating_evidence_does_not_load_the_http_stack(tmp_path: Path) -> None:
    """An offline run reads a file, judges and renders: httpx and asyncio are not imported."""
    source = Path(__file__).resolve().parent.parent / "data" / "evidence-v1.json"
    code = (
        "import sys\n"
        "from dsos_check.cli import app\n"
        "try:\n"
        f"    app(['--evidence', {str(source)!r}, '-f', 'json', '-q', '-o', {str(tmp_path / 'r.json')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('loaded=' + ','.join(m for m in ('httpx', 'asyncio') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (tmp_path / "r.json").stat().st_size > 0
    assert done.stdout.strip().splitlines()[-1] == "loaded="


# --------------------------------------------------------------------------- read in batches


def _whole(path: Path) -> EvidenceFile:
    """The file validated whole, as any file small enough is."""
    data = path.read_bytes()
    return evidence._DOCUMENT.validate_json(evidence._upgraded(data), strict=True)


@pytest.mark.parametrize("batch", [1, 2, 256])
def test_a_file_read_in_batches_is_the_file_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(evidence, "BATCHED_FROM", 0)
    monkeypatch.setattr(evidence, "_BATCH", batch)
    written = tmp_path / "sample.json"
    write_evidence(str(written), sample(), generated_at=NOW)
    for path in (written, EXAMPLE, V1_FILE):
        batched = read_evidence(str(path))
        assert batched == _whole(path)
        assert batched.model_dump_json() == _whole(path).model_dump_json()


def test_large_files_are_read_in_batches_and_others_straight_from_their_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_slices, real_batches, real_migrate = read_in_slices, evidence._in_batches, migrate_v1

    def sliced(path: str, layout: Any) -> EvidenceFile | None:
        calls.append("slices")
        return real_slices(path, layout)

    def counted(parsed: Any) -> EvidenceFile | None:
        calls.append("parse")
        return real_batches(parsed)

    def migrated(document: Any) -> Any:
        calls.append("migrated")
        return real_migrate(document)

    monkeypatch.setattr(evidence, "read_in_slices", sliced)
    monkeypatch.setattr(evidence, "_in_batches", counted)
    monkeypatch.setattr(evidence, "migrate_v1", migrated)
    load_evidence(str(EXAMPLE))
    assert not calls  # a small version-2 file: validated whole
    load_evidence(str(V1_FILE))
    assert not calls  # version 1 too, in its own shape: nothing parsed into Python to migrate
    monkeypatch.setattr(evidence, "BATCHED_FROM", EXAMPLE.stat().st_size)
    load_evidence(str(EXAMPLE))
    assert calls == ["slices"]  # laid out as the writer lays it out
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(json.loads(EXAMPLE.read_text(encoding="utf-8"))))
    monkeypatch.setattr(evidence, "BATCHED_FROM", 0)
    assert load_evidence(str(compact)) == load_evidence(str(EXAMPLE))
    assert calls == ["slices", "parse", "slices"]  # laid out otherwise: from its parse


@pytest.mark.parametrize(
    "content", [pytest.param(content, id=name) for name, content, _ in BAD_FILES]
)
def test_a_bad_file_read_in_batches_is_worded_as_when_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | bytes
) -> None:
    path = _bad_file(tmp_path, content)
    with pytest.raises(UsageError) as whole:
        load_evidence(str(path))
    monkeypatch.setattr(evidence, "BATCHED_FROM", 0)
    with pytest.raises(UsageError) as batched:
        load_evidence(str(path))
    assert batched.value.message == whole.value.message


def test_a_bad_version_1_file_is_worded_as_a_migrated_one(tmp_path: Path) -> None:
    data = json.loads(V1_FILE.read_text(encoding="utf-8"))
    data["namespaces"][0]["evidence"]["repositories"][0]["problems"] = [5]
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_evidence(str(path))
    assert "namespaces[0].evidence.repositories[0].problems[0]" in caught.value.message


# --------------------------------------------------------------------------- reading the bytes


def test_a_fifo_is_read_to_its_end(tmp_path: Path) -> None:
    fifo = tmp_path / "evidence.fifo"
    os.mkfifo(fifo)
    text = EXAMPLE.read_bytes()
    writer = threading.Thread(target=lambda: fifo.write_bytes(text))
    writer.start()
    try:
        assert read_evidence(str(fifo)) == read_evidence(str(EXAMPLE))
    finally:
        writer.join(timeout=10)


def test_the_size_cap_holds_for_a_file_and_for_a_fifo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence, "MAX_EVIDENCE_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 101)
    with pytest.raises(UsageError, match="larger than"):
        read_evidence(str(path))
    path.write_bytes(b" " * 100)
    with pytest.raises(UsageError, match="the file is empty"):
        read_evidence(str(path))  # at the cap: read, then found blank
    fifo = tmp_path / "big.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b" " * 1000), daemon=True)
    writer.start()
    with pytest.raises(UsageError, match="larger than"):
        read_evidence(str(fifo))


def _in_thread(call: Callable[[], Any]) -> Any:
    """`call`'s result or exception, failing the test if it does not return within 10 s."""
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(call())
        except Exception as exc:
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "hung"
    return result[0]


@pytest.mark.parametrize("valid", [True, False], ids=["valid", "bad"])
def test_a_large_file_from_a_fifo_is_not_read_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, valid: bool
) -> None:
    monkeypatch.setattr(evidence, "BATCHED_FROM", 0)  # every file is a large one
    text = EXAMPLE.read_bytes() if valid else EXAMPLE.read_bytes().replace(b'"status"', b'"s"', 1)
    fifo = tmp_path / "evidence.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(text), daemon=True)
    writer.start()
    got = _in_thread(lambda: read_evidence(str(fifo)))
    if valid:
        assert got == read_evidence(str(EXAMPLE))
    else:
        assert isinstance(got, UsageError)
        assert "namespaces[0]" in got.message


def test_a_file_replaced_by_a_fifo_is_not_waited_for(tmp_path: Path) -> None:
    path = tmp_path / "evidence.json"
    path.write_bytes(EXAMPLE.read_bytes())
    layout = layout_of(evidence._read(str(path)))
    assert layout is not None
    path.unlink()
    os.mkfifo(path)  # no writer: opening it to read would wait for one
    assert _in_thread(lambda: read_in_slices(str(path), layout)) is None
    got = _in_thread(lambda: evidence._read(str(path), again=True))
    assert isinstance(got, UsageError)
    assert "changed while it was read" in got.message
