"""Words the human-readable renderers share: verdict labels and short check-column headers."""

from __future__ import annotations

from dsos_check.choices import Verdict
from dsos_check.models import PolicyReport

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


def policy_notes(policy: PolicyReport) -> list[str]:
    """What a policy file changed, in a few words each (the file name is the caller's to escape)."""
    notes = [f"fail on {policy.fail_on.value}"]
    if policy.exclude:
        notes.append(f"{len(policy.exclude)} exclusion(s)")
    if policy.overrides:
        notes.append(f"{len(policy.overrides)} override(s)")
    if policy.attestation is not None and policy.attestation.non_commercial:
        notes.append("non-commercial attested")
    return notes
