"""Check `non-commercial`: paid programs and restrictive licenses fail, signs need review."""

from __future__ import annotations

import pytest

from dsos_check.checks import non_commercial
from dsos_check.checks.commercial_signals import Signal, find_commercial_signals
from dsos_check.models import AccountEvidence, Attestation, LicenseReport, Outcome, Policy

from .factories import NOW, OVERVIEW, assert_well_formed, make_repo, make_subject, repos

P, W, R, F = Outcome.PASS, Outcome.WARN, Outcome.REVIEW, Outcome.FAIL

OPEN_CORE = (
    "# Acme Server\n\nSource: https://github.com/acme/acme — License: Apache-2.0\n\n"
    "Get started with our Enterprise Edition — contact sales@acme.io.\n"
)
CLOUD = (
    "# Acme Agent\n\nSource: https://github.com/acme/agent\n\nTry our cloud: 14-day free trial.\n"
)
APACHE = LicenseReport(expression="Apache-2.0", osi_approved=True, source="image-label")
COMMONS_CLAUSE = LicenseReport(
    expression="Apache-2.0",
    osi_approved=False,
    source="source-repository",
    summary="Apache-2.0 comes with a restriction (Commons Clause): not OSI-approved",
    restriction="Commons Clause",
)
ATTESTED = Policy(
    attestation=Attestation(
        non_commercial=True,
        statement="No paid tier, no hosted offer; donations only.",
        contact="maintainers@example.org",
    )
)
VERIFIED = AccountEvidence(type="organization", badge="verified_publisher")


def test_default_overview_is_clean_community_text() -> None:
    assert find_commercial_signals(OVERVIEW) == []
    assert find_commercial_signals(make_repo().description or "") == []


def test_clean_namespace_passes_and_counts_the_overviews_read() -> None:
    subject = make_subject([*repos("app", "web"), make_repo(name="tools", full_description=" ")])

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.id == "non-commercial"
    assert res.title == "No pathway to commercialization"
    assert res.outcome is P
    assert res.summary == "No sign of a commercial offer in 2 overviews and the account."
    assert res.repositories == ()
    assert_well_formed(res, subject, per_repository=True)


def test_one_overview_is_counted_in_the_singular() -> None:
    res = non_commercial.run(make_subject(), Policy(), NOW)

    assert res.summary == "No sign of a commercial offer in 1 overview and the account."


def test_donations_and_commercial_use_grants_are_not_signs() -> None:
    overview = (
        OVERVIEW + "\n\nSponsor us on GitHub Sponsors or Open Collective; donations keep CI "
        "running. Free for commercial use. Subscribe to our newsletter."
    )
    subject = make_subject([make_repo(full_description=overview)])

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is P
    assert_well_formed(res, subject, per_repository=True)


def test_verified_publisher_fails_at_namespace_level() -> None:
    subject = make_subject(repos("app", "web"), account=VERIFIED)

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is F
    assert res.summary == "example is a Docker Verified Publisher, a paid Docker program."
    assert {name: ro.outcome for name, ro in res.per_repository.items()} == {"app": P, "web": P}
    assert res.repositories == ()
    assert res.remediation is not None
    assert "Verified Publisher" in res.remediation
    assert "no pathway to commercialization" in res.remediation
    assert_well_formed(res, subject, per_repository=True)


def test_restrictive_license_fails_that_repository_only() -> None:
    subject = make_subject(repos("app", "web"), licenses={"app": APACHE, "web": COMMONS_CLAUSE})

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is F
    assert (
        res.summary == "1 of 2 repositories carries a license that restricts commercial use: web."
    )
    assert res.per_repository["app"].outcome is P
    assert res.per_repository["web"].outcome is F
    assert res.per_repository["web"].reason == "license restricts commercial use (Commons Clause)"
    assert res.repositories == ("web",)
    assert res.remediation is not None
    assert "OSI-approved license without commercial restrictions" in res.remediation
    assert_well_formed(res, subject, per_repository=True)


def test_restrictive_license_reason_keeps_the_signals_of_that_repository() -> None:
    subject = make_subject(
        [make_repo(name="web", full_description=OPEN_CORE)], licenses={"web": COMMONS_CLAUSE}
    )

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is F
    assert res.per_repository["web"].reason.startswith(
        'license restricts commercial use (Commons Clause); also enterprise edition: "'
    )
    assert "signs of a commercial offer (enterprise edition, contact sales)" in res.summary
    assert res.remediation is not None
    assert "human reviewer" in res.remediation
    assert_well_formed(res, subject, per_repository=True)


