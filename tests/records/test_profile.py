"""Consolidation rules: correction > authority > recency; conflicts shown, not settled."""

from datetime import date

import pytest

from nlp.subtype import subtype
from records import reviews
from records.profile import build_profile
from tests.records.builders import done_document

pytestmark = pytest.mark.django_db


def er_finding(doc):
    return doc.findings.get(field="er_status")


def test_single_report_values_with_provenance(people):
    doc = done_document(people.alice, findings=[("er_status", "positive"), ("her2_status", "negative")])
    profile = build_profile(people.alice)
    er = profile["fields"]["er_status"]
    assert er["value"] == "positive" and er["status"] == "extracted"
    source = er["sources"][0]
    assert source["document_id"] == doc.pk and source["page"] == 1
    assert source["text"] == "er_status: positive"


def test_pathology_report_beats_a_newer_clinic_note(people):
    done_document(people.alice, kind="pathology", when=date(2024, 1, 5), findings=[("er_status", "positive")])
    done_document(people.alice, kind="note", when=date(2025, 6, 1), findings=[("er_status", "negative")])
    er = build_profile(people.alice)["fields"]["er_status"]
    assert er["value"] == "positive"
    assert er["superseded"][0]["value"] == "negative"


def test_newer_dated_report_beats_older_of_same_kind(people):
    done_document(people.alice, when=date(2023, 3, 1), findings=[("er_status", "positive")])
    done_document(people.alice, when=date(2025, 2, 1), findings=[("er_status", "negative")])
    profile = build_profile(people.alice)
    assert profile["fields"]["er_status"]["value"] == "negative"
    assert profile["conflicts"] == []


def test_disagreement_without_date_order_is_a_conflict(people):
    a = done_document(people.alice, findings=[("er_status", "positive")])
    b = done_document(people.alice, findings=[("er_status", "negative")])
    profile = build_profile(people.alice)
    er = profile["fields"]["er_status"]
    assert er["status"] == "conflict" and er["value"] is None
    assert {c["document_id"] for c in er["conflict"]} == {a.pk, b.pk}
    assert profile["conflicts"] == ["er_status"]


def test_same_date_disagreement_is_a_conflict(people):
    done_document(people.alice, when=date(2025, 1, 1), findings=[("er_status", "positive")])
    done_document(people.alice, when=date(2025, 1, 1), findings=[("er_status", "negative")])
    assert build_profile(people.alice)["fields"]["er_status"]["status"] == "conflict"


def test_clinician_correction_beats_everything_and_resolves_conflict(people):
    a = done_document(people.alice, findings=[("er_status", "positive")])
    done_document(people.alice, findings=[("er_status", "negative")])
    reviews.add_review(people.bob.user, er_finding(a), "correct", "negative", "IHC re-read on block A2")
    er = build_profile(people.alice)["fields"]["er_status"]
    assert er["value"] == "negative" and er["status"] == "corrected"


def test_rejected_finding_no_longer_counts(people):
    a = done_document(people.alice, findings=[("er_status", "positive")])
    done_document(people.alice, findings=[("er_status", "negative")])
    reviews.add_review(people.bob.user, er_finding(a), "reject", reason="this line is the control tissue")
    er = build_profile(people.alice)["fields"]["er_status"]
    assert er["value"] == "negative" and er["status"] == "extracted"


def test_accepted_value_is_shown_as_reviewed(people):
    doc = done_document(people.alice, findings=[("er_status", "positive")])
    reviews.add_review(people.bob.user, er_finding(doc), "accept")
    assert build_profile(people.alice)["fields"]["er_status"]["status"] == "reviewed"


def test_negated_findings_do_not_feed_the_profile(people):
    done_document(people.alice, summary={}, findings=[("er_status", "positive", {"assertion": "negated"})])
    assert "er_status" not in build_profile(people.alice)["fields"]


def test_version_changes_when_a_review_is_added(people):
    doc = done_document(people.alice, findings=[("er_status", "positive")])
    before = build_profile(people.alice)["version"]
    reviews.add_review(people.bob.user, er_finding(doc), "accept")
    assert build_profile(people.alice)["version"] != before


@pytest.mark.parametrize(
    "er, pr, her2, expected",
    [
        ("positive", "positive", "negative", "HR+/HER2-"),
        ("positive", "negative", "negative", "HR+/HER2-"),
        ("negative", "positive", "negative", "HR+/HER2-"),
        ("positive", "negative", "positive", "HR+/HER2+"),
        ("negative", "negative", "positive", "HR-/HER2+"),
        ("negative", "negative", "negative", "triple-negative"),
        ("negative", None, "negative", None),  # PR unknown: not triple-negative yet
        ("negative", None, "positive", "HER2+"),
        ("positive", "positive", "equivocal", None),
        ("positive", "positive", None, None),
    ],
)
def test_subtype(er, pr, her2, expected):
    assert subtype(er, pr, her2) == expected


def test_derived_her2_low_and_computed_stage(people):
    done_document(people.alice, findings=[
        ("er_status", "positive"), ("pr_status", "negative"), ("her2_status", "negative"),
        ("her2_ihc_score", "2+"), ("her2_ish", "not amplified"),
        ("t_category", "T2"), ("n_category", "N1a"),
    ])
    derived = build_profile(people.alice)["derived"]
    assert derived["subtype"] == "HR+/HER2-"
    assert derived["her2_low"] is True
    assert derived["stage_group"] == "IIB" and derived["stage_source"] == "computed"
    assert derived["metastatic"] is False


def test_metastatic_sites_make_the_profile_metastatic(people):
    done_document(people.alice, kind="imaging", summary={"metastatic_sites": ["bone", "liver"], "oligometastatic": False})
    profile = build_profile(people.alice)
    assert profile["metastatic_sites"] == ["bone", "liver"]
    assert profile["derived"]["metastatic"] is True


def test_later_spread_keeps_the_diagnosis_stage_and_marks_current_stage(people):
    done_document(people.alice, kind="pathology", when=date(2024, 2, 1),
                  findings=[("t_category", "T2"), ("n_category", "N2a"), ("stage_group", "IIIA")])
    done_document(people.alice, kind="note", when=date(2025, 9, 1),
                  summary={"metastatic_sites": ["bone"]})
    derived = build_profile(people.alice)["derived"]
    assert derived["stage_group"] == "IIIA" and derived["stage_source"] == "stated"
    assert derived["metastatic"] is True and derived["current_stage"] == "IV"


def test_combined_her2_call_from_the_document_summary_stands(people):
    # IHC 2+ reads "equivocal" on its own; with ISH not amplified the report's call is negative.
    done_document(people.alice, summary={"her2_status": "negative", "her2_ihc_score": "2+", "her2_ish": "not amplified"},
                  findings=[("her2_status", "equivocal"), ("her2_ihc_score", "2+"), ("her2_ish", "not amplified")])
    profile = build_profile(people.alice)
    assert profile["fields"]["her2_status"]["value"] == "negative"
    assert profile["fields"]["her2_status"]["sources"]  # the findings behind the call
    assert profile["derived"]["her2_low"] is True


def test_rejecting_every_finding_behind_a_summary_value_drops_it(people):
    doc = done_document(people.alice, summary={"her2_status": "negative"}, findings=[("her2_status", "equivocal")])
    reviews.add_review(people.bob.user, doc.findings.get(field="her2_status"), "reject", reason="control slide")
    assert "her2_status" not in build_profile(people.alice)["fields"]
