"""ER, PR, HER2 and Ki-67 as pathologists (and OCR) write them."""

from __future__ import annotations

import pytest

from nlp.extractors import biomarkers
from tests.nlp.checked import extract_checked


def _findings(text: str):
    return extract_checked(biomarkers.extract, text)


def _summary(text: str) -> dict:
    return biomarkers.summarize(_findings(text))


@pytest.mark.parametrize(
    ("text", "er", "pr"),
    [
        ("ER: POSITIVE (95%, strong). PR: NEGATIVE (0%).", "positive", "negative"),
        ("Estrogen receptor: positive, 90% of tumor cells, Allred 8. "
         "Progesterone receptor: negative, Allred 0.", "positive", "negative"),
        ("ER/PR: positive/negative", "positive", "negative"),
        ("ER (+), PR (-)", "positive", "negative"),
        ("ER+/PR-/HER2-", "positive", "negative"),
        ("ER-negative, PR-negative, HER2-positive breast carcinoma", "negative", "negative"),
        ("Estrogen Receptor   Positive   95%\nProgesterone Receptor   Negative   0%", "positive", "negative"),
        ("ESTROGEN RECEPTORS: POSITIVE. PROGESTERONE RECEPTORS: NEGATIVE.", "positive", "negative"),
        ("ER : Positlve. PR : NEGATlVE.", "positive", "negative"),  # OCR l for i
        ("The tumor is negative for ER and positive for PR.", "negative", "positive"),
        ("The tumor cells are positive for ER and PR and negative for HER-2.", "positive", "positive"),
        ("Immunostains for estrogen and progesterone receptors are negative in tumor cells.",
         "negative", "negative"),
        ("ER and PR positive (strong, diffuse).", "positive", "positive"),
        ("ESTROGEN RECEPTOR. 90% nuclear staining with strong intensity.", "positive", None),
        ("Estrogen receptors found in over 75% of neoplastic cell nuclei. "
         "No progesterone receptors found in neoplastic cells.", "positive", "negative"),
        ("Estrogen receptors: 0% positive", "negative", None),
        ("ER: Positive - Allred Score: 8 = Proportion score: 5 + Intensity Score 3. "
         "PR: Negative - Allred Score: 0", "positive", "negative"),
        ("ESTROGEN RECEPTOR PROTEIN (ER- clone SP1): POSITIVE; PROGESTERONE RECEPTOR PROTEIN "
         "(PR- clone 1E2): POSITIVE.", "positive", "positive"),
    ],
)
def test_receptor_status(text, er, pr):
    s = _summary(text)
    assert s["er_status"] == er
    assert s["pr_status"] == pr


def test_percent_allred_intensity_are_kept():
    f = next(f for f in _findings("Estrogen receptor: positive, 90% of tumor cells, strong, Allred 8")
             if f.field == "er_status")
    assert f.attributes == {"percent": 90, "allred": 8, "intensity": "strong"}


def test_low_positive_is_positive_with_flag():
    s = _summary("ER: low positive (5% of tumor cells, weak). PR: 2% positive.")
    assert s["er_status"] == "positive" and s["er_low_positive"] is True
    assert s["pr_status"] == "positive" and s["pr_low_positive"] is True


def test_less_than_one_percent_is_negative():
    assert _summary("Estrogen Receptor: NEGATIVE (< 1%)")["er_status"] == "negative"
    assert _summary("ER: <1% of tumor cells")["er_status"] == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "ER: pending. PR: pending. HER2: pending.",
        "ER/PR/HER2 Results. ER: Pending. PR: Pending. HER2: Pending",
        "Estrogen receptor, progesterone receptor, and HER2 will be performed and reported in an addendum.",
        "ER, PR and HER2: see addendum.",
        "ER, PR and HER2-neu were ordered, addendum to follow.",
        "Hormone receptor studies: ER and PR results to follow.",
    ],
)
def test_pending_never_becomes_a_value(text):
    s = _summary(text)
    assert s["er_status"] is None and s["pr_status"] is None and s["her2_status"] is None
    pending = [f for f in _findings(text) if f.attributes.get("pending")]
    assert pending and all(f.value is None for f in pending)