def test_signals_in_an_overview_need_review_and_are_quoted() -> None:
    subject = make_subject([make_repo(name="server", full_description=OPEN_CORE), make_repo()])

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is R
    assert res.summary == (
        "Signs of a commercial offer (enterprise edition, contact sales) in repository server; "
        "a human reviewer decides."
    )
    assert res.per_repository["server"].outcome is R
    assert res.per_repository["server"].reason == (
        'enterprise edition: "Get started with our Enterprise Edition — contact sales@acme.io."; '
        'contact sales: "…with our Enterprise Edition — contact sales@acme.io."'
    )
    assert res.per_repository["app"].outcome is P
    assert res.repositories == ("server",)
    assert res.remediation is not None
    assert "human reviewer decides" in res.remediation
    assert "non_commercial = true" in res.remediation
    assert_well_formed(res, subject, per_repository=True)


def test_signals_in_the_short_description_count_too() -> None:
    subject = make_subject([make_repo(description="Acme agent, SaaS or self-hosted")])

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is R
    assert res.per_repository["app"].reason.startswith('hosted offer: "')


def test_many_flagged_repositories_are_named_with_a_limit() -> None:
    subject = make_subject(repos(*(f"r{i}" for i in range(7)), full_description=CLOUD))

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is R
    assert res.summary == (
        "Signs of a commercial offer (hosted offer, free trial) in repositories "
        "r0, r1, r2, r3, r4 and 2 more; a human reviewer decides."
    )
    assert len(res.repositories) == 7
    assert_well_formed(res, subject, per_repository=True)


@pytest.mark.parametrize(
    "account",
    [
        pytest.param(
            AccountEvidence(type="organization", company="Acme Inc. — Enterprise Edition"),
            id="company",
        ),
        pytest.param(
            AccountEvidence(type="organization", full_name="Acme Cloud Version"), id="full-name"
        ),
        pytest.param(
            AccountEvidence(type="organization", profile_url="https://acme.io/pricing"),
            id="profile-url",
        ),
    ],
)
def test_signals_in_the_account_only_need_review(account: AccountEvidence) -> None:
    subject = make_subject(repos("app", "web"), account=account)

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is R
    assert "in the account details" in res.summary
    assert "repository" not in res.summary
    assert all(ro.outcome is P for ro in res.per_repository.values())
    assert res.repositories == ()
    assert_well_formed(res, subject, per_repository=True)


def test_signals_in_repositories_and_account_are_both_named() -> None:
    subject = make_subject(
        [make_repo(name="server", full_description=OPEN_CORE)],
        account=AccountEvidence(type="organization", profile_url="https://acme.io/pricing"),
    )

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.summary == (
        "Signs of a commercial offer (enterprise edition, contact sales, pricing) in repository "
        "server and in the account details; a human reviewer decides."
    )


def test_attestation_turns_review_into_pass_with_warn_repositories() -> None:
    subject = make_subject(
        [
            make_repo(name="server", full_description=OPEN_CORE),
            make_repo(name="agent", full_description=CLOUD),
            make_repo(),
        ]
    )

    res = non_commercial.run(subject, ATTESTED, NOW)

    assert res.outcome is P
    assert res.summary == (
        "Attested non-commercial by the project: No paid tier, no hosted offer; donations only "
        "(contact: maintainers@example.org); 4 signs kept for the reviewer: enterprise edition, "
        "contact sales, hosted offer, free trial in repositories server, agent."
    )
    assert {name: ro.outcome for name, ro in res.per_repository.items()} == {
        "server": W,
        "agent": W,
        "app": P,
    }
    assert res.per_repository["server"].reason.startswith('enterprise edition: "')
    assert res.repositories == ("server", "agent")
    assert res.remediation is None
    assert_well_formed(res, subject, per_repository=True)


def test_attestation_covers_account_signals() -> None:
    subject = make_subject(
        account=AccountEvidence(type="organization", company="Acme — commercial support")
    )

    res = non_commercial.run(subject, ATTESTED, NOW)

    assert res.outcome is P
    assert res.summary.endswith(
        "; 1 sign kept for the reviewer: support contract in the account details."
    )


def test_attestation_without_signals_passes_and_mentions_it() -> None:
    subject = make_subject()

    res = non_commercial.run(subject, ATTESTED, NOW)

    assert res.outcome is P
    assert res.summary == (
        "Attested non-commercial by the project: No paid tier, no hosted offer; donations only "
        "(contact: maintainers@example.org); no sign of a commercial offer in 1 overview and "
        "the account."
    )
    assert_well_formed(res, subject, per_repository=True)


def test_attestation_text_is_shortened_and_plain() -> None:
    policy = Policy(
        attestation=Attestation(
            non_commercial=True, statement="**No** [paid](x) tier.\n" + "a" * 400, contact=None
        )
    )
    subject = make_subject([make_repo(full_description=OPEN_CORE)])

    res = non_commercial.run(subject, policy, NOW)

    assert res.outcome is P
    assert res.summary.startswith("Attested non-commercial by the project: No (paid)(x) tier. aaa")
    assert "(contact:" not in res.summary
    statement = res.summary.removeprefix("Attested non-commercial by the project: ")
    assert len(statement.split(";")[0]) <= 200
    assert_well_formed(res, subject, per_repository=True)


