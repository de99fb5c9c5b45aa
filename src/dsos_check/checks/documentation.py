"""Check `documentation`: every overview links the source code and states the license."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from dsos_check.checks import base, ids
from dsos_check.checks.base import PASSED, About, Judged, Subject, Summary, per_repository_check
from dsos_check.checks.outcomes import judged_as
from dsos_check.checks.wording import counted, name_list
from dsos_check.models import Outcome, Policy, RepositoryEvidence, RepositoryOutcome
from dsos_check.scanner import fold, found_at, matches_at

ID = ids.DOCUMENTATION
TITLE = "Documented overview"

# A link on a known code host with at least one path segment, with or without a scheme:
# `https://github.com/o/r`, `github.com/o/r`, `git@gitlab.com:o/r.git`, `https://git.example.org/r`.
# Possessive quantifiers and tight look-behinds keep the search linear on long overviews.
_HOST_LINK = re.compile(
    r"(?<![\w-])"
    r"(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|sr\.ht|sourceforge\.net|gitee\.com)"
    r"[/:][\w~-]"
    r"|(?<![\w.-])git\.[a-z0-9-]++(?:\.[a-z0-9-]++)++[/:][\w~-]",  # git.example.org
    re.IGNORECASE,
)
# What every `_HOST_LINK` match starts with, lower-cased: the pattern (whose look-behind defeats
# the regex engine's skip-ahead) is tried only where one occurs.
_HOST_STARTS = (
    *("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sr.ht", "sourceforge.net"),
    *("gitee.com", "git."),
)
# Runs of characters that can belong to a URL (Markdown and HTML delimiters end a run).
_TOKEN = re.compile(r"[^\s<>()\[\]{}\"'`|]++")
# The word "license"/"licence" in any form. This also covers `SPDX-License-Identifier:` lines and
# license badges (img.shields.io/github/license/..., badgen.net/badge/license/...).
_LICENSE_STATEMENT = re.compile(r"licen[cs]", re.IGNORECASE)

# A contributing guide: a CONTRIBUTING file, a "Contributing" section or a "how to contribute" link.
_CONTRIBUTING = re.compile(r"contribut", re.IGNORECASE)
# Links that are not a project's own website: code hosts, registries, badges, license texts.
_URL = re.compile(r"https?://([A-Za-z0-9.-]{1,253})", re.IGNORECASE)
_NOT_WEBSITE = re.compile(
    r"(?:^|\.)(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|sr\.ht|sourceforge\.net|"
    r"gitee\.com|docker\.com|docker\.io|githubusercontent\.com|shields\.io|badgen\.net|"
    r"opensource\.org|spdx\.org|gnu\.org|apache\.org|creativecommons\.org|quay\.io|ghcr\.io|"
    r"gcr\.io|codecov\.io|travis-ci\.(?:org|com)|circleci\.com)$",
    re.IGNORECASE,
)
# The hosts `_NOT_WEBSITE` names: a host is one of them or under one of them.
_NOT_WEBSITE_HOSTS = frozenset(
    {
        *("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sr.ht"),
        *("sourceforge.net", "gitee.com", "docker.com", "docker.io", "githubusercontent.com"),
        *("shields.io", "badgen.net", "opensource.org", "spdx.org", "gnu.org", "apache.org"),
        *("creativecommons.org", "quay.io", "ghcr.io", "gcr.io", "codecov.io", "travis-ci.org"),
        *("travis-ci.com", "circleci.com"),
    }
)


def _not_website(host: str) -> bool:
    """`_NOT_WEBSITE.search(host)` for a `_URL` host (ASCII letters, digits, "." and "-"): the
    host and each of its suffixes after a "." looked up in a set instead of by the pattern."""
    host = host.lower()
    at = 0
    while host[at:] not in _NOT_WEBSITE_HOSTS:
        at = host.find(".", at) + 1
        if not at:
            return False
    return True


# What Docker's 2025 acceptance mails also ask for; missing them is a warning, not a verdict.
RECOMMENDED = ("no contributing guide", "no website link")

_RECOMMENDATION = (
    "Link the contributing guidelines and the organization's website from each listed overview: "
    "Docker's 2025 acceptance mails ask for them and may withhold the badge without them."
)
_REMEDIATION = (
    "Add an overview to each listed repository on Docker Hub with a link to the source repository "
    "and the project's license; Docker's reviewers reject applications without them."
)


# The checks below try their case-insensitive patterns only where the literal every match starts
# with occurs in the folded text (`scanner.found_at`, `scanner.matches_at`): the answers of
# `pattern.search(text)`.


def links_source_code(text: str, folded: str | None = None) -> bool:
    """Whether `text` links a known code host, or holds any URL ending in `.git`."""
    folded = fold(text) if folded is None else folded
    if found_at(_HOST_LINK, text, folded, *_HOST_STARTS):
        return True
    if ".git" not in folded:
        return False
    for match in _TOKEN.finditer(text):
        token = match.group().rstrip("/.,;:!?")
        if token.lower().endswith(".git") and ("://" in token or "@" in token):
            return True
    return False


def states_license(text: str, folded: str | None = None) -> bool:
    """Whether `text` mentions a license (word, SPDX identifier line or license badge)."""
    return found_at(_LICENSE_STATEMENT, text, fold(text) if folded is None else folded, "licen")


def links_website(text: str, folded: str | None = None) -> bool:
    """Whether `text` links a web site that is not a code host, registry, badge or license text."""
    folded = fold(text) if folded is None else folded
    return any(
        not _not_website(m.group(1).rstrip(".")) for m in matches_at(_URL, text, folded, "http")
    )


def missing_parts(repo: RepositoryEvidence) -> list[str]:
    """What the repository's documentation lacks, in a fixed order (empty when complete): the
    required parts first, then the ones in `RECOMMENDED`."""
    overview = (repo.full_description or "").strip()
    short = repo.description or ""
    folded = fold(overview)  # once, for every look-up below
    missing = []
    if not overview:
        missing.append("overview missing")
    if not (links_source_code(overview, folded) or links_source_code(short)):
        missing.append("no source-code link")
    if not states_license(overview, folded):
        missing.append("no license statement")
    if not found_at(_CONTRIBUTING, overview, folded, "contribut"):
        missing.append(RECOMMENDED[0])
    if not (links_website(overview, folded) or links_website(short)):
        missing.append(RECOMMENDED[1])
    return missing


def _judge(missing: Sequence[str]) -> RepositoryOutcome:
    if not missing:
        return PASSED
    required = [m for m in missing if m not in RECOMMENDED]
    outcome = Outcome.REVIEW if required else Outcome.WARN
    return judged_as(outcome, ", ".join(missing))


def prepare(subject: Subject, policy: Policy, now: datetime) -> base.JudgeRepo:
    """What each overview lacks, from its repository's analysis (read here when there is none,
    or when the analysis's read raised, so that the error stops this check, as it always did)."""
    analysis_of = subject.analysis_of

    def judge_repo(repo: RepositoryEvidence) -> RepositoryOutcome:
        analysis = analysis_of(repo.name)
        if analysis is None or analysis.missing_documentation is None:
            return _judge(missing_parts(repo))
        return _judge(analysis.missing_documentation)

    return judge_repo


