"""The contract's checks in report order: pure functions over collected evidence."""

from __future__ import annotations

from dsos_check.checks import (
    active_development,
    documentation,
    non_commercial,
    organization,
    osi_license,
    produces_images,
    public,
)
from dsos_check.checks.base import Check

# Report order: the contract's order of check ids.
CHECKS: tuple[Check, ...] = (
    public.CHECK,
    osi_license.CHECK,
    non_commercial.CHECK,
    active_development.CHECK,
    produces_images.CHECK,
    documentation.CHECK,
    organization.CHECK,
)

__all__ = ["CHECKS"]
