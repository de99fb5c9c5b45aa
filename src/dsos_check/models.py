"""Immutable types that flow through the pipeline: collected evidence, check results, the report."""

from collections.abc import Iterable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SkipValidation, field_serializer

from dsos_check.choices import FailOn, Verdict

SCHEMA_VERSION = 1

__all__ = ["FailOn", "Verdict"]  # re-exported: they live in the light `choices` module


class Model(BaseModel):
    """Frozen, strict-about-our-own-fields base for every internal type."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Outcome(StrEnum):
    """What one check says; `warn` is informational and never changes the verdict."""

    PASS = "pass"
    WARN = "warn"
    REVIEW = "review"
    FAIL = "fail"


# Severity order used for exit codes and for "the worst verdict wins".
VERDICT_SEVERITY: dict[Verdict, int] = {
    Verdict.ELIGIBLE: 0,
    Verdict.NEEDS_REVIEW: 1,
    Verdict.NOT_ELIGIBLE: 2,
    Verdict.ERROR: 3,
}

LicenseSource = Literal["image-label", "source-repository", "description", "config"]
AccountType = Literal["organization", "user"]


# --------------------------------------------------------------------------- evidence


UtcTime = AwareDatetime


class AccountEvidence(Model):
    """Which account endpoint answered for the namespace, and what it said."""

    type: AccountType
    badge: str | None = None
    full_name: str | None = None
    company: str | None = None
    profile_url: str | None = None


class HistoryStep(Model):
    """One entry of an image config's `history`: the build step that made (or did not make) a layer."""

    created_by: str = ""
    empty_layer: bool = False
    comment: str | None = None


class LookupFailure(StrEnum):
    """Which look-up went wrong (or that the tag holds no image): stages read this, never the
    wording of the message that goes with it."""

    CONTENT = "content"  # the registry answered: the tag holds something that is not an image
    PULL_BUDGET = "pull-budget"
    TOKEN_SERVICE = "token-service"
    REGISTRY = "registry"
    DOCKER_HUB = "docker-hub"


class Problem(Model):
    """A look-up that failed for one repository: which service, and what it said."""

    service: LookupFailure
    message: str


class ImageEvidence(Model):
    """What the registry told us about one image: its labels and annotations."""

    reference: str
    platform: str | None = None
    manifest_media_type: str | None = None
    config_media_type: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    # The config's build history (bounded), so inherited labels can be told from the project's own.
    history: tuple[HistoryStep, ...] = ()
    error: str | None = None
    # Set whenever `error` is: what kind of failure the sentence describes.
    failure: LookupFailure | None = None


class TagEvidence(Model):
    """The newest tag of a repository, as the Hub tags API describes it."""

    name: str
    digest: str | None = None
    last_pushed: UtcTime | None = None
    media_type: str | None = None
    content_type: str | None = None
    platform_digests: dict[str, str] = Field(default_factory=dict)


SourceStatus = Literal["found", "no-license", "rate-limited", "unreachable", "error"]


class SourceRepositoryEvidence(Model):
    """The repository's linked source repository and what GitHub says of its license."""

    url: str
    found_in: str
    status: SourceStatus
    spdx_id: str | None = None
    license_name: str | None = None
    license_path: str | None = None
    license_text: str | None = None
    message: str | None = None


class RepositoryEvidence(Model):
    """Everything collected about one repository."""

    name: str
    is_private: bool = False
    description: str | None = None
    full_description: str | None = None
    last_updated: UtcTime | None = None
    repository_type: str | None = None
    content_types: tuple[str, ...] = ()
    media_types: tuple[str, ...] = ()
    tag_count: int | None = None
    newest_tag: TagEvidence | None = None
    image: ImageEvidence | None = None
    source_repository: SourceRepositoryEvidence | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def last_pushed(self) -> datetime | None:
        """The newest of the newest tag's push time and the repository's `last_updated`."""
        # Read by several checks and the report for every repository: no list, no `max` call.
        updated = self.last_updated
        pushed = self.newest_tag.last_pushed if self.newest_tag is not None else None
        if updated is None or pushed is None:
            return updated or pushed
        return pushed if pushed > updated else updated


