"""Invasive size, node counts, nodal features and distant metastatic sites."""

from __future__ import annotations

import pytest

from nlp.extractors import tnm, tumor
from nlp.textnorm import normalize
from tests.nlp.checked import extract_checked


def _findings(text: str, field: str | None = None):
    fs = extract_checked(tumor.extract, text)
    return [f for f in fs if field is None or f.field == field]


def _summary(text: str) -> dict:
    text = normalize(text)
    return tnm.summarize(tnm.extract(text) + tumor.extract(text))


@pytest.mark.parametrize(
    ("text", "mm"),
    [
        ("SIZE OF INVASIVE COMPONENT: Greatest dimension. 2.8 cm. ADDITIONAL", 28),
        ("Greatest dimension (pT) : 3.2 cm,. pT2.", 32),
        ("Tumor size: 2.2 cm. Margins", 22),
        ("INFILTRATIVE DUCT CARCINOMA (2.4 CM.). BLOOM-RICHARDSON", 24),
        ("Invasive ductal carcinoma, grade III, 3.0 cm in greatest. dimension.", 30),
        ("infiltrating ductal carcinoma forming a 2.5 x 1.8 x 1.2 cm mass", 25),
        ("INVASIVE LOBULAR CARCINOMA MEASURES 17 MM IN MAXIMUM DIMENSION.", 17),
        ("Tumor Size: Gross measurement 26mm. Lobular", 26),
        ("SIZE OF TUMOR: Maximum dimension invasive component: 2 cm. MULTI", 20),
        ("NEOPLASM MEASURES 5.5 CM IN MAXIMUM DIMENSION.", 55),
        ("Tumor classification: pT2 (3 cm), pN1a", 30),
        ("a white spiculated nodule with central necrosis measuring 3.5. x 2.5 x 0.8 cm.", 35),
        ("INFILTRATING DUCT CARCINOMA, 3.0 BY 2.2 BY 1.7 CM., GOOD NUCLEAR GRADE", 30),
        # The keyword after the size.
        ("Cut section shows a 6.5 x 4.0 x. 2.5 cm tumor, located in the central quadrant, "
         "about 1.5 cm beneath the. overlying skin", 65),
        ("serially sectioned, revealing a 6.0 x 5.0 x 2.8 cm. gray-white, ill-defined mass", 60),
        ("APPROXIMATELY 1.9 CM OF INVASIVE CARCINOMA WAS PRESENT ASSOCIATED WITH. 2.2 CM OF "
         "DUCT CARCINOMA IN SITU", 19),
        # "infiltrating and intraductal carcinoma" is invasive.
        ("INFILTRATING AND INTRADUCTAL CARCINOMA OF THE BREAST, POOR NUCLEAR GRADE, 9 CM.", 90),
        ("THERE IS A DOMINANT TUMOR MASS WHICH MEASURES 4.2 CM IN GREATEST DIMENSION. WITH "
         "MULTIPLE SATELLITE NODULES SPANNING AN AREA OF 9.0 CM.", 42),
        ("CONSULT: Right breast tissue; 9.5 by 8.5 by 1.5 cm. Tumor; 1.3 by 1.2 by 1.0 cm. "
         "Margins are grossly free of. tumor.", 13),
    ],
)
def test_invasive_size(text, mm):
    assert _summary(text)["tumor_size_mm"] == mm


@pytest.mark.parametrize(
    "text",
    [
        "INVASIVE CARCINOMA IS 0.6 CM FROM THE NEAREST (DEEP) MARGIN.",
        "a simple mastectomy specimen measuring 28 x 27 x 5.7 CM.",
        "skin ellipse measuring 18 x 7 cm",
        "SIZE OF IN-SITU CARCINOMA: APPROXIMATELY SIZE OF BIOPSY (5.4 CM).",
        "pT2: Tumor more than 2.0 cm but not more than 5.0 cm in greatest dimension.",
        "lymph node measuring 1.5 cm in greatest dimension",
        "The largest metastasis in the lymph node measures 11.0 mm.",
        "Tumor Extent: T2 tumor size more than 2cm not more than 5 cm",
        "THE SUPERFICIAL AND DEEP MARGINS ARE FREE OF TUMOR BY AT LEAST 1 CM.",
        "are negative for. invasive carcinoma by 1.2 cm, deep margin.",
        'A. "Left breast tumor (long suture lateral)" fresh. Received is a 6 x 2.5 x 1 cm '
        "portion of fibroadipose tissue",
        "Sections of skin, tumor, and fibrous tissue at 1.0 2.0, 5.0 cm increments from tumor",
        "this main tumor mass. Approximately 5 cm lateral to the biopsy. cavity there is",
        "SKIN FREE OF TUMOR. SIZE OF BIOPSY: 10.5 x 7.7 x 4.0 CM.",
        "METASTATIC CARCINOMA ARE NOTED IN THE AXILLARY SOFT. TISSUE, WITH THE LARGEST "
        "MEASURING AT LEAST 1.4 CM.",
        "Left breast with axillary contents. Received is a 620 gram, 20 x 16 x. 3.5 cm "
        "modified radical mastectomy",
    ],
)
def test_sizes_that_are_not_the_invasive_tumour(text):
    assert _summary(text)["tumor_size_mm"] is None


