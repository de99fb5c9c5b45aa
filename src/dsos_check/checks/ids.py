"""The checks' stable ids, owned by the check registry: everything else names a check by these."""

from __future__ import annotations

from typing import Final

PUBLIC: Final = "public"
OSI_LICENSE: Final = "osi-license"
NON_COMMERCIAL: Final = "non-commercial"
ACTIVE_DEVELOPMENT: Final = "active-development"
PRODUCES_IMAGES: Final = "produces-images"
DOCUMENTATION: Final = "documentation"
ORGANIZATION: Final = "organization"
