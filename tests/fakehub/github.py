"""The fake GitHub: REST repository and license endpoints, GraphQL and raw file contents."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time

from tests.fakehub.content import (
    stable_int,
)
from tests.fakehub.http import JSON, Request, Response, github_error, json_response
from tests.fakehub.state import State
from tests.fakehub.world import GitHubRepo

# ======================================================================== GitHub

_GH_LICENSES: dict[str, tuple[str, str, str]] = {
    "MIT": ("mit", "MIT License", "MDc6TGljZW5zZTEz"),
    "Apache-2.0": ("apache-2.0", "Apache License 2.0", "MDc6TGljZW5zZTI="),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0", "MDc6TGljZW5zZTk="),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License', "MDc6TGljZW5zZTU="),
    "MPL-2.0": ("mpl-2.0", "Mozilla Public License 2.0", "MDc6TGljZW5zZTE0"),
    "AGPL-3.0": ("agpl-3.0", "GNU Affero General Public License v3.0", "MDc6TGljZW5zZTA="),
}
GH_API = "https://api.github.com"


class GitHubApp:
    """api.github.com: repository license look-ups."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.world = state.world

    def _license_meta(self, spdx: str) -> JSON:
        if spdx == "NOASSERTION":
            return {
                "key": "other",
                "name": "Other",
                "spdx_id": "NOASSERTION",
                "url": None,
                "node_id": "MDc6TGljZW5zZTA=",
            }
        key, name, node = _GH_LICENSES.get(spdx, (spdx.lower(), spdx, "MDc6TGljZW5zZTk5"))
        return {
            "key": key,
            "name": name,
            "spdx_id": spdx,
            "url": f"{GH_API}/licenses/{key}",
            "node_id": node,
        }

    def _find(self, full: str) -> tuple[str, GitHubRepo] | None:
        key = next((k for k in self.world.github_repos if k.lower() == full.lower()), None)
        return (key, self.world.github_repos[key]) if key else None

    def _raw(self, req: Request) -> Response:
        """raw.githubusercontent.com: public files, no API rate limit, no JSON."""
        m = re.fullmatch(
            r"/raw/(?P<owner>[^/]+)/(?P<repo>[^/]+)/(?P<ref>[^/]+)/(?P<path>.+)", req.path
        )
        found = self._find(f"{m['owner']}/{m['repo']}") if m else None
        if m is None or found is None or found[1].spdx_id is None or m["path"] != found[1].path:
            return Response(404, b"404: Not Found", content_type="text/plain; charset=utf-8")
        return Response(
            200, found[1].license_text.encode(), content_type="text/plain; charset=utf-8"
        )

    def _graphql(self, req: Request, headers: list[tuple[str, str]]) -> Response:
        """POST /graphql: `repository(owner:, name:)` aliases with licenseInfo and file blobs."""
        if not req.headers.get("authorization"):
            return json_response(
                401, {"message": "This endpoint requires you to be authenticated."}
            )
        try:
            body = json.loads(req.body)
            variables: dict[str, str] = body["variables"]
            query: str = body["query"]
        except (ValueError, KeyError, TypeError):
            return json_response(400, {"message": "Problems parsing JSON"})
        data: JSON = {}
        errors: list[JSON] = []
        for alias, owner_var, name_var in re.findall(
            r"(r\d+): repository\(owner: \$(\w+), name: \$(\w+)\)", query
        ):
            files = re.findall(r'(f\d+): object\(expression: "HEAD:([^"]+)"\)', query)
            found = self._find(f"{variables.get(owner_var)}/{variables.get(name_var)}")
            if found is None:
                data[alias] = None
                errors.append(
                    {"type": "NOT_FOUND", "path": [alias], "message": "Could not resolve"}
                )
                continue
            gh = found[1]
            node: JSON = {
                "licenseInfo": {"spdxId": gh.spdx_id, "name": gh.spdx_id} if gh.spdx_id else None
            }
            for file_alias, path in dict.fromkeys(files):
                has = gh.spdx_id is not None and path == gh.path
                node[file_alias] = {"text": gh.license_text} if has else None
            data[alias] = node
        answer: JSON = {"data": data}
        if errors:
            answer["errors"] = errors
        return json_response(200, answer, headers)

    def _limit_headers(self, authed: bool) -> tuple[list[tuple[str, str]], bool]:
        """Rate-limit headers; anonymous callers get `github_anonymous_budget` requests."""
        with self.state.lock:
            if authed:
                limit, left = 5000, 4999
            else:
                limit = self.world.github_anonymous_budget
                self.state.github_anonymous_left = max(-1, self.state.github_anonymous_left - 1)
                left = self.state.github_anonymous_left
        headers = [
            ("x-ratelimit-limit", str(limit)),
            ("x-ratelimit-remaining", str(max(0, left))),
            ("x-ratelimit-reset", str(int(time.time()) + 3600)),
            ("x-ratelimit-used", "1"),
            ("x-ratelimit-resource", "core"),
            ("x-github-api-version-selected", "2022-11-28"),
        ]
        return headers, left < 0

    def __call__(self, req: Request) -> Response:
        if req.path.startswith("/raw/"):
            return self._raw(req)
        authed = bool(req.headers.get("authorization"))
        headers, spent = self._limit_headers(authed)
        if spent:
            denied = github_error(403)
            denied.headers.extend(headers)
            return denied
        if req.path == "/graphql" and req.method == "POST":
            return self._graphql(req, headers)
        m = re.fullmatch(r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)(?P<lic>/license)?/?", req.path)
        gh = None
        full = ""
        if m:
            full = f"{m['owner']}/{m['repo']}"
            gh = next(
                (v for k, v in self.world.github_repos.items() if k.lower() == full.lower()), None
            )
        if m is None or gh is None or (m["lic"] and gh.spdx_id is None):
            doc = "https://docs.github.com/rest/licenses/licenses#get-the-license-for-a-repository"
            return json_response(
                404, {"message": "Not Found", "documentation_url": doc, "status": "404"}, headers
            )
        owner_repo = next(k for k in self.world.github_repos if k.lower() == full.lower())
        if not m["lic"]:
            body: JSON = {
                "id": stable_int("gh", owner_repo),
                "name": owner_repo.split("/")[1],
                "full_name": owner_repo,
                "private": False,
                "html_url": f"https://github.com/{owner_repo}",
                "fork": False,
                "archived": False,
                "default_branch": gh.default_branch,
                "license": self._license_meta(gh.spdx_id) if gh.spdx_id else None,
            }
            return json_response(200, body, headers)
        assert gh.spdx_id is not None
        raw = gh.license_text.encode()
        b64 = base64.b64encode(raw).decode()
        content = "\n".join(b64[i : i + 60] for i in range(0, len(b64), 60)) + "\n"
        sha = hashlib.sha1(b"blob %d\x00" % len(raw) + raw).hexdigest()
        url = f"{GH_API}/repos/{owner_repo}/contents/{gh.path}?ref={gh.default_branch}"
        html = f"https://github.com/{owner_repo}/blob/{gh.default_branch}/{gh.path}"
        git = f"{GH_API}/repos/{owner_repo}/git/blobs/{sha}"
        body = {
            "name": gh.path.rsplit("/", 1)[-1],
            "path": gh.path,
            "sha": sha,
            "size": len(raw),
            "url": url,
            "html_url": html,
            "git_url": git,
            "download_url": f"https://raw.githubusercontent.com/{owner_repo}/{gh.default_branch}/{gh.path}",
            "type": "file",
            "content": content,
            "encoding": "base64",
            "_links": {"self": url, "git": git, "html": html},
            "license": self._license_meta(gh.spdx_id),
        }
        return json_response(200, body, headers)
