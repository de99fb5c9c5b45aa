"""Words the human-readable renderers share: verdict labels and short check-column headers."""

from __future__ import annotations

from dsos_check.choices import Verdict

VERDICT_LABEL = {
    Verdict.ELIGIBLE: "eligible",
    Verdict.NEEDS_REVIEW: "needs review",
    Verdict.NOT_ELIGIBLE: "not eligible",
    Verdict.ERROR: "could not be checked",
}
# Short column headers for the per-repository outcome columns.
SHORT_NAMES = {
    "public": "public",
    "osi-license": "license",
    "non-commercial": "non-com.",
    "active-development": "active",
    "produces-images": "images",
    "documentation": "docs",
}
