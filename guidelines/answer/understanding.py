"""What a message asks: intents, named drugs and biomarkers, red flags, and whether
it is complete enough to answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from nlp.drugs import DrugInfo, surface_forms

from .redflags import RedFlag, find_red_flags

INTENTS: dict[str, re.Pattern[str]] = {
    "mechanism": re.compile(r"\bhow (?:does|do|would|will) .{0,40}\bwork|\bwhat (?:is|are|does)\b(?! my (?:options|choices))|\bexplain|\bmechanism|\bhow it works", re.I),
    "options": re.compile(r"\boptions?\b|\bwhat (?:treatments?|drugs?|therapies)|\bwhat(?:'s| is) next\b|\bnext (?:step|line|treatment)|\bchoices\b|\balternatives?\b|\bshould i (?:try|get|have|ask)|\bafter (?:progression|it stops working)|\bwhich treatment", re.I),
    "side_effects": re.compile(r"side[- ]effects?|\bneutropeni|\bneutrophils?\b|low (?:blood )?counts?|\bfatigue|\btired|\bnause|\bhair loss|\bdiarrh|\brash\b|\bhot flash|\bjoint pain|\bmouth sores|\blymphedema|\bneuropath|\bmanag(?:e|ing) (?:the )?(?:side|symptom)|\bcop(?:e|ing) with|\binfection|\bfever\b", re.I),
    "lifestyle": re.compile(r"\bdiet\b|\bexercis|\balcohol|\bweight\b|\bnutrition|\beat(?:ing)?\b|\bfood|\blifestyle|\bsleep|\bphysical activity|\bsmok|\bwork(?:ing)? during|\btravel", re.I),
    "trials": re.compile(r"\btrials?\b|\bstud(?:y|ies)\b|\bresearch\b|\bexperimental|\binvestigational|\benrol", re.I),
    "prognosis": re.compile(r"\bprognosis|\bsurvival|\blife expectancy|\bhow long (?:do|will|can)|\bcurable|\bcure\b|\bchances?\b|\boutlook", re.I),
    "integrative": re.compile(r"\bsupplements?\b|\bvitamins?\b|\bherb(?:al|s)?\b|\bturmeric|\bcurcumin|\bcbd\b|\bcannabis|\bmarijuana|\bacupunctur|\bintegrative|\bcomplementary|\balternative medicine|\bmushroom|\boff[- ]label|\bivermectin|\bfenbendazole|\bmetformin|\bmistletoe|\bhigh[- ]dose vitamin", re.I),
    "tests": re.compile(r"\bbiomarkers?\b|\boncotype|\bki-?67|\bher2[- ]low|\bbrca|\bgenetic (?:test|counsel)|\bwhat does my .{0,30}(?:mean|result)|\bpathology report|\breceptor status|\bpd-?l1|\bpik3ca|\besr1|\bgrade\b|\bstage\b", re.I),
}

BIOMARKERS: dict[str, re.Pattern[str]] = {
    "ER": re.compile(r"\b(?:ER|estrogen receptor|oestrogen receptor)\b[+-]?", re.I),
    "PR": re.compile(r"\b(?:PR|PgR|progesterone receptor)\b[+-]?"),
    "HER2": re.compile(r"\bher-?2\b", re.I),
    "HER2-low": re.compile(r"\bher-?2[- ]low\b", re.I),
    "triple-negative": re.compile(r"\btriple[- ]negative|\btnbc\b", re.I),
    "HR": re.compile(r"\bhormone receptor|\bHR[+-]"),
    "BRCA": re.compile(r"\bbrca ?[12]?\b", re.I),
    "PIK3CA": re.compile(r"\bpik3ca\b", re.I),
    "ESR1": re.compile(r"\besr1\b", re.I),
    "PD-L1": re.compile(r"\bpd-?l1\b", re.I),
    "Ki-67": re.compile(r"\bki-?67\b", re.I),
    "Oncotype DX": re.compile(r"\boncotype|recurrence score\b", re.I),
}

TOPICS: dict[str, re.Pattern[str]] = {
    "CAR T-cell therapy": re.compile(r"\bcar[- ]?t\b|\bchimeric antigen|\bt[- ]cell (?:transfer|therapy)", re.I),
    "immunotherapy": re.compile(r"\bimmunotherap|\bcheckpoint inhibitor", re.I),
    "CDK4/6 inhibitors": re.compile(r"\bcdk ?4/6|\bcdk4|\bribociclib|\bpalbociclib|\babemaciclib|\bkisqali|\bibrance|\bverzenio", re.I),
    "hormone therapy": re.compile(r"\bhormon(?:e|al) therap|\bendocrine therap|\baromatase inhibitor|\btamoxifen|\bletrozole|\banastrozole|\bexemestane|\bfulvestrant", re.I),
    "chemotherapy": re.compile(r"\bchemo", re.I),
    "radiation therapy": re.compile(r"\bradiation|\bradiotherap", re.I),
    "surgery": re.compile(r"\bsurgery|\bmastectomy|\blumpectomy", re.I),
    "metastatic breast cancer": re.compile(r"\bmetasta|\bstage (?:iv|4)\b|\bspread to\b|\badvanced\b", re.I),
    "oligometastatic disease": re.compile(r"\boligo-?metasta", re.I),
    "neutropenia": re.compile(r"\bneutropeni|\bneutrophils?\b|\blow (?:white|blood) (?:cell )?counts?|\bANC\b", re.I),
    "fertility": re.compile(r"\bfertility|\bpregnan", re.I),
}

_STOP_ENDINGS = {"and", "or", "but", "the", "a", "an", "my", "of", "to", "with", "for", "about",
                 "because", "on", "in", "is", "are", "was", "if", "that", "which", "her", "his",
                 "their", "your", "from", "at", "by", "so", "than", "then", "when", "while", "what"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@dataclass
class Understanding:
    message: str
    intents: list[str] = field(default_factory=list)
    drugs: list[DrugInfo] = field(default_factory=list)
    biomarkers: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    red_flags: list[RedFlag] = field(default_factory=list)
    cut_off_at: str | None = None  # the fragment a cut-off message ends with
    garbled: bool = False
    too_vague: bool = False

    @property
    def needs_clarification(self) -> bool:
        return bool(self.cut_off_at or self.garbled or self.too_vague)

    def summary(self) -> str:
        parts = []
        if self.drugs:
            parts.append("the drug" + ("s " if len(self.drugs) > 1 else " ") + ", ".join(d.name for d in self.drugs))
        if self.topics:
            parts.append(", ".join(self.topics))
        if self.biomarkers:
            parts.append(", ".join(self.biomarkers))
        if self.intents:
            parts.append("a question about " + ", ".join(i.replace("_", " ") for i in self.intents))
        return "; ".join(parts)


@lru_cache(maxsize=1)
def _drug_patterns() -> list[tuple[re.Pattern[str], DrugInfo]]:
    forms = sorted(surface_forms(), key=lambda pair: -len(pair[0]))
    return [(re.compile(r"(?<![A-Za-z0-9])" + re.escape(form) + r"(?![A-Za-z0-9])", re.I), info)
            for form, info in forms if len(form) >= 4]


def drugs_in(text: str) -> list[DrugInfo]:
    found: list[DrugInfo] = []
    for pattern, info in _drug_patterns():
        if pattern.search(text) and all(d.name != info.name for d in found):
            found.append(info)
    return found


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Words of the shipped corpus and drug names: what counts as a real word."""
    from guidelines.index_store import get_index

    words: set[str] = set()
    for passage in get_index().passages:
        words.update(w.lower() for w in _WORD.findall(passage.text))
    words.update(form.lower() for form, _ in surface_forms())
    words.update(_STOP_ENDINGS)
    words.update("i im i'm ive i've my me we our yes no ok okay hi hello thanks please".split())
    return frozenset(words)


