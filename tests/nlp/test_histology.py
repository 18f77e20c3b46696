"""Histologic type, grade, margins, lymphovascular invasion and laterality."""

from __future__ import annotations

import pytest

from nlp.extractors import histology
from tests.nlp.checked import extract_checked


def _findings(text: str):
    return extract_checked(histology.extract, text)


def _summary(text: str) -> dict:
    return histology.summarize(_findings(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Invasive ductal carcinoma, grade 2", "invasive ductal carcinoma"),
        ("INFILTRATING DUCTAL CARCINOMA", "invasive ductal carcinoma"),
        ("Infiltrating duct carcinoma", "invasive ductal carcinoma"),
        ("INFILTRATING. DUCT CARCINOMA", "invasive ductal carcinoma"),  # OCR line break
        ("Infiltrating poorly differentiated ductal carcinoma, high nuclear grade", "invasive ductal carcinoma"),
        ("Invasive carcinoma of no special type", "invasive ductal carcinoma"),
        ("Invasive mammary carcinoma, ductal type", "invasive ductal carcinoma"),
        ("Carcinoma ductale invasivum - NHG2", "invasive ductal carcinoma"),
        ("Infiltrating lobular carcinoma, classic type", "invasive lobular carcinoma"),
        ("Invasive pleomorphic lobular carcinoma", "invasive lobular carcinoma"),
        ("Invasive ductal and lobular carcinoma", "invasive mixed ductal and lobular carcinoma"),
        ("Invasive carcinoma with mixed ductal and lobular features", "invasive mixed ductal and lobular carcinoma"),
        ("Mucinous (colloid) carcinoma", "mucinous carcinoma"),
        ("Invasive micropapillary carcinoma", "invasive micropapillary carcinoma"),
        ("Metaplastic carcinoma with squamous differentiation", "metaplastic carcinoma"),
        ("Ductal carcinoma in situ, solid type, high nuclear grade", "ductal carcinoma in situ"),
        ("Lobular carcinoma in situ", "lobular carcinoma in situ"),
    ],
)
def test_histology_names(text, name):
    assert _summary(text)["histology"] == name


def test_invasive_type_beats_dcis_and_generic_mentions():
    text = ("Ductal carcinoma in situ, cribriform type. Invasive carcinoma present. "
            "HISTOLOGIC TYPE: Infiltrating lobular carcinoma.")
    assert _summary(text)["histology"] == "invasive lobular carcinoma"


def test_dcis_is_not_read_as_invasive_ductal():
    names = {f.value for f in _findings("DUCTAL CARCINOMA IN-SITU, NUCLEAR GRADE 2") if f.field == "histology"}
    assert names == {"ductal carcinoma in situ"}


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Invasive ductal carcinoma, Nottingham grade 2", 2),
        ("Nottingham grade II (of III)", 2),
        ("Histologic grade: 3", 3),
        ("Overall grade: Grade 3: scores of 8 or 9", 3),
        ("Tumor classification: G III, pT2", 3),
        ("G 2 (seven points), pT2, pNO", 2),
        ("Nottingham score 7/9", 2),
        ("Total Nottingham score: 5", 1),
        ("Modified Scarff Bloom Richardson Grade: I (3-5 points)", 1),
        ("Infiltrating ductal carcinoma, SBR grade II", 2),
        ("Invasive ductal carcinoma, poorly differentiated", 3),
        ("Grade Il", 2),  # OCR l for I
    ],
)
def test_grade(text, grade):
    assert _summary(text)["grade"] == grade


def test_nuclear_and_dcis_grades_are_not_histologic_grade():
    assert _summary("Ductal carcinoma in situ, nuclear grade 3")["grade"] is None
    assert _summary("DCIS, grade 3, with comedonecrosis")["grade"] is None
    text = "Invasive ductal carcinoma, Nottingham grade 1. DCIS, high nuclear grade, grade 3."
    assert _summary(text)["grade"] == 1


def test_block_labels_are_not_grades():
    assert _summary("Sections submitted in blocks G1-G3.")["grade"] is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Margins negative for carcinoma.", "negative"),
        ("All surgical resection margins, including the deep margin, are negative for tumor.", "negative"),
        ("MARGINS: Margins uninvolved by invasive carcinoma.", "negative"),
        ("Surgical margins free of tumor.", "negative"),
        ("Invasive carcinoma present at inked anterior margin.", "positive"),
        ("Deep margin: involved by invasive carcinoma.", "positive"),
        ("Close margin (0.1 cm) posteriorly.", "close"),
    ],
)
def test_margins(text, value):
    assert _summary(text)["margins"] == value


def test_margin_distance():
    s = _summary("Margins uninvolved. Distance from closest margin: 1.9 cm.")
    assert s["margins"] == "negative"
    assert s["margin_distance_mm"] == 19


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Lymphovascular invasion: present", "present"),
        ("LYMPH-VASCULAR INVASION: Not identified.", "absent"),
        ("No lymphovascular invasion is identified.", "absent"),
        ("Angiolymphatic invasion: absent", "absent"),
        ("Invasive ductal carcinoma with lymphovascular invasion.", "present"),
        ("pT2 pN0 L0 V0 R0", "absent"),
        ("pT2 pN1a L1 V0", "present"),
    ],
)
def test_lvi(text, value):
    assert _summary(text)["lymphovascular_invasion"] == value


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("SPECIMEN LATERALITY: Right.", "right"),
        ("Left breast, modified radical mastectomy: invasive ductal carcinoma", "left"),
        ("Breast, right, lumpectomy:", "right"),
        ("RIGHT MASTECTOMY", "right"),
    ],
)
def test_laterality(text, side):
    assert _summary(text)["laterality"] == side


def test_left_handed_is_not_laterality():
    assert _summary("The patient is left-handed and lives on the right side of town.")["laterality"] is None


def test_anchor_scan_equals_the_single_regex():
    # _anchors finds "adenocarcinoma"-like words with str.find; the result must be the
    # one regex's, alternation order and non-overlap included.
    from nlp.extractors import histology as H

    for low in ("adenocarcinoma and microcarcinoma, leftcarcinoma, carcinomas; carcinomacarcinoma x",
                "the nhg 2 adenocarcinoma; left breast: invasive ductal carcinoma, grade 2, margins free",
                "no carcinoma", ""):
        expected = {k: [] for k in H._WINDOWS}
        for m in H._ANCHOR_RE.finditer(low):
            kind = m.lastgroup
            expected["carc" if kind == "carc2" else kind].append((m.start(), m.end()))
        assert H._anchors(low) == expected, low
