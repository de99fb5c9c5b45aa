"""GitHub client against respx: one request per repository, token scoped, failures become evidence."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import respx

from dsos_check.collect.github import GitHubClient, raw_url_for
from dsos_check.collect.github_graphql import graphql_url
from dsos_check.collect.http import Http
from dsos_check.licenses.source_repo import find_source_link, parse_github
from dsos_check.models import ImageEvidence, SourceRepositoryEvidence
from tests.helpers import run
from tests.unit.checks.factories import make_repo

API = "https://api.github.example"


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
        asked = [asyncio.ensure_future(github.license(o, r, "test")) for o, r in repos]
        await asyncio.sleep(0)  # every look-up joins the batch before it is sent
        github.flush()
        return list(await asyncio.gather(*asked))


def graphql_node(spdx_id: str | None, text: str | None, file_index: int = 0) -> dict[str, Any]:
    node: dict[str, Any] = {
        "licenseInfo": {"spdxId": spdx_id, "name": spdx_id} if spdx_id else None
    }
    for i in range(5):
        node[f"f{i}"] = {"text": text} if i == file_index and text is not None else None
    return node


@respx.mock
def test_with_a_token_look_ups_are_batched_into_graphql_queries() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        count = len(body["variables"]) // 2
        return httpx.Response(
            200,
            json={"data": {f"r{i}": graphql_node("MIT", "MIT License\n") for i in range(count)}},
        )

    route = respx.post(f"{API}/graphql").mock(side_effect=answer)
    names = [("acme", f"app{i}") for i in range(150)]
    answers = run(ask("ghp_SECRET", *names, ("ACME", "App0")))
    assert route.call_count == 2
    sizes = sorted(len(json.loads(c.request.content)["variables"]) // 2 for c in route.calls)
    assert sizes == [50, 100]
    assert {a.status for a in answers} == {"found"}
    assert (answers[0].spdx_id, answers[0].license_text) == ("MIT", "MIT License\n")
    first = route.calls[0].request
    assert first.headers["authorization"] == "Bearer ghp_SECRET"
    # Names from overviews travel as variables, never inside the query text.
    assert "app1" not in json.loads(first.content)["query"]


@respx.mock
def test_graphql_missing_repositories_and_files_are_evidence() -> None:
    respx.post(f"{API}/graphql").respond(
        200,
        json={
            "data": {
                "r0": None,
                "r1": graphql_node(None, None),
                "r2": graphql_node(None, "text", 4),
            },
            "errors": [{"type": "NOT_FOUND", "path": ["r0"]}],
        },
    )
    gone, bare, copying = run(ask("ghp_SECRET", ("a", "gone"), ("a", "bare"), ("a", "copying")))
    assert (gone.status, bare.status) == ("no-license", "no-license")
    assert (copying.status, copying.license_path, copying.spdx_id) == ("found", "COPYING", None)


@respx.mock
def test_without_a_token_a_spent_api_limit_falls_back_to_the_raw_host() -> None:
    reset = 2_000_000_000
    respx.get(f"{API}/repos/a/first/license").respond(
        200,
        json=license_body("MIT", "MIT"),
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    api_second = respx.get(f"{API}/repos/a/second/license").respond(403)
    respx.get(f"{API}/raw/a/second/HEAD/LICENSE").respond(404)
    respx.get(f"{API}/raw/a/second/HEAD/LICENSE.md").respond(200, text="Apache License 2.0 ...")
    respx.get(url__regex=rf"{API}/raw/a/third/HEAD/.*").respond(404)

    async def go() -> list[SourceRepositoryEvidence]:
        async with httpx.AsyncClient() as client:
            github = GitHubClient(Http(client, sleep=_no_sleep), API)
            first = await github.license("a", "first", "t")
            rest = [await github.license("a", name, "t") for name in ("second", "third")]
            return [first, *rest]

    first, second, third = run(go())
    assert first.spdx_id == "MIT"
    assert not api_second.called
    assert (second.status, second.license_path) == ("found", "LICENSE.md")
    assert second.license_text == "Apache License 2.0 ..."
    assert third.status == "rate-limited"
    assert third.message is not None
    assert "resets at" in third.message


def test_raw_host_is_derived_from_the_api_url() -> None:
    assert raw_url_for("https://api.github.com") == "https://raw.githubusercontent.com"
    assert raw_url_for("http://127.0.0.1:8080") == "http://127.0.0.1:8080/raw"
    assert graphql_url("https://api.github.com") == "https://api.github.com/graphql"
    assert graphql_url("https://ghe.example/api/v3") == "https://ghe.example/api/graphql"


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
    respx.get(url__regex=rf"{API}/raw/a/limited/HEAD/.*").respond(404)
    missing, broken, down = run(ask(None, ("a", "missing"), ("a", "broken"), ("a", "down")))
    # Once the API says nothing is left, the raw-file host is tried; here it has nothing either.
    [limited] = run(ask(None, ("a", "limited")))
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


@respx.mock
def test_a_new_hour_resets_the_count() -> None:
    past, later = 1_500_000_000, 2_000_000_000  # the first answer's hour is already over
    respx.get(f"{API}/repos/a/one/license").respond(
        200,
        json=license_body("MIT", "MIT"),
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(past)},
    )
    two = respx.get(f"{API}/repos/a/two/license").respond(
        200,
        json=license_body("MIT", "MIT"),
        headers={"x-ratelimit-remaining": "59", "x-ratelimit-reset": str(later)},
    )

    async def go() -> GitHubClient:
        async with httpx.AsyncClient() as client:
            github = GitHubClient(Http(client, sleep=_no_sleep), API)
            await github.license("a", "one", "t")
            two_answer = await github.license("a", "two", "t")
            assert two_answer.status == "found"
            return github

    github = run(go())
    assert two.called
    assert github.remaining == 59
