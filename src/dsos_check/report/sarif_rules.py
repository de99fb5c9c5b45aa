"""The SARIF rules: one per check id (`dsos/<check>`), with what it asks and how to fix it.

Static text, so a rule reads the same in every run whatever the namespace; the result's message
carries the namespace's own reason and fix.
"""

from __future__ import annotations

from dsos_check.checks import CHECKS
from dsos_check.checks.base import About
from dsos_check.report.sarif_models import (
    MultiformatMessage,
    ReportingConfiguration,
    ReportingDescriptor,
    RuleProperties,
)

# Each check's rule name, question and fix come from the check itself (`Check.about`), so a new
# check needs no edit here.
RULE_IDS: tuple[str, ...] = tuple(check.id for check in CHECKS)


def rule_id(check: str) -> str:
    """The SARIF rule id of a check."""
    return f"dsos/{check}"


def rules() -> tuple[ReportingDescriptor, ...]:
    """Every rule, in the order results refer to them by `ruleIndex`."""
    return tuple(_rule(check.id, check.about) for check in CHECKS)


def _rule(check: str, text: About) -> ReportingDescriptor:
    return ReportingDescriptor(
        id=rule_id(check),
        name=text.rule_name,
        short_description=MultiformatMessage(text=f"DSOS criterion: {check}"),
        full_description=MultiformatMessage(text=text.question),
        help=MultiformatMessage(
            text=f"{text.question}\nHow to fix: {text.fix}",
            markdown=f"{text.question}\n\n**How to fix:** {text.fix}",
        ),
        default_configuration=ReportingConfiguration(level="error"),
        properties=RuleProperties(tags=("dsos", "docker-hub", check), problem_severity="error"),
    )