class CollectionNotes(Model):
    """How a run spent the scarce budgets (registry pulls, GitHub look-ups) and what it left
    unread for lack of them."""

    # "manifest-index": tag → index → platform manifest (up to 2 pulls per image);
    # "hub-tags": the platform digest from Docker Hub's tag API (1 pull per image).
    pull_path: Literal["manifest-index", "hub-tags"] | None = None
    pulls_spent: int = 0
    pulls_remaining: int | None = None
    pull_budget_refills_by: UtcTime | None = None
    labels_skipped: tuple[str, ...] = ()
    github_unchecked: tuple[str, ...] = ()
    github_resets_at: UtcTime | None = None


class NamespaceEvidence(Model):
    """Everything collected about one namespace, stamped with when it was collected."""

    namespace: str
    account: AccountEvidence
    authenticated: bool = False
    can_list_private: bool = False
    repositories: tuple[RepositoryEvidence, ...] = ()
    collected_at: UtcTime
    notes: CollectionNotes = Field(default_factory=CollectionNotes)


class Exclusion(Model):
    """Repositories (a name or a glob) left out of every check, or of the listed checks only."""

    repository: str
    reason: str
    # Empty: every check. Otherwise the ids of the only checks the repositories are left out of.
    checks: tuple[str, ...] = ()


class Override(Model):
    """A fact the evidence lacks, stated by the project: a repository's license."""

    repository: str
    license: str
    reason: str
    expires: date | None = None

    def expired(self, today: date) -> bool:
        """Whether the override no longer applies on `today`."""
        return self.expires is not None and today > self.expires


class Attestation(Model):
    """The project's own statement that it has no pathway to commercialization."""

    non_commercial: bool = False
    statement: str | None = None
    contact: str | None = None


class Policy(Model):
    """The rules a run applies (command line over policy file over defaults), from the file to
    the report's `policy` object (fields in the report's order)."""

    active_days: int = 183
    fail_on: FailOn = FailOn.REVIEW
    config_file: str | None = None
    exclude: tuple[Exclusion, ...] = ()
    overrides: tuple[Override, ...] = ()
    attestation: Attestation | None = None
    # The namespaces the policy file speaks for; None when it names none (see `applies_to`).
    namespaces: tuple[str, ...] | None = None


class CollectionFailure(Model):
    """A namespace that could not be checked: its report will say `error`."""

    namespace: str
    error: str
    authenticated: bool = False


Collected = NamespaceEvidence | CollectionFailure


# --------------------------------------------------------------------------- results


FixLocation = Literal[
    "dockerfile", "docker-hub", "source-repository", "policy-file", "command-line"
]


class Fix(Model):
    """One change that would turn a non-passing outcome into a pass: where, what, and what to paste."""

    check: str
    repository: str | None = None
    where: FixLocation
    action: str
    snippet: str | None = None


class LicenseReport(Model):
    """The license decided for one repository and the clues behind it."""

    expression: str | None = None
    osi_approved: bool | None = None
    source: LicenseSource | None = None
    evidence: tuple[str, ...] = ()
    confidence: Literal["high", "medium", "low"] | None = None
    summary: str | None = None
    # The commercial restriction found (a rider, or a source-available/non-commercial license).
    restriction: str | None = None
    # What would make the license machine-readable or decidable (check `osi-license`), for the
    # report's `RepositoryReport.fixes`; not serialised here, the contract puts fixes there.
    fixes: tuple[Fix, ...] = Field(default=(), exclude=True)


class Change(Model):
    """An outcome that differs between the baseline evidence (judged today) and this run."""

    check: str
    repository: str | None = None
    before: Outcome | None = None
    after: Outcome | None = None


class LicenseChange(Model):
    """A repository whose license expression differs between the baseline evidence and this run."""

    repository: str
    before: str | None = None
    after: str | None = None


class RepositoryOutcome(Model):
    """One check's outcome for one repository, with the reason for anything but a pass."""

    outcome: Outcome
    reason: str = ""


class CheckResult(Model):
    """One check's answer for a namespace."""

    id: str
    title: str
    outcome: Outcome
    summary: str
    repositories: tuple[str, ...] = ()
    remediation: str | None = None
    # Built by the check from typed outcomes, one per repository (thousands in a large
    # namespace): validating them again copied the table and checked every entry.
    per_repository: SkipValidation[dict[str, RepositoryOutcome]] = Field(
        default_factory=dict, exclude=True
    )


class AccountReport(Model):
    """The `account` object of the JSON report."""

    type: AccountType
    badge: str | None = None


