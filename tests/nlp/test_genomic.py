"""BRCA1/2, PIK3CA, ESR1, PD-L1 and Oncotype DX as genetics and molecular reports write them."""

from __future__ import annotations

import pytest

from nlp.extractors.genomic import extract, summarize
from tests.nlp.checked import extract_checked


def run(text):
    return extract_checked(extract, text)


def summary(text):
    return summarize(run(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Germline testing: BRCA2 pathogenic variant detected (c.5946delT).",
         {"brca2": "positive", "brca2_variant": "c.5946delT"}),
        ("She is a BRCA1 mutation carrier.", {"brca1": "positive"}),
        ("gBRCA2m", {"brca2": "positive"}),
        ("year-old BRCA2 (+) left breast invasive ductal carcinoma", {"brca2": "positive"}),
        ("Positive for a pathogenic variant in BRCA1.", {"brca1": "positive"}),
        ("Negative for pathogenic variants in BRCA1 and BRCA2.", {"brca1": "negative", "brca2": "negative"}),
        ("No pathogenic variants were identified in BRCA1 or BRCA2.", {"brca1": "negative", "brca2": "negative"}),
        ("BRCA1/2 negative.", {"brca1": "negative", "brca2": "negative"}),
        ("BRCA testing negative.", {"brca1": "negative", "brca2": "negative"}),
        ("BRCA1 VUS.", {"brca1": "variant of uncertain significance"}),
        ("Variant of uncertain significance in BRCA2 (c.123A>G).",
         {"brca2": "variant of uncertain significance", "brca2_variant": "c.123A>G"}),
        ("BRCA1 mutation negative; BRCA2 pathogenic variant.", {"brca1": "negative", "brca2": "positive"}),
    ],
)
def test_brca(text, expected):
    assert summary(text) == expected


def test_brca_family_history_is_family_not_patient():
    for text in ("Family history of BRCA1 mutation.", "Her mother is a BRCA2 carrier.",
                 "Sister tested positive for BRCA1."):
        found = run(text)
        assert found and all(f.assertion == "family" for f in found), text
        assert summarize(found) == {}


def test_brca_pending_and_planned():
    pending = run("BRCA testing pending.")
    assert {f.field for f in pending} == {"brca1", "brca2"}
    assert all(f.value is None and f.attributes["pending"] for f in pending)
    planned = run("Genetic counseling recommended; consider BRCA testing.")
    assert planned and all(f.assertion == "hypothetical" and f.value is None for f in planned)
    assert summarize(pending + planned) == {}


@pytest.mark.parametrize("text", ["BRCA1-associated protein", "BRCA pathway review article", "HER2 3+"])
def test_brca_not_results(text):
    assert run(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PIK3CA mutation detected (H1047R).", {"pik3ca": "mutated", "pik3ca_variant": "H1047R"}),
        ("PIK3CA H1047R", {"pik3ca": "mutated", "pik3ca_variant": "H1047R"}),
        ("PIK3CA p.E545K mutated", {"pik3ca": "mutated", "pik3ca_variant": "E545K"}),
        ("PIK3CA: not detected", {"pik3ca": "not detected"}),
        ("No PIK3CA mutation identified.", {"pik3ca": "not detected"}),
        ("PIK3CA wild-type", {"pik3ca": "not detected"}),
        ("ESR1 mutation detected: Y537S", {"esr1": "mutated", "esr1_variant": "Y537S"}),
        ("ESR1 mutation not detected.", {"esr1": "not detected"}),
        ("ctDNA: ESR1 D538G detected; PIK3CA negative.",
         {"esr1": "mutated", "esr1_variant": "D538G", "pik3ca": "not detected"}),
    ],
)
def test_pik3ca_esr1(text, expected):
    assert summary(text) == expected


def test_drug_indication_is_not_a_result():
    assert run("Alpelisib is approved for patients with PIK3CA-mutated tumors.") == []


@pytest.mark.parametrize(
    ("text", "cps", "tps", "status", "assay", "derived"),
    [
        ("PD-L1 (22C3) CPS 12", 12, None, "positive", "22C3", True),
        ("PD-L1 IHC 22C3: CPS 5; negative", 5, None, "negative", "22C3", False),
        ("PD-L1 CPS <1, negative", 1, None, "negative", None, False),
        ("PD-L1 CPS \u2265 10", 10, None, "positive", None, True),
        ("PD-L1 TPS 5%", None, 5, None, None, False),
        ("PD-L1 positive", None, None, "positive", None, False),
    ],
)
def test_pdl1(text, cps, tps, status, assay, derived):
    (f,) = run(text)
    assert (f.value["cps"], f.value["tps"], f.value["status"], f.value["assay"]) == (cps, tps, status, assay)
    assert f.derived is derived


def test_pdl1_sp142_immune_cells():
    (f,) = run("PD-L1 SP142: IC 1%, positive")
    assert f.value["ic"] == 1 and f.value["assay"] == "SP142" and f.value["status"] == "positive"
    assert summarize([f])["pdl1"] == {"cps": None, "tps": None, "ic": 1, "status": "positive", "assay": "SP142"}


def test_pdl1_pending():
    (f,) = run("PD-L1 pending")
    assert f.value is None and f.attributes == {"pending": True}


@pytest.mark.parametrize(
    ("text", "rs", "risk"),
    [
        ("Oncotype DX recurrence score 18 (low risk)", 18, "low"),
        ("Oncotype RS 31, high risk", 31, "high"),
        ("Oncotype score of 11", 11, None),
        ("ONCOTYPE DX BREAST CANCER ASSAY. RESULTS: Recurrence Score: 18. CLINICAL EXPERIENCE: "
         "Patients with a recurrence score of: 18 in the clinical validation study had an average "
         "rate of Distant Recurrence at 10 years of 11%", 18, None),
        ("21-gene recurrence score 0", 0, None),
    ],
)
def test_oncotype(text, rs, risk):
    found = [f for f in run(text) if f.field == "oncotype_rs"]
    assert len(found) == 1
    assert found[0].value == rs
    assert found[0].attributes.get("risk_group") == risk
    assert summarize(found)["oncotype_rs"] == rs


@pytest.mark.parametrize(
    "text",
    [
        # The Magee equation's estimate is not an Oncotype DX result.
        "Based on above tumor characteristics, the estimated recurrence score. using. is reported "
        "below. 1 (includes a-f): 22.59",
        "Oncotype DX was not sent; tumor 25 mm.",
        "Recurrence Score: 150",
    ],
)
def test_not_oncotype(text):
    assert [f for f in run(text) if f.value is not None] == []


def test_oncotype_pending():
    (f,) = run("Oncotype DX pending.")
    assert f.value is None and f.attributes["pending"] is True
