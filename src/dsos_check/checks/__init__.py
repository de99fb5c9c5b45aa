"""The contract's checks in report order: pure functions over collected evidence."""

from __future__ import annotations

from dsos_check.checks import (
    active_development,
    documentation,
    organization,
    osi_license,
    produces_images,
    public,
)
from dsos_check.checks.base import Check

# Report order. `non-commercial` joins with its own feature.
CHECKS: tuple[Check, ...] = (
    public.CHECK,
    osi_license.CHECK,
    active_development.CHECK,
    produces_images.CHECK,
    documentation.CHECK,
    organization.CHECK,
)

__all__ = ["CHECKS"]
