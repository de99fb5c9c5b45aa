"""Signs of a commercial offer in Docker Hub overviews: what counts, what must not."""

from __future__ import annotations

import pytest

from dsos_check.checks.commercial_signals import (
    KINDS,
    MAX_SIGNAL_TEXT,
    Signal,
    find_commercial_signals,
)
from tests.unit.work import assert_linear

from .factories import OVERVIEW


def kinds(text: str) -> list[str]:
    return [s.kind for s in find_commercial_signals(text)]


# (text, the kind it must yield, words the snippet must contain)
TRUE_POSITIVES = [
    # Editions.
    (
        "Get started with our Enterprise Edition — it adds SSO and audit logs.",
        "enterprise edition",
        "Enterprise Edition",
    ),
    (
        "Acme Business Edition adds LDAP and a web console.",
        "enterprise edition",
        "Business Edition",
    ),
    ("The commercial version ships with clustering.", "enterprise edition", "commercial version"),
    ("Use `gitlab/gitlab-ee` for the enterprise features.", "enterprise edition", "gitlab-ee"),
    ("Both CE and EE images are published here.", "enterprise edition", "EE"),
    ("Need SAML? Upgrade to Enterprise.", "enterprise edition", "Upgrade to Enterprise"),
    ("Batches and rate limiting are part of Sidekiq Pro.", "pro edition", "Sidekiq Pro"),
    ("The Pro version adds scheduled backups.", "pro edition", "Pro version"),
    ("Unlock premium features with a license key.", "pro edition", "premium features"),
    ("Want more? upgrade to Pro in the web console.", "pro edition", "upgrade to Pro"),
    # Pricing.
    ("See https://acme.io/pricing for details.", "pricing", "pricing"),
    ("## Plans & Pricing", "pricing", "Pricing"),
    ("Prices start at 99 EUR a year.", "pricing", "Prices start"),
    ("Team: $19/month, billed annually.", "pricing", "$19/month"),
    ("Only €8 per user, cancel any time.", "pricing", "€8 per user"),
    ("Licensing is per seat for teams above ten users.", "pricing", "per seat"),
    ("The agent is licensed per node.", "pricing", "licensed per node"),
    ("Clustering requires a per-node license.", "pricing", "per-node license"),
    # Paid plans and tiers.
    ("Single sign-on is only in our paid plans.", "paid plan", "paid plans"),
    ("The free tier includes 3 projects and 1 GB of storage.", "paid plan", "free tier"),
    ("Higher tiers add priority builds.", "paid plan", "Higher tiers"),
    ("Available on the Team plan and above.", "paid plan", "Team plan"),
    # Subscriptions.
    (
        "Subscribe to our Pro plan to remove the limits.",
        "subscription",
        "Subscribe to our Pro plan",
    ),
    ("Plugins require an active subscription.", "subscription", "active subscription"),
    ("Updates are included in the annual subscription.", "subscription", "annual subscription"),
    ("Purchase a subscription at acme.io/store.", "subscription", "Purchase a subscription"),
    # Commercial licenses.
    (
        "Acme is dual-licensed under AGPL-3.0 and a commercial license.",
        "commercial license",
        "dual-licensed",
    ),
    (
        "Companies can obtain a commercial license from Acme Ltd.",
        "commercial license",
        "commercial license",
    ),
    ("Buy a license to use the image in production.", "commercial license", "Buy a license"),
    (
        "The product is also available commercially licensed.",
        "commercial license",
        "commercially licensed",
    ),
    # Contact sales, quotes and demos.
    ("For volume discounts, contact sales.", "contact sales", "contact sales"),
    ("Questions? Talk to our sales team.", "contact sales", "Talk to our sales"),
    ("Write to sales@acme.io for an offer.", "contact sales", "sales@acme.io"),
    ("Book a demo with our engineers.", "contact sales", "Book a demo"),
    # Free trials.
    ("Start your free trial today.", "free trial", "free trial"),
    ("Every account begins with a 14-day trial.", "free trial", "14-day trial"),
    ("A 30 day free trial is included.", "free trial", "30 day free trial"),
    ("Start your trial at acme.io.", "free trial", "Start your trial"),
    # Hosted offers.
    ("Don't want to run it yourself? Try our cloud.", "hosted offer", "our cloud"),
    ("The cloud version is available at app.acme.io.", "hosted offer", "cloud version"),
    (
        "Acme also offers a managed service with automatic upgrades.",
        "hosted offer",
        "managed service",
    ),
    ("Acme is available as SaaS or self-hosted.", "hosted offer", "SaaS"),
    ("Sign up at https://app.acme.io to get a hosted instance.", "hosted offer", "Sign up at"),
    ("A hosted version runs in three regions.", "hosted offer", "hosted version"),
    # Paid support.
    ("Commercial support is available from Acme GmbH.", "support contract", "Commercial support"),
    (
        "Enterprise support includes a 4-hour response time.",
        "support contract",
        "Enterprise support",
    ),
    ("See our support plans for response times.", "support contract", "support plans"),
    ("Customers get a 99.9% SLA.", "support contract", "SLA"),
    (
        "We also offer consulting services for migrations.",
        "support contract",
        "consulting services",
    ),
]


