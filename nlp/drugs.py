"""Breast-cancer drug lexicon: generic names, US brand names, drug class, and whether
the drug can lower neutrophils / white blood cells.

Where the names come from (all US Government works, public domain):
- NCI "Drugs Approved for Breast Cancer" (cancer.gov/about-cancer/treatment/drugs/breast,
  last reviewed 2025-12-30) for the generic/brand pairs and the combinations AC, AC-T,
  CAF, CMF, FEC, TAC; NCI Drug Information Summaries under
  /work/shared/guidelines/nci_cancer_gov/drug_summaries/ for each drug's "US Brand
  Name(s)" and mechanism (which gives the class).
- Neutrophil lowering: the NCI drug summaries themselves do not list side effects, so
  the flag follows other NCI pages in the same collection: the breast treatment PDQ (HP)
  and NCI research updates report neutropenia/leukopenia with palbociclib, ribociclib,
  abemaciclib, eribulin, sacituzumab govitecan and olaparib; NCI's "Infection and
  Neutropenia" page says chemotherapy lowers neutrophils during each cycle, so the
  cytotoxic chemotherapies are flagged. Trastuzumab deruxtecan and talazoparib are
  flagged from their FDA labels (neutropenia in the warnings).
- Regimen abbreviations beyond NCI's list (TC, TCH, TCHP, THP, EC, ddAC) are the
  usual oncology shorthand for those drug combinations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CDK46 = "CDK4/6 inhibitor"
AI = "aromatase inhibitor"
SERM = "SERM"
SERD = "SERD"
OFS = "ovarian suppression"
HER2_AB = "anti-HER2 antibody"
HER2_TKI = "HER2 tyrosine kinase inhibitor"
ADC = "ADC"
PARP = "PARP inhibitor"
PI3K = "PI3K/AKT inhibitor"
MTOR = "mTOR inhibitor"
CHEMO = "chemotherapy"
IO = "immunotherapy"
BONE = "bone-modifying"
GCSF = "G-CSF"
PROGESTIN = "progestin"


@dataclass(frozen=True)
class DrugInfo:
    name: str
    drug_class: str
    brands: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    lowers_neutrophils: bool = False
    # Endocrine drugs are how "hormone therapy" is recorded; kept as a flag so callers
    # need not hard-code the endocrine classes.
    endocrine: bool = False

    @property
    def kind(self) -> str:
        return "drug"


DRUGS: tuple[DrugInfo, ...] = (
    # CDK4/6 inhibitors
    DrugInfo("palbociclib", CDK46, ("Ibrance",), (), True),
    DrugInfo("ribociclib", CDK46, ("Kisqali",), ("ribociclib succinate",), True),
    DrugInfo("abemaciclib", CDK46, ("Verzenio",), (), True),
    # Endocrine
    DrugInfo("anastrozole", AI, ("Arimidex",), (), endocrine=True),
    DrugInfo("letrozole", AI, ("Femara",), (), endocrine=True),
    DrugInfo("exemestane", AI, ("Aromasin",), (), endocrine=True),
    DrugInfo("tamoxifen", SERM, ("Soltamox", "Nolvadex"), ("tamoxifen citrate",), endocrine=True),
    DrugInfo("toremifene", SERM, ("Fareston",), (), endocrine=True),
    DrugInfo("raloxifene", SERM, ("Evista",), (), endocrine=True),
    DrugInfo("fulvestrant", SERD, ("Faslodex",), (), endocrine=True),
    DrugInfo("elacestrant", SERD, ("Orserdu",), (), endocrine=True),
    DrugInfo("imlunestrant", SERD, ("Inluriyo",), (), endocrine=True),
    DrugInfo("goserelin", OFS, ("Zoladex",), (), endocrine=True),
    DrugInfo("leuprolide", OFS, ("Lupron", "Lupron Depot", "Eligard"), ("leuprorelin",),
             endocrine=True),
    DrugInfo("triptorelin", OFS, ("Trelstar",), (), endocrine=True),
    DrugInfo("megestrol", PROGESTIN, ("Megace",), ("megestrol acetate",), endocrine=True),
    # HER2-directed
    DrugInfo("trastuzumab", HER2_AB,
             ("Herceptin", "Herceptin Hylecta", "Ogivri", "Kanjinti", "Trazimera", "Herzuma",
              "Ontruzant", "Hercessi"),
             ("trastuzumab and hyaluronidase",)),
    DrugInfo("pertuzumab", HER2_AB, ("Perjeta",)),
    DrugInfo("pertuzumab, trastuzumab, and hyaluronidase", HER2_AB, ("Phesgo",)),
    DrugInfo("margetuximab", HER2_AB, ("Margenza",)),
    DrugInfo("tucatinib", HER2_TKI, ("Tukysa",)),
    DrugInfo("neratinib", HER2_TKI, ("Nerlynx",)),
    DrugInfo("lapatinib", HER2_TKI, ("Tykerb",)),
    # Antibody-drug conjugates
    DrugInfo("trastuzumab deruxtecan", ADC, ("Enhertu",),
             ("fam-trastuzumab deruxtecan", "T-DXd", "TDXd", "DS-8201"), True),
    DrugInfo("ado-trastuzumab emtansine", ADC, ("Kadcyla",),
             ("trastuzumab emtansine", "T-DM1", "TDM1")),
    DrugInfo("sacituzumab govitecan", ADC, ("Trodelvy",), (), True),
    DrugInfo("datopotamab deruxtecan", ADC, ("Datroway",), ("Dato-DXd", "DatoDXd")),
    # PARP
    DrugInfo("olaparib", PARP, ("Lynparza",), (), True),
    DrugInfo("talazoparib", PARP, ("Talzenna",), (), True),
    # PI3K / AKT / mTOR
    DrugInfo("alpelisib", PI3K, ("Piqray",)),
    DrugInfo("capivasertib", PI3K, ("Truqap",)),
    DrugInfo("inavolisib", PI3K, ("Itovebi",)),
    DrugInfo("everolimus", MTOR, ("Afinitor", "Afinitor Disperz")),
    # Immunotherapy
    DrugInfo("pembrolizumab", IO, ("Keytruda",)),
    DrugInfo("atezolizumab", IO, ("Tecentriq",)),
    # Chemotherapy
    DrugInfo("doxorubicin", CHEMO, ("Adriamycin",), ("doxorubicin hydrochloride",), True),
    DrugInfo("liposomal doxorubicin", CHEMO, ("Doxil",),
             ("pegylated liposomal doxorubicin",), True),
    DrugInfo("epirubicin", CHEMO, ("Ellence",), (), True),
    DrugInfo("cyclophosphamide", CHEMO, ("Cytoxan",), (), True),
    DrugInfo("paclitaxel", CHEMO, ("Taxol",), (), True),
    DrugInfo("nab-paclitaxel", CHEMO, ("Abraxane",),
             ("protein-bound paclitaxel", "albumin-bound paclitaxel",
              "paclitaxel albumin-stabilized nanoparticle formulation"), True),
    DrugInfo("docetaxel", CHEMO, ("Taxotere",), (), True),
    DrugInfo("capecitabine", CHEMO, ("Xeloda",), (), True),
    DrugInfo("carboplatin", CHEMO, ("Paraplatin",), (), True),
    DrugInfo("cisplatin", CHEMO, ("Platinol",), (), True),
    DrugInfo("eribulin", CHEMO, ("Halaven",), (), True),
    DrugInfo("gemcitabine", CHEMO, ("Gemzar", "Infugem"), (), True),
    DrugInfo("vinorelbine", CHEMO, ("Navelbine",), (), True),
    DrugInfo("methotrexate", CHEMO, ("Trexall",), (), True),
    DrugInfo("fluorouracil", CHEMO, ("Adrucil",), ("5-fluorouracil", "5-FU", "5FU"), True),
    DrugInfo("ixabepilone", CHEMO, ("Ixempra",), (), True),
    DrugInfo("thiotepa", CHEMO, ("Tepadina",), (), True),
    DrugInfo("vinblastine", CHEMO, (), (), True),
    # Bone-modifying
    DrugInfo("denosumab", BONE, ("Xgeva", "Prolia")),
    DrugInfo("zoledronic acid", BONE, ("Zometa", "Reclast"), ("zoledronate",)),
    DrugInfo("pamidronate", BONE, ("Aredia",)),
    # Supportive: raises neutrophils; recorded because notes pair it with neutropenia.
    DrugInfo("pegfilgrastim", GCSF, ("Neulasta", "Fulphila", "Udenyca", "Ziextenzo")),
    DrugInfo("filgrastim", GCSF, ("Neupogen", "Zarxio", "Nivestym")),
)

# Regimen shorthand -> generic names, in the order given.
REGIMENS: dict[str, tuple[str, ...]] = {
    "AC": ("doxorubicin", "cyclophosphamide"),
    "ddAC": ("doxorubicin", "cyclophosphamide"),
    "EC": ("epirubicin", "cyclophosphamide"),
    "AC-T": ("doxorubicin", "cyclophosphamide", "paclitaxel"),
    "ddAC-T": ("doxorubicin", "cyclophosphamide", "paclitaxel"),
    "TC": ("docetaxel", "cyclophosphamide"),
    "TCH": ("docetaxel", "carboplatin", "trastuzumab"),
    "TCHP": ("docetaxel", "carboplatin", "trastuzumab", "pertuzumab"),
    "THP": ("paclitaxel", "trastuzumab", "pertuzumab"),
    "TAC": ("docetaxel", "doxorubicin", "cyclophosphamide"),
    "CAF": ("cyclophosphamide", "doxorubicin", "fluorouracil"),
    "FAC": ("fluorouracil", "doxorubicin", "cyclophosphamide"),
    "CMF": ("cyclophosphamide", "methotrexate", "fluorouracil"),
    "FEC": ("fluorouracil", "epirubicin", "cyclophosphamide"),
}

# Salt and FDA-suffix noise that notes copy from labels ("ribociclib succinate",
# "sacituzumab govitecan-hziy"): dropped before lookup.
_SALTS = re.compile(
    r"\b(?:succinate|citrate|mesylate|maleate|tosylate|ditosylate|dihydrochloride|"
    r"hydrochloride|hcl|acetate|disodium|sodium|injection|tablets?)\b"
)
_FDA_SUFFIX = re.compile(r"-(?:nxki|hziy|dlnk|zzxf|oysk|anns|dkst|dttb|pkrb|qyyp|strf|cmkb)\b")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(name: str) -> str:
    s = name.lower().replace("\u00ae", "").replace("\u2122", "")
    s = _FDA_SUFFIX.sub("", s)
    s = _SALTS.sub("", s)
    return _NON_ALNUM.sub("", s)


_BY_NAME: dict[str, DrugInfo] = {d.name: d for d in DRUGS}
_LOOKUP: dict[str, DrugInfo] = {}
for _d in DRUGS:
    for _n in (_d.name, *_d.brands, *_d.aliases):
        _LOOKUP[_key(_n)] = _d

_REGIMEN_LOOKUP: dict[str, str] = {_key(k): k for k in REGIMENS}
for _alias, _canon in (("ACT", "AC-T"), ("AC->T", "AC-T"), ("AC/T", "AC-T"), ("AC-P", "AC-T"),
                       ("ddACT", "ddAC-T"), ("dd-AC", "ddAC"), ("dd AC", "ddAC"),
                       ("dd AC-T", "ddAC-T"), ("TCH+P", "TCHP"), ("TCH-P", "TCHP")):
    _REGIMEN_LOOKUP[_key(_alias)] = _canon


def normalize_drug(name: str) -> DrugInfo | None:
    """The lexicon entry for a generic, brand or alias name; case-insensitive and
    tolerant of (R)/TM marks, hyphens, spacing, salts and FDA suffixes."""
    if not name:
        return None
    return _LOOKUP.get(_key(name))


def drug(generic: str) -> DrugInfo:
    """The entry for an exact generic name in this lexicon (KeyError otherwise)."""
    return _BY_NAME[generic]


def regimen_name(abbrev: str) -> str | None:
    """Canonical regimen abbreviation ("ac->t" -> "AC-T"), or None."""
    return _REGIMEN_LOOKUP.get(_key(abbrev))


def expand_regimen(abbrev: str) -> tuple[DrugInfo, ...] | None:
    """The drugs a regimen abbreviation stands for ("TCHP" -> docetaxel, carboplatin,
    trastuzumab, pertuzumab), or None when it is not a known regimen."""
    canon = regimen_name(abbrev)
    if canon is None:
        return None
    return tuple(_BY_NAME[g] for g in REGIMENS[canon])


def surface_forms() -> list[tuple[str, DrugInfo]]:
    """Every written form (generic, brand, alias) with its entry, longest first so an
    alternation built from them prefers "trastuzumab deruxtecan" over "trastuzumab"."""
    forms = {}
    for d in DRUGS:
        for n in (d.name, *d.brands, *d.aliases):
            forms[n] = d
    return sorted(forms.items(), key=lambda kv: -len(kv[0]))
