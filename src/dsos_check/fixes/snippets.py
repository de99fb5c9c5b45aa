"""The exact text a fix asks the maintainer to paste: Dockerfile lines, overview sections, policy
blocks and command lines. Every value is quoted for where it goes, so remote text cannot break out."""

from __future__ import annotations

import json

from dsos_check.text import shorten, visible

LICENSE_LABEL = "org.opencontainers.image.licenses"
PLACEHOLDER_LICENSE = "<SPDX expression>"  # as licenses/license_fixes.py writes it
PLACEHOLDER_SOURCE = "https://github.com/OWNER/REPOSITORY"
PLACEHOLDER_WEBSITE = "https://WEBSITE"
# Which Docker Hub tokens can see a namespace's private repositories (so `public` can pass).
TOKEN_PERMISSIONS = (
    "an organization access token with 'Repository: list' (scope-repository-list) and "
    "--username ORGANIZATION, or a member's Read-only personal access token and --username MEMBER"
)


def quoted(value: str) -> str:
    """A double-quoted string valid in TOML, in a Dockerfile and in a shell-free Markdown line."""
    return json.dumps(shorten(visible(value), 300), ensure_ascii=False)


def label_line(expression: str | None) -> str:
    """The Dockerfile line that declares the license (a placeholder when none was found)."""
    return f"LABEL {LICENSE_LABEL}={quoted(expression or PLACEHOLDER_LICENSE)}"


def overview_section(
    source: str | None, expression: str | None, license_path: str | None, website: str | None
) -> str:
    """An overview section with the source link, the license, contributing guide and website."""
    repo = source or PLACEHOLDER_SOURCE
    path = license_path or "LICENSE"
    license_text = expression or "SPDX-ID"  # no angle brackets: Markdown would take it for HTML
    return "\n".join(
        [
            "## Source, license and contributing",
            f"- Source code: {repo}",
            f"- License: {license_text} (the {path} file of the source code)",
            f"- Contributing: {repo}/blob/HEAD/CONTRIBUTING.md",
            f"- Website: {website or PLACEHOLDER_WEBSITE}",
        ]
    )


def attestation_block(namespace: str) -> str:
    """The policy-file block that states the project has no pathway to commercialization."""
    return "\n".join(
        [
            f"namespaces = [{quoted(namespace)}]",
            "",
            "[attestation]",
            "non_commercial = true",
            'statement = "No paid tier, no hosted offer, no commercial support sold by us."',
            'contact = "maintainers@example.org"',
        ]
    )


def exclusion_block(repository: str, check: str, reason: str) -> str:
    """The policy-file entry that leaves one repository out of one check, with a reason."""
    # An array-of-tables entry: the same data as an inline `exclude = [...]`, one key a line.
    return "\n".join(
        [
            "[[exclude]]",
            f"repository = {quoted(repository)}",
            f"checks = [{quoted(check)}]",
            f"reason = {quoted(reason)}",
        ]
    )


def token_command(namespace: str, token: str = "dckr_oat_...") -> str:
    """The command line that re-runs the check with a token that can list private repositories."""
    return f"DOCKERHUB_USERNAME={namespace} DOCKERHUB_TOKEN={token} \\\n  dsos-check {namespace}"
