"""Treatment mentions as oncology notes write them, and their merged profile."""

from __future__ import annotations

import pytest

from nlp.extractors.treatments import extract, find_dates, summarize
from nlp.textnorm import normalize
from tests.nlp.checked import extract_checked


def run(text):
    return extract_checked(extract, text)


def one(text, value, field="drug"):
    hits = [f for f in run(text) if f.field == field and f.value == value]
    assert len(hits) == 1, (text, [(f.field, f.value) for f in run(text)])
    return hits[0]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("09/2025", "2025-09"),
        ("3/2026", "2026-03"),
        ("1/15/2024", "2024-01-15"),
        ("01/15/24", "2024-01-15"),
        ("2024-01-15", "2024-01-15"),
        ("March 2024", "2024-03"),
        ("Mar 15, 2024", "2024-03-15"),
        ("15 March 2024", "2024-03-15"),
        ("in 2023", "2023"),
    ],
)
def test_dates_normalise_to_iso(text, iso):
    assert [d[2] for d in find_dates(text)] == [iso]


def test_dose_and_mg_counts_are_not_years():
    assert find_dates("ribociclib 600 mg") == []
    assert find_dates("2000 mg twice daily") == []


def test_started_drug_with_dose_and_date():
    f = one("Started ribociclib 600 mg daily in 09/2025.", "ribociclib")
    a = f.attributes
    assert f.assertion == "present"
    assert (a["status"], a["start"], a["dose"], a["unit"], a["frequency"]) == (
        "current", "2025-09", 600, "mg", "daily")
    assert a["drug_class"] == "CDK4/6 inhibitor"
    assert a["lowers_neutrophils"] is True


def test_brand_dose_reduction_with_reason_and_date():
    f = one("Kisqali dose reduced to 400 mg on 3/2026 due to neutropenia.", "ribociclib")
    assert f.text == "Kisqali"
    assert f.attributes["brand"] == "Kisqali"
    assert f.attributes["status"] == "current"
    assert f.attributes["changes"] == [
        {"date": "2026-03", "change": "dose reduced", "reason": "neutropenia", "dose": 400, "unit": "mg"}]
    assert "start" not in f.attributes


def test_since_gives_start():
    f = one("Letrozole since March 2024, tolerating well.", "letrozole")
    assert f.attributes["status"] == "current"
    assert f.attributes["start"] == "2024-03"


def test_regimen_followed_by_drug_shares_status_and_date():
    found = run("She completed 4 cycles of AC followed by weekly paclitaxel (2023).")
    names = [f.value for f in found if f.field == "drug"]
    assert names == ["doxorubicin", "cyclophosphamide", "paclitaxel"]
    for f in found:
        assert f.attributes["status"] == "past"
        assert f.attributes["end"] == "2023"
    ac = found[0]
    assert ac.text == "AC" and ac.attributes["regimen"] == "AC" and ac.attributes["cycles"] == 4
    assert found[2].attributes["frequency"] == "weekly"


def test_held_for_grade_3_neutropenia():
    f = one("Ribociclib held for grade 3 neutropenia.", "ribociclib")
    ch = f.attributes["changes"][0]
    assert (ch["change"], ch["reason"], ch["grade"]) == ("held", "neutropenia", 3)
    assert f.attributes["status"] == "current"


def test_discontinued_due_to_progression_then_new_drug():
    found = run("Letrozole was discontinued due to progression and fulvestrant started 5/2025.")
    let = next(f for f in found if f.value == "letrozole")
    ful = next(f for f in found if f.value == "fulvestrant")
    assert let.attributes["status"] == "past"
    assert let.attributes["changes"][0]["reason"] == "progression"
    assert ful.attributes["status"] == "current"
    assert ful.attributes["start"] == "2025-05"
    assert "changes" not in ful.attributes


def test_stopped_one_started_other():
    found = run("Stopped letrozole and started fulvestrant.")
    status = {f.value: f.attributes["status"] for f in found}
    assert status == {"letrozole": "past", "fulvestrant": "current"}


def test_planned_drug_is_hypothetical():
    f = one("Plan to start fulvestrant next month.", "fulvestrant")
    assert f.assertion == "hypothetical"
    assert f.attributes["status"] == "planned"
    assert summarize([f]) == {}


def test_no_prior_chemotherapy_is_negated():
    f = one("No prior chemotherapy.", "chemotherapy", field="therapy")
    assert f.assertion == "negated"


def test_declined_is_negated():
    f = one("She declined tamoxifen.", "tamoxifen")
    assert f.assertion == "negated"
    assert f.attributes["declined"] is True


def test_date_range_gives_start_and_end():
    f = one("Tamoxifen 20 mg daily 2015-2020.", "tamoxifen")
    assert (f.attributes["start"], f.attributes["end"], f.attributes["status"]) == ("2015", "2020", "past")


def test_medication_list_with_dose_is_current():
    found = run("Medications: Ibrance® 125 mg daily 21 days on/7 off, Femara 2.5 mg daily")
    assert {f.value: f.attributes["status"] for f in found} == {"palbociclib": "current", "letrozole": "current"}
    assert found[0].text == "Ibrance®"


