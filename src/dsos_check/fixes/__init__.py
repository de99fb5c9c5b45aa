"""Fixes: for each outcome that is not a pass, where to change what, and the exact text to paste.

Pure functions of the evidence, the resolved licenses and the check results; the judge calls them
and stores the result in the report, so every renderer shows the same fixes.
"""

from __future__ import annotations

from dsos_check.fixes.namespace import namespace_fixes
from dsos_check.fixes.repository import repository_fixes
from dsos_check.fixes.snippets import TOKEN_PERMISSIONS

__all__ = ["TOKEN_PERMISSIONS", "namespace_fixes", "repository_fixes"]