class RepositoryReport(Model):
    """One repository in the report."""

    name: str
    is_private: bool
    last_pushed: datetime | None
    # Validated, unlike `CheckResult.per_repository`: pydantic serialises a `SkipValidation`
    # field through a Python callback, which cost the JSON report more than it saved here.
    content_types: tuple[str, ...]
    license: LicenseReport
    outcomes: dict[str, Outcome]
    reasons: dict[str, str] = Field(default_factory=dict)
    newest_tag: str | None = None
    has_images: bool | None = None
    fixes: tuple[Fix, ...] = ()
    # The linked source code (image source label, else an overview link), when one was found.
    source_url: str | None = None

    @field_serializer("last_pushed")
    def _ser_last_pushed(self, value: datetime | None) -> str | None:
        return format_time(value) if value else None


class ExcludedRepository(Model):
    """A repository the policy left out (of every check, or of `checks` only), and why."""

    name: str
    pattern: str
    reason: str
    checks: tuple[str, ...] = ()


class NamespaceReport(Model):
    """One namespace's verdict, checks and repositories."""

    namespace: str
    verdict: Verdict
    error: str | None = None
    authenticated: bool = False
    can_list_private: bool = False
    account: AccountReport | None = None
    sponsored: bool = False
    checks: tuple[CheckResult, ...] = ()
    repositories: tuple[RepositoryReport, ...] = ()
    excluded: tuple[ExcludedRepository, ...] = ()
    warnings: tuple[str, ...] = ()
    collected_at: datetime | None = None
    fixes: tuple[Fix, ...] = ()
    # The policy file's attestation when it applies to this namespace (see the policy scoping).
    attestation: Attestation | None = None
    # None when no --baseline was given (then the JSON report leaves `changes` out).
    changes: tuple[Change, ...] | None = None
    # Also only with --baseline: repositories present in both whose license expression changed.
    license_changes: tuple[LicenseChange, ...] | None = None

    @field_serializer("collected_at")
    def _ser_collected_at(self, value: datetime | None) -> str | None:
        return format_time(value) if value else None


class ToolInfo(Model):
    """The `tool` object of the JSON report."""

    name: str = "dsos-check"
    version: str
    spdx_license_list_version: str


class CacheUse(Model):
    """Answers that came from the on-disk cache instead of the servers, and the oldest one's age."""

    answers: int
    oldest_seconds: int


class Report(Model):
    """The whole report: what every renderer sees, and nothing else."""

    schema_version: Literal[1] = 1
    tool: ToolInfo
    generated_at: datetime
    policy: Policy
    namespaces: tuple[NamespaceReport, ...]
    # For the human formats only (the JSON keeps its contract shape; `collected_at` says when):
    # the evidence file re-evaluated offline, and how much came from the on-disk cache.
    evidence_file: str | None = Field(default=None, exclude=True)
    cache: CacheUse | None = Field(default=None, exclude=True)

    @field_serializer("generated_at")
    def _ser_generated_at(self, value: datetime) -> str:
        return format_time(value)

    @property
    def verdict(self) -> Verdict:
        """The most severe verdict of all namespaces (eligible when there are none)."""
        return worst_verdict(ns.verdict for ns in self.namespaces)


def worst_verdict(verdicts: Iterable[Verdict]) -> Verdict:
    """The most severe of several verdicts: error > not_eligible > needs_review > eligible."""
    worst = Verdict.ELIGIBLE
    for v in verdicts:
        if VERDICT_SEVERITY[v] > VERDICT_SEVERITY[worst]:
            worst = v
    return worst


def verdict_from_outcomes(outcomes: list[Outcome]) -> Verdict:
    """not_eligible if any check fails, else needs_review if any needs review, else eligible."""
    if Outcome.FAIL in outcomes:
        return Verdict.NOT_ELIGIBLE
    if Outcome.REVIEW in outcomes:
        return Verdict.NEEDS_REVIEW
    return Verdict.ELIGIBLE


def to_utc(value: datetime) -> datetime:
    """`value` in UTC (naive means UTC); at datetime's edges, where the conversion would leave
    the representable range (`0001-01-01T00:30:00+01:00`), the nearest representable instant."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        edge = datetime.min if value.year == datetime.min.year else datetime.max
        return edge.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, to the second (years always four digits)."""
    # isoformat (C) pads the year to four digits as RFC 3339 needs; a third faster than a
    # formatted string, and the report formats one time per repository.
    return to_utc(value).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
