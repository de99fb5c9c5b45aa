"""Find signs of a commercial offer (paid editions, pricing, trials, hosted plans) in free text."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Final

from dsos_check.scanner import Anchored, KeywordScanner, Spec, Uncompiled
from dsos_check.text import clean, shorten

__all__ = ["KINDS", "MAX_SIGNAL_TEXT", "Signal", "find_commercial_signals"]

# Only the start of a text is searched: the bound keeps every search cheap whatever a stranger
# sends, and an overview states its offer up front.
MAX_SIGNAL_TEXT: Final = 100_000
_SNIPPET_LIMIT: Final = 80
_CONTEXT: Final = 30  # characters of context on each side of a match, before word alignment

ENTERPRISE_EDITION: Final = "enterprise edition"
PRO_EDITION: Final = "pro edition"
PRICING: Final = "pricing"
PAID_PLAN: Final = "paid plan"
SUBSCRIPTION: Final = "subscription"
COMMERCIAL_LICENSE: Final = "commercial license"
CONTACT_SALES: Final = "contact sales"
FREE_TRIAL: Final = "free trial"
HOSTED_OFFER: Final = "hosted offer"
SUPPORT_CONTRACT: Final = "support contract"

KINDS: Final = (
    ENTERPRISE_EDITION,
    PRO_EDITION,
    PRICING,
    PAID_PLAN,
    SUBSCRIPTION,
    COMMERCIAL_LICENSE,
    CONTACT_SALES,
    FREE_TRIAL,
    HOSTED_OFFER,
    SUPPORT_CONTRACT,
)


@dataclass(frozen=True, slots=True)
class Signal:
    """One sign of a commercial offer found in a text."""

    kind: str  # a short label from KINDS: "enterprise edition", "pricing", ...
    snippet: str  # the matching words with a little context, cleaned to one line (≤ 80 chars)


# Every pattern is case-insensitive (acronyms and product names opt out with `(?-i:...)`) and
# uses only bounded repetition between literals, so each search is linear in the text's length.
_S: Final = r"[\s\-\u2010\u2011]+"  # between two words: spaces or a hyphen
_WS: Final = r"\s+"
_LICENSE: Final = r"licen[cs]"
_EDITION: Final = r"(?:editions?|versions?)"
_MONEY: Final = (
    r"(?:[$€£]\s?\d{1,7}(?:[.,]\d{1,3}){0,3}"
    r"|\b(?:usd|eur|gbp)\s?\d{1,7}(?:[.,]\d{1,3}){0,3}"
    r"|\b\d{1,7}(?:[.,]\d{1,3}){0,3}\s?(?:usd|eur|gbp|dollars?|euros?)\b)"
)
_UNIT: Final = r"(?:nodes?|hosts?|cores?|cpus?|instances?|users?|servers?|clusters?|seats?)"
_PERIOD: Final = r"(?:mo|month|yr|year|annum)"

_Anchors = tuple[tuple[str, ...], int, bool, frozenset[str] | None]


def _at(anchors: str, *, reach: int = 0, whole: bool = False, first: str | None = None) -> _Anchors:
    """Where a pattern's matches start (`scanner.Anchored`): its first words, separated by "|";
    `whole` when a separator always follows them, so "pro" in "project" is not tried; `first`
    the characters a (case-sensitive) match can start with."""
    return tuple(anchors.split("|")), reach, whole, None if first is None else frozenset(first)


# (kind, keywords, pattern, anchors): every match contains one of the lower-case keywords at a word start,
# so a pattern runs only when the shared keyword pre-scan (`scanner.py`) found one; most overviews
# skip most patterns.
_SPECS: Final[tuple[tuple[str, tuple[str, ...], str, _Anchors | None], ...]] = (
    # Enterprise, business or commercial editions; GitLab-style "EE".
    (
        ENTERPRISE_EDITION,
        ("edition", "version"),
        rf"\b(?:enterprise|business|commercial){_S}{_EDITION}\b",
        _at("enterprise|business|commercial", whole=True),
    ),
    (
        ENTERPRISE_EDITION,
        ("upgrade",),
        rf"\bupgrade{_WS}to{_WS}(?:the{_WS})?enterprise\b",
        _at("upgrade", whole=True),
    ),
    (
        ENTERPRISE_EDITION,
        ("ee",),
        r"(?-i:\bEE\b)|\b[a-z0-9]{1,40}-ee\b(?!-)",
        _at("ee", reach=41, whole=True),
    ),
    # Pro and premium editions: "Pro edition", "premium features", "upgrade to Pro", "Sidekiq Pro".
    (
        PRO_EDITION,
        # Keyed by the word after "pro" (every match holds one at a word start), not by "pro":
        # "pro" starts a word in many overviews ("Pro tips", "Pro:"), these words in fewer.
        ("edition", "version", "feature", "add-on", "addon", "module", "plugin"),
        rf"\b(?:pro|premium){_S}(?:{_EDITION}|features?|add-?ons?|modules?|plugins?)\b",
        _at("pro|premium", whole=True),
    ),
    (
        PRO_EDITION,
        ("upgrade",),
        rf"\bupgrade{_WS}to{_WS}(?:the{_WS})?(?:pro|premium)\b",
        _at("upgrade", whole=True),
    ),
    (
        PRO_EDITION,
        ("pro",),
        r"(?-i:\b[A-Z][\w.+]{0,30}[ \t]Pro\b)(?![\-\u2010\u2011]|[ \t]+tips?\b)",
        _at("pro", reach=32, whole=True, first=string.ascii_uppercase),
    ),
    # Pricing: the word, a price list, an amount per period or per unit, per-seat billing.
    (PRICING, ("pricing",), r"\bpricing\b", _at("pricing", whole=True)),
    (
        PRICING,
        ("price",),
        rf"\b(?:our|see|view|check|list|current){_WS}prices\b"
        rf"|\bprices?{_WS}(?:list|plans?|start|starts|starting|from|per|page)\b"
        r"|\bprices?\s?:"
        rf"|\bpriced{_WS}(?:at|per|from)\b",
        _at("our|see|view|check|list|current|price"),
    ),
    (
        PRICING,
        ("$", "€", "£", "usd", "eur", "gbp", "dollar", "euro"),
        rf"{_MONEY}\s?(?:/|per{_WS}|an?{_WS})\s?(?:{_PERIOD}|{_UNIT})\b",
        _at("$|€|£|usd|eur|gbp|dollar|euro", reach=20),
    ),
    (PRICING, ("seat",), rf"\bper{_S}seats?\b", _at("per", whole=True)),
    # Keyed by its second word (every match holds both): "licensed" is in most overviews, and
    # these words have no letter that a case-insensitive match takes from outside ASCII.
    (
        PRICING,
        ("monthly", "annually", "yearly", "per"),
        rf"\b(?:billed|charged|licen[cs]ed){_WS}(?:monthly|annually|yearly|per{_S}{_UNIT})\b",
        _at("billed|charged|licensed|licenced", whole=True),
    ),
    (
        PRICING,
        ("per",),
        rf"\bper{_S}{_UNIT}{_S}(?:pricing|prices?|licen[cs](?:e|es|ing)|fees?|billing|costs?)\b"
        rf"|\bper{_S}{_UNIT}\s?(?:/|per{_WS}){_PERIOD}\b",
        _at("per", whole=True),
    ),
    # Paid plans and tiers; a free tier or plan implies paid ones.
    (
        PAID_PLAN,
        ("paid",),
        rf"\bpaid{_S}(?:plans?|tiers?|versions?|editions?|features?|offerings?|accounts?|add-?ons?)\b",
        _at("paid", whole=True),
    ),
    (
        PAID_PLAN,
        ("plan", "tier"),
        rf"\b(?:free|starter|basic|team|business|enterprise|pro|premium|higher|upper)"
        rf"{_S}(?:plans?|tiers?)\b",
        _at("free|starter|basic|team|business|enterprise|pro|premium|higher|upper", whole=True),
    ),
    # Subscriptions sold to users (not GraphQL or Pub/Sub subscriptions, not newsletters).
    (
        SUBSCRIPTION,
        ("subscription",),
        rf"\b(?:paid|annual|monthly|yearly|enterprise|commercial|pro|premium|business|team|"
        rf"active|valid){_S}subscriptions?\b",
        _at(
            "paid|annual|monthly|yearly|enterprise|commercial|pro|premium|business|team|active|valid",
            whole=True,
        ),
    ),
    (
        SUBSCRIPTION,
        ("subscription",),
        rf"\bsubscriptions?{_S}(?:plans?|fees?|tiers?|pricing|licen[cs]es?|model|based|required)\b",
        _at("subscription"),
    ),
    (
        SUBSCRIPTION,
        ("subscription",),
        rf"\b(?:buy|purchase|purchasing|buying|requires?|need){_WS}(?:an?{_WS}|the{_WS})?"
        r"subscriptions?\b",
        _at("buy|purchas|require|need"),
    ),
    (
        SUBSCRIPTION,
        ("subscribe",),
        rf"\bsubscribe{_WS}to{_WS}(?:(?:our|a|the|one{_WS}of{_WS}our){_WS})?"
        r"(?!(?:newsletter|mailing|release|rss|feed|blog|updates|notifications|announce)\w*\b)"
        rf"(?:[\w-]{{1,30}}{_WS}){{0,2}}?(?:plans?|tiers?|subscriptions?|editions?|offering)\b",
        _at("subscribe", whole=True),
    ),
    # Commercial licenses: sold licenses, dual licensing with a commercial option.
    (
        COMMERCIAL_LICENSE,
        ("commercial",),
        rf"\bcommercial{_S}{_LICENSE}(?:e|es|ing)\b",
        _at("commercial", whole=True),
    ),
    (
        COMMERCIAL_LICENSE,
        ("commercially",),
        rf"\bcommercially{_S}{_LICENSE}ed\b",
        _at("commercially", whole=True),
    ),
    (
        COMMERCIAL_LICENSE,
        ("dual",),
        rf"\bdual{_S}?{_LICENSE}(?:ed|ing|e)\b(?:[^.\n]|\.(?=\S)){{0,80}}?\bcommercial",
        _at("dual"),
    ),
    (
        COMMERCIAL_LICENSE,
        # The words a match starts with, not "licen": that is in most overviews.
        ("buy", "buying", "purchas", "order"),
        rf"\b(?:buy|buying|purchase|purchasing|order){_WS}(?:an?{_WS}|the{_WS}|your{_WS})?"
        rf"(?:[\w-]{{1,30}}{_WS})?{_LICENSE}(?:e|es)\b",
        _at("buy|purchas|order"),
    ),
    # Sales contacts, quotes and demos.
    (
        CONTACT_SALES,
        ("sales",),
        rf"\b(?:contact|talk{_WS}to|speak{_WS}(?:to|with)|reach{_WS}out{_WS}to|call|e-?mail)"
        rf"{_WS}(?:our{_WS}|the{_WS})?sales\b",
        _at("contact|talk|speak|reach|call|e-mail|email", whole=True),
    ),
    (CONTACT_SALES, ("sales@",), r"\bsales@[\w-]", _at("sales@")),
    (
        CONTACT_SALES,
        ("quote", "demo"),
        rf"\b(?:request|get|ask{_WS}for){_WS}a{_WS}quote\b"
        rf"|\b(?:book|schedule|request){_WS}a{_WS}(?:free{_WS}|personal(?:i[sz]ed)?{_WS})?demo\b",
        _at("request|get|ask|book|schedule", whole=True),
    ),
    # Free trials.
    (FREE_TRIAL, ("trial",), rf"\bfree{_S}trials?\b", _at("free", whole=True)),
    (FREE_TRIAL, ("trial",), rf"\b\d{{1,3}}{_S}?days?{_S}(?:free{_S})?trials?\b", None),
    (
        FREE_TRIAL,
        ("trial",),
        rf"\bstart{_WS}(?:your|a){_WS}(?:free{_WS})?trial\b",
        _at("start", whole=True),
    ),
    (
        FREE_TRIAL,
        ("trial",),
        rf"\btrial{_S}(?:licen[cs]es?|keys?|period|accounts?|editions?|versions?)\b",
        _at("trial", whole=True),
    ),
    # Hosted offers: a cloud or SaaS version run by the project's company.
    (
        HOSTED_OFFER,
        ("cloud", "hosted", "saas"),
        rf"\b(?:cloud|hosted|saas){_S}(?:{_EDITION}|offerings?|plans?)\b",
        _at("cloud|hosted|saas", whole=True),
    ),
    (
        HOSTED_OFFER,
        ("hosted", "managed"),
        rf"(?:\bhosted{_S}(?:services?|solutions?)|\bmanaged{_S}(?:services?|offerings?|cloud))\b"
        rf"(?![\s,(]{{0,3}}(?:such{_WS}as|like|e\.g\.|providers?|from)\b)|\bhosted{_WS}by{_WS}us\b",
        _at("hosted|managed", whole=True),
    ),
    (
        HOSTED_OFFER,
        ("saas",),
        r"\bsaas\b(?![\s\-]{0,3}(?:alternatives?|apps?|applications?|companies|products|providers|"
        r"businesses|startups|founders|builders|tools|vendors)\b)",
        _at("saas", whole=True),
    ),
    (HOSTED_OFFER, ("cloud",), r"\bour\s+cloud\b(?![\-\u2010\u2011])", _at("our", whole=True)),
    (
        HOSTED_OFFER,
        ("sign",),
        rf"\bsign{_S}?up{_WS}(?:at\b|on{_WS}(?:our|https?)\b|for{_WS}(?:a|an|your){_WS}"
        rf"(?:free{_WS})?(?:account|plan|trial)\b)",
        _at("sign"),
    ),
    # Paid support: contracts, plans, SLAs.
    (
        SUPPORT_CONTRACT,
        ("support",),
        rf"\b(?:commercial|enterprise|paid|premium|professional|priority|24/7){_S}support\b",
        _at("commercial|enterprise|paid|premium|professional|priority|24/7", whole=True),
    ),
    (
        SUPPORT_CONTRACT,
        ("support",),
        rf"\bsupport{_S}(?:plans?|contracts?|subscriptions?|agreements?|tiers?)\b",
        _at("support", whole=True),
    ),
    (
        SUPPORT_CONTRACT,
        ("sla", "slas", "agreement"),  # not "service", in many descriptions (as for "per" above)
        r"(?-i:\bSLAs?\b)(?!\s?(?:monitor|miss|report|track|metric|dashboard|breach|alert))"
        rf"|\bservice{_S}level{_S}agreements?\b",
        _at("sla|service"),
    ),
    (
        SUPPORT_CONTRACT,
        # The words a match starts with, not "services" (of every Compose example).
        ("consulting", "professional", "paid"),
        rf"\b(?:consulting|professional){_S}services\b|\bpaid{_S}consulting\b",
        _at("consulting|professional|paid", whole=True),
    ),
)


def _spec(kind: str, keys: tuple[str, ...], pattern: str, anchors: _Anchors | None) -> Spec:
    regex = Uncompiled(pattern, re.IGNORECASE)
    anchored = Anchored(regex, *anchors) if anchors is not None else None
    return Spec(kind, keys, regex, anchored)


_SCANNER: Final = KeywordScanner(_spec(*spec) for spec in _SPECS)

# A mention negated right before it: "no enterprise edition", "without a subscription",
# "doesn't have a paid plan". Searched only in the few characters before a match.
_NEGATED: Final = re.compile(
    r"(?:\b(?:no|not|never|without|nor)"
    r"|n['\u2019]t(?:\s+(?:have|offer|need|require|sell|provide|charge\s+for))?)"
    r"\s+(?:(?:a|an|any|the|our|its|separate)\s+)?$",
    re.IGNORECASE,
)
_NEGATION_WINDOW: Final = 40

# Donation platforms: a price, a tier or a subscription on the same line is a donation, which
# Docker permits ("Accepting donations to sustain your efforts is permissible").
_DONATION: Final = re.compile(
    r"sponsor|donat|patreon|liberapay|open\s?collective|ko-?fi\b|buymeacoffee|buy\s+me\s+a\s+coffee"
    r"|backers?\b|tip\s?jar",
    re.IGNORECASE,
)
_DONATION_KINDS: Final = frozenset({PRICING, PAID_PLAN, SUBSCRIPTION})
_LINE_WINDOW: Final = 200

# "an open-source alternative to SaaS tools": a self-hosted project describing what it replaces.
_ALTERNATIVE: Final = re.compile(
    r"\b(?:alternatives?\s+to|instead\s+of|replacements?\s+for|unlike|vs\.?|versus)"
    r"(?:\s+[\w.-]{1,30}){0,5}\s+$",
    re.IGNORECASE,
)

# A third party's offer: "runs on the AWS free tier", "Amazon's managed service".
_THIRD_PARTY: Final = re.compile(
    r"\b(?:aws|amazon|gcp|google|azure|oracle|fly\.io|heroku|railway|cloudflare|vercel"
    r"|netlify|digitalocean)\b[^.\n;:,!?]{0,20}$",
    re.IGNORECASE,
)
_THIRD_PARTY_KINDS: Final = frozenset({PAID_PLAN, HOSTED_OFFER})

# "MacBook Pro" and friends are hardware, not a paid edition of the project.
_NOT_PRO_EDITIONS: Final = frozenset({"macbook", "ipad", "iphone", "surface", "galaxy", "pixel"})


# A word cut by the snippet's context window, at its start or its end.
_PARTIAL_HEAD: Final = re.compile(r"^\S*")
_PARTIAL_TAIL: Final = re.compile(r"\S*$")


def _line_around(text: str, start: int, end: int) -> str:
    """The text of the match's line, at most `_LINE_WINDOW` characters either side."""
    lo = max(0, start - _LINE_WINDOW)
    hi = min(len(text), end + _LINE_WINDOW)
    line_start = text.rfind("\n", lo, start) + 1 or lo
    line_end = text.find("\n", end, hi)
    return text[max(lo, line_start) : hi if line_end < 0 else line_end]


