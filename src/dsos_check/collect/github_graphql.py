"""GitHub GraphQL: one query asks for the license of up to 100 repositories (pure: build and read).

Owner and repository names come from overviews nobody vetted, so they travel as GraphQL
variables, never spliced into the query text.
"""

from __future__ import annotations

from typing import Any

from dsos_check.models import SourceRepositoryEvidence

BATCH_SIZE = 100
# Files GitHub's own license detection looks at first; the first one present is read.
LICENSE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "COPYING")
MAX_LICENSE_TEXT = 200_000  # characters of license text kept as evidence

_FIELDS = "licenseInfo { spdxId name } " + " ".join(
    f'f{i}: object(expression: "HEAD:{name}") {{ ... on Blob {{ text }} }}'
    for i, name in enumerate(LICENSE_FILES)
)


def graphql_url(api_url: str) -> str:
    """The GraphQL endpoint of a REST API base: `https://api.github.com` → `/graphql`;
    GitHub Enterprise's `https://HOST/api/v3` → `https://HOST/api/graphql`."""
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base.removesuffix("/v3") + "/graphql"
    return base + "/graphql"


def build_query(repositories: list[tuple[str, str]]) -> dict[str, Any]:
    """The request body asking for every (owner, name) in one query."""
    declarations = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(len(repositories)))
    parts = " ".join(
        f"r{i}: repository(owner: $o{i}, name: $n{i}) {{ {_FIELDS} }}"
        for i in range(len(repositories))
    )
    variables: dict[str, str] = {}
    for i, (owner, name) in enumerate(repositories):
        variables[f"o{i}"] = owner
        variables[f"n{i}"] = name
    return {"query": f"query({declarations}) {{ {parts} }}", "variables": variables}


def read_answer(data: Any, repositories: list[tuple[str, str]]) -> list[SourceRepositoryEvidence]:
    """One evidence per repository asked, in order, from a GraphQL answer's `data`."""
    found = data.get("data") if isinstance(data, dict) else None
    found = found if isinstance(found, dict) else {}
    return [
        _evidence(found.get(f"r{i}"), owner, name) for i, (owner, name) in enumerate(repositories)
    ]


def _evidence(node: Any, owner: str, name: str) -> SourceRepositoryEvidence:
    page = f"https://github.com/{owner}/{name}"
    if not isinstance(node, dict):
        return SourceRepositoryEvidence(
            url=page,
            found_in="",
            status="no-license",
            message="GitHub finds no license file (or no such public repository)",
        )
    info = node.get("licenseInfo") if isinstance(node.get("licenseInfo"), dict) else {}
    assert isinstance(info, dict)
    spdx_id = info.get("spdxId") if isinstance(info.get("spdxId"), str) else None
    license_name = info.get("name") if isinstance(info.get("name"), str) else None
    path, text = None, None
    for i, file_name in enumerate(LICENSE_FILES):
        blob = node.get(f"f{i}")
        if isinstance(blob, dict) and isinstance(blob.get("text"), str):
            path, text = file_name, blob["text"].replace("\x00", "")[:MAX_LICENSE_TEXT]
            break
    if spdx_id is None and text is None:
        return SourceRepositoryEvidence(
            url=page, found_in="", status="no-license", message="GitHub finds no license file"
        )
    return found_evidence(page, spdx_id, license_name, path, text)


def found_evidence(
    page: str, spdx_id: str | None, name: str | None, path: str | None, text: str | None
) -> SourceRepositoryEvidence:
    """A license GitHub found for a repository (`found_in` is filled by whoever asked)."""
    return SourceRepositoryEvidence(
        url=page,
        found_in="",
        status="found",
        spdx_id=spdx_id or None,
        license_name=name,
        license_path=path,
        license_text=text,
    )