def test_diagnosis_size_beats_gross_description_of_same_rank():
    text = (
        "GROSS DESCRIPTION: On cut section, there is a 4.5 x 2.3 x 2.5 cm white firm tumor. "
        "DIAGNOSIS: INVASIVE DUCTAL CARCINOMA, 1.3 x 1.3 x 1.3 CM."
    )
    assert _summary(text)["tumor_size_mm"] == 13


def test_invasive_size_beats_gross_specimen_and_mass():
    text = (
        "GROSS: The specimen measures 31 x 20 x 5.5 cm. This mass measures 4.1 x 3.5 x 2.3 cm. "
        "DIAGNOSIS: SIZE OF INVASIVE COMPONENT: 2.8 cm."
    )
    sizes = _findings(text, "tumor_size_mm")
    assert {f.attributes["rank"] for f in sizes} == {1, 3}
    assert _summary(text)["tumor_size_mm"] == 28


@pytest.mark.parametrize(
    ("text", "pos", "exam"),
    [
        ("Metastatic carcinoma in 2 of 14 lymph nodes (2/14).", 2, 14),
        ("0/3 sentinel lymph nodes", 0, 3),
        ("Lymph nodes: 1/12 positive", 1, 12),
        ("Negative for metastatic carcinoma in 13 lymph nodes.", 0, 13),
        ("THREE OF FIFTEEN: (3/15) AXILLARY LYMPH NODES POSITIVE FOR. METASTATIC TUMOR", 3, 15),
        ("MICROMETASTATIC ADENOCARCINOMA INVOLVING ONE OUT OF TWO LYMPH NODES (1/2)", 1, 2),
        ("TWO OF TWENTY-SIX (2/26) LEFT AXILLARY LYMPH NODES INVOLVED WITH TUMOR", 2, 26),
        ("Multiple (4 of 25) right axillary lymph nodes are. positive", 4, 25),
        ("NUMBER EXAMINED: 23. NUMBER INVOLVED: 6. DISTANT METASTASIS", 6, 23),
        ("Total number of lymph nodes examined (sentinel and nonsentinel): 2. Number of lymph "
         "nodes with macrometastases (>0.2 cm) : 0. Number of lymph nodes with "
         "micrometastases: 1.", 1, 2),
        ("Thirteen lymph nodes, all negative for carcinoma.", 0, 13),
        ("Metastases carcinomatosae in lymphonodis axillae (No IX/XI) (NHG2, pT1c, pN2a).", 9, 11),
        ("LYMPH NODE STATUS (POSITIVE/EXAMINED) : LEVEL I: 0/23; LEVEL II: 0/11; "
         "INTRAMAMMARY : 1/1.", 1, 35),
        ("TOTAL: 4 of 13. LEVEL I: 2 of 8", 4, 13),
        # A bracketed restatement is not another level; a bracketed label is.
        ("Lymph nodes: 4/8 positive for metastasis (Axillary 4/8). Extracapsular", 4, 8),
        ("LEVEL I: 0/23; LEVEL II: 0/11; INTRAMAMMARY (ELEVEN o' CLOCK) : 1/1. - THE", 1, 35),
        ("G. METASTATIC CARCINOMA IN INTRAMAMMARY LYMPH NODE, 1 OF 1, 0.7 CM", 1, 1),
        ("METASTATIC CARCINOMA IN LYMPH NODES, 3 OF 3.", 3, 3),
        ("adenocarcinoma is identified in multiple (3 of. 27) right axillary lymph nodes.", 3, 27),
        ("A single (of 5) left axillary lymph node is positive for metastatic carcinoma.", 1, 5),
        ("PART C LEFT SENTINEL NODE #1, BIOPSY: LYMPH NODE (1), NEGATIVE FOR TUMOR", 0, 1),
        ("C.) FOURTEEN AXILLARY LYMPH NODES. NO CANCER SEEN.", 0, 14),
        ("Multiple (5) right axillary sentinel lymph nodes. are negative for tumor", 0, 5),
        ("ZERO OF 16 LYMPH NODES ARE POSITIVE FOR METASTATIC DISEASE.", 0, 16),
        ("SIX (6) OUT or NINETEEN (19) LYMPH NODES, POSITIVE FOR METASTATIC CARCINOMA", 6, 19),
        ("26 LYMPH NODES WITH NO EVIDENCE OF MALIGNANCY.", 0, 26),
        ("-ONE (1) LYMPH NODE POSITIVE FOR METASTATIC CARCINOMA ON H AND E", 1, None),
        ("Metastatic carcinoma in one axillary lymph node.", 1, None),
        ("No metastatic carcinoma in one lymph node.", 0, 1),
    ],
)
def test_node_counts(text, pos, exam):
    s = _summary(text)
    assert (s["nodes_positive"], s["nodes_examined"]) == (pos, exam)


