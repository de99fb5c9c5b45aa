"""Resolution details the corpus does not show: quotes, fixes, evidence lines, pointers."""

from __future__ import annotations

from dsos_check.licenses.fulltext import classify_license_text
from dsos_check.licenses.resolve import apply_override, resolve_license
from dsos_check.licenses.similar import nearest_license
from dsos_check.licenses.source_repo import find_source_link
from dsos_check.models import HistoryStep, Override
from tests.unit.license_corpus import (
    APACHE,
    KEY,
    MIT,
    NEUTRAL,
    apache_with,
    gh,
    image,
    mit_with,
    repo,
)

AI_BAN = "The Software may not be used to train artificial intelligence or machine learning models."


def test_paragraph_in_the_middle_is_found_and_quoted() -> None:
    # licenseclassifier alone finds nothing in this text; the diff-aware fallback does.
    match = classify_license_text(mit_with(AI_BAN))
    assert match.modified_from == "MIT"
    assert any("train artificial intelligence" in quote for quote in match.added)
    assert "AI-training restriction" in [rider.name for rider in match.riders]


def test_apache_with_an_added_paragraph_names_apache() -> None:
    nearest = nearest_license(apache_with("Use of this software requires registering an account."))
    assert nearest is not None
    assert nearest.license_id == "Apache-2.0"
    assert any("registering an account" in quote for quote in nearest.added)


def test_clean_license_adds_nothing() -> None:
    match = classify_license_text(MIT)
    assert match.clean
    assert match.added == ()
    assert match.twins == ()


def test_modified_text_outranks_the_label_and_github_naming_the_base() -> None:
    added = (
        "Any redistribution in a hardware appliance requires a separate agreement with the "
        "authors of this software."
    )
    report = resolve_license(
        repo(image=image({KEY: "MIT"}), source_repository=gh("MIT", mit_with(added)))
    )
    assert report.osi_approved is None
    assert "separate agreement" in (report.summary or "")
    assert "only in part" in (report.summary or "")


def test_commons_clause_label_is_not_outranked_by_the_overview() -> None:
    report = resolve_license(
        repo(
            NEUTRAL + "\n## License\n\nMIT\n", image=image({KEY: "Apache-2.0 WITH Commons-Clause"})
        )
    )
    assert report.osi_approved is False
    assert report.restriction is not None
    assert "Commons-Clause" in report.restriction


def test_unreadable_label_is_quoted_in_the_review() -> None:
    deep = "(" * 80 + "MIT" + ")" * 80
    report = resolve_license(repo(NEUTRAL + "\nLicense: MIT\n", image=image({KEY: deep})))
    assert report.osi_approved is None
    assert "could not be read" in (report.summary or "")
    assert "(((" in (report.summary or "")


def test_name_label_gets_a_label_fix_with_the_spdx_form() -> None:
    report = resolve_license(repo(image=image({KEY: "Apache License 2.0"})))
    assert report.osi_approved is True
    assert any("not an SPDX expression" in line for line in report.evidence)
    (fix,) = report.fixes
    assert (fix.check, fix.where) == ("osi-license", "dockerfile")
    assert fix.snippet == f'LABEL {KEY}="Apache-2.0"'


def test_unversioned_gpl_is_a_review_with_a_fix() -> None:
    report = resolve_license(repo("# App\n\nLicensed under the GPL.\n"))
    assert report.osi_approved is None
    assert "without a version" in (report.summary or "")
    assert [fix.where for fix in report.fixes] == ["docker-hub"]


def test_inherited_label_alone_is_a_review_naming_the_base_with_the_label_line() -> None:
    history = (
        HistoryStep(created_by="/bin/sh -c #(nop) ADD file:1 in /"),
        HistoryStep(created_by=f"/bin/sh -c #(nop)  LABEL {KEY}=GPL-2.0-only", empty_layer=True),
        HistoryStep(created_by='/bin/sh -c #(nop)  CMD ["bash"]', empty_layer=True),
        HistoryStep(created_by="COPY . /app # buildkit", comment="buildkit.dockerfile.v0"),
    )
    base = {"org.opencontainers.image.base.name": "debian:12"}
    report = resolve_license(
        repo(image=image({KEY: "GPL-2.0-only"}, history=history, annotations=base))
    )
    assert report.osi_approved is None
    assert "inherited from debian:12" in (report.summary or "")
    (fix,) = report.fixes
    assert fix.snippet == f'LABEL {KEY}="<SPDX expression>"'
    with_github = resolve_license(
        repo(
            image=image({KEY: "GPL-2.0-only"}, history=history, annotations=base),
            source_repository=gh("MIT"),
        )
    )
    assert (with_github.expression, with_github.osi_approved) == ("MIT", True)
    assert with_github.fixes[0].snippet == f'LABEL {KEY}="MIT"'


def test_docs_rider_does_not_fail_the_software() -> None:
    report = resolve_license(
        repo(
            "# Wiki\n\nLicensed under the GNU Affero General Public License v3.0.\n\n"
            "The documentation is licensed under CC BY-NC-SA 4.0.\n"
        )
    )
    assert report.osi_approved is True
    assert any("applies to the documentation" in line for line in report.evidence)


def test_license_file_with_an_spdx_tag_resolves_from_the_tag() -> None:
    report = resolve_license(
        repo(source_repository=gh("NOASSERTION", "SPDX-License-Identifier: MPL-2.0\n"))
    )
    assert (report.expression, report.osi_approved) == ("MPL-2.0", True)


def test_policy_name_goes_through_the_name_mapper() -> None:
    found = resolve_license(repo())
    override = Override(repository="app", license="Apache License 2.0", reason="stated in README")
    report = apply_override(found, override)
    assert (report.expression, report.osi_approved) == ("Apache-2.0", True)


def test_license_badge_names_the_source_repository() -> None:
    overview = "# X\n\n![license](https://img.shields.io/github/license/acme/widget?style=flat)\n"
    link = find_source_link(repo(overview), "acme")
    assert link is not None
    assert (link.owner, link.repo, link.found_in) == ("acme", "widget", "overview license badge")


def test_classifier_reading_is_kept_and_compared_with_github() -> None:
    report = resolve_license(repo(source_repository=gh("MIT", APACHE)))
    assert report.expression == "Apache-2.0"
    assert "GitHub names MIT; the license text itself reads as Apache-2.0" in report.evidence


def test_license_fixes_are_not_serialised_with_the_license() -> None:
    report = resolve_license(repo(image=image({KEY: "Apache License 2.0"})))
    assert report.fixes
    assert "fixes" not in report.model_dump(mode="json")


def test_licensed_under_either_of_a_list() -> None:
    overview = (
        "# Crate\n\n## License\n\nLicensed under either of\n\n"
        " * Apache License, Version 2.0, ([LICENSE-APACHE](LICENSE-APACHE))\n"
        " * MIT license ([LICENSE-MIT](LICENSE-MIT))\n\nat your option.\n"
    )
    report = resolve_license(repo(overview))
    assert (report.expression, report.osi_approved) == ("Apache-2.0 OR MIT", True)


def test_a_choice_list_with_an_unknown_item_names_nothing() -> None:
    report = resolve_license(repo("# X\n\nLicensed under either of\n\n- the Acme terms\n- MIT\n"))
    assert report.osi_approved is None


def test_production_ban_added_to_apache_fails() -> None:
    text = apache_with(
        "This software is not for use in production without a paid support contract."
    )
    report = resolve_license(repo(source_repository=gh("Apache-2.0", text)))
    assert report.osi_approved is False
    assert report.restriction == "production-use restriction"
