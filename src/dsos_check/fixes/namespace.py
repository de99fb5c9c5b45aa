"""Fixes at the namespace level: visibility, account type, commercial signals, activity."""

from __future__ import annotations

from dsos_check.checks import ids
from dsos_check.fixes.snippets import TOKEN_PERMISSIONS, attestation_block, token_command
from dsos_check.models import CheckResult, Fix, Outcome

NAMESPACE_CHECKS = (ids.PUBLIC, ids.ORGANIZATION, ids.NON_COMMERCIAL, ids.ACTIVE_DEVELOPMENT)


def namespace_fixes(
    namespace: str, results: tuple[CheckResult, ...], account_type: str = "organization"
) -> tuple[Fix, ...]:
    """One fix for each namespace-level check that needs review or fails, in check order."""
    return tuple(
        _fix(namespace, check, account_type)
        for check in results
        if check.id in NAMESPACE_CHECKS and check.outcome in (Outcome.REVIEW, Outcome.FAIL)
    )


def _fix(namespace: str, check: CheckResult, account_type: str) -> Fix:
    fail = check.outcome is Outcome.FAIL
    action = check.remediation or check.summary
    if check.id == ids.PUBLIC and not fail and account_type == "user":
        return Fix(
            check=ids.PUBLIC,
            where="command-line",
            action="Prove every repository is public with the account's own token: a personal "
            f"access token (Read-only) of {namespace} and --username {namespace}.",
            snippet=token_command(namespace, "dckr_pat_..."),
        )
    if check.id == ids.PUBLIC and not fail:
        return Fix(
            check=ids.PUBLIC,
            where="command-line",
            action=f"Prove every repository is public with the organization's token: {TOKEN_PERMISSIONS}.",
            snippet=token_command(namespace),
        )
    if check.id == ids.PUBLIC:
        names = ", ".join(check.repositories[:10])
        return Fix(
            check=ids.PUBLIC,
            where="docker-hub",
            action=f"Make these repositories public or move them to another namespace: {names}.",
        )
    if check.id == ids.NON_COMMERCIAL and not fail:
        return Fix(
            check=ids.NON_COMMERCIAL,
            where="policy-file",
            action="If the project sells nothing (no paid tier, hosted offer or support), say so "
            "in the policy file (dsos-check.toml) with a statement and a contact; otherwise "
            "remove the commercial wording from the overviews. " + action,
            snippet=attestation_block(namespace),
        )
    return Fix(check=check.id, where="docker-hub", action=action)