def test_node_counts_of_several_parts_add_up():
    text = (
        "A. SENTINEL LYMPH NODE #1: METASTATIC CARCINOMA IN ONE LYMPH NODE (1/1). "
        "B. SENTINEL LYMPH NODE #2: ONE BENIGN LYMPH NODE (0/1). "
        "C. AXILLARY CONTENTS: METASTATIC CARCINOMA IN 3 OF 12 LYMPH NODES (3/12)."
    )
    s = _summary(text)
    assert (s["nodes_positive"], s["nodes_examined"]) == (4, 14)
    assert s["n_category"] == "N2a" and s["n_derived"] is True


def test_a_restated_total_is_not_another_part():
    text = (
        "A. LYMPH NODE, SENTINEL #1, EXCISION: - METASTATIC CARCINOMA TO ONE OF ONE LYMPH NODE "
        "(1/1). B. LYMPH NODES, SENTINEL #2, EXCISION: TWO LYMPH NODES, NEGATIVE FOR METASTASES "
        "(0/2). D. LYMPH NODES, AXILLARY CONTENTS: - METASTATIC CARCINOMA TO FOUR OF TWENTY FOUR "
        "LYMPH NODES (4/24). SYNOPTIC: 3. Lymph node status: Positive 5 /27. Extranodal"
    )
    s = _summary(text)
    assert (s["nodes_positive"], s["nodes_examined"]) == (5, 27)


@pytest.mark.parametrize(
    "text",
    [
        "Nottingham score 7/9 in the lymph node section",
        "Stained with AE1/3 for the sentinel lymph node",
        "HER2/CEP17 ratio 2/1",
        "page 2/2 of the lymph node report",
        "Nuclear grade 3/3; tubules 3/3.",
        "A10: Lymph nodes from the proximal 1/3 of the axillary tail.",
    ],
)
def test_fractions_that_are_not_node_counts(text):
    assert _findings(text, "nodes_positive") == []


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Lymph nodes, right sentinel, excision: Negative for tumor. Immunohistochemical", "N0"),
        ("Lymph nodes: There is no lymph nodes metastasis.", "N0"),
        ("PARTS B, C, AND D RIGHT AXILLARY SENTINEL LYMPH NODES NUMBERS 1-3, BIOPSIES: LYMPH "
         "NODES WITH NO EVIDENCE OF METASTATIC DISEASE.", "N0"),
        ("C. A single lymph node is negative for malignancy.", "N0"),
        ("PART 1: SENTINEL LYMPH NODE, LEFT, #1 -. LYMPH NODE POSITIVE FOR SEVERAL "
         "MICROMETASTASES, APPROXIMATELY 0.1 CM EACH. PART 2: SENTINEL LYMPH NODE, LEFT, #2 -. "
         "NEGATIVE FOR METASTATIC TUMOR.", "N1mi"),
        ("PART B RIGHT SENTINEL NODE #1, BIOPSY: LYMPH NODE WITH A MINUTE. FOCUS OF ISOLATED "
         "TUMOR CELLS WHICH IS ONLY VISIBLE ON CYTOKERATIN STAIN.", "N0(i+)"),
    ],
)
def test_node_statements_without_a_count(text, n):
    s = _summary(text)
    assert s["n_category"] == n
    assert s["n_derived"] is True