@pytest.mark.parametrize(
    "text",
    [
        "ER/PR positive is defined as an Allred score of >2 and ER/PR negative is defined as an Allred score of 2 or less.",
        "Her2 Negative <10.7 Positive >= 11.5 Equivocal = 10.7 - 11.4.",
        "HER2/neu: 0,1=NEGATIVE FOR OVEREXPRESSION, 2=INDETERMINATE, 3=POSITIVE FOR OVEREXPRESSION.",
        "External slides and in-house known HER2 amplified control tissue were evaluated.",
        "Trastuzumab improves survival for patients with metastatic HER2-positive breast cancer.",
        "ESTROGEN RECEPTORS: unknown. PROGESTERONE RECEPTORS: unknown. HER2/NEU: unknown.",
        "Tissue has been submitted for ER/PR studies.",
    ],
)
def test_legends_method_text_and_unknowns_give_no_value(text):
    s = _summary(text)
    assert (s["er_status"], s["pr_status"], s["her2_status"]) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "status", "ihc", "ish", "low"),
    [
        ("HER-2/neu: 3+", "positive", "3+", None, False),
        ("HER2/neu 3 +", "positive", "3+", None, False),  # OCR space
        ("HER2 (IHC): 2+ (equivocal). FISH: not amplified, ratio 1.3", "negative", "2+", "not amplified", True),
        ("HER2 (IHC): 2+ (equivocal). FISH pending.", "equivocal", "2+", None, None),
        ("HER2 (IHC): 2+. HER2/CEP17 ratio 2.8, FISH: amplified", "positive", "2+", "amplified", False),
        ("HER2 negative (1+)", "negative", "1+", None, True),
        ("HER-2/NEU - NEGATIVE (IHC SCORE 0)", "negative", "0", None, False),
        ("HER-2/NEU - NEGATIVE. (SCORE +1)", "negative", "1+", None, True),
        ("HER2: Negative by FISH", "negative", None, "not amplified", None),
        ("Therefore, Her-2/neu gene is not amplified.", "negative", None, "not amplified", None),
        ("HER-2/NEU IS INTERPRETED AS WEAKLY POSITIVE (SCORE 2+).", "equivocal", "2+", None, None),
        ("HER2 FISH: Not. amplified (ratio 1.3)", "negative", None, "not amplified", None),  # OCR period
    ],
)
def test_her2_asco_cap(text, status, ihc, ish, low):
    s = _summary(text)
    assert (s["her2_status"], s["her2_ihc_score"], s["her2_ish"], s["her2_low"]) == (status, ihc, ish, low)


def test_her2_ratio_is_kept():
    s = _summary("HER2 FISH: not amplified; HER2/CEP17 ratio 1.3; average HER2 copy number 2.1 signals per cell")
    assert s["her2_ratio"] == 1.3
    assert s["her2_ish"] == "not amplified"


def test_her2_pending_ish_keeps_ihc_equivocal():
    s = _summary("HER2: Pending by FISH. HER2 by FISH pending on the current case.")
    assert s["her2_status"] is None
    assert s["her2_ish"] is None and s["her2_ish_pending"] is True


def test_her2_old_name_variants():
    for text in ("HER-2/NEU: NEGATIVE", "c-erbB-2: negative", "Her-. 2/NEU: NEGATIVE", "HER2/neu (c-erbB-2): negative"):
        assert _summary(text)["her2_status"] == "negative", text


def test_pronoun_her_is_not_her2():
    assert _findings("Her 2 children are well. her 2 sisters") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("Ki-67: 20%", 20), ("Ki-67 labeling index: 30.", 30), ("Ki67 proliferation index 15 %", 15),
     ("MIB-1 (Ki-67): 40% of tumor nuclei", 40)],
)
def test_ki67(text, value):
    assert _summary(text)["ki67_percent"] == value


