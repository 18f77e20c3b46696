"""Therapy concepts: find drug names and drug classes in eligibility text, and map a
profile's treatments onto the same concepts, so "no prior CDK4/6 inhibitor" can be
checked against "ribociclib". Drug names come from the project lexicon (nlp/drugs.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp import drugs as lex

# Class concepts: id -> (label shown to people, text pattern).
CLASSES: dict[str, tuple[str, str]] = {
    "cdk46": ("a CDK4/6 inhibitor",
              r"cdk\s?4\s?/\s?6|cdk4/6i|cyclin[- ]dependent kinases?\s?4\s?(?:/|and)\s?6"),
    "anti_her2": ("anti-HER2 therapy",
                  r"anti-?\s?her-?2|her-?2[- ](?:targeted|directed|targeting|based)"
                  r"|her-?2 (?:blockade|therap)"),
    "her2_tki": ("a HER2 tyrosine kinase inhibitor",
                 r"her-?2[- ]?(?:tyrosine kinase inhibitor|tki)|\bher2 tkis?\b"),
    "adc": ("an antibody-drug conjugate",
            r"antibody[- ]drug[- ]conjugates?|\badcs?\b"),
    "topo1": ("a topoisomerase I inhibitor",
              r"topoisomerase[- ]?(?:i|1)\b(?:[- ]inhibitor| ?payload)?|\bexatecan|\bcamptothecin"),
    "taxane": ("a taxane", r"\btaxanes?\b|\btaxane-based"),
    "anthracycline": ("an anthracycline", r"\banthracyclines?\b"),
    "endocrine": ("endocrine (hormone) therapy",
                  r"endocrine[- ](?:therap|treatment|based|agent)|hormon(?:e|al) therap"
                  r"|anti-?estrogen|\bET\b"),
    "ai": ("an aromatase inhibitor", r"aromatase inhibitors?|\bn?sais?\b"),
    "serd": ("a SERD (e.g. fulvestrant)", r"\bserds?\b|selective estrogen receptor degrader"),
    "chemo": ("chemotherapy", r"chemotherap|cytotoxic"),
    "parp": ("a PARP inhibitor", r"\bparp\s?(?:inhibitor|i\b)"),
    "pi3k": ("a PI3K/AKT/mTOR inhibitor",
             r"\bpi3k(?:alpha|α)?\s?(?:inhibitor|/)|\bakt inhibitor|\bmtor inhibitor|\bpi3k\b"),
    "systemic": ("systemic anticancer therapy",
                 r"systemic (?:anti-?cancer |anti-?neoplastic )?(?:therapy|therapies|treatment)"
                 r"|anti-?cancer (?:therapy|therapies|treatment)"),
    "io": ("immunotherapy (checkpoint inhibitor)",
           r"immune[- ]checkpoint|checkpoint inhibitor|\banti-?pd-?l?1\b|\bpd-?l?1 (?:inhibitor|antibod)"),
}

# Which lexicon classes fall under which class concepts.
_LEX_CLASS_CONCEPTS: dict[str, tuple[str, ...]] = {
    lex.CDK46: ("cdk46",),
    lex.AI: ("ai", "endocrine"),
    lex.SERM: ("endocrine",),
    lex.SERD: ("serd", "endocrine"),
    lex.OFS: ("endocrine",),
    lex.PROGESTIN: ("endocrine",),
    lex.HER2_AB: ("anti_her2",),
    lex.HER2_TKI: ("her2_tki", "anti_her2"),
    lex.ADC: ("adc",),
    lex.PARP: ("parp",),
    lex.PI3K: ("pi3k",),
    lex.MTOR: ("pi3k",),
    lex.IO: ("io",),
    lex.CHEMO: ("chemo",),
}
_EXTRA_CONCEPTS: dict[str, tuple[str, ...]] = {
    "trastuzumab deruxtecan": ("anti_her2", "topo1"),
    "ado-trastuzumab emtansine": ("anti_her2",),
    "sacituzumab govitecan": ("topo1",),
    "datopotamab deruxtecan": ("topo1",),
    "paclitaxel": ("taxane",),
    "nab-paclitaxel": ("taxane",),
    "docetaxel": ("taxane",),
    "doxorubicin": ("anthracycline",),
    "liposomal doxorubicin": ("anthracycline",),
    "epirubicin": ("anthracycline",),
}
# Written forms the lexicon lacks but eligibility texts use.
_EXTRA_FORMS: dict[str, str] = {
    "DS-8201a": "trastuzumab deruxtecan", "TDX-d": "trastuzumab deruxtecan",
    "T-DXd": "trastuzumab deruxtecan", "T-DM-1": "ado-trastuzumab emtansine",
    "Dato-DXd": "datopotamab deruxtecan", "PHESGO": "pertuzumab, trastuzumab, and hyaluronidase",
}
# Short forms that would match ordinary words if taken case-insensitively.
_CASE_SENSITIVE = {"AC", "EC", "TC"}


def drug_label(generic: str) -> str:
    return {"trastuzumab deruxtecan": "trastuzumab deruxtecan (T-DXd)",
            "ado-trastuzumab emtansine": "T-DM1 (trastuzumab emtansine)"}.get(generic, generic)


def concepts_of(info: lex.DrugInfo) -> frozenset[str]:
    """The drug itself ('drug:<generic>') plus every class concept it belongs to."""
    out = {f"drug:{info.name}", *_LEX_CLASS_CONCEPTS.get(info.drug_class, ())}
    out.update(_EXTRA_CONCEPTS.get(info.name, ()))
    if info.endocrine:
        out.add("endocrine")
    if info.drug_class not in (lex.BONE, lex.GCSF):
        out.add("systemic")
    if info.name == "pertuzumab, trastuzumab, and hyaluronidase":
        out.update({"drug:trastuzumab", "drug:pertuzumab"})
    return frozenset(out)


def concept_label(concept: str) -> str:
    if concept.startswith("drug:"):
        return drug_label(concept[5:])
    return CLASSES[concept][0]


@lru_cache(maxsize=1)
def _drug_pattern() -> re.Pattern[str]:
    forms = [f for f, _ in lex.surface_forms() if len(f) >= 4 or f in ("5-FU", "5FU")]
    forms += list(_EXTRA_FORMS)
    forms.sort(key=len, reverse=True)
    alt = "|".join(re.escape(f).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
                   for f in forms)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alt})(?![A-Za-z0-9])", re.I)


@lru_cache(maxsize=1)
def _class_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for cid, (_, pat) in CLASSES.items():
        flags = 0 if cid == "endocrine" else re.I  # "ET" only in capitals
        if cid == "endocrine":
            pat = pat.replace(r"endocrine", "[Ee]ndocrine").replace("hormon", "[Hh]ormon")
            pat = pat.replace("anti-?estrogen", "[Aa]nti-?[Ee]strogen")
        out.append((cid, re.compile(pat, flags)))
    return tuple(out)


@dataclass(frozen=True)
class Mention:
    concept: str
    start: int
    end: int
    text: str


def find_mentions(text: str) -> list[Mention]:
    """Drug and drug-class mentions in a sentence, in text order."""
    out: list[Mention] = []
    for m in _drug_pattern().finditer(text):
        form = m.group(0)
        info = lex.normalize_drug(form) or lex.normalize_drug(
            _EXTRA_FORMS.get(_match_extra(form), "") or "")
        if info is None:
            continue
        out.append(Mention(f"drug:{info.name}", m.start(), m.end(), form))
    for cid, pat in _class_patterns():
        for m in pat.finditer(text):
            out.append(Mention(cid, m.start(), m.end(), m.group(0)))
    out.sort(key=lambda x: x.start)
    return out


def _match_extra(form: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", form.lower())
    for extra in _EXTRA_FORMS:
        if re.sub(r"[^a-z0-9]", "", extra.lower()) == key:
            return extra
    return ""


_SPLIT_NAMES = re.compile(r"\s*(?:/|\+|,|;|\band\b|\bwith\b|\bplus\b)\s*", re.I)


def treatment_drugs(name: str) -> list[lex.DrugInfo]:
    """The lexicon entries a recorded treatment name stands for: a drug ('Enhertu'), a
    regimen ('TCHP') or a combination ('trastuzumab/pertuzumab + docetaxel')."""
    if not name or not name.strip():
        return []
    info = lex.normalize_drug(name)
    if info is not None:
        return [info]
    regimen = lex.expand_regimen(name)
    if regimen:
        return list(regimen)
    extra = _match_extra(name)
    if extra:
        return [lex.drug(_EXTRA_FORMS[extra])]
    out: list[lex.DrugInfo] = []
    parts = [p for p in _SPLIT_NAMES.split(name) if p and p.strip()]
    if len(parts) > 1:
        for part in parts:
            out.extend(treatment_drugs(part))
    if not out:
        out = [lex.normalize_drug(m.text) for m in find_mentions(name)
               if m.concept.startswith("drug:")]
        out = [d for d in out if d is not None]
    return out


def treatment_concepts(name: str) -> frozenset[str]:
    """Concepts for one recorded treatment; a name the lexicon does not know is kept
    as 'name:<lower-case name>' so an exact mention can still match it."""
    infos = treatment_drugs(name)
    if not infos:
        return frozenset({f"name:{name.strip().lower()}"}) if name and name.strip() else frozenset()
    out: set[str] = set()
    for info in infos:
        out |= concepts_of(info)
    return frozenset(out)


def mention_concepts(mentions: list[Mention]) -> frozenset[str]:
    return frozenset(m.concept for m in mentions)
