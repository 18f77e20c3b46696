"""TNM and stated stage groups as pathologists (and OCR) write them."""

from __future__ import annotations

import pytest

from nlp.extractors import tnm, tumor
from nlp.textnorm import normalize
from tests.nlp.checked import extract_checked


def _values(text: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in extract_checked(tnm.extract, text):
        out.setdefault(f.field, []).append(f.value)
    return out


def _one(text: str, field: str):
    values = _values(text).get(field, [])
    assert len(values) == 1, (text, field, values)
    return values[0]


def _summary(text: str) -> dict:
    text = normalize(text)
    return tnm.summarize(tnm.extract(text) + tumor.extract(text))


@pytest.mark.parametrize(
    ("text", "t", "n", "m"),
    [
        ("pT2 pN1a (2/14) pM0", "T2", "N1a", "M0"),
        ("pT1cN0(sn)", "T1c", "N0", None),
        ("T2 N0 MX", "T2", "N0", "MX"),
        ("Summary of pathologic staging: pT2N2aMXG3 .", "T2", "N2a", "MX"),
        ("Concluding tumor classification: NOS, G III, pT2(mult)NO(sn)LOVORO.", "T2", "N0", None),
        ("Tumor classification: NOS, G I, pT3NOLOVORO.", "T3", "N0", None),
        ("Pathological staging (pTN): pT 1c N 0.", "T1c", "N0", None),
        ("Pathological staging (pTN): pT 2NN0.", "T2", "N0", None),
        ("PTNM CLASSIFICATION: T2, NO, MX, STAGE IIA.", "T2", "N0", "MX"),
        ("PTNM CLASSIFICATION: T4B, N2a, MX, STAGE GROUPING IIIB.", "T4b", "N2a", "MX"),
        ("Final AJCC staging: pT3, snNO(i), Mn/a.", "T3", "N0", "MX"),
        ("Final AJCC pT2 sn NO (i-) Mn/a.", "T2", "N0", "MX"),
        ("PATHOLOGIC TNM (AJCC EDITION) : T2 N1mic MX.", "T2", "N1mi", "MX"),
        ("Tumor stage: pTlc pN1mi (intranodal micrometastasis), MX, R0;", "T1c", "N1mi", "MX"),
        ("Tumor classification: pT2 (3 cm), pN1a (2/16), MX, R0; G2, L0, V0.", "T2", "N1a", "MX"),
        ("TNM STATUS: pT2,N1.MX.", "T2", "N1", "MX"),
        ("pT 2 N 1 mi. CLINICAL HISTORY", "T2", "N1mi", None),
        ("Stage: T1cN1MX, stage lla.", "T1c", "N1", "MX"),
        ("STAGE: T2, PNO (I+), MX.", "T2", "N0(i+)", "MX"),
        ("(NHG2, pTIc, pN2a).", "T1c", "N2a", None),
        ("pT4bN3aLIVORO.", "T4b", "N3a", None),
        ("Tumor classification: M-8500/3, G3, pT4b, pLI, pV1, pNla (1/11), pMx, stage III B.",
         "T4b", "N1a", "MX"),
        ("ypT1a ypN0 cM0", "T1a", "N0", "M0"),
        ("pTis pN0(mol-)", "Tis", "N0", None),
        ("pT1mi pN0(i+)", "T1mi", "N0(i+)", None),
        ("pT4d pN3c cM1", "T4d", "N3c", "M1"),
    ],
)
def test_tnm_strings(text, t, n, m):
    values = _values(text)
    assert values.get("t_category") == [t]
    assert values.get("n_category") == [n]
    assert values.get("m_category", [None]) == [m]


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("PRIMARY TUMOR (PT) : pT2: Tumor more than 2.0 cm", "t_category", "T2"),
        ("REGIONAL LYMPH NODES (PN) : pN2a: Metastases in 4 to 9.", "n_category", "N2a"),
        ("T STAGE, PATHOLOGIC: pT1b. N STAGE MODIFIER: (sn).", "t_category", "T1b"),
        ("N STAGE, PATHOLOGIC: pNO. M STAGE: Not applicable.", "n_category", "N0"),
        ("DISTANT METASTASIS (PM) : PMX. MARGINS", "m_category", "MX"),
        ("Regional lymph nodes: pN1(mi). Distant", "n_category", "N1mi"),
        ("Regional lymph nodes: pN0(i-)(sn). Distant", "n_category", "N0"),
        ("forming a 1.6 x 1.5 x 1.3 cm mass (AJCC pT1c) The carcinoma", "t_category", "T1c"),
        ("x 2.0 cm well circumscribed mass (AJCC p T2) in the upper", "t_category", "T2"),
        ("Greatest dimension (pT) : 2.6 cm, pT2. Specimen margins", "t_category", "T2"),
        ("Primary tumor: pT2(m). Regional", "t_category", "T2"),
        ("(NHG1; pT2; pNO(sn).", "n_category", "N0"),
        ("Primary Tumor: T3. Regional Lymph Nodes: N1. Distant", "t_category", "T3"),
        ("Primary Tumor: T3. Regional Lymph Nodes: N1. Distant", "n_category", "N1"),
        ("cTNM: cT2. cN1. cM0.", "m_category", "M0"),
        ("ypT0 ypN0", "t_category", "T0"),
        # "pN1 1(mi)": one node with a micrometastasis, as printed by some checklists.
        ("Regional lymph nodes (pN): pN1 1(mi). Distant metastasis", "n_category", "N1mi"),
        ("are negative for tumor (AJCCpN0(sn)(i-)). Blue dye", "n_category", "N0"),
        ("Rare isolated cytokeratin positive cells (pNOi+). B. Right", "n_category", "N0(i+)"),
        ("Lymph nodes: pN0 (mol+). Distant", "n_category", "N0(mol+)"),
    ],
)
def test_single_categories(text, field, value):
    assert _one(text, field) == value