def test_ki67_antibody_clone_is_not_a_value():
    assert _summary("Ki-67 (clone MIB-1, 1:100 dilution) was performed.")["ki67_percent"] is None


def test_value_word_is_inside_the_span():
    # The pipeline's ConText must not read "negative" as a denial: the span holds it.
    for text in ("ER negative", "negative for ER", "ER: NEGATIVE (0%)"):
        f = _findings(text)[0]
        assert "negative" in f.text.lower()


# --- Rules for how pathologists write results (one test per rule, realistic phrasing) ---


@pytest.mark.parametrize(
    ("text", "er", "pr", "er_pct", "pr_pct"),
    [
        ("ER/PR: 95%/0%", "positive", "negative", 95, 0),
        ("Hormone receptors: ER / PR: 80% / 5%", "positive", "positive", 80, 5),
    ],
)
def test_slash_list_of_percentages_gives_each_name_its_own(text, er, pr, er_pct, pr_pct):
    s = _summary(text)
    assert (s["er_status"], s["pr_status"]) == (er, pr)
    assert (s["er_percent"], s["pr_percent"]) == (er_pct, pr_pct)


def test_weakly_positive_one_to_ten_percent_is_er_low_positive():
    # ASCO/CAP 2020: 1-10% staining is "ER-low positive": positive, with an attribute.
    s = _summary("Estrogen receptor: weakly positive (5% of tumor cells). PR: 1-10% weakly positive.")
    assert s["er_status"] == "positive" and s["er_low_positive"] is True
    assert s["pr_status"] == "positive" and s["pr_low_positive"] is True


@pytest.mark.parametrize(
    ("text", "er", "pr"),
    [
        ("ER: Allred score 3/8. PR: Allred score 2/8.", "positive", "negative"),
        ("ER: Allred score 4 (PS 2, IS 2). PR: Allred 0", "positive", "negative"),
    ],
)
def test_allred_three_or_more_is_positive(text, er, pr):
    s = _summary(text)
    assert (s["er_status"], s["pr_status"]) == (er, pr)


def test_h_score_alone_gives_the_status():
    s = _summary("Estrogen receptor H-score: 150. Progesterone receptor H-score: 0")
    assert (s["er_status"], s["pr_status"]) == ("positive", "negative")


def test_h_score_bins_give_the_percentage_of_stained_cells():
    text = ("ER: Weakly positive. 10. (0: 91%; 1+: 8%; 2+: 1%; 3+: 0%). "
            "PR: Negative. 0. (0: 100%; 1+: 0%; 2+: 0%; 3+: 0%).")
    s = _summary(text)
    assert s["er_status"] == "positive" and s["er_percent"] == 9 and s["er_low_positive"] is True
    assert s["pr_status"] == "negative" and s["pr_percent"] == 0


def test_table_rows():
    s = _summary("Marker   Result     Percent\nER       Positive   90%\nPR       Negative   <1%\n"
                 "HER2     1+         Negative")
    assert (s["er_status"], s["pr_status"], s["her2_status"], s["her2_ihc_score"]) == (
        "positive", "negative", "negative", "1+")


def test_hyphenated_er_pr_is_a_name_list_not_a_sign():
    # "ER-PR" names both receptors; the hyphen is not "ER negative".
    for text in ("A portion was submitted for ER-PR. evaluation.", "ER-PR evaluation was submitted."):
        assert all(f.value is None for f in _findings(text)), text


def test_dash_before_a_value_word_is_a_separator():
    s = _summary("IHC-stainings: Estrogen receptor -. positive reaction 98% 3+; "
                 "Progesterone receptor - positive reaction.")
    assert (s["er_status"], s["pr_status"]) == ("positive", "positive")


def test_stain_run_codes_are_not_results():
    text = "Special Studies: Special Stain. ER-C. PR-C. HER2-C. NEG-HER2. NEG CONT. IMM RECUT."
    s = _summary(text)
    assert (s["er_status"], s["pr_status"], s["her2_status"]) == (None, None, None)