def test_attestation_set_to_false_is_ignored() -> None:
    policy = Policy(attestation=Attestation(non_commercial=False, statement="We sell nothing."))
    subject = make_subject([make_repo(full_description=OPEN_CORE)])

    res = non_commercial.run(subject, policy, NOW)

    assert res.outcome is R
    assert res.per_repository["app"].outcome is R


@pytest.mark.parametrize(
    ("account", "licenses", "applies_to"),
    [
        pytest.param(VERIFIED, None, "a verified publisher", id="verified-publisher"),
        pytest.param(
            AccountEvidence(type="organization"),
            {"server": COMMONS_CLAUSE, "app": APACHE},
            "a restrictive license",
            id="restrictive-license",
        ),
        pytest.param(
            VERIFIED,
            {"server": COMMONS_CLAUSE, "app": APACHE},
            "a verified publisher or a restrictive license",
            id="both",
        ),
    ],
)
def test_attestation_never_overrides_a_fail(
    account: AccountEvidence, licenses: dict[str, LicenseReport] | None, applies_to: str
) -> None:
    subject = make_subject(
        [make_repo(name="server", full_description=OPEN_CORE), make_repo()],
        account=account,
        licenses=licenses,
    )

    res = non_commercial.run(subject, ATTESTED, NOW)

    assert res.outcome is F
    assert res.summary.endswith(f"; the project's attestation does not apply to {applies_to}.")
    server = res.per_repository["server"].outcome
    assert server is (F if licenses else W)
    assert res.per_repository["app"].outcome is P
    assert res.remediation is not None
    assert "human reviewer" not in res.remediation
    assert_well_formed(res, subject, per_repository=True)


@pytest.mark.parametrize(
    ("account", "policy", "outcome", "summary"),
    [
        pytest.param(
            AccountEvidence(type="organization"),
            Policy(),
            P,
            "No sign of a commercial offer in the account (the namespace has no repositories).",
            id="clean",
        ),
        pytest.param(
            AccountEvidence(type="organization", company="Acme — contact sales"),
            Policy(),
            R,
            "Signs of a commercial offer (contact sales) in the account details; "
            "a human reviewer decides.",
            id="account-signal",
        ),
        pytest.param(
            AccountEvidence(type="organization", company="Acme — contact sales"),
            ATTESTED,
            P,
            "Attested non-commercial by the project: No paid tier, no hosted offer; donations "
            "only (contact: maintainers@example.org); 1 sign kept for the reviewer: contact "
            "sales in the account details.",
            id="account-signal-attested",
        ),
        pytest.param(
            VERIFIED,
            Policy(),
            F,
            "example is a Docker Verified Publisher, a paid Docker program.",
            id="verified-publisher",
        ),
    ],
)
def test_zero_repositories_judges_the_account_alone(
    account: AccountEvidence, policy: Policy, outcome: Outcome, summary: str
) -> None:
    subject = make_subject([], account=account)

    res = non_commercial.run(subject, policy, NOW)

    assert res.outcome is outcome
    assert res.summary == summary
    assert res.per_repository == {}
    assert_well_formed(res, subject, per_repository=True)


def test_hostile_overview_stays_out_of_the_summary() -> None:
    overview = "\x1b]8;;http://evil\x07[click](x) **Enterprise Edition**\x1b[0m\n" * 3000
    subject = make_subject([make_repo(full_description=overview)])

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is R
    reason = res.per_repository["app"].reason
    assert "\x1b" not in reason
    assert "\x07" not in reason
    assert reason.isprintable()
    assert_well_formed(res, subject, per_repository=True)


def test_check_is_per_repository() -> None:
    assert non_commercial.CHECK.id == "non-commercial"
    assert non_commercial.CHECK.title == "No pathway to commercialization"
    assert non_commercial.CHECK.per_repository is True
    assert non_commercial.CHECK.run is non_commercial.run


def test_each_overview_is_scanned_once_for_outcome_and_summary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The scan is the costly part of re-evaluating a large namespace: the repository outcome and
    the namespace summary share one scan of each overview, however many repositories there are."""
    scanned: list[str] = []

    def counting(text: str) -> list[Signal]:
        scanned.append(text)
        return find_commercial_signals(text)

    monkeypatch.setattr(non_commercial, "find_commercial_signals", counting)
    many = [make_repo(name=f"app{i}", full_description=f"{CLOUD} #{i}") for i in range(600)]
    subject = make_subject(many)

    res = non_commercial.run(subject, Policy(), NOW)

    assert res.outcome is R
    assert res.summary.startswith("Signs of a commercial offer (hosted offer, free trial) in ")
    assert "and 595 more" in res.summary
    # One scan per repository, plus one of the account details.
    assert len([text for text in scanned if "Acme Agent" in text]) == 600