def summarize(judged: Judged) -> Summary:
    """Pass when every overview exists, links the source code and states the license."""
    outcome, total = judged.worst(), judged.total
    if outcome in (Outcome.PASS, Outcome.WARN):
        have = counted(total, total, "has", "have")
        summary = f"{have} an overview that links the source code and states the license."
        if outcome is Outcome.WARN:
            thin = judged.named(Outcome.WARN)
            summary += (
                f" {counted(len(thin), total, 'lacks', 'lack')} a contributing guide or a "
                f"website link, which Docker's reviewers ask for: {name_list(thin)}."
            )
        return Summary(outcome, summary, _RECOMMENDATION)
    lacking = judged.named(Outcome.REVIEW)
    summary = (
        f"{counted(len(lacking), total, 'lacks', 'lack')} an overview with a source-code link "
        f"and a license statement: {name_list(lacking)}."
    )
    return Summary(outcome, summary, _REMEDIATION)


_WHEN_EMPTY = Summary(
    Outcome.REVIEW,
    "There are no repositories whose overview could be checked.",
    "Publish the project's images in this namespace, each with an overview "
    "that links the source repository and states the license.",
)
ABOUT = About(
    "docs",
    "DocumentedOverview",
    "Does every repository have a Docker Hub overview that links the source code and "
    "states the license?",
    "Write the repository overview on Docker Hub: a link to the source repository and a "
    "line naming the license.",
)

CHECK = per_repository_check(ID, TITLE, prepare, summarize, about=ABOUT, when_empty=_WHEN_EMPTY)
run = CHECK.run
