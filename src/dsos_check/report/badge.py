"""The `badge` format: a shields.io endpoint JSON object for exactly one namespace.

Shields reads `schemaVersion`, `label`, `message` and `color`
(https://shields.io/badges/endpoint-badge); a README shows it with
`https://img.shields.io/endpoint?url=<where the JSON is published>`.
"""

from __future__ import annotations

import json

from dsos_check.errors import UsageError
from dsos_check.models import Report, Verdict
from dsos_check.report.base import Renderer
from dsos_check.report.labels import VERDICT_LABEL

LABEL = "DSOS"
COLOR = {
    Verdict.ELIGIBLE: "brightgreen",
    Verdict.NEEDS_REVIEW: "yellow",
    Verdict.NOT_ELIGIBLE: "red",
    Verdict.ERROR: "lightgrey",
}


def require_one_namespace(count: int) -> None:
    """A badge speaks for one namespace: refuse any other number before a request is sent."""
    if count != 1:
        raise UsageError(
            f"--format badge describes exactly one namespace; {count} were given "
            "(run once per namespace)"
        )


class BadgeRenderer(Renderer):
    """The `badge` format."""

    def render(self, report: Report) -> str:
        """The badge JSON for the report's only namespace."""
        require_one_namespace(len(report.namespaces))
        verdict = report.namespaces[0].verdict
        badge = {
            "schemaVersion": 1,
            "label": LABEL,
            "message": VERDICT_LABEL[verdict],
            "color": COLOR[verdict],
        }
        return json.dumps(badge, indent=2) + "\n"