@pytest.mark.parametrize(
    "text",
    [
        "GROSS: Cut section showed a variegated tumour. No lymph nodes. MICROSCOPIC",
        "Lymph nodes (pN): Pending keratins.",
        "INTRAOPERATIVE CONSULTATION: SENTINEL LYMPH NODE #1: Touch prep negative.",
        # An uncounted positive node: N1 or more, no guess.
        "A. Sentinel node #1: metastatic carcinoma. B. Sentinel node #2: negative for tumor.",
        "Sentinel lymph node: positive for metastatic carcinoma, extranodal extension: negative.",
        "AXILLA, SITE TWO (NEEDLE CORE BIOPSY): LYMPH NODE WITH METASTATIC DUCTAL ADENOCARCINOMA.",
    ],
)
def test_node_statements_that_give_no_n(text):
    assert _summary(text)["n_category"] is None


def test_stated_nx_gives_way_to_positive_nodes_only():
    s = _summary("N STAGE, PATHOLOGIC: pNX. TEN OF TWENTY-ONE (10/21) LYMPH NODES ARE POSITIVE.")
    assert (s["n_category"], s["n_derived"]) == ("N3a", True)
    s = _summary("the AJCC staging is pT2NXMX. C. Lymph nodes, left axillary: Multiple (14) "
                 "lymph nodes are negative for. tumor.")
    assert s["n_category"] == "NX"


def test_isolated_tumour_cells_are_not_positive_nodes():
    s = _summary("SENTINEL NODE #1: ISOLATED TUMOR CELLS IN ONE OF ONE LYMPH NODE (1/1).")
    assert s["nodes_positive"] == 0
    assert s["n_category"] == "N0(i+)"


def test_micrometastasis_only_gives_n1mi():
    s = _summary(
        "Number of lymph nodes examined: 3. Number of lymph nodes with macrometastases: 0. "
        "Number of lymph nodes with micrometastases: 1."
    )
    assert s["n_category"] == "N1mi"


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("MICROMETASTATIC CARCINOMA IN ONE LYMPH NODE", "micrometastasis", True),
        ("No micrometastases identified.", "micrometastasis", False),
        ("ISOLATED TUMOR CELLS (ITC) PRESENT", "isolated_tumor_cells", True),
        ("WITH EXTRACAPSULAR EXTENSION.", "extranodal_extension", True),
        ("THERE IS NO EXTRANODAL EXTENSION OF CARCINOMA.", "extranodal_extension", False),
        ("Extranodal extension: not identified.", "extranodal_extension", False),
    ],
)
def test_nodal_features(text, field, value):
    fs = _findings(text, field)
    assert [f.value for f in fs] == [value]


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        ("Metastatic to bone and liver.", ["bone", "liver"]),
        ("CT shows bone metastases.", ["bone"]),
        ("metastases to the liver, lungs and brain", ["liver", "lung", "brain"]),
        ("new hepatic and pulmonary metastases", ["liver", "lung"]),
        ("Malignant pleural effusion; metastatic disease in the pleura.", ["pleura"]),
        ("metastatic to mediastinal lymph nodes", ["distant_lymph_nodes"]),
        ("brain metastasis treated with SRS", ["brain"]),
    ],
)
def test_metastatic_sites(text, sites):
    assert _summary(text)["metastatic_sites"] == sites


@pytest.mark.parametrize(
    "text",
    [
        "metastatic carcinoma in 2 of 14 axillary lymph nodes",
        "Metastases in 4 to 9 axillary lymph nodes.",
        "Bone scan: no evidence of bone metastases.",
        "CT chest: no evidence of metastasis to the lungs or liver.",
        "Distant metastasis (pM): not applicable.",
    ],
)
def test_no_distant_sites(text):
    s = _summary(text)
    assert s["metastatic_sites"] == []
    assert s["m_category"] is None


def test_negated_sites_are_found_but_not_present():
    fs = _findings("No evidence of bone metastases.", "metastatic_site")
    assert [(f.value, f.assertion) for f in fs] == [("bone", "negated")]


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Oligometastatic disease in the spine.", True),
        ("Three bone metastases on PET.", True),
        ("Multiple liver metastases.", False),
        ("innumerable pulmonary metastases", False),
        ("Seven metastases in the skeleton.", False),
        ("Metastatic to bone.", None),
    ],
)
def test_oligometastatic(text, flag):
    assert _summary(text)["oligometastatic"] is flag