@pytest.mark.parametrize(("text", "kind", "words"), TRUE_POSITIVES)
def test_true_positive(text: str, kind: str, words: str) -> None:
    signals = find_commercial_signals(text)

    assert kind in [s.kind for s in signals], signals
    signal = next(s for s in signals if s.kind == kind)
    assert words in signal.snippet
    assert len(signal.snippet) <= 80


FALSE_POSITIVES = [
    "Enterprise-grade security with TLS everywhere.",
    "Enterprise-ready: LDAP, SSO and audit logs included.",
    "A production-grade reverse proxy for containers.",
    "Free and open source software, built by volunteers.",
    "This is free software: you can redistribute it and/or modify it.",
    "An open source project maintained by the community.",
    "Like the project? Sponsor us!",
    "Support development through GitHub Sponsors.",
    "Donations via Open Collective keep our CI running.",
    "We accept donations; every contribution helps.",
    "[Buy me a coffee](https://www.buymeacoffee.com/example)",
    "Back us on Patreon or Liberapay.",
    "Become a backer for $5/month on Open Collective.",
    "[![Sponsor](https://img.shields.io/badge/sponsor-$2/month-ea4aaa)](https://github.com/sponsors/ex)",
    "Commercial use is permitted under the MIT license.",
    "Commercial use is allowed; attribution is appreciated.",
    "Free for commercial use.",
    "You may use it for any purpose, including commercial use.",
    "Subscribe to our newsletter for release news.",
    "Subscribe to our mailing list to plan the next release together.",
    "Subscribe to release notifications on GitHub.",
    "Subscribe to the RSS feed for security announcements.",
    "The repricing module recalculates invoices.",
    "Pro tip: mount the config as read-only.",
    "pro-tip: set TZ explicitly.",
    "Supports protocol version 2 and a production proxy for the project.",
    "Tuning the cache took some trial and error.",
    "Translate the UI with the translation server.",
    "GraphQL queries, mutations and subscriptions over WebSocket.",
    "Use a managed service such as Amazon RDS for the database.",
    "An open-source alternative to Google Analytics and other SaaS.",
    "A self-hosted SaaS alternative for small teams.",
    "Cloud-native and works on any cloud provider.",
    "Runs one agent per node as a DaemonSet.",
    "Creates one schema per user.",
    "SLA monitoring and uptime reports for your services.",
    "There is no enterprise edition and no paid plan.",
    "The project has no pricing, no hosted offer and no paid support.",
    "It doesn't have a paid tier: every feature is in this image.",
    "Works fine on a MacBook Pro with Apple silicon.",
    "Community support on Discourse and Matrix.",
    "Runs comfortably on the AWS free tier.",
    "Fits in the Oracle Cloud free tier with room to spare.",
    "Use Amazon's managed service for Redis if you prefer.",
    "Tracks stock prices and sends alerts.",
    OVERVIEW,
]


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_false_positive(text: str) -> None:
    assert find_commercial_signals(text) == []


