"""The fake Docker Hub's own tests: shapes, pagination, visibility, token flow, redirects, faults."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakehub import (
    ACME,
    OUTSIDER,
    PRIV,
    PRIV_OAT,
    FakeDockerHub,
    GitHubRepo,
    Namespace,
    Repo,
    Tag,
    User,
    World,
    days_ago,
)
from tests.fakehub.content import MT_DOCKER_MANIFEST, MT_OCI_INDEX, MT_OCI_MANIFEST

ACCEPT = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)
NOT_FOUND = {"message": "httperror 404: object not found", "errinfo": {}}
LIST_ENTRY_KEYS = {
    "name",
    "namespace",
    "repository_type",
    "status",
    "status_description",
    "description",
    "is_private",
    "star_count",
    "pull_count",
    "last_updated",
    "last_modified",
    "date_registered",
    "affiliation",
    "media_types",
    "content_types",
    "categories",
    "storage_size",
}
TAG_KEYS = {
    "creator",
    "id",
    "images",
    "last_updated",
    "last_updater",
    "last_updater_username",
    "name",
    "repository",
    "full_size",
    "v2",
    "tag_status",
    "tag_last_pulled",
    "tag_last_pushed",
    "media_type",
    "content_type",
}
IMAGE_KEYS = {
    "architecture",
    "features",
    "variant",
    "digest",
    "os",
    "os_features",
    "os_version",
    "size",
    "status",
    "last_pulled",
    "last_pushed",
}


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c


@pytest.fixture(autouse=True)
def _no_leftover_faults(fake: FakeDockerHub) -> Iterator[None]:
    yield
    for server in fake.servers.values():
        assert server.pending_faults() == 0, f"{server.name} has unconsumed faults"


def hub_token(fake: FakeDockerHub, client: httpx.Client, username: str, secret: str) -> str:
    r = client.post(
        f"{fake.hub_url}/v2/auth/token", json={"identifier": username, "secret": secret}
    )
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    assert isinstance(token, str)
    return token


def follow(client: httpx.Client, url: str, **kw: Any) -> list[dict[str, Any]]:
    """Every result of a paginated Hub list, following absolute `next` URLs."""
    out: list[dict[str, Any]] = []
    next_url: str | None = url
    params: dict[str, Any] | None = kw.pop("params", None)
    while next_url:
        r = client.get(next_url, params=params, **kw)
        assert r.status_code == 200, r.text
        body = r.json()
        out.extend(body["results"])
        next_url, params = body["next"], None
    return out


def parse_challenge(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme == "Bearer"
    return dict(re.findall(r'(\w+)="([^"]*)"', rest))


def registry_token(
    fake: FakeDockerHub,
    client: httpx.Client,
    *repos: str,
    auth: tuple[str, str] | None = None,
) -> str:
    """The challenge-driven token dance: /v2/ → realm → token for `repos`."""
    ping = client.get(f"{fake.registry_url}/v2/")
    assert ping.status_code == 401
    ch = parse_challenge(ping.headers["www-authenticate"])
    params: list[tuple[str, str | int | float | bool | None]] = [("service", ch["service"])]
    params += [("scope", f"repository:{r}:pull") for r in repos]
    r = client.get(ch["realm"], params=params, auth=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token"] == body["access_token"]
    assert body["expires_in"] == 300
    assert body["issued_at"].endswith("Z")
    token = body["token"]
    assert isinstance(token, str)
    return token


def jwt_payload(token: str) -> dict[str, Any]:
    parts = token.split(".")
    assert len(parts) == 3
    payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    assert isinstance(payload, dict)
    return payload


# ------------------------------------------------------------------------- accounts


@pytest.mark.parametrize("slash", ["", "/"])
def test_org_and_user_endpoints_are_disjoint(
    fake: FakeDockerHub, client: httpx.Client, slash: str
) -> None:
    org = client.get(f"{fake.hub_url}/v2/orgs/acmeoss{slash}")
    assert org.status_code == 200
    body = org.json()
    assert {"id", "uuid", "orgname", "full_name", "company", "profile_url", "date_joined"} <= set(
        body
    )
    assert body["orgname"] == "acmeoss"
    assert body["type"] == "Organization"
    assert body["badge"] is None
    assert client.get(f"{fake.hub_url}/v2/users/acmeoss{slash}").json() == NOT_FOUND

    user = client.get(f"{fake.hub_url}/v2/users/someuser{slash}")
    assert user.status_code == 200
    assert list(user.json())[:3] == ["id", "uuid", "username"]
    assert user.json()["type"] == "User"
    assert "badge" not in user.json()
    assert client.get(f"{fake.hub_url}/v2/orgs/someuser{slash}").status_code == 404

    sponsored = client.get(f"{fake.hub_url}/v2/orgs/sponsoredorg{slash}").json()
    assert sponsored["badge"] == "open_source"


def test_unknown_namespace(fake: FakeDockerHub, client: httpx.Client) -> None:
    for path in ("/v2/orgs/nosuchorg/", "/v2/users/nosuchorg/"):
        r = client.get(fake.hub_url + path)
        assert (r.status_code, r.json()) == (404, NOT_FOUND)
    for path in ("/v2/namespaces/nosuchorg/repositories", "/v2/repositories/nosuchorg/"):
        r = client.get(fake.hub_url + path, params={"page_size": 100})
        assert r.status_code == 200
        assert r.json() == {"count": 0, "next": None, "previous": None, "results": []}
    # an unknown route is a different 404
    assert client.get(f"{fake.hub_url}/v2/nope").json() == {"message": "404: Page Not Found"}


def test_rate_limit_headers(fake: FakeDockerHub, client: httpx.Client) -> None:
    r = client.get(f"{fake.hub_url}/v2/orgs/acmeoss/")
    assert int(r.headers["x-ratelimit-limit"]) > 0
    assert 0 <= int(r.headers["x-ratelimit-remaining"]) <= int(r.headers["x-ratelimit-limit"])
    assert int(r.headers["x-ratelimit-reset"]) >= int(time.time())


# ------------------------------------------------------------------------- repository lists


@pytest.mark.parametrize("path", ["/v2/namespaces/bigorg/repositories", "/v2/repositories/bigorg/"])
def test_pagination_with_absolute_next_urls(
    fake: FakeDockerHub, client: httpx.Client, path: str
) -> None:
    first = client.get(fake.hub_url + path, params={"page_size": 100})
    body = first.json()
    assert body["count"] == 250
    assert len(body["results"]) == 100
    assert body["previous"] is None
    assert body["next"] == f"{fake.hub_url}{path}?page=2&page_size=100"
    second = client.get(body["next"]).json()
    assert second["previous"] == f"{fake.hub_url}{path}?page=1&page_size=100"
    third = client.get(second["next"]).json()
    assert len(third["results"]) == 50
    assert third["next"] is None
    everything = follow(client, fake.hub_url + path, params={"page_size": 100})
    names = [e["name"] for e in everything]
    assert len(names) == len(set(names)) == 250
    assert set(LIST_ENTRY_KEYS) == set(everything[0])
    # past the end
    past = client.get(fake.hub_url + path, params={"page": 4, "page_size": 100})
    assert (past.status_code, past.json()) == (404, NOT_FOUND)


def test_page_size_default_and_clamp(fake: FakeDockerHub, client: httpx.Client) -> None:
    url = f"{fake.hub_url}/v2/namespaces/bigorg/repositories"
    assert len(client.get(url).json()["results"]) == 10
    clamped = client.get(url, params={"page_size": 1000}).json()
    assert len(clamped["results"]) == 100
    assert "page_size=100" in clamped["next"]
    assert client.get(url, params={"page": 0}).status_code == 400
    bad = client.get(url, params={"ordering": "nonsense"})
    assert bad.status_code == 400
    assert bad.json()["text"] == "Invalid ordering value"
    # extra query parameters survive into `next`
    filtered = client.get(url, params={"page_size": 5, "name": "svc1"}).json()
    assert filtered["count"] == 100  # svc100 to svc199
    assert "name=svc1" in filtered["next"]


def test_list_entry_content_types(fake: FakeDockerHub, client: httpx.Client) -> None:
    def entries(ns: str) -> dict[str, dict[str, Any]]:
        url = f"{fake.hub_url}/v2/namespaces/{ns}/repositories"
        return {e["name"]: e for e in follow(client, url, params={"page_size": 100})}

    helm = entries("helmorg")
    assert helm["charts"]["content_types"] == ["helm"]
    assert "application/vnd.cncf.helm.config.v1+json" in helm["charts"]["media_types"]
    assert helm["app"]["content_types"] == ["image"]
    plugin = entries("pluginorg")["volumeplugin"]
    assert plugin["repository_type"] == "plugin"
    assert plugin["content_types"] == ["plugin"]
    empty = entries("emptyrepoorg")["placeholder"]
    assert (empty["content_types"], empty["media_types"], empty["last_updated"]) == ([], [], None)
    server = entries("acmeoss")["server"]
    assert set(server["media_types"]) == {
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.config.v1+json",
    }
    assert server["last_modified"] == "2024-10-16T13:48:34.145251Z"


# ------------------------------------------------------------------------- visibility


def test_private_repositories_need_a_member_token(
    fake: FakeDockerHub, client: httpx.Client
) -> None:
    url = f"{fake.hub_url}/v2/namespaces/privateorg/repositories"
    anon = client.get(url).json()
    assert anon["count"] == 1
    assert [e["name"] for e in anon["results"]] == ["app"]

    for cred, sees_private in ((PRIV, True), (PRIV_OAT, True), (OUTSIDER, False), (ACME, False)):
        token = hub_token(fake, client, cred.username, cred.token)
        body = client.get(url, headers={"Authorization": f"Bearer {token}"}).json()
        names = {e["name"]: e["is_private"] for e in body["results"]}
        expected = {"app": False, "secret": True} if sees_private else {"app": False}
        assert names == expected, cred
        assert body["count"] == len(expected)

    detail = client.get(f"{url}/secret")
    assert detail.status_code == 404
    assert detail.json() == {
        "message": "httperror 404: object not found",
        "errinfo": {"namespace": "privateorg", "repository": "secret"},
    }
    assert client.get(f"{url}/secret/tags").status_code == 404
    token = hub_token(fake, client, PRIV.username, PRIV.token)
    seen = client.get(f"{url}/secret", headers={"Authorization": f"Bearer {token}"}).json()
    assert seen["is_private"] is True
    assert seen["permissions"] == {"read": True, "write": True, "admin": True}


def test_auth_token_and_user_orgs(fake: FakeDockerHub, client: httpx.Client) -> None:
    bad = client.post(
        f"{fake.hub_url}/v2/auth/token", json={"identifier": "acmebot", "secret": "wrong"}
    )
    assert (bad.status_code, bad.json()) == (
        401,
        {"detail": "Incorrect authentication credentials"},
    )
    token = hub_token(fake, client, ACME.username, ACME.token)
    payload = jwt_payload(token)
    assert payload["username"] == "acmebot"
    assert payload["https://hub.docker.com"]["username"] == "acmebot"
    assert payload["exp"] > time.time()
    assert payload["sub"]

    orgs_url = f"{fake.hub_url}/v2/user/orgs/"
    assert client.get(orgs_url).status_code == 401
    orgs = client.get(
        orgs_url, params={"page_size": 100}, headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [o["orgname"] for o in orgs["results"]] == ["acmeoss"]
    assert {"orgname", "badge", "plan_name", "user_role", "type"} <= set(orgs["results"][0])
    outsider = hub_token(fake, client, OUTSIDER.username, OUTSIDER.token)
    empty = client.get(orgs_url, headers={"Authorization": f"Bearer {outsider}"}).json()
    assert empty["count"] == 0

    # a PAT is not a bearer for the Hub API, and neither is garbage
    for bogus in (ACME.token, "x.y.z"):
        r = client.get(
            f"{fake.hub_url}/v2/orgs/acmeoss/", headers={"Authorization": f"Bearer {bogus}"}
        )
        assert r.status_code == 401


def test_expired_hub_token() -> None:
    world = World(namespaces=[Namespace("org")], users=[User("u", "p")], hub_token_ttl=-1)
    with FakeDockerHub(world) as fk, httpx.Client() as c:
        token = hub_token(fk, c, "u", "p")
        r = c.get(f"{fk.hub_url}/v2/orgs/org/", headers={"Authorization": f"Bearer {token}"})
        assert (r.status_code, r.json()) == (401, {"detail": "Signature has expired."})


# ------------------------------------------------------------------------- tags


def test_tags_observed_shape_newest_first(fake: FakeDockerHub, client: httpx.Client) -> None:
    url = f"{fake.hub_url}/v2/namespaces/acmeoss/repositories/toolkit/tags"
    body = client.get(url, params={"page_size": 100}).json()
    tags = body["results"]
    assert [t["name"] for t in tags][-1] == "0.9.0"
    pushed = [t["tag_last_pushed"] for t in tags]
    assert pushed == sorted(pushed, reverse=True)
    t = tags[0]
    assert set(t) == TAG_KEYS | {"digest"}
    assert t["v2"] is True
    assert t["media_type"] == MT_OCI_INDEX
    assert t["content_type"] == "image"
    assert {img["architecture"] for img in t["images"]} == {"arm64", "amd64", "s390x", "unknown"}
    assert all(set(img) == IMAGE_KEYS for img in t["images"])
    legacy = client.get(
        f"{fake.hub_url}/v2/repositories/acmeoss/toolkit/tags/", params={"page_size": 100}
    ).json()
    assert legacy["results"] == tags
    # pagination on tags, and the page past the end
    page = client.get(url, params={"page_size": 2}).json()
    assert page["next"] == f"{url}?page=2&page_size=2"
    assert client.get(url, params={"page": 3, "page_size": 2}).json() == NOT_FOUND
    one = client.get(f"{url}/latest").json()
    assert one["name"] == "latest"


def test_single_arch_legacy_tag_shape(fake: FakeDockerHub, client: httpx.Client) -> None:
    url = f"{fake.hub_url}/v2/repositories/singlearchorg/legacy/tags/"
    t = client.get(url).json()["results"][0]
    assert "digest" not in t
    assert t["media_type"] == "application/vnd.docker.container.image.v1+json"
    assert len(t["images"]) == 1
    digest = t["images"][0]["digest"]
    token = registry_token(fake, client, "singlearchorg/legacy")
    m = client.get(
        f"{fake.registry_url}/v2/singlearchorg/legacy/manifests/{digest}",
        headers={"Authorization": f"Bearer {token}", "Accept": ACCEPT},
    )
    assert m.status_code == 200
    assert m.headers["content-type"] == MT_DOCKER_MANIFEST
    assert m.headers["docker-content-digest"] == digest


def test_empty_repository_has_no_tags(fake: FakeDockerHub, client: httpx.Client) -> None:
    url = f"{fake.hub_url}/v2/namespaces/emptyrepoorg/repositories/placeholder/tags"
    assert client.get(url).json() == {"count": 0, "next": None, "previous": None, "results": []}


# ------------------------------------------------------------------------- registry


def test_registry_challenge_token_manifest_config_flow(
    fake: FakeDockerHub, client: httpx.Client
) -> None:
    mark = fake.mark()
    tags = client.get(f"{fake.hub_url}/v2/namespaces/acmeoss/repositories/toolkit/tags").json()
    index_digest = tags["results"][0]["digest"]

    token = registry_token(fake, client, "acmeoss/toolkit", "acmeoss/server")
    assert fake.auth.port != fake.registry.port
    assert {a["name"] for a in jwt_payload(token)["access"]} == {
        "acmeoss/toolkit",
        "acmeoss/server",
    }
    auth = {"Authorization": f"Bearer {token}", "Accept": ACCEPT}
    base = f"{fake.registry_url}/v2/acmeoss/toolkit"

    head = client.head(f"{base}/manifests/latest", headers=auth)
    assert head.status_code == 200
    assert head.headers["docker-content-digest"] == index_digest
    assert head.content == b""
    assert "ratelimit-remaining" in head.headers

    index = client.get(f"{base}/manifests/{index_digest}", headers=auth)
    assert index.headers["content-type"] == MT_OCI_INDEX
    assert "sha256:" + hashlib.sha256(index.content).hexdigest() == index_digest
    manifests = index.json()["manifests"]
    attest = [m for m in manifests if m["platform"]["architecture"] == "unknown"]
    assert attest
    assert all(
        m["annotations"]["vnd.docker.reference.type"] == "attestation-manifest" for m in attest
    )
    amd64 = next(m for m in manifests if m["platform"]["architecture"] == "amd64")
    assert manifests[0]["platform"]["architecture"] == "arm64"  # amd64 is not first

    manifest = client.get(f"{base}/manifests/{amd64['digest']}", headers=auth)
    assert manifest.headers["content-type"] == MT_OCI_MANIFEST
    assert "sha256:" + hashlib.sha256(manifest.content).hexdigest() == amd64["digest"]
    body = manifest.json()
    assert body["annotations"]["org.opencontainers.image.licenses"] == "MIT OR Apache-2.0"

    blob_url = f"{base}/blobs/{body['config']['digest']}"
    redirect = client.get(blob_url, headers=auth)
    assert redirect.status_code == 307
    location = redirect.headers["location"]
    assert location.startswith(fake.cdn_url)
    config = client.get(blob_url, headers=auth, follow_redirects=True)
    assert config.status_code == 200
    assert "sha256:" + hashlib.sha256(config.content).hexdigest() == body["config"]["digest"]
    cfg = config.json()
    assert cfg["architecture"] == "amd64"
    assert "org.opencontainers.image.licenses" not in cfg["config"]["Labels"]
    assert cfg["config"]["Labels"]["org.opencontainers.image.source"].endswith("/toolkit")

    cdn_requests = [r for r in fake.iter_requests(mark) if r.server == "cdn"]
    assert len(cdn_requests) == 1
    assert cdn_requests[0].authorization is None  # httpx dropped it on the cross-origin hop
    # the CDN checks the signed query string
    assert client.get(location.split("?")[0]).status_code == 403


def test_cdn_records_authorization_it_should_never_get(
    fake: FakeDockerHub, client: httpx.Client
) -> None:
    token = registry_token(fake, client, "acmeoss/server")
    auth = {"Authorization": f"Bearer {token}", "Accept": ACCEPT}
    base = f"{fake.registry_url}/v2/acmeoss/server"
    idx = client.get(f"{base}/manifests/latest", headers=auth).json()
    plat = client.get(f"{base}/manifests/{idx['manifests'][0]['digest']}", headers=auth).json()
    loc = client.get(f"{base}/blobs/{plat['config']['digest']}", headers=auth).headers["location"]
    before = len(fake.cdn.requests)
    r = client.get(loc, headers={"Authorization": f"Bearer {token}"})  # a leaky client
    assert r.status_code == 200
    assert fake.cdn.requests[before].authorization == f"Bearer {token}"
    labels = json.loads(r.content)["config"]["Labels"]
    assert labels["org.opencontainers.image.licenses"] == "Apache-2.0"


def test_registry_requires_a_scoped_token(fake: FakeDockerHub, client: httpx.Client) -> None:
    url = f"{fake.registry_url}/v2/acmeoss/server/manifests/latest"
    r = client.get(url, headers={"Accept": ACCEPT})
    assert r.status_code == 401
    ch = parse_challenge(r.headers["www-authenticate"])
    assert ch == {
        "realm": f"{fake.auth_url}/token",
        "service": "registry.fake.test",
        "scope": "repository:acmeoss/server:pull",
    }
    # a token for another repository does not do
    other = registry_token(fake, client, "acmeoss/toolkit")
    r = client.get(url, headers={"Accept": ACCEPT, "Authorization": f"Bearer {other}"})
    assert r.status_code == 401
    assert r.json()["errors"][0]["code"] == "UNAUTHORIZED"
    # the Hub JWT is not a registry token
    hub = hub_token(fake, client, ACME.username, ACME.token)
    assert client.get(url, headers={"Authorization": f"Bearer {hub}"}).status_code == 401
    # unknown tag
    good = registry_token(fake, client, "acmeoss/server")
    missing = client.get(
        url.replace("latest", "nope"), headers={"Authorization": f"Bearer {good}", "Accept": ACCEPT}
    )
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "MANIFEST_UNKNOWN"
    # an OCI index is not served to a client that does not accept it
    no_accept = client.get(url, headers={"Authorization": f"Bearer {good}"})
    assert no_accept.status_code == 404
    assert no_accept.json()["errors"][0]["code"] == "MANIFEST_UNKNOWN"
    # a wrong service name is refused by the token service
    assert client.get(f"{fake.auth_url}/token", params={"service": "x"}).status_code == 400


def test_private_scopes_are_dropped_for_anonymous_tokens(
    fake: FakeDockerHub, client: httpx.Client
) -> None:
    before = fake.token_requests
    anon = registry_token(fake, client, "privateorg/secret", "privateorg/app")
    assert fake.token_requests == before + 1
    assert {a["name"] for a in jwt_payload(anon)["access"]} == {"privateorg/app"}
    url = f"{fake.registry_url}/v2/privateorg/secret/manifests/latest"
    assert client.get(url, headers={"Authorization": f"Bearer {anon}"}).status_code == 401
    member = registry_token(fake, client, "privateorg/secret", auth=(PRIV.username, PRIV.token))
    r = client.get(url, headers={"Authorization": f"Bearer {member}", "Accept": ACCEPT})
    assert r.status_code == 200
    outsider = registry_token(
        fake, client, "privateorg/secret", auth=(OUTSIDER.username, OUTSIDER.token)
    )
    assert jwt_payload(outsider)["access"] == []
    bad = client.get(
        f"{fake.auth_url}/token",
        params={"service": "registry.fake.test", "scope": "repository:privateorg/secret:pull"},
        auth=(PRIV.username, "wrong"),
    )
    assert (bad.status_code, bad.json()) == (401, {"details": "incorrect username or password"})


def test_helm_and_plugin_manifests(fake: FakeDockerHub, client: httpx.Client) -> None:
    token = registry_token(fake, client, "helmorg/charts", "pluginorg/volumeplugin")
    auth = {"Authorization": f"Bearer {token}", "Accept": ACCEPT}
    helm = client.get(f"{fake.registry_url}/v2/helmorg/charts/manifests/1.2.0", headers=auth)
    assert helm.json()["config"]["mediaType"] == "application/vnd.cncf.helm.config.v1+json"
    plugin = client.get(
        f"{fake.registry_url}/v2/pluginorg/volumeplugin/manifests/latest", headers=auth
    )
    assert plugin.json()["config"]["mediaType"] == "application/vnd.docker.plugin.v1+json"
    tag = client.get(f"{fake.hub_url}/v2/repositories/helmorg/charts/tags/").json()["results"][0]
    assert tag["content_type"] == "helm"


def test_blob_redirect_can_be_switched_off() -> None:
    pushed = days_ago(1)
    world = World(
        namespaces=[
            Namespace("org", repos=[Repo("r", tags=[Tag("latest", pushed, kind="single")])])
        ],
        blob_redirect=False,
    )
    with FakeDockerHub(world) as fk, httpx.Client() as c:
        token = registry_token(fk, c, "org/r")
        auth = {"Authorization": f"Bearer {token}", "Accept": ACCEPT}
        m = c.get(f"{fk.registry_url}/v2/org/r/manifests/latest", headers=auth).json()
        blob = c.get(f"{fk.registry_url}/v2/org/r/blobs/{m['config']['digest']}", headers=auth)
        assert blob.status_code == 200
        assert blob.json()["config"]["Labels"] is None  # the Docker engine's "no labels"
        assert fk.cdn.requests == []


# ------------------------------------------------------------------------- GitHub


def test_github_license(fake: FakeDockerHub, client: httpx.Client) -> None:
    r = client.get(f"{fake.github_url}/repos/acmeoss/server/license")
    assert r.status_code == 200
    body = r.json()
    assert body["encoding"] == "base64"
    assert base64.b64decode(body["content"]).decode().startswith("Apache License")
    assert body["license"]["spdx_id"] == "Apache-2.0"
    assert body["license"]["key"] == "apache-2.0"
    assert set(body["license"]) == {"key", "name", "spdx_id", "url", "node_id"}
    missing = client.get(f"{fake.github_url}/repos/acmeoss/nope/license")
    assert missing.status_code == 404
    assert missing.json()["message"] == "Not Found"
    assert "documentation_url" in missing.json()


def test_github_noassertion() -> None:
    world = World(github_repos={"o/r": GitHubRepo("NOASSERTION", "custom terms")})
    with FakeDockerHub(world) as fk, httpx.Client() as c:
        lic = c.get(f"{fk.github_url}/repos/O/R/license").json()["license"]
        assert lic == {
            "key": "other",
            "name": "Other",
            "spdx_id": "NOASSERTION",
            "url": None,
            "node_id": "MDc6TGljZW5zZTA=",
        }


# ------------------------------------------------------------------------- recording and faults


def test_recording(fake: FakeDockerHub, client: httpx.Client) -> None:
    mark = fake.mark()
    client.get(f"{fake.hub_url}/v2/orgs/acmeoss/", params={"a": "1"}, headers={"X-Test": "yes"})
    (rec,) = list(fake.iter_requests(mark))
    assert (rec.server, rec.method, rec.path, rec.query, rec.status) == (
        "hub",
        "GET",
        "/v2/orgs/acmeoss/",
        {"a": ["1"]},
        200,
    )
    assert rec.headers["x-test"] == "yes"
    assert rec.authorization is None
    assert fake.hub.count("/v2/orgs/") >= 1


def test_fault_429_then_success(fake: FakeDockerHub, client: httpx.Client) -> None:
    url = f"{fake.hub_url}/v2/orgs/acmeoss/"
    fake.inject("hub", "/v2/orgs/", ("status", 429, {"Retry-After": "1"}), ("status", 503))
    first = client.get(url)
    assert first.status_code == 429
    assert first.headers["retry-after"] == "1"
    assert first.json() == {"detail": "Rate limit exceeded", "error": False}
    assert client.get(url).status_code == 503
    assert client.get(url).status_code == 200
    faults = [r.fault for r in fake.hub.requests[-3:]]
    assert faults == ["status", "status", None]


def test_fault_prefix_and_kinds(fake: FakeDockerHub, client: httpx.Client) -> None:
    url = f"{fake.hub_url}/v2/namespaces/acmeoss/repositories"
    fake.inject("hub", "/v2/namespaces/acmeoss/repositories", ("truncate",), ("html", 502))
    fake.inject("hub", "/v2/namespaces/other", ("status", 500))  # does not match
    truncated = client.get(url)
    assert truncated.status_code == 200
    assert truncated.headers["content-type"] == "application/json"
    with pytest.raises(ValueError):  # noqa: PT011 - JSONDecodeError
        truncated.json()
    html = client.get(url)
    assert (html.status_code, html.headers["content-type"]) == (502, "text/html")
    assert b"502 Bad Gateway" in html.content
    assert client.get(url).status_code == 200
    assert client.get(f"{fake.hub_url}/v2/namespaces/other/repositories").status_code == 500


def test_fault_stall_reset_short_read(fake: FakeDockerHub) -> None:
    url = f"{fake.registry_url}/v2/"
    fake.inject("registry", "/v2/", ("stall", 0.6), ("reset",), ("truncate", "short-read"))
    with httpx.Client(timeout=0.2) as c, pytest.raises(httpx.ReadTimeout):
        c.get(url)
    with httpx.Client(timeout=5) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get(url)
        with pytest.raises(httpx.RemoteProtocolError):
            c.get(url)
        assert c.get(url).status_code == 401


def test_registry_faults_use_registry_bodies(fake: FakeDockerHub, client: httpx.Client) -> None:
    fake.inject("registry", "/v2/", ("status", 429))
    r = client.get(f"{fake.registry_url}/v2/")
    assert r.json()["errors"][0]["code"] == "TOOMANYREQUESTS"


def test_bad_fault_is_rejected(fake: FakeDockerHub) -> None:
    with pytest.raises(ValueError, match="bad fault"):
        fake.inject("hub", "/", ("explode",))


def test_enforced_hub_rate_limit() -> None:
    world = World(namespaces=[Namespace("org")], hub_rate_limit=2, enforce_hub_rate_limit=True)
    with FakeDockerHub(world) as fk, httpx.Client() as c:
        url = f"{fk.hub_url}/v2/orgs/org/"
        assert [c.get(url).status_code for _ in range(2)] == [200, 200]
        r = c.get(url)
        assert r.status_code == 429
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert r.headers["x-ratelimit-remaining"] == "0"
