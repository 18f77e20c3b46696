"""ER, PR, HER2 and Ki-67 as pathologists (and OCR) write them."""

from __future__ import annotations

import pytest

from nlp.extractors import biomarkers
from nlp.textnorm import normalize


def _findings(text: str):
    found = biomarkers.extract(normalize(text))
    for f in found:
        assert text[f.start:f.end] == f.text, f
    return found


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