def test_percentage_of_positive_cells_is_not_a_her2_call():
    # OCR column shift: a Ki-67 value under the HER2 label.
    assert _summary("HER2: High (70% positive cells). Ki-67: 20%")["her2_status"] is None


def test_prefix_value_survives_an_ocr_period_after_for():
    s = _summary("THE INVASIVE TUMOR CELLS ARE NEGATIVE FOR ESTROGEN RECEPTOR, WEAKLY POSITIVE FOR. "
                 "PROGESTERONE RECEPTOR, AND NEGATIVE FOR HER-2.")
    assert (s["er_status"], s["pr_status"], s["her2_status"]) == ("negative", "positive", "negative")
    er = next(f for f in _findings("NEGATIVE FOR ESTROGEN RECEPTOR, WEAKLY POSITIVE FOR. PROGESTERONE RECEPTOR")
              if f.field == "er_status")
    assert "intensity" not in er.attributes  # "weakly" belongs to PR


def test_result_of_a_test_performed_on_another_specimen_is_read():
    text = ("Estrogen Receptor: Performed on another specimen (S-1234). Results: POSITIVE (>50%). "
            "HER2/neu: Immunoperoxidase Studies: Performed on another specimen. Results: Equivocal (Score 2+). "
            "Chromogenic In Situ Hybridization (CISH) for HER2/neu: Performed on another specimen (S-1234). "
            "Results: Not amplified (HER2 gene copy <4.0 or ratio <1.8).")
    s = _summary(text)
    assert s["er_status"] == "positive"
    assert (s["her2_status"], s["her2_ihc_score"], s["her2_ish"]) == ("negative", "2+", "not amplified")
    er = next(f for f in _findings(text) if f.field == "er_status")
    assert er.attributes.get("performed_elsewhere") is True


def test_performed_elsewhere_without_a_result_stays_unknown():
    s = _summary("ER, PR and HER2: performed on a previous specimen.")
    assert (s["er_status"], s["pr_status"], s["her2_status"]) == (None, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "Equivocal Category for HER2 IHC results: A HER2, 2+ staining result that is interpreted as "
        "equivocal may not. indicate gene amplification.",
        "According to the correlation of mean H-score versus percent cells staining for ER is as follows: "
        "H-score of 251 (>75% cells staining); H-score of 130 (51-75% cells staining).",
    ],
)
def test_more_legends_give_no_value(text):
    s = _summary(text)
    assert (s["er_status"], s["pr_status"], s["her2_status"]) == (None, None, None)


def test_marker_candidate_scan_equals_the_full_regex():
    from nlp.extractors import biomarker_patterns as P

    texts = [
        "ER/PR/HER2: pos/neg/neg; Ki-67 20%; FISH not amplified; oestrogen receptor; CK5/6, p63, "
        "GATA-3, E-cadherin; androgen receptor (AR) positive; in-situ hybridization; c-erbB-2; PgR",
        "Her 2 children; other; progesterone; antiestrogen therapy; mammaprint; recurrence score; "
        "cd31; pd-l1; smooth muscle myosin; silver in situ hybridization; dual ISH",
    ]
    for text in texts:
        low = text.lower()
        full = [(m.start(), m.end(), m.lastgroup) for m in P.MARKER_RE.finditer(low)]
        fast = [(m.start(), m.end(), m.lastgroup) for m in P.marker_matches(low)]
        assert fast == full


def test_lower_case_boilerplate_pattern_agrees_with_the_case_blind_one():
    from nlp.extractors import biomarker_patterns as P

    for text in ("Trastuzumab improves SURVIVAL", "correlation of mean H-score versus", "ER positive (90%)",
                 "These Cases Were read blindly", "HER2 IHC 2+"):
        assert bool(P.BOILERPLATE_RE.search(text)) == bool(P.BOILERPLATE_LOW_RE.search(text.lower())), text
