"""The fake Docker Hub API (hub.docker.com/v2): accounts, repositories, tags, pagination."""

from __future__ import annotations

import json
import math
import re
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import ClassVar
from urllib.parse import urlencode

from tests.fakehub.content import (
    iso,
    stable_int,
)
from tests.fakehub.http import JSON, NOT_FOUND_BODY, Request, Response, json_response
from tests.fakehub.state import State
from tests.fakehub.world import Namespace, Repo

# ======================================================================== Hub API


def _page_params(req: Request) -> tuple[int, int] | Response:
    out: list[int] = []
    for name, default in (("page", 1), ("page_size", 10)):
        raw = req.q(name)
        if raw is None or raw == "":
            out.append(default)
            continue
        try:
            value = int(raw)
        except ValueError:
            return json_response(
                400, {"fields": {name: ["A valid integer is required."]}, "text": f"invalid {name}"}
            )
        if value < 1:
            return json_response(
                400,
                {
                    "fields": {name: ["Ensure this value is greater than or equal to 1."]},
                    "text": f"invalid {name}",
                },
            )
        out.append(value)
    return out[0], min(out[1], 100)


def paginate(req: Request, items: list[JSON], base: str | None = None) -> Response:
    """The Hub list envelope with absolute `next`/`previous` URLs; 404 past the end (page > 1)."""
    params = _page_params(req)
    if isinstance(params, Response):
        return params
    page, size = params
    start = (page - 1) * size
    if page > 1 and start >= len(items):
        return json_response(404, NOT_FOUND_BODY)

    def link(p: int) -> str:
        rest = [(k, v) for k, vs in req.query.items() if k not in ("page", "page_size") for v in vs]
        return f"{base or req.base_url}{req.path}?" + urlencode(
            [("page", p), ("page_size", size), *rest]
        )

    return json_response(
        200,
        {
            "count": len(items),
            "next": link(page + 1) if start + size < len(items) else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": items[start : start + size],
        },
    )


REPO_ORDERINGS = ("name", "-name", "last_updated", "-last_updated", "pull_count", "-pull_count")
TAG_ORDERINGS = ("name", "-name", "last_updated", "-last_updated")