def test_tchp_expands_to_four_drugs():
    found = run("Received TCHP x 6 cycles (2022).")
    assert [f.value for f in found] == ["docetaxel", "carboplatin", "trastuzumab", "pertuzumab"]
    assert all(f.attributes["cycles"] == 6 and f.attributes["status"] == "past" for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "Wolff AC, Hammond EH, Schwartz JN, et al. American Society of Clinical Oncology.",
        "ACR BI-RADS category 4. TC. 2. 2. TB. 2.",
        "Block. Sect. Site. PCs. 1. T. 1. 2. TA. 2. 2. TB. 2. 2. TC. 2.",
        "FOR OFFICIAL USE ONLY - PERSONAL DATA - PRIVACY ACT OF.",
        "ER: positive (95%). PR: negative. HER2 1+.",
        "This assay can be used to select invasive breast cancer patients for Trastuzumab therapy.",
        "PathVysion HER-2 DNA Probe Kit is FDA approved for selection of patients for whom "
        "Herceptin® therapy is being considered.",
        "Romond EH, et al. Trastuzumab plus adjuvant chemotherapy for operable HER2-positive "
        "breast cancer. N Engl J Med 2005;353:1673-84.",
        "Clinical trials have shown that trastuzumab substantially increases overall survival.",
    ],
)
def test_boilerplate_and_initials_are_not_drugs(text):
    assert [f for f in run(text) if f.field in ("drug", "therapy")] == []


def test_lowercase_regimen_letters_are_not_regimens():
    assert run("the tc and ac values were recorded") == []


def test_surgery_with_laterality_and_date():
    found = run("s/p left lumpectomy 1/15/2024 with sentinel lymph node biopsy.")
    lump, sln = found
    assert (lump.value, lump.attributes["laterality"], lump.attributes["date"], lump.attributes["status"]) == (
        "lumpectomy", "left", "2024-01-15", "past")
    assert sln.value == "sentinel lymph node biopsy"


@pytest.mark.parametrize(
    ("text", "name", "extra"),
    [
        ("PROCEDURE: Right modified radical mastectomy.", "mastectomy", {"type": "modified radical", "laterality": "right"}),
        ("Breast, right, segmental mastectomy:", "lumpectomy", {"laterality": "right"}),
        ("Left partial mastectomy and ALND.", "lumpectomy", {"laterality": "left"}),
        ("Bilateral mastectomies.", "mastectomy", {"laterality": "bilateral"}),
        ("Axillary dissection, level I and II.", "axillary lymph node dissection", {}),
        ("s/p SLNB", "sentinel lymph node biopsy", {}),
    ],
)
def test_surgery_names(text, name, extra):
    f = next(f for f in run(text) if f.field == "surgery")
    assert f.value == name
    for k, v in extra.items():
        assert f.attributes[k] == v


def test_planned_surgery_is_hypothetical():
    found = run("Scheduled for left total mastectomy and sentinel lymph node biopsy.")
    assert [f.assertion for f in found] == ["hypothetical", "hypothetical"]


def test_radiation_site_dose_and_end():
    f = one("She received adjuvant whole breast radiation 50 Gy in 25 fractions, completed 6/2024.",
            "radiation", field="radiation")
    a = f.attributes
    assert (a["site"], a["dose_gy"], a["fractions"], a["end"], a["status"]) == (
        "whole breast", 50.0, 25, "2024-06", "past")


def test_chest_wall_radiation_in_cgy():
    f = one("PMRT to the left chest wall 5000 cGy/25 fx.", "radiation", field="radiation")
    assert f.attributes["site"] == "chest wall"
    assert f.attributes["dose_gy"] == 50.0


def test_form_field_answers():
    neg = run("CHEMORADIATION THERAPY: No. OTHER DISEASES: No.")
    assert [f.assertion for f in neg] == ["negated"]
    assert run("CHEMORADIATION THERAPY: Not listed. OTHER DISEASES: Not listed.") == []


def test_planned_radiation_and_endocrine_therapy():
    found = run("She will likely receive radiation and endocrine therapy.")
    assert [(f.field, f.assertion) for f in found] == [("radiation", "hypothetical"), ("therapy", "hypothetical")]


def test_summary_merges_per_drug_in_profile_shape():
    text = normalize(
        "Started ribociclib 600 mg daily in 09/2025 with letrozole.\n"
        "Kisqali dose reduced to 400 mg on 3/2026 due to neutropenia.\n"
        "Plan to start fulvestrant at progression.\n"
        "s/p left lumpectomy 1/15/2024.")
    summary = summarize(extract(text))
    by_name = {t["name"]: t for t in summary["treatments"]}
    ribo = by_name["ribociclib"]
    assert ribo["kind"] == "drug"
    assert (ribo["start"], ribo["end"], ribo["status"]) == ("2025-09", None, "current")
    assert ribo["changes"] == [
        {"date": "2026-03", "change": "dose reduced", "reason": "neutropenia", "dose": 400, "unit": "mg"}]
    assert ribo["lowers_neutrophils"] is True
    assert by_name["letrozole"]["status"] == "current"
    assert "fulvestrant" not in by_name
    assert by_name["lumpectomy"]["kind"] == "surgery"
    assert by_name["lumpectomy"]["laterality"] == "left"
    assert by_name["lumpectomy"]["start"] == "2024-01-15"


def test_discontinued_anywhere_makes_summary_past():
    text = normalize("On palbociclib since 2022.\nPalbociclib discontinued 4/2024 due to progression.")
    t = summarize(extract(text))["treatments"][0]
    assert (t["name"], t["status"], t["start"], t["end"]) == ("palbociclib", "past", "2022", "2024-04")


def test_offsets_survive_unicode_normalisation():
    raw = "Tamoxifen\u00a020\u00a0mg daily \u2013 started 1/2020."
    f = one(raw, "tamoxifen")
    assert raw[f.start:f.end] == "Tamoxifen"
