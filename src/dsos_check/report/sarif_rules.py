"""The SARIF rules: one per check id (`dsos/<check>`), with what it asks and how to fix it.

Static text, so a rule reads the same in every run whatever the namespace; the result's message
carries the namespace's own reason and fix.
"""

from __future__ import annotations

from typing import NamedTuple

from dsos_check.report.sarif_models import (
    MultiformatMessage,
    ReportingConfiguration,
    ReportingDescriptor,
    RuleProperties,
)


class RuleText(NamedTuple):
    """A check's name, the question it asks, and the general fix."""

    name: str
    question: str
    fix: str


RULE_TEXT: dict[str, RuleText] = {
    "public": RuleText(
        "EveryRepositoryPublic",
        "Is every repository in the namespace public? Without a token that can list the "
        "namespace's private repositories this needs review, never passes.",
        "Make the private repositories public on Docker Hub, or move them to another "
        "namespace; run with --username and --token of the namespace or a member so the "
        "check can see them.",
    ),
    "osi-license": RuleText(
        "OsiApprovedLicense",
        "Does every repository carry an OSI-approved license (an SPDX expression)?",
        'Declare the license in the image, e.g. LABEL org.opencontainers.image.licenses="MIT" '
        "in the Dockerfile (with the project's own SPDX expression), and state it in the Docker Hub overview; a license the evidence "
        "cannot show can be stated in the policy file's [[overrides]].",
    ),
    "non-commercial": RuleText(
        "NoPathwayToCommercialization",
        "Is there no sign of a pathway to commercialization (paid tiers, a hosted offer, "
        "source-available licenses)?",
        "Remove the commercial signal, or state the project's position in the policy file's "
        "[attestation] (non_commercial = true, a statement and a contact).",
    ),
    "active-development": RuleText(
        "ActiveDevelopment",
        "Was an image pushed within the activity window (183 days by default)?",
        "Push a new image build, or archive the repositories that are no longer maintained.",
    ),
    "produces-images": RuleText(
        "ProducesContainerImages",
        "Does every repository hold container images, not only Helm charts, plugins, other "
        "artifacts or nothing?",
        "Push an image to the repository, delete it, or exclude it in the policy file "
        "(exclude = [{ repository = ..., reason = ... }]).",
    ),
    "documentation": RuleText(
        "DocumentedOverview",
        "Does every repository have a Docker Hub overview that links the source code and "
        "states the license?",
        "Write the repository overview on Docker Hub: a link to the source repository and a "
        "line naming the license.",
    ),
    "organization": RuleText(
        "OrganizationAccount",
        "Is the namespace an organization rather than a personal account?",
        "Convert the personal account to an organization, or publish from an organization.",
    ),
}
RULE_IDS: tuple[str, ...] = tuple(RULE_TEXT)


def rule_id(check: str) -> str:
    """The SARIF rule id of a check."""
    return f"dsos/{check}"


def rules() -> tuple[ReportingDescriptor, ...]:
    """Every rule, in the order results refer to them by `ruleIndex`."""
    return tuple(_rule(check, text) for check, text in RULE_TEXT.items())


def _rule(check: str, text: RuleText) -> ReportingDescriptor:
    return ReportingDescriptor(
        id=rule_id(check),
        name=text.name,
        short_description=MultiformatMessage(text=f"DSOS criterion: {check}"),
        full_description=MultiformatMessage(text=text.question),
        help=MultiformatMessage(
            text=f"{text.question}\nHow to fix: {text.fix}",
            markdown=f"{text.question}\n\n**How to fix:** {text.fix}",
        ),
        default_configuration=ReportingConfiguration(level="error"),
        properties=RuleProperties(tags=("dsos", "docker-hub", check), problem_severity="error"),
    )