def test_prefix_and_attributes():
    fs = tnm.extract("ypT1a(m) ypN0(i-)(sn)")
    t = next(f for f in fs if f.field == "t_category")
    n = next(f for f in fs if f.field == "n_category")
    assert t.attributes["prefix"] == "yp"
    assert t.attributes["multifocal"] is True
    assert n.attributes["sentinel"] is True
    assert n.attributes["itc"] == "negative"
    c = tnm.extract("cT3N1M0 carcinoma right breast")
    assert {f.attributes.get("prefix") for f in c} == {"c"}


def test_biobank_sheet_form():
    values = _values("Grade: 2. T Stage: 2 N Stage: 2b M Stage: 0 Treatment: none.")
    assert values == {"t_category": ["T2"], "n_category": ["N2b"], "m_category": ["M0"]}


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("Stage IIA", "IIA"),
        ("AJCC stage: IIIA", "IIIA"),
        ("Stage Group: IIB", "IIB"),
        ("PTNM CLASSIFICATION: STAGE IIB, T2 N1 MX.", "IIB"),
        ("Stage: T1cN1MX, stage lla.", "IIA"),
        ("TNM: pT4b, pNla (1/11), pMx, stage III B. R1.", "IIIB"),
        ("Summary stage: 2B. ) (prelim.)", "IIB"),
        ("STAGE GROUPING IIIB. Diagnosed by:", "IIIB"),
        ("AJCC STAGING: STAGE I (T1, NX, MX), SEE COMMENT.", "I"),
        ("pathologic stage: IlA.", "IIA"),
        ("Stage: IIl", "III"),
        ("stage IV breast carcinoma, debulking surgery.", "IV"),
        ("Pathologic stage: 0 (pTis pN0)", "0"),
    ],
)
def test_stated_stage_groups(text, stage):
    assert _one(text, "stage_group") == stage


def test_clinical_stage_is_marked_clinical():
    fs = [f for f in tnm.extract("cT2,cNI,cMo, clinical stage 2B.") if f.field == "stage_group"]
    assert fs[0].value == "IIB"
    assert fs[0].attributes["prefix"] == "c"


@pytest.mark.parametrize(
    "text",
    [
        "Sagittal T2 weighted MRI of the breast",
        "compression fracture of the T4 vertebra",
        "M1 mitoses score 1; Nottingham M1",
        "ERBB2, NOTCH1 and TP53; N2 gas was used for cryopreservation",
        "PTNM CLASSIFICATION: SURGICAL REPORT.",
        "NOTE:TISSUE-SUBMITTED TO NIPPLE. NO TUMOR SEEN.",
        "TO NODERATE INTENSITY",
        "in stage II, node-positive breast cancer patients should be based on HER2",
        "The stage is only a component to be considered in treatment",
        "Stage Is at least pN1a.",
        "CT2 antibody clone; T1 T2 T3 spinal levels",
    ],
)
def test_unrelated_text_does_not_match(text):
    values = _values(text)
    values.pop("n_category", None) if "pN1a" in text else None
    assert "t_category" not in values, values
    assert "stage_group" not in values, values
    if "pN1a" not in text:
        assert "n_category" not in values, values


