"""GitHub client against respx: one request per repository, token scoped, failures become evidence."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import respx

from dsos_check.collect.github import GitHubClient
from dsos_check.collect.http import Http
from dsos_check.licenses.source_repo import find_source_link, parse_github
from dsos_check.models import ImageEvidence, SourceRepositoryEvidence
from tests.unit.checks.factories import make_repo

API = "https://api.github.example"
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def _no_sleep(_: float) -> None:
    return None


def license_body(spdx_id: str, text: str) -> dict[str, Any]:
    return {
        "name": "LICENSE",
        "path": "LICENSE",
        "encoding": "base64",
        "content": base64.b64encode(text.encode()).decode(),
        "license": {"key": spdx_id.lower(), "name": spdx_id, "spdx_id": spdx_id, "url": None},
    }


async def ask(token: str | None, *repos: tuple[str, str]) -> list[SourceRepositoryEvidence]:
    async with httpx.AsyncClient() as client:
        github = GitHubClient(Http(client, sleep=_no_sleep), API, token)
        return list(await asyncio.gather(*(github.license(o, r, "test") for o, r in repos)))


@respx.mock
def test_one_request_per_repository_and_decoded_text() -> None:
    route = respx.get(f"{API}/repos/acme/app/license").respond(
        200, json=license_body("MIT", "MIT License\n")
    )
    answers = run(ask("ghp_SECRET", ("acme", "app"), ("ACME", "App"), ("acme", "app")))
    assert route.call_count == 1
    assert {a.status for a in answers} == {"found"}
    assert answers[0].spdx_id == "MIT"
    assert answers[0].license_text == "MIT License\n"
    assert route.calls[0].request.headers["authorization"] == "Bearer ghp_SECRET"


@respx.mock
def test_no_token_no_authorization_header() -> None:
    route = respx.get(f"{API}/repos/acme/app/license").respond(200, json=license_body("MIT", "x"))
    run(ask(None, ("acme", "app")))
    assert "authorization" not in route.calls[0].request.headers


@respx.mock
def test_failures_are_evidence_not_errors() -> None:
    respx.get(f"{API}/repos/a/missing/license").respond(404, json={"message": "Not Found"})
    respx.get(f"{API}/repos/a/limited/license").respond(
        403, headers={"x-ratelimit-remaining": "0"}, json={"message": "API rate limit exceeded"}
    )
    respx.get(f"{API}/repos/a/broken/license").respond(200, content=b'{"license": {"spdx')
    respx.get(f"{API}/repos/a/down/license").mock(side_effect=httpx.ConnectError("refused"))
    missing, limited, broken, down = run(
        ask(None, ("a", "missing"), ("a", "limited"), ("a", "broken"), ("a", "down"))
    )
    assert missing.status == "no-license"
    assert limited.status == "rate-limited"
    assert limited.message is not None
    assert "--github-token" in limited.message
    assert broken.status == "error"
    assert down.status == "unreachable"
    assert "not reachable" in (down.message or "")


def test_parse_github_forms() -> None:
    text = "src: git@github.com:Acme/App.git, docs https://github.com/acme/docs/tree/main and github.com/sponsors/x"
    assert parse_github(text) == [("Acme", "App"), ("acme", "docs")]
    assert parse_github("https://img.shields.io/github/license/acme/app") == []


def test_source_link_prefers_labels_then_the_matching_overview_link() -> None:
    labelled = make_repo(
        image=ImageEvidence(
            reference="x", labels={"org.label-schema.vcs-url": "https://github.com/acme/app.git"}
        )
    )
    link = find_source_link(labelled, "acme")
    assert link is not None
    assert (link.owner, link.repo, link.found_in) == (
        "acme",
        "app",
        "image label org.label-schema.vcs-url",
    )
    overview = make_repo(
        name="server",
        full_description="Built on https://github.com/other/lib. Source: https://github.com/acme/server",
    )
    link = find_source_link(overview, "acme")
    assert link is not None
    assert (link.owner, link.repo, link.found_in) == ("acme", "server", "overview link")
    assert find_source_link(make_repo(full_description="no links"), "acme") is None
