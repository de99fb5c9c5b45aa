"""Check `produces-images`: every repository holds container images, not only other artifacts."""

from __future__ import annotations

from dsos_check.checks import base, ids
from dsos_check.checks.base import PASSED, About, Judged, Summary, per_repository_check
from dsos_check.checks.outcomes import judged_as
from dsos_check.checks.wording import counted, name_list
from dsos_check.models import Outcome, RepositoryEvidence, RepositoryOutcome
from dsos_check.vocabulary import IMAGE, IMAGE_ONLY_TYPES, KIND_OF_MEDIA_TYPE, PLUGIN, UNRECOGNIZED

ID = ids.PRODUCES_IMAGES
TITLE = "Produces container images"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _content_types(repo: RepositoryEvidence) -> set[str]:
    """Hub's content types for the repository, its tags and its newest tag, lower-cased."""
    types = set(repo.content_types)
    if repo.newest_tag is not None and repo.newest_tag.content_type:
        types.add(repo.newest_tag.content_type)
    return {t.strip().lower() for t in types if t.strip()}


def _media_types(repo: RepositoryEvidence) -> set[str]:
    """Hub's media types, the newest tag's and the config media type the registry reported."""
    types = set(repo.media_types)
    if repo.newest_tag is not None and repo.newest_tag.media_type:
        types.add(repo.newest_tag.media_type)
    if repo.image is not None and repo.image.config_media_type:
        types.add(repo.image.config_media_type)
    return {t.strip().lower() for t in types if t.strip()}


def _has_no_tags(repo: RepositoryEvidence) -> bool:
    if repo.tag_count == 0:
        return True
    return (
        repo.tag_count is None
        and repo.newest_tag is None
        and repo.image is None
        and not repo.content_types
        and not repo.media_types
    )


def _holds_images(repo: RepositoryEvidence) -> bool:
    # `_media_types` includes the registry's config media type, so an image config there counts.
    return IMAGE in _content_types(repo) or not _media_types(repo).isdisjoint(IMAGE_ONLY_TYPES)


def _other_kinds(repo: RepositoryEvidence) -> list[str]:
    """What the repository holds instead of images (helm, plugin, ...), as far as is known."""
    kinds = _content_types(repo) - {IMAGE}
    kinds |= {KIND_OF_MEDIA_TYPE[t] for t in _media_types(repo) if t in KIND_OF_MEDIA_TYPE}
    if (repo.repository_type or "").lower() == "plugin":
        kinds.add(PLUGIN)
    if len(kinds) > 1:
        kinds.discard(UNRECOGNIZED)  # Docker Hub's word for what we could name more precisely
    return sorted(kinds)


def _judge(repo: RepositoryEvidence) -> RepositoryOutcome:
    if _has_no_tags(repo):
        return judged_as(Outcome.FAIL, "no tags")
    if _holds_images(repo):
        return PASSED
    kinds = _other_kinds(repo)
    if kinds:
        return judged_as(Outcome.FAIL, f"holds only {_and(kinds)} artifacts")
    return judged_as(Outcome.REVIEW, "could not tell what the tags hold")


_CHECK_UNCLEAR = (
    "Check on Docker Hub that the listed repositories hold container images "
    "and move anything else to another namespace."
)


def summarize(judged: Judged) -> Summary:
    """Pass when every repository holds container images; empty or non-image ones fail."""
    failed, unclear = judged.named(Outcome.FAIL), judged.named(Outcome.REVIEW)
    outcome, total = judged.worst(), judged.total
    if outcome is Outcome.PASS:
        return Summary(outcome, f"{counted(total, total, 'holds', 'hold')} container images.")
    if failed:
        hold = counted(len(failed), total, "holds", "hold")
        summary = f"{hold} no container images: {name_list(failed)}"
        if unclear:
            summary += f"; for {len(unclear)} more the tags could not be classified"
        remediation = (
            "Push container images to the listed repositories (or delete the empty ones), and "
            "move Helm charts, plugins and other non-image artifacts to another namespace."
        )
        if unclear:
            remediation += " " + _CHECK_UNCLEAR
        return Summary(outcome, summary + ".", remediation)
    where = "the only repository" if total == 1 else f"{len(unclear)} of {total} repositories"
    summary = f"Could not tell what the tags hold in {where}: {name_list(unclear)}."
    return Summary(outcome, summary, _CHECK_UNCLEAR)


_WHEN_EMPTY = Summary(
    Outcome.FAIL,
    "The namespace has no repositories.",
    "Publish the project's container images in this namespace.",
)
ABOUT = About(
    "images",
    "ProducesContainerImages",
    "Does every repository hold container images, not only Helm charts, plugins, other "
    "artifacts or nothing?",
    "Push an image to the repository, delete it, or exclude it in the policy file "
    "(exclude = [{ repository = ..., reason = ... }]).",
)

CHECK = per_repository_check(
    ID, TITLE, base.on_its_own(_judge), summarize, about=ABOUT, when_empty=_WHEN_EMPTY
)
run = CHECK.run