class HubApp:
    """hub.docker.com: accounts, repository lists and details, tags, auth."""

    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("POST", r"/v2/auth/token/?", "auth_token"),
        ("POST", r"/v2/users/login/?", "users_login"),
        ("GET", r"/v2/user/?", "current_user"),
        ("GET", r"/v2/user/orgs/?", "user_orgs"),
        ("GET", r"/v2/orgs/(?P<ns>[^/]+)/?", "org"),
        ("GET", r"/v2/users/(?P<ns>[^/]+)/?", "user"),
        ("GET", r"/v2/namespaces/(?P<ns>[^/]+)/repositories/?", "repo_list"),
        ("GET", r"/v2/repositories/(?P<ns>[^/]+)/?", "repo_list"),
        ("GET", r"/v2/namespaces/(?P<ns>[^/]+)/repositories/(?P<repo>[^/]+)/?", "repo_detail"),
        ("GET", r"/v2/repositories/(?P<ns>[^/]+)/(?P<repo>[^/]+)/?", "repo_detail"),
        ("GET", r"/v2/namespaces/(?P<ns>[^/]+)/repositories/(?P<repo>[^/]+)/tags/?", "tags"),
        ("GET", r"/v2/repositories/(?P<ns>[^/]+)/(?P<repo>[^/]+)/tags/?", "tags"),
        (
            "GET",
            r"/v2/namespaces/(?P<ns>[^/]+)/repositories/(?P<repo>[^/]+)/tags/(?P<tag>[^/]+)/?",
            "tag",
        ),
        ("GET", r"/v2/repositories/(?P<ns>[^/]+)/(?P<repo>[^/]+)/tags/(?P<tag>[^/]+)/?", "tag"),
    ]

    def __init__(self, state: State) -> None:
        self.state = state
        self.world = state.world
        self._routes = [(m, re.compile(p), h) for m, p, h in self.ROUTES]

    def __call__(self, req: Request) -> Response:
        limited = self._rate_limit()
        if limited is not None:
            return limited
        resp = self._dispatch(req)
        resp.headers.extend(self._rate_headers())
        return resp

    # ------------------------------------------------------------------ plumbing

    def _rate_limit(self) -> Response | None:
        st = self.state
        with st.lock:
            now = time.time()
            window = self.world.hub_rate_window
            if now - st.hub_window_start >= window:
                st.hub_window_start, st.hub_window_count = now, 0
            st.hub_window_count += 1
            over = st.hub_window_count > self.world.hub_rate_limit
            reset_in = max(1, math.ceil(st.hub_window_start + window - now))
            if over:
                st.hub_429s += 1
        if over and self.world.enforce_hub_rate_limit:
            resp = json_response(429, {"detail": "Rate limit exceeded", "error": False})
            resp.headers.append(("Retry-After", str(reset_in)))
            resp.headers.extend(self._rate_headers())
            return resp
        return None

    def _rate_headers(self) -> list[tuple[str, str]]:
        st = self.state
        with st.lock:
            remaining = max(0, self.world.hub_rate_limit - st.hub_window_count)
            reset = math.ceil(st.hub_window_start + self.world.hub_rate_window)
        return [
            ("X-RateLimit-Limit", str(self.world.hub_rate_limit)),
            ("X-RateLimit-Remaining", str(remaining)),
            ("X-RateLimit-Reset", str(reset)),
        ]

    def _dispatch(self, req: Request) -> Response:
        if not self.world.namespaces_api and req.path.startswith("/v2/namespaces/"):
            return json_response(404, {"message": "404: Page Not Found"})
        method = "GET" if req.method == "HEAD" else req.method
        path_matched = False
        for m, pattern, handler in self._routes:
            match = pattern.fullmatch(req.path)
            if match is None:
                continue
            path_matched = True
            if m == method:
                result: Response = getattr(self, handler)(req, **match.groupdict())
                return result
        if path_matched:
            return json_response(405, {"detail": f'Method "{req.method}" not allowed.'})
        return json_response(404, {"message": "404: Page Not Found"})

    def _user_or_401(self, req: Request) -> tuple[str | None, Response | None]:
        return self.state.hub_user(req)

    # ------------------------------------------------------------------ auth

    def auth_token(self, req: Request) -> Response:
        try:
            payload = json.loads(req.body or b"{}")
        except ValueError:
            return json_response(400, {"detail": "JSON parse error"})
        if not isinstance(payload, dict):
            return json_response(400, {"detail": "JSON object expected"})
        identifier, secret = payload.get("identifier"), payload.get("secret")
        if not isinstance(identifier, str) or not isinstance(secret, str):
            return json_response(
                400,
                {
                    "fields": {"identifier": ["This field is required."]},
                    "text": "identifier and secret are required",
                },
            )
        user = self.state.check_user(identifier, secret)
        if user is None:
            return json_response(401, {"detail": "Incorrect authentication credentials"})
        return json_response(200, {"access_token": self.state.issue_hub_token(user.username)})

    def users_login(self, req: Request) -> Response:
        try:
            payload = json.loads(req.body or b"{}")
        except ValueError:
            return json_response(400, {"detail": "JSON parse error"})
        if not isinstance(payload, dict):
            return json_response(400, {"detail": "JSON object expected"})
        user = self.state.check_user(
            str(payload.get("username", "")), str(payload.get("password", ""))
        )
        if user is None or user.kind != "user":
            return json_response(401, {"detail": "Incorrect authentication credentials"})
        token = self.state.issue_hub_token(user.username)
        return json_response(200, {"token": token, "refresh_token": secrets.token_hex(16)})

    # ------------------------------------------------------------------ accounts

    def _account_common(self, name: str, ns: Namespace | None) -> JSON:
        uid = uuid.UUID(int=stable_int("uuid", name, modulo=2**120))
        joined = (ns.date_joined if ns else None) or datetime(2019, 3, 14, 9, 26, 53, tzinfo=UTC)
        return {
            "id": uid.hex,
            "uuid": str(uid),
            "full_name": ns.full_name if ns else "",
            "location": ns.location if ns else "",
            "company": ns.company if ns else "",
            "profile_url": ns.profile_url if ns else "",
            "date_joined": iso(joined),
            "gravatar_url": "",
            "gravatar_email": "",
        }

    def org(self, req: Request, ns: str) -> Response:
        _, err = self._user_or_401(req)
        if err:
            return err
        namespace = self.world.namespace(ns)
        if namespace is None or namespace.kind != "organization":
            return json_response(404, NOT_FOUND_BODY)
        body = {"orgname": ns, **self._account_common(ns, namespace)}
        body.update({"type": "Organization", "badge": namespace.badge})
        return json_response(200, body)

    def _user_namespace(self, name: str) -> Namespace | bool | None:
        """The user's Namespace, True for a credentials-only user, None when unknown."""
        ns = self.world.namespace(name)
        if ns is not None:
            return ns if ns.kind == "user" else None
        user = self.world.user(name)
        return True if user is not None and user.kind == "user" else None

    def user(self, req: Request, ns: str) -> Response:
        _, err = self._user_or_401(req)
        if err:
            return err
        found = self._user_namespace(ns)
        if found is None:
            return json_response(404, NOT_FOUND_BODY)
        namespace = found if isinstance(found, Namespace) else None
        body = {"username": ns, **self._account_common(ns, namespace), "type": "User"}
        # reorder like the BBOT capture: id, uuid, username, ...
        ordered = {k: body[k] for k in ("id", "uuid", "username")}
        ordered.update(body)
        return json_response(200, ordered)

    def current_user(self, req: Request) -> Response:
        username, err = self._user_or_401(req)
        if err:
            return err
        if username is None:
            return json_response(401, {"detail": "Authentication credentials were not provided."})
        body = {"username": username, **self._account_common(username, None), "type": "User"}
        return json_response(200, body)

    def user_orgs(self, req: Request) -> Response:
        username, err = self._user_or_401(req)
        if err:
            return err
        if username is None:
            return json_response(401, {"detail": "Authentication credentials were not provided."})
        user = self.world.user(username)
        if user is not None and user.kind == "oat":
            return json_response(
                403,
                {
                    "message": "access to the resource is forbidden with organization access token",
                    "errinfo": {},
                },
            )
        items: list[JSON] = []
        for org in self.world.orgs_of(username):
            item = {"orgname": org.name, **self._account_common(org.name, org)}
            item.update(
                {
                    "type": "Organization",
                    "badge": org.badge,
                    "is_active": True,
                    "user_role": "owner" if org.members[:1] == [username] else "member",
                    "user_groups": ["owners"] if org.members[:1] == [username] else ["members"],
                    "org_groups_count": 2,
                    "plan_name": org.plan_name,
                    "parent_name": None,
                }
            )
            items.append(item)
        return paginate(req, items)

    # ------------------------------------------------------------------ repositories

    def _repo_entry(self, ns: Namespace, repo: Repo) -> JSON:
        rc = self.state.content[(ns.name, repo.name)]
        return {
            "name": repo.name,
            "namespace": ns.name,
            "repository_type": repo.repository_type,
            "status": 1,
            "status_description": "active",
            "description": repo.description,
            "is_private": repo.private,
            "star_count": repo.star_count,
            "pull_count": repo.pull_count,
            "last_updated": iso(self._last_updated(repo)),
            "last_modified": "2024-10-16T13:48:34.145251Z",
            "date_registered": iso(self._registered(repo)),
            "affiliation": "",
            "media_types": (
                list(repo.media_types) if repo.media_types is not None else sorted(rc.media_types)
            ),
            "content_types": (
                list(repo.content_types) if repo.content_types is not None else rc.content_types
            ),
            "categories": list(repo.categories),
            "storage_size": repo.storage_size if repo.storage_size is not None else rc.total_size,
        }

    @staticmethod
    def _last_updated(repo: Repo) -> datetime | None:
        if repo.last_updated is not None:
            return repo.last_updated
        return max((t.last_pushed for t in repo.tags), default=None)

    def _registered(self, repo: Repo) -> datetime:
        if repo.date_registered is not None:
            return repo.date_registered
        oldest = min((t.last_pushed for t in repo.tags), default=None)
        return oldest or datetime(2023, 6, 29, 23, 27, 34, 326426, tzinfo=UTC)

    def repo_list(self, req: Request, ns: str) -> Response:
        username, err = self._user_or_401(req)
        if err:
            return err
        ordering = req.q("ordering")
        if ordering and ordering not in REPO_ORDERINGS:
            return json_response(
                400,
                {
                    "fields": {
                        "ordering": [
                            "Invalid ordering value. Must be one of: " + ", ".join(REPO_ORDERINGS)
                        ]
                    },
                    "text": "Invalid ordering value",
                },
            )
        namespace = self.world.namespace(ns)
        entries: list[JSON] = []
        if namespace is not None:
            entries = [
                self._repo_entry(namespace, r)
                for r in namespace.repos
                if self.state.can_see(username, namespace, r)
            ]
        name_filter = req.q("name")
        if name_filter:
            entries = [e for e in entries if name_filter.lower() in e["name"].lower()]
        for key in ("content_types", "media_types"):
            wanted = {v for v in (req.q(key) or "").split(",") if v}
            if wanted:
                entries = [e for e in entries if wanted & set(e[key])]
        if ordering:
            field_name = ordering.lstrip("-")
            entries.sort(
                key=lambda e: (e[field_name] is not None, e[field_name] or ""),
                reverse=ordering.startswith("-"),
            )
        mirror = self.state.next_base if self.state.world.hub_next_on_mirror else None
        return paginate(req, entries, mirror() if mirror else None)

    def _visible_repo(
        self, req: Request, ns: str, repo: str
    ) -> tuple[Namespace, Repo, str | None] | Response:
        username, err = self._user_or_401(req)
        if err:
            return err
        namespace = self.world.namespace(ns)
        r = namespace.repo(repo) if namespace else None
        if namespace is None or r is None or not self.state.can_see(username, namespace, r):
            return json_response(
                404,
                {
                    "message": "httperror 404: object not found",
                    "errinfo": {"namespace": ns, "repository": repo},
                },
            )
        return namespace, r, username

    def repo_detail(self, req: Request, ns: str, repo: str) -> Response:
        found = self._visible_repo(req, ns, repo)
        if isinstance(found, Response):
            return found
        namespace, r, username = found
        member = self.world.is_member(username, ns)
        entry = self._repo_entry(namespace, r)
        legacy = req.path.startswith("/v2/repositories/")
        body: JSON = {
            "user": ns,
            "name": r.name,
            "namespace": ns,
            "repository_type": r.repository_type,
            "status": 1,
            "status_description": "active",
            "description": r.description,
            "is_private": r.private,
            "is_automated": False,
            "star_count": r.star_count,
            "pull_count": r.pull_count,
            "last_updated": entry["last_updated"],
            "last_modified": entry["last_modified"],
            "date_registered": entry["date_registered"],
            "collaborator_count": 0,
            "affiliation": None,
            "hub_user": ns,
            "has_starred": False,
            "full_description": r.full_description,
            "permissions": {"read": True, "write": member, "admin": member},
            "media_types": entry["media_types"],
            "content_types": entry["content_types"],
            "categories": entry["categories"],
            "immutable_tags_settings": {"enabled": False, "rules": []},
            "storage_size": entry["storage_size"],
            "source": None,
        }
        if legacy:
            body["can_edit"] = member
        return json_response(200, body)

    def tags(self, req: Request, ns: str, repo: str) -> Response:
        found = self._visible_repo(req, ns, repo)
        if isinstance(found, Response):
            return found
        namespace, r, _ = found
        ordering = req.q("ordering") or "-last_updated"
        if ordering not in TAG_ORDERINGS:
            ordering = "-last_updated"
        rc = self.state.content[(namespace.name, r.name)]
        bodies = [rc.tags[t.name].hub_body for t in r.tags]
        field_name = ordering.lstrip("-")
        bodies.sort(key=lambda b: str(b[field_name] or ""), reverse=ordering.startswith("-"))
        name_filter = req.q("name")
        if name_filter:
            bodies = [b for b in bodies if name_filter in b["name"]]
        return paginate(req, bodies)

    def tag(self, req: Request, ns: str, repo: str, tag: str) -> Response:
        found = self._visible_repo(req, ns, repo)
        if isinstance(found, Response):
            return found
        namespace, r, _ = found
        tc = self.state.content[(namespace.name, r.name)].tags.get(tag)
        if tc is None:
            return json_response(404, NOT_FOUND_BODY)
        return json_response(200, tc.hub_body)