def cut_off_fragment(message: str, vocab: frozenset[str]) -> str | None:
    """The fragment a message stops on, when it stops mid-word or mid-phrase."""
    stripped = message.rstrip()
    if not stripped or stripped[-1] in ".?!)\"'":
        return None
    words = _WORD.findall(stripped)
    if len(words) < 2:
        return None
    last = words[-1]
    lowered = last.lower()
    if not stripped.endswith(last):
        return None
    if lowered in _STOP_ENDINGS:
        return last
    if lowered not in vocab and len(lowered) >= 2 and any(
        w.startswith(lowered) and len(w) > len(lowered) for w in vocab
    ):
        return last
    return None


def understand(message: str, vocab: frozenset[str] | None = None) -> Understanding:
    vocab = vocabulary() if vocab is None else vocab
    u = Understanding(message=message)
    u.intents = [name for name, pattern in INTENTS.items() if pattern.search(message)]
    u.drugs = drugs_in(message)
    u.biomarkers = [name for name, pattern in BIOMARKERS.items() if pattern.search(message)]
    u.topics = [name for name, pattern in TOPICS.items() if pattern.search(message)]
    u.red_flags = find_red_flags(message)
    words = [w.lower() for w in _WORD.findall(message)]
    if u.red_flags:
        return u  # an emergency is answered even if the message is cut off
    u.cut_off_at = cut_off_fragment(message, vocab)
    known = sum(w in vocab for w in words)
    u.garbled = len(words) >= 3 and known / len(words) < 0.5
    u.too_vague = not u.garbled and not u.cut_off_at and (
        len(words) < 2 or (not u.intents and not u.topics and not u.drugs and not u.biomarkers and len(words) < 4)
    )
    return u
