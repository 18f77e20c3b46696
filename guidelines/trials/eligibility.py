"""Read what a trial asks for out of its title, conditions and eligibility text.

Rule-based and deliberately conservative: each finding keeps the sentence it came
from, and anything the rules cannot read is simply not a requirement (the pre-screen
then says "check with the study team" rather than guessing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import receptors as rx
from .criteria import Criteria, clean_text, sentences, split_criteria
from .models import Trial
from .therapies import Mention, find_mentions

# --- condition -----------------------------------------------------------------------
BREAST = re.compile(r"\bbreast\b|\btnbc\b|\bmbc\b", re.I)
BASKET = re.compile(
    r"solid tumou?rs?|solid malignanc|advanced (?:cancer|malignan)|metastatic cancer"
    r"|malignant neoplasm|neoplasms? by site|^\s*(?:advanced |metastatic )?cancers?\s*$|any solid",
    re.I)
# A specific non-breast cancer named in the title makes a "solid tumour" trial not a basket.
OTHER_ORGAN = re.compile(
    r"lung|nsclc|sclc|colorectal|colon|rectal|gastric|stomach|esophag|oesophag|pancrea|prostat|"
    r"ovar|endometri|uter|cervi|bladder|urothel|renal|kidney|hepato|liver|biliary|head and neck|"
    r"hnscc|thyroid|glio|brain tumou?r|melanoma|sarcoma|lymphoma|leukemia|leukaemia|myeloma|"
    r"myelodysplast|neuroendocrine|gist\b", re.I)
NON_TREATMENT_BREAST = re.compile(r"in situ|\bdcis\b|atypical|risk reduction|prevention", re.I)

# --- setting -------------------------------------------------------------------------
METASTATIC = re.compile(
    r"metasta(?:tic|sis|ses)|\badvanced\b|unresectable|inoperable|stage iv\b|stage 4\b"
    r"|recurrent|\bmbc\b|\bm1\b", re.I)
EARLY = re.compile(
    r"early[- ]stage|early breast|\bstage (?:0|i|ii|iii|1|2|3)(?:[abc])?(?:\s?(?:-|–|to|or|and)\s?"
    r"(?:i|ii|iii|1|2|3)[abc]?)?\b(?! ?(?:iv|4))|neo-?adjuvant|\badjuvant|\boperable\b"
    r"|non-?metastatic|curative(?:ly)? (?:intent|surgery|resect)|in situ|\bdcis\b"
    r"|risk reduction|survivors?\b|primary (?:breast )?surgery|pre-?operative", re.I)
EARLY_ONLY = re.compile(
    r"(?:de novo )?metastatic disease (?:is )?(?:suspected|confirmed)|distant metasta"
    r"|stage iv|evidence of metasta|metastatic (?:breast )?(?:cancer|disease)", re.I)

# --- other criteria ------------------------------------------------------------------
MEASURABLE = re.compile(r"measurable (?:disease|lesion|tumou?r)|measurable per|"
                        r"at least one measurable|measurable by recist|measurable\b.{0,30}recist",
                        re.I)
NOT_STRICT_MEASURABLE = re.compile(
    r"measurable (?:and|or|and/or) (?:non-?measurable|evaluable)|evaluable|non-?measurable"
    r"|bone[- ]only", re.I)
BONE_ONLY_OK = re.compile(r"bone[- ]only (?:disease|metasta\w*)[^.;]{0,40}(?:allowed|eligible|permitted|acceptable)|"
                          r"(?:allowed|eligible|permitted)[^.;]{0,40}bone[- ]only", re.I)
BRAIN = re.compile(r"brain metasta|cns metasta|central nervous system (?:metasta|disease|lesion)|"
                   r"\bcns (?:disease|lesion|involvement)|brain (?:lesion|involvement)|"
                   r"leptomeningeal|intracranial", re.I)
BRAIN_QUALIFIED = re.compile(
    r"\b(?:active|untreated|symptomatic|progressi\w*|unstable|uncontrolled|"
    r"requir\w* (?:steroids|corticosteroids|immediate|urgent)|not (?:been )?(?:treated|stable)|"
    r"leptomeningeal|unless|except)\b", re.I)
ALLOWED = re.compile(r"\b(?:allowed|permitted|eligible|not exclusionary|no limit|"
                     r"may (?:enrol|enter|participate|be included)|"
                     r"are included|acceptable|can be included|may have (?:received|been|had)|"
                     r"can (?:continue|receive|have))\b", re.I)
NOT_ALLOWED = re.compile(r"\bnot (?:be )?(?:allowed|permitted|eligible)|ineligible|excluded\b|"
                         r"(?<!not )exclusionary", re.I)
POSTMENO = re.compile(r"post-?\s?menopaus", re.I)
PREMENO = re.compile(r"(?:pre|peri)-?\s?menopaus", re.I)
MENO_NOISE = re.compile(r"childbearing|child-bearing|pregnan|contracepti|reproductive|"
                        r"not of child|sterili", re.I)
OFS = re.compile(r"ovarian (?:function )?suppression|lhrh|gnrh|ovarian ablation|oophorectomy", re.I)
ECOG = re.compile(r"\b(?:ecog|eastern cooperative oncology group|who performance|"
                  r"zubrod)\b[^.;:]{0,60}?((?:[0-4]\s?(?:-|–|to|or|,|and)\s?)*[0-4])(?![\d%]|\.\d)",
                  re.I)
ECOG_LE = re.compile(r"(?:≤|<=|less than or equal to|of)\s?$", re.I)

# --- prior therapy -------------------------------------------------------------------
PRIOR_CUE = re.compile(
    r"\bprior\b|\bprevious(?:ly)?\b|\breceived\b|\breceiving\b|\btreated with\b|"
    r"\btreatment with\b|\btherapy with\b|\bexposure\b|\bexposed\b|\bprogress\w*\b|"
    r"\brefractory\b|\bresistant\b|\bpre-?treated\b|\bfailed\b|\bfailure\b|\bnaive\b|"
    r"\bnaïve\b|\bhistory of (?:treatment|therapy)", re.I)
NOT_PRIOR = re.compile(r"hypersensitiv|allerg|contraindicat|intoleran|willing|candidate for|"
                       r"plan(?:ned|s)? to receive|eligible (?:for|to receive)|concomitant|"
                       r"concurrent|scheduled|breast-?feed|donate|\bova\b|last dose|"
                       r"contracept|child-?bearing|pocbp|sperm|menses|amenorrh|menopaus|"
                       r"defined|definition|\bqtc|washout|does not count|not be counted|"
                       r"will not count|recovered|toxicit|suitable for|appropriate for|"
                       r"intent to|recommended|not indicated", re.I)
REQUIRING = re.compile(r"\bmust\b|\bshould\b|\bha(?:ve|s) (?:had|received|been)|progress|"
                       r"refractor|resistan|relapsed|pre-?treated|\bfailed|required|at least|"
                       r"previously (?:received|treated)|\bprior\b|\bprevious\b|"
                       r"currently (?:taking|receiving|on)\b", re.I)
IGNORED_CONCEPTS = frozenset({"drug:denosumab", "drug:zoledronic acid", "drug:pamidronate",
                              "drug:filgrastim", "drug:pegfilgrastim"})
COHORT = re.compile(r"for some arms|\bcohorts?\b|\barms?\b|\bpart \d|\bgroup \d|\bphase (?:1b|ib|iii|3)\b|"
                    r"\bdose (?:escalation|expansion)", re.I)
WASHOUT = re.compile(r"within (?:the (?:last|past) )?\d+\s*(?:days?|weeks?|wks?)|"
                     r"\d+\s*(?:days?|weeks?)\s*(?:of|prior|before|from)|washout|half-?lives", re.I)
NEGATED_PRIOR = re.compile(
    r"\bno (?:prior|previous|more than)?|\bnot (?:have )?(?:been )?(?:previously )?"
    r"(?:received|treated|exposed)|\bnever\b|\bnaive\b|\bnaïve\b|\bwithout (?:prior|previous)|"
    r"\bmust not\b|\bshould not\b|\bno evidence\b|\bnot (?:be )?(?:allowed|permitted|eligible)",
    re.I)
EXCEPTION = re.compile(r"\bexcept(?:ion)?\b|\bother than\b|\bapart from\b|\baside from\b|"
                       r"\bexcluding\b|\bunless\b", re.I)
CONDITIONAL = re.compile(r"^\s*(?:for |in |if )?(?:(?:patients|participants|subjects|those|people)"
                         r"\s+(?:with|who)\b|if\b|for (?:the )?(?:cohort|arm|part)\b)", re.I)
_N = r"(\d|one|two|three|four|five|six)"
_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
MAX_LINES = re.compile(
    rf"(?:no more than|not more than|up to|maximum of|a maximum of|at most|≤|<=)\s*{_N}\s*"
    rf"(?:\(\d\)\s*)?(?:[a-z/-]+\s+){{0,3}}?(?:lines?|regimens?|chemotherap(?:y|ies)|therap(?:y|ies))\b|"
    rf"{_N}\s*or (?:fewer|less) (?:[a-z/-]+\s+){{0,3}}?(?:lines?|regimens?)", re.I)
MORE_THAN_LINES = re.compile(rf"(?:more than|>)\s*{_N}\s*(?:\(\d\)\s*)?(?:[a-z/-]+\s+){{0,3}}?"
                             r"(?:lines?|regimens?)", re.I)
MIN_LINES = re.compile(rf"at least\s*{_N}\s*(?:\(\d\)\s*)?(?:prior |previous |systemic |lines? of )*"
                       r"(?:lines?|regimens?)", re.I)


@dataclass(frozen=True)
class PriorRule:
    kind: str                   # "required" | "excluded"
    concepts: frozenset[str]
    section: str
    text: str
    cohort_specific: bool = False   # "(Cohort 1 only)": may not apply to every arm


@dataclass
class TrialCriteria:
    nct_id: str
    cancer: str = "other"               # "breast" | "basket" | "other"
    breast_kind: str = "treatment"      # "treatment" | "prevention" (DCIS, risk reduction)
    setting: str | None = None          # "metastatic" | "early" | "any" | None
    her2_accepted: set[str] | None = None   # subset of {"positive", "low", "zero"}
    her2_source: str = ""               # "title" | "text"
    hr_required: str | None = None      # "positive" | "negative"
    hr_source: str = ""
    measurable_required: bool = False
    bone_only_allowed: bool = False
    brain_policy: str | None = None     # "allowed" | "stable_only" | "excluded"
    prior_rules: list[PriorRule] = field(default_factory=list)
    max_lines: int | None = None
    min_lines: int | None = None
    menopause: str | None = None        # "postmenopausal" | "premenopausal"
    menopause_ofs_ok: bool = False
    ecog_max: int | None = None
    evidence: dict[str, str] = field(default_factory=dict)


def _num(s: str) -> int:
    return int(s) if s.isdigit() else _NUM[s.lower()]


def _her2_and_hr(crit: TrialCriteria, trial: Trial, parsed: Criteria) -> None:
    head = " ; ".join([trial.title, *trial.conditions])
    pos_h, neg_h = rx.her2_mentions(head), set()
    hr_h = rx.hr_mentions(head)
    pos_t: set[str] = set()
    hr_t: set[str] = set()
    her2_out: set[str] = set()
    for section, criterion in parsed.all():
        for sent in sentences(criterion):
            h, r = rx.her2_mentions(sent), rx.hr_mentions(sent)
            if not h and not r:
                continue
            if rx.ANY_STATUS.search(sent):
                continue
            negated = bool(re.search(r"\bnever\b|\bnot eligible\b|\bineligible\b|"
                                     r"\b(?:are|is|will be) excluded\b|\bmust not\b|"
                                     r"\bno (?:known )?(?:her2|history)", sent, re.I)
                           ) and "requirement" not in sent.lower()
            if section == "exclusion" or negated:
                if "positive" in h and not CONDITIONAL.search(sent):
                    her2_out.add("positive")
                continue
            if CONDITIONAL.search(sent) and PRIOR_CUE.search(sent):
                continue  # "Patients with HER2+ disease must have received trastuzumab"
            if h:
                pos_t |= h
                crit.evidence.setdefault("her2", sent)
            if r:
                hr_t |= r
                crit.evidence.setdefault("hr", sent)
    neg_h = her2_out
    if pos_h:
        accepted = rx.accepted_her2(pos_h)
        # The title names one subtype; the text may widen it ("HER2-low or IHC 0").
        accepted |= rx.accepted_her2(pos_t) if pos_t - pos_h else set()
        crit.her2_source = "title"
    elif pos_t:
        accepted = rx.accepted_her2(pos_t)
        crit.her2_source = "text"
    else:
        accepted = set()
    if crit.her2_source != "title":
        accepted -= neg_h  # the title's subtype wins over a stray sentence in the text
    if accepted:
        crit.her2_accepted = accepted
    elif neg_h:
        crit.her2_accepted = {"low", "zero"}
    hr = hr_h or hr_t
    if len(hr) == 1:
        crit.hr_required = next(iter(hr))
        crit.hr_source = "title" if hr_h else "text"


def _setting(crit: TrialCriteria, trial: Trial, parsed: Criteria) -> None:
    head = " ; ".join([trial.title, *trial.conditions])
    if bool(METASTATIC.search(trial.title)) != bool(EARLY.search(trial.title)):
        head = trial.title  # a title that names one setting wins over the condition list
    inc = " ".join(parsed.inclusion[:12])
    exc = " ".join(parsed.exclusion)
    met_h, early_h = bool(METASTATIC.search(head)), bool(EARLY.search(head))
    met_t, early_t = bool(METASTATIC.search(inc)), bool(EARLY.search(inc))
    early_only = bool(EARLY_ONLY.search(exc))
    if met_h and not early_h:
        crit.setting = "metastatic"
    elif early_h and not met_h:
        crit.setting = "early"
    elif met_h and early_h:
        crit.setting = "early" if early_only else "any"
    elif early_only and not met_t:
        crit.setting = "early"
    elif met_t and not early_t:
        crit.setting = "metastatic"
    elif early_t and not met_t:
        crit.setting = "early"
    elif met_t and early_t:
        crit.setting = "early" if early_only else "any"


def _prior_rules(crit: TrialCriteria, parsed: Criteria) -> None:
    for section, criterion in parsed.all():
        for sent in sentences(criterion):
            _lines(crit, section, sent)
            if not PRIOR_CUE.search(sent) or NOT_PRIOR.search(sent):
                continue
            limit = MAX_LINES.search(sent) or MORE_THAN_LINES.search(sent)
            if limit and section == "exclusion":
                continue  # "> 1 prior line of X": a limit on lines, read by _lines()
            check = MORE_THAN_LINES.sub(" ", MAX_LINES.sub(" ", sent)) if limit else sent
            mentions = [m for m in find_mentions(sent) if m.concept not in IGNORED_CONCEPTS]
            if not mentions:
                continue
            exc = EXCEPTION.search(sent)
            spans = [m.span() for pat in (MAX_LINES, MORE_THAN_LINES) for m in pat.finditer(sent)]
            kept: list[Mention] = [
                m for m in mentions if (not exc or m.start < exc.start())
                and not any(a <= m.start < b for a, b in spans)]
            if not kept:
                continue
            allowed = ALLOWED.search(sent) and not NOT_ALLOWED.search(sent)
            negated = bool(NEGATED_PRIOR.search(check[: max(0, kept[0].start - (len(sent) - len(check)))])) \
                or bool(NOT_ALLOWED.search(check))
            if section == "exclusion":
                if allowed or WASHOUT.search(sent):
                    continue
                kind = "required" if re.search(r"\bnot (?:have )?(?:been )?(?:previously )?"
                                               r"(?:received|treated)|\bnaive\b", sent, re.I) \
                    else "excluded"
            else:
                if negated:
                    kind = "excluded"
                elif allowed or not REQUIRING.search(check) or WASHOUT.search(sent):
                    continue
                else:
                    kind = "required"
            crit.prior_rules.append(PriorRule(kind, frozenset(m.concept for m in kept),
                                              section, sent, bool(COHORT.search(sent))))


def _lines(crit: TrialCriteria, section: str, sent: str) -> None:
    if not re.search(r"lines?|regimens?|therap|chemotherap", sent, re.I):
        return
    m = MAX_LINES.search(sent)
    if m:
        n = _num(m.group(1) or m.group(2))
        crit.max_lines = n if crit.max_lines is None else min(crit.max_lines, n)
        crit.evidence.setdefault("lines", sent)
    m = MORE_THAN_LINES.search(sent)
    if m and section == "exclusion":
        n = _num(m.group(1))
        crit.max_lines = n if crit.max_lines is None else min(crit.max_lines, n)
        crit.evidence.setdefault("lines", sent)
    m = MIN_LINES.search(sent)
    if m and section == "inclusion":
        crit.min_lines = _num(m.group(1))
        crit.evidence.setdefault("min_lines", sent)


def _other(crit: TrialCriteria, parsed: Criteria) -> None:
    brain_allowed = brain_stable = brain_excluded = False
    post = pre = False
    for section, criterion in parsed.all():
        for sent in sentences(criterion):
            if section == "inclusion" and MEASURABLE.search(sent) and not NOT_STRICT_MEASURABLE.search(sent):
                crit.measurable_required = True
                crit.evidence.setdefault("measurable", sent)
            if BONE_ONLY_OK.search(sent):
                crit.bone_only_allowed = True
            if BRAIN.search(sent):
                qualified = bool(BRAIN_QUALIFIED.search(sent)) or bool(
                    re.search(r"\bstable\b|\btreated\b|asymptomatic", sent, re.I))
                if section == "inclusion":
                    if re.search(r"\bno (?:known |evidence of )?(?:active |untreated )?"
                                 r"(?:brain|cns)|\bwithout\b", sent, re.I):
                        brain_excluded = True
                    elif ALLOWED.search(sent) or re.search(r"\bstable\b|\btreated\b", sent, re.I):
                        if re.search(r"untreated|active|progress", sent, re.I):
                            brain_allowed = True
                        else:
                            brain_stable = True
                    crit.evidence.setdefault("brain", sent)
                else:
                    if ALLOWED.search(sent) and not NOT_ALLOWED.search(sent):
                        brain_stable = True
                    elif qualified:
                        brain_stable = True
                    else:
                        brain_excluded = True
                    crit.evidence.setdefault("brain", sent)
            if section == "inclusion" and not MENO_NOISE.search(sent):
                if POSTMENO.search(sent):
                    post = True
                    crit.evidence.setdefault("menopause", sent)
                if PREMENO.search(sent):
                    pre = True
                    crit.evidence.setdefault("menopause", sent)
                if (POSTMENO.search(sent) or PREMENO.search(sent)) and OFS.search(sent):
                    crit.menopause_ofs_ok = True
            if section == "inclusion" and crit.ecog_max is None:
                m = ECOG.search(sent)
                if m:
                    digits = [int(d) for d in re.findall(r"[0-4]", m.group(1))]
                    crit.ecog_max = max(digits)
                    crit.evidence["ecog"] = sent
    if brain_excluded and not (brain_allowed or brain_stable):
        crit.brain_policy = "excluded"
    elif brain_allowed:
        crit.brain_policy = "allowed"
    elif brain_stable:
        crit.brain_policy = "stable_only"
    if post and not pre:
        crit.menopause = "postmenopausal"
    elif pre and not post:
        crit.menopause = "premenopausal"


def _cancer(crit: TrialCriteria, trial: Trial, parsed: Criteria) -> None:
    head = " ; ".join([trial.title, *trial.conditions])
    if any(BREAST.search(c) for c in trial.conditions) or BREAST.search(trial.title):
        crit.cancer = "breast"
        if NON_TREATMENT_BREAST.search(head) and not METASTATIC.search(head):
            crit.breast_kind = "prevention"
    elif (any(BASKET.search(c) for c in trial.conditions) or BASKET.search(trial.title)) and not (
            OTHER_ORGAN.search(trial.title) and not re.search(r"solid", trial.title, re.I)):
        crit.cancer = "basket"
    elif BREAST.search(" ".join(parsed.inclusion[:6])) and re.search(
            r"solid tumou?r|basket", " ".join(parsed.inclusion[:6]), re.I):
        crit.cancer = "basket"


def parse_trial(trial: Trial) -> TrialCriteria:
    """Everything the pre-screen checks, read from one trial record."""
    parsed = split_criteria(trial.eligibility_text)
    crit = TrialCriteria(nct_id=trial.nct_id)
    _cancer(crit, trial, parsed)
    _setting(crit, trial, parsed)
    _her2_and_hr(crit, trial, parsed)
    _prior_rules(crit, parsed)
    _other(crit, parsed)
    return crit


def parse_text(text: str, title: str = "", conditions: tuple[str, ...] = ()) -> TrialCriteria:
    """Parse a bare eligibility text (tests, ad-hoc checks)."""
    return parse_trial(Trial(nct_id="NCT00000000", title=title, status="",
                             conditions=conditions, eligibility_text=clean_text(text)))