def _excluded(kind: str, text: str, match: re.Match[str]) -> bool:
    start, end = match.span()
    before = text[max(0, start - _NEGATION_WINDOW) : start]
    if _NEGATED.search(before):
        return True
    if kind in _DONATION_KINDS and _DONATION.search(_line_around(text, start, end)):
        return True
    if kind in _THIRD_PARTY_KINDS and _THIRD_PARTY.search(text[max(0, start - 60) : start]):
        return True
    if kind == HOSTED_OFFER and _ALTERNATIVE.search(text[max(0, start - 120) : start]):
        return True
    if kind == PRO_EDITION and match.group().endswith("Pro"):
        product = match.group().split()[0].lower()
        return product in _NOT_PRO_EDITIONS
    return False


def _snippet(text: str, start: int, end: int) -> str:
    """The match with a little context from its own line, aligned to whole words."""
    lo = max(0, start - _CONTEXT)
    hi = min(len(text), end + _CONTEXT)
    before, after = text[lo:start], text[end:hi]
    if "\n" in before:
        before, cut_before = before.rsplit("\n", 1)[1], False
    else:
        cut_before = lo > 0 and text[lo - 1] != "\n"
        if cut_before and not text[lo - 1].isspace():
            before = _PARTIAL_HEAD.sub("", before)
    if "\n" in after:
        after, cut_after = after.split("\n", 1)[0], False
    else:
        cut_after = hi < len(text) and text[hi] != "\n"
        if cut_after and not text[hi].isspace():
            after = _PARTIAL_TAIL.sub("", after)
    line = " ".join(f"{before}{text[start:end]}{after}".split())
    return shorten(("…" if cut_before else "") + line + ("…" if cut_after else ""), _SNIPPET_LIMIT)


def find_commercial_signals(text: str) -> list[Signal]:
    """Signs of a commercial offer in `text`, in text order, at most one per kind.

    Donations, "free for commercial use", "enterprise-grade" and newsletter subscriptions are not
    signs; neither is a negated mention ("there is no enterprise edition").
    """
    if not isinstance(text, str) or not text:
        return []
    # Escape sequences and control characters go first: they must not split or hide a phrase.
    text = clean(text[:MAX_SIGNAL_TEXT])
    first: dict[str, tuple[int, int]] = {}
    scanned = _SCANNER.scan(text)
    folded, memo = scanned.folded, scanned.memo
    for spec in _SCANNER.candidates(scanned.present):
        kind = spec.label
        for match in spec.finditer(text, folded, memo):
            if kind in first and match.start() >= first[kind][0]:
                break
            if not _excluded(kind, text, match):
                first[kind] = match.span()
                break
    ordered = sorted(first.items(), key=lambda item: item[1][0])
    return [Signal(kind=kind, snippet=_snippet(text, start, end)) for kind, (start, end) in ordered]