def test_open_core_overview_yields_its_signals_in_text_order_once_each() -> None:
    overview = (
        "# Acme Server\n\n"
        "Acme is an open-source metrics server. Source: https://github.com/acme/acme\n\n"
        "## Editions\n\n"
        "Get started with our Enterprise Edition — contact sales@acme.io.\n"
        "The Enterprise Edition adds SSO. See https://acme.io/pricing.\n\n"
        "Try our cloud: 14-day free trial, no credit card required.\n"
    )

    signals = find_commercial_signals(overview)

    assert [s.kind for s in signals] == [
        "enterprise edition",
        "contact sales",
        "pricing",
        "hosted offer",
        "free trial",
    ]
    assert signals[0].snippet == "Get started with our Enterprise Edition — contact sales@acme.io."


def test_community_overview_with_donations_has_no_signal() -> None:
    overview = (
        "# Example\n\nA lightweight, production-grade DNS server. Free and open source.\n\n"
        "Source: https://github.com/example/dns — License: GPL-3.0-or-later\n\n"
        "## Support the project\n\n"
        "Sponsor us on [GitHub Sponsors](https://github.com/sponsors/example) or "
        "[Open Collective](https://opencollective.com/example/donate). Tiers start at $2/month.\n\n"
        "Subscribe to our mailing list for release announcements. Commercial use is permitted.\n"
    )

    assert find_commercial_signals(overview) == []


def test_snippet_is_one_clean_line_with_context_cut_at_words() -> None:
    text = "x" * 50 + " some words before the Enterprise\x1b[31m Edition\x07 and\nnext line"

    (signal,) = find_commercial_signals(text)

    assert signal == Signal(
        kind="enterprise edition", snippet="…some words before the Enterprise Edition and"
    )


def test_snippet_is_capped() -> None:
    text = "Acme " + "a" * 500 + " pricing " + "b" * 500

    (signal,) = find_commercial_signals(text)

    assert signal.snippet == "…pricing…"


def test_every_kind_is_listed() -> None:
    found = {kind for text, kind, _ in TRUE_POSITIVES}
    assert found == set(KINDS)


@pytest.mark.parametrize("value", ["", None, 42])
def test_empty_or_non_text_input(value: object) -> None:
    assert find_commercial_signals(value) == []  # type: ignore[arg-type]


def test_only_the_start_of_a_long_text_is_searched() -> None:
    text = "a " * MAX_SIGNAL_TEXT + "Enterprise Edition"

    assert find_commercial_signals(text) == []


HOSTILE = [
    pytest.param("a" * 100_000, id="one-long-word"),
    pytest.param("A." * 50_000, id="capitals-and-dots"),
    pytest.param("A " * 50_000 + "Pr", id="capitals-then-almost-pro"),
    pytest.param("$1 per " + " " * 100_000, id="price-then-spaces"),
    pytest.param("dual licensed " * 7_000, id="dual-license-without-commercial"),
    pytest.param("subscribe to our x y z " * 4_000, id="subscribe-without-plan"),
    pytest.param("no pricing " * 9_000, id="negated-matches-everywhere"),
    pytest.param("sponsor pricing " * 6_000, id="donation-context-everywhere"),
    pytest.param("a-" * 50_000, id="hyphens"),
    pytest.param("\x00\x1b[31m\x07\u202e\r" * 20_000, id="control-characters"),
    pytest.param("Enterprise\x00 Edition\x1b[0m " * 5_000, id="signals-with-controls"),
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_fast_and_clean(text: str) -> None:
    assert_linear(find_commercial_signals, text)
    signals = find_commercial_signals(text)

    assert len({s.kind for s in signals}) == len(signals)
    for signal in signals:
        assert signal.kind in KINDS
        assert len(signal.snippet) <= 80
        assert signal.snippet.isprintable()
        assert "\x1b" not in signal.snippet
