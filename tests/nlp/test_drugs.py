"""The drug lexicon: brand/generic lookup, classes, neutrophil flags, regimens."""

from __future__ import annotations

import pytest

from nlp.drugs import DRUGS, REGIMENS, expand_regimen, normalize_drug, regimen_name


@pytest.mark.parametrize(
    ("written", "generic"),
    [
        ("Kisqali", "ribociclib"),
        ("KISQALI®", "ribociclib"),
        ("ribociclib succinate", "ribociclib"),
        ("Ibrance", "palbociclib"),
        ("Verzenio", "abemaciclib"),
        ("Herceptin", "trastuzumab"),
        ("Enhertu", "trastuzumab deruxtecan"),
        ("T-DXd", "trastuzumab deruxtecan"),
        ("fam-trastuzumab deruxtecan-nxki", "trastuzumab deruxtecan"),
        ("Kadcyla", "ado-trastuzumab emtansine"),
        ("T-DM1", "ado-trastuzumab emtansine"),
        ("TDM1", "ado-trastuzumab emtansine"),
        ("ado trastuzumab emtansine", "ado-trastuzumab emtansine"),
        ("Phesgo", "pertuzumab, trastuzumab, and hyaluronidase"),
        ("Perjeta", "pertuzumab"),
        ("Tukysa", "tucatinib"),
        ("Nerlynx", "neratinib"),
        ("Arimidex", "anastrozole"),
        ("Femara", "letrozole"),
        ("Aromasin", "exemestane"),
        ("Faslodex", "fulvestrant"),
        ("Orserdu", "elacestrant"),
        ("Piqray", "alpelisib"),
        ("Truqap", "capivasertib"),
        ("Itovebi", "inavolisib"),
        ("Lynparza", "olaparib"),
        ("Talzenna", "talazoparib"),
        ("Keytruda", "pembrolizumab"),
        ("Trodelvy", "sacituzumab govitecan"),
        ("sacituzumab govitecan-hziy", "sacituzumab govitecan"),
        ("Datroway", "datopotamab deruxtecan"),
        ("Afinitor", "everolimus"),
        ("Taxol", "paclitaxel"),
        ("Abraxane", "nab-paclitaxel"),
        ("nab paclitaxel", "nab-paclitaxel"),
        ("Taxotere", "docetaxel"),
        ("Xeloda", "capecitabine"),
        ("Halaven", "eribulin"),
        ("eribulin mesylate", "eribulin"),
        ("Zoladex", "goserelin"),
        ("Lupron Depot", "leuprolide"),
        ("Xgeva", "denosumab"),
        ("Zometa", "zoledronic acid"),
        ("5-FU", "fluorouracil"),
        ("Adriamycin", "doxorubicin"),
        ("Cytoxan", "cyclophosphamide"),
    ],
)
def test_brand_and_variant_spellings_map_to_generic(written, generic):
    info = normalize_drug(written)
    assert info is not None, written
    assert info.name == generic


@pytest.mark.parametrize("word", ["ER", "PR", "HER2", "AC", "TC", "ACR", "ANC", "", "breast", "Ki-67"])
def test_non_drugs_are_not_found(word):
    assert normalize_drug(word) is None


@pytest.mark.parametrize(
    ("generic", "drug_class"),
    [
        ("ribociclib", "CDK4/6 inhibitor"),
        ("letrozole", "aromatase inhibitor"),
        ("fulvestrant", "SERD"),
        ("elacestrant", "SERD"),
        ("trastuzumab", "anti-HER2 antibody"),
        ("trastuzumab deruxtecan", "ADC"),
        ("olaparib", "PARP inhibitor"),
        ("capivasertib", "PI3K/AKT inhibitor"),
        ("paclitaxel", "chemotherapy"),
        ("pembrolizumab", "immunotherapy"),
        ("denosumab", "bone-modifying"),
    ],
)
def test_classes(generic, drug_class):
    assert normalize_drug(generic).drug_class == drug_class


def test_neutrophil_lowering_flags():
    lowers = {d.name for d in DRUGS if d.lowers_neutrophils}
    for name in ("palbociclib", "ribociclib", "abemaciclib", "docetaxel", "paclitaxel",
                 "sacituzumab govitecan", "trastuzumab deruxtecan", "eribulin", "capecitabine"):
        assert name in lowers, name
    for name in ("letrozole", "anastrozole", "tamoxifen", "fulvestrant", "trastuzumab",
                 "pertuzumab", "denosumab", "zoledronic acid", "pegfilgrastim"):
        assert name not in lowers, name


def test_endocrine_flag_marks_hormone_therapies_only():
    assert normalize_drug("tamoxifen").endocrine
    assert normalize_drug("goserelin").endocrine
    assert not normalize_drug("ribociclib").endocrine


@pytest.mark.parametrize(
    ("abbrev", "drugs"),
    [
        ("AC", ["doxorubicin", "cyclophosphamide"]),
        ("AC-T", ["doxorubicin", "cyclophosphamide", "paclitaxel"]),
        ("AC->T", ["doxorubicin", "cyclophosphamide", "paclitaxel"]),
        ("ddAC", ["doxorubicin", "cyclophosphamide"]),
        ("TCHP", ["docetaxel", "carboplatin", "trastuzumab", "pertuzumab"]),
        ("TC", ["docetaxel", "cyclophosphamide"]),
        ("CMF", ["cyclophosphamide", "methotrexate", "fluorouracil"]),
        ("FEC", ["fluorouracil", "epirubicin", "cyclophosphamide"]),
    ],
)
def test_regimens_expand_to_drugs(abbrev, drugs):
    assert [d.name for d in expand_regimen(abbrev)] == drugs


def test_unknown_regimen_is_none():
    assert expand_regimen("XYZ") is None
    assert regimen_name("ER") is None


def test_every_regimen_drug_is_in_the_lexicon():
    for names in REGIMENS.values():
        for n in names:
            assert normalize_drug(n) is not None, n