def test_offsets_slice_back_to_the_text():
    text = normalize("Final diagnosis. AJCC: pT1c, pN1a (1/12), cM0 (i+). Stage: IIA.")
    fs = tnm.extract(text)
    assert {f.field for f in fs} == {"t_category", "n_category", "m_category", "stage_group"}
    for f in fs:
        assert text[f.start:f.end] == f.text
    m = next(f for f in fs if f.field == "m_category")
    assert m.value == "M0" and m.attributes["itc"] == "positive"


def test_superseded_staging_is_not_used():
    s = _summary("to correct the tumor stage from T2, N1,. MX to T2, N1mic, MX.")
    assert s["n_category"] == "N1mi"
    assert s["stage_group"] == "IIB"


def test_summary_prefers_pathologic_over_clinical():
    s = _summary("History: cT3 cN1 cM0. Final: pT1c pN0(sn) pMX.")
    assert (s["t_prefix"], s["t_category"], s["n_category"]) == ("p", "T1c", "N0")
    assert s["stage_group"] == "IA"
    assert s["stage_source"] == "computed"
    assert s["stage_derived"] is True
    # The clinical cM0 is the M a pathologic stage uses, so nothing is assumed.
    assert s["m_category"] == "M0"
    assert s["stage_m_assumed"] is False
    s = _summary("Final: pT1c pN0(sn) pMX.")
    assert s["m_category"] is None
    assert s["stage_group"] == "IA"
    assert s["stage_m_assumed"] is True


def test_summary_stated_stage_wins():
    s = _summary("PTNM CLASSIFICATION: T2 N2a, MX, STAGE IIIA.")
    assert s["stage_group"] == "IIIA"
    assert s["stage_source"] == "stated"
    assert s["stage_derived"] is False


def test_summary_bare_stated_group_refined_by_t_and_n():
    s = _summary("PATHOLOGIC STAGE: pT2 pN1a pMX, stage II.")
    assert s["stage_group"] == "IIB"


def test_summary_largest_t_of_several_specimens_wins():
    s = _summary("Right breast: pT1b pN0. Left breast: pT2 pN1a.")
    assert s["t_category"] == "T2"
    assert s["n_category"] == "N1a"
    assert s["stage_group"] == "IIB"


def test_summary_stated_beats_derived():
    s = _summary("Invasive ductal carcinoma, 3.5 cm. Metastatic carcinoma in 4 of 12 lymph nodes. pT1c pN1a.")
    assert s["t_category"] == "T1c" and s["n_category"] == "N1a"
    assert s["t_derived"] is False and s["n_derived"] is False
    assert s["tumor_size_mm"] == 35
    assert (s["nodes_positive"], s["nodes_examined"]) == (4, 12)


def test_summary_derives_t_and_n_when_not_stated():
    s = _summary(
        "INFILTRATING DUCTAL CARCINOMA, 2.8 CM. METASTATIC CARCINOMA IN FOUR OF FOURTEEN "
        "AXILLARY LYMPH NODES (4/14)."
    )
    assert (s["t_category"], s["n_category"]) == ("T2", "N2a")
    assert s["t_derived"] and s["n_derived"] and s["stage_derived"]
    assert s["stage_group"] == "IIIA"
    assert s["t_prefix"] is None


def test_summary_pcr_has_no_stage():
    s = _summary("Post neoadjuvant: ypT0 ypN0. No residual invasive carcinoma.")
    assert s["t_prefix"] == "yp"
    assert s["stage_group"] is None


def test_summary_distant_metastasis_makes_stage_iv():
    s = _summary("pT2 pN1a. Clinical: metastatic to bone and liver.")
    assert s["metastatic_sites"] == ["bone", "liver"]
    assert s["m_category"] == "M1"
    assert s["stage_group"] == "IV"


def test_summary_of_nothing():
    s = tnm.summarize([])
    assert s["t_category"] is None and s["stage_group"] is None
    assert s["metastatic_sites"] == [] and s["stage_derived"] is False
