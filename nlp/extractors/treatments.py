"""Treatments a note says the patient had, has, or is planned to have: drugs (with dose,
frequency, dates, dose changes and their reasons), regimens, therapy classes
("chemotherapy", "endocrine therapy"), breast surgery and radiation.

Rules follow how oncology notes phrase treatment history: "started ribociclib 600 mg
daily in 09/2025", "Kisqali dose reduced to 400 mg on 3/2026 due to neutropenia",
"completed 4 cycles of AC followed by weekly paclitaxel (2023)", "s/p left lumpectomy
1/15/2024", "plan to start fulvestrant", "no prior chemotherapy". Pathology boilerplate
("select patients for Trastuzumab therapy", reference lists) is not a treatment and is
skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nlp.drugs import REGIMENS, DrugInfo, drug, regimen_name, surface_forms
from nlp.finding import Finding

FIELDS = ("drug", "therapy", "surgery", "radiation")

# ---------------------------------------------------------------------------
# Dates (also used by the labs extractor)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MON = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
        r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DATE_RE = re.compile(
    r"(?<![\w/.])(?<![A-Za-z]-)(?:"
    r"(?P<iy>(?:19|20)\d\d)-(?P<im>[01]?\d)(?:-(?P<id>[0-3]?\d))?"
    r"|(?P<m>[01]?\d)/(?:(?P<d>[0-3]?\d)/)?(?P<y>(?:19|20)\d\d|\d\d)"
    r"|(?:(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+)?" + _MON
    + r"(?:\s+(?P<d3>[0-3]?\d)(?:st|nd|rd|th)?)?,?\s+(?P<y2>(?:19|20)\d\d)"
    r"|(?P<year>(?:19[5-9]\d|20[0-4]\d))(?!\s*(?:mg|mcg|cgy|gy|units?|ml|%))"
    r")(?![\w/])",
    re.I,
)


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    if not 1 <= d <= 31:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def date_value(m: re.Match[str]) -> str | None:
    """ISO "YYYY", "YYYY-MM" or "YYYY-MM-DD" for a DATE_RE match."""
    g = m.groupdict()
    if g["iy"]:
        return _iso(int(g["iy"]), int(g["im"]), int(g["id"]) if g["id"] else None)
    if g["y"]:
        y = int(g["y"])
        if len(g["y"]) == 2:
            # A two-digit year with no day ("3/25") reads as a day-of-month more often
            # than a year; only m/d/yy is taken.
            if not g["d"]:
                return None
            y += 2000 if y <= 50 else 1900
        return _iso(y, int(g["m"]), int(g["d"]) if g["d"] else None)
    if g["mon"]:
        day = g["d2"] or g["d3"]
        return _iso(int(g["y2"]), _MONTHS[g["mon"][:3].lower()], int(day) if day else None)
    if g["year"]:
        return _iso(int(g["year"]))
    return None


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, iso) for every date in text[start:end]."""
    out = []
    for m in DATE_RE.finditer(text, start, len(text) if end is None else end):
        iso = date_value(m)
        if iso:
            out.append((m.start(), m.end(), iso))
    return out


# ---------------------------------------------------------------------------
# Mentions

def lower_same_length(text: str) -> str:
    """text.lower(), keeping offsets: the few characters whose lower case is longer
    (e.g. dotted capital I) stay as they are. Patterns run on this with no re.I, which
    is several times faster than case-insensitive matching on the whole report."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def trie_regex(words: list[str]) -> str:
    """One alternation shaped as a character trie, so the regex engine branches per
    character instead of retrying every word; a space in a word matches any run of
    spaces or hyphens (or none)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        alts = [(r"[\s-]*" if ch == " " else re.escape(ch)) + build(sub)
                for ch, sub in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        if len(alts) == 1 and not end:
            return alts[0]
        return "(?:" + "|".join(alts) + ")" + ("?" if end else "")

    return build(trie)


def _surface_key(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


_FORM_TO_DRUG: dict[str, DrugInfo] = {_surface_key(f): d for f, d in surface_forms()}
_DRUG_RE = re.compile(
    r"(?<![a-z0-9])(?P<name>"
    + trie_regex(sorted({re.sub(r"[\s-]+", " ", f.lower()) for f, _ in surface_forms()}))
    + r")(?:[\s-]+(?:succinate|citrate|mesylate|maleate|tosylate|ditosylate|dihydrochloride|"
    r"hydrochloride|hcl|acetate|disodium|sodium))?(?:-[a-z]{4}(?![a-z]))?(?:\s?\u00ae|\s?\(r\))?"
    r"(?![a-z0-9])"
)

# Regimen shorthand is upper case in notes; lower-case "ac"/"tc" is noise.
_REGIMEN_ANCHOR = re.compile(r"dd|AC|TC|THP|TAC|CAF|FAC|CMF|FEC|EC")
_REGIMEN_RE = re.compile(
    r"(?P<reg>(?:dd[\s-]?)?AC(?:\s*(?:->|-->|\u2192|>|/|-)\s*[TP]|-?T)?|"
    r"TCH(?:\s*[+-]?\s*P)?|THP|TAC|CAF|FAC|CMF|FEC|EC|TC)(?![A-Za-z0-9])"
)
# Short regimen names collide with initials ("Wolff AC"), block labels ("TC.") and
# abbreviations; they count only beside words that make them a treatment.
_WEAK_REGIMENS = {"AC", "TC", "EC", "TAC", "CAF", "FAC", "THP", "ACT"}
_REGIMEN_LEFT_OK = re.compile(
    r"(?:cycles?\s+of|x\s*\d+\s+of|receiv(?:ed|ing)|complet(?:ed|ion\s+of)|s/p|status\s+post|"
    r"underwent|start(?:ed|ing)?|began|on|with|dose[\s-]?dense|dd|adjuvant|neoadjuvant|"
    r"chemo(?:therapy)?\s*(?:with|:)?|regimen\s*:?|followed\s+by|then|plan(?:ned)?\s+(?:for|to\s+start)|"
    r"prior|after|of|treated\s+with|and|\+)\s*$",
    re.I,
)
_REGIMEN_RIGHT_OK = re.compile(
    r"^\s*(?:chemo|regimen|x\s*\d|\(?\d+\s*cycles|cycles?\b|c\d|followed\s+by|then|->|\u2192|"
    r"q\s*\d|every\s+\d|weekly|dose[\s-]?dense|\(?(?:19|20)\d\d|in\s+(?:19|20)\d\d|from\s|"
    r"and\s+(?:T|taxol|paclitaxel|docetaxel)\b|\+|with\s+(?:pembro|trastuzumab|herceptin))",
    re.I,
)

_THERAPY_RE = re.compile(
    r"(?<![a-z])(?P<th>chemo(?:therapy|therapies)?|endocrine\s+therapy|hormon(?:al|e)\s+therapy|"
    r"anti-?estrogen\s+therapy|immunotherapy|targeted\s+therapy|ovarian\s+(?:function\s+)?suppression|"
    r"aromatase\s+inhibitors?|cdk\s?4/6\s+inhibitors?|anti-?her2\s+therapy)(?![a-z])"
)
_THERAPY_NAMES = (
    ("chemo", "chemotherapy"), ("endocrine", "endocrine therapy"), ("hormon", "endocrine therapy"),
    ("anti-her2", "anti-HER2 therapy"), ("antiher2", "anti-HER2 therapy"),
    ("anti", "endocrine therapy"), ("immuno", "immunotherapy"), ("targeted", "targeted therapy"),
    ("ovarian", "ovarian suppression"), ("aromatase", "aromatase inhibitor"),
    ("cdk", "CDK4/6 inhibitor"),
)

_SURGERY_RE = re.compile(
    r"(?<![a-z])(?P<surg>"
    r"(?P<bcs>lumpectom(?:y|ies)|(?:partial|segmental)\s+mastectom(?:y|ies)|segmental\s+(?:resection|excision)|"
    r"wide\s+local\s+excision|breast[\s-]+conserving\s+(?:surgery|therapy)|quadrantectom(?:y|ies))"
    r"|(?P<mast>(?:(?:modified\s+radical|radical|total|simple|skin[\s-]+sparing|nipple[\s-]+sparing|"
    r"prophylactic|completion)\s+)?mastectom(?:y|ies)|mrm)"
    r"|(?P<sln>sentinel\s+(?:lymph\s+)?node\s+(?:biops(?:y|ies)|dissection|excision|sampling|mapping)|"
    r"slnbx?|slnd|snb)"
    r"|(?P<alnd>axillary\s+(?:lymph\s+)?node\s+dissection|axillary\s+dissection|alnd|"
    r"level\s+i{1,3}(?:\s*(?:/|and|-)\s*i{1,3})?\s+axillary\s+(?:lymph\s+node\s+)?dissection)"
    r"|(?P<ooph>(?:bilateral\s+)?(?:salpingo-?\s*)?oophorectom(?:y|ies)|(?:tah[\s/-]*)?bso)"
    r")(?![a-z])"
)
_SURGERY_ABBREV = re.compile(r"MRM|SLNBx?|SLND|SNB|ALND|(?:TAH[\s/-]*)?BSO", re.I)

_RADIATION_RE = re.compile(
    r"(?<![a-z])(?P<rad>(?:chemo)?radiation(?:\s+therapy|\s+treatment)?|radiotherapy|"
    r"irradiation|xrt|pmrt|apbi|wbrt|sbrt|srs|proton\s+therapy|brachytherapy|"
    r"(?:adjuvant|palliative|whole\s+breast|chest\s+wall)\s+rt)(?![a-z])"
)
_RAD_ABBREV = {"xrt", "pmrt", "apbi", "wbrt", "sbrt", "srs"}

# Literal anchors found in one cheap pass; the full patterns above then run only in a
# small window around each anchor (whole-report scans with them cost ~10x more).
_ANCHORS = {
    **dict.fromkeys(("lumpectom", "mastectom", "segmental", "wide local", "conserving",
                     "quadrantectom", "mrm", "sentinel", "sln", "snb", "axillary", "alnd",
                     "oophorectom", "bso", "level i"), "surgery"),
    **dict.fromkeys(("radiat", "radiother", "irradiat", "xrt", "pmrt", "apbi", "wbrt", "sbrt", "srs",
                     "proton", "brachyther", " rt"), "radiation"),
    **dict.fromkeys(("chemo", "endocrine", "hormon", "anti-estrogen", "antiestrogen", "anti-her2",
                     "antiher2", "immunotherapy", "targeted", "ovarian", "aromatase", "cdk"), "therapy"),
}
_ANCHOR_RE = re.compile(trie_regex(sorted(k.replace(" ", "\x00") for k in _ANCHORS)).replace("\x00", " "))
_RAD_SITES = (
    (re.compile(r"whole[\s-]+breast|\bWBI\b", re.I), "whole breast"),
    (re.compile(r"partial[\s-]+breast|\bAPBI\b", re.I), "partial breast"),
    (re.compile(r"chest[\s-]+wall|\bPMRT\b|post-?mastectomy", re.I), "chest wall"),
    (re.compile(r"regional\s+nod|nodal|supraclavicular|axilla|\bRNI\b|internal\s+mammary", re.I),
     "regional nodes"),
    (re.compile(r"whole[\s-]+brain|\bWBRT\b|\bbrain\b|\bSRS\b", re.I), "brain"),
    (re.compile(r"\b(?:spine|spinal|vertebra\w*|[TLC]\d{1,2}\b|sacrum|pelvis|hip|femur|bone|rib)\b", re.I),
     "bone"),
    (re.compile(r"\bbreast\b", re.I), "breast"),
)
_GY_RE = re.compile(
    r"(?P<dose>\d+(?:\.\d+)?)\s*(?P<unit>c?Gy)(?:\s*(?:in|/|x|over)\s*(?P<fx>\d+)\s*(?:fx|fractions?))?",
    re.I,
)

# ---------------------------------------------------------------------------
# Context cues

_CUE_RE = re.compile(
    r"(?P<planned>\bplan(?:s|ned|ning)?\s+(?:is\s+)?(?:to\s+|for\s+)?(?:start|begin|initiate|add|switch|"
    r"transition|change|resume)?|\bwill\s+(?:\w+\s+)?(?:start|begin|initiate|receive|add|switch|undergo|need|"
    r"get|proceed)\w*|\bto\s+(?:start|begin|initiate)\b|\brecommend(?:ed|s|ation)?\b|\bconsider(?:ing|ed)?\b|"
    r"\bcandidate\s+for\b|\beligible\s+for\b|\bwould\s+(?:benefit|recommend|consider)\b|\boffer(?:ed)?\b|"
    r"\bscheduled\s+(?:for|to)\b|\bpending\s+(?:insurance|approval|authorization)\b|\bdiscuss(?:ed)?\b)"
    r"|(?P<negated>\b(?:no|never|without|not|declined|refused|denies|denied)\s+"
    r"(?:(?:prior|previous|past|history|of|adjuvant|neoadjuvant|systemic|further|any|cytotoxic|"
    r"received|receiving|had|taken|taking|been|on|a|treatment|with|start(?:ed)?)\s+){0,4}$)"
    r"|(?P<change>\bdose[\s-]*(?:reduc(?:ed|tion)|decreased?|de-?escalat\w*|increased?|escalat\w*|"
    r"adjust\w*|modif\w*)|\breduced\b|\bdecreased\b|\bincreased\b|\bescalated\b|\bheld\b|\bon\s+hold\b|"
    r"\bholding\b|\binterrupted\b|\bpaused\b|\bdelayed\b|\bdiscontinued\b|\bstopped\b|\bd/c'?(?:e?d)?\b|"
    r"\bceased\b|\bresumed\b|\brestarted\b|\bre-?challenged\b|\bswitched\b|\bchanged\s+(?:to|from)\b|"
    r"\btransitioned\b)"
    r"|(?P<past>\bcomplet(?:ed|ion\s+of)\b|\bfinished\b|\bs/p\b|\bstatus\s+post\b|\breceived\b|"
    r"\bunderwent\b|\bwas\s+(?:on|treated|given)\b|\bwere\s+on\b|\bpreviously\b|\bprior\b|\bhistory\s+of\b|"
    r"\bh/o\b|\b(?:came|taken|been|went)\s+off\b|\bfailed\b|\bprogress(?:ed|ion)\s+(?:on|through)\b|\bafter\b|\btook\b|"
    r"\bno\s+longer\b|\bintolerant\s+(?:of|to)\b|\bhad\b|\bformerly\b)"
    r"|(?P<current>\bcurrently\b|\bcontinu(?:e|es|ed|ing)\b|\bstart(?:ed|ing)?\b|\binitiated\b|"
    r"\bbegan\b|\bbegun\b|\btaking\b|\breceiving\b|\bsince\b|\bmaintained\b|\bremains\b|\btolerating\b|"
    r"\bC\d+\s*D\d+\b|\bcycle\s+\d+\b|\bnow\s+on\b|\bon\b)",
    re.I,
)
_START_WORDS = re.compile(r"start|initiat|began|begun|since|restart|resum", re.I)
_END_WORDS = re.compile(r"complet|finish|discontinu|stop|d/c|ceas|off|until|through", re.I)

_CHANGE_NAMES = (
    (re.compile(r"reduc|decreas|de-?escalat", re.I), "dose reduced"),
    (re.compile(r"increas|escalat", re.I), "dose increased"),
    (re.compile(r"adjust|modif", re.I), "dose adjusted"),
    (re.compile(r"held|hold|interrupt|paus", re.I), "held"),
    (re.compile(r"delay", re.I), "delayed"),
    (re.compile(r"discontinu|stop|d/c|ceas", re.I), "discontinued"),
    (re.compile(r"resum|restart|challeng", re.I), "resumed"),
    (re.compile(r"switch|chang|transition", re.I), "switched"),
)

_REASON_RE = re.compile(
    r"\b(?:due\s+to|because\s+of|secondary\s+to|2/2|d/t|for|given|in\s+(?:the\s+)?setting\s+of)\s+"
    r"(?P<reason>[^.;,()\n]{2,60})",
    re.I,
)
_REASONS = (
    (re.compile(r"febrile\s+neutropenia|\bFN\b", re.I), "febrile neutropenia"),
    (re.compile(r"neutropeni|low\s+(?:ANC|neutrophil)|\bANC\b", re.I), "neutropenia"),
    (re.compile(r"thrombocytopeni|low\s+platelet", re.I), "thrombocytopenia"),
    (re.compile(r"leukopeni|low\s+(?:WBC|white)", re.I), "leukopenia"),
    (re.compile(r"anemi", re.I), "anemia"),
    (re.compile(r"progress|\bPD\b|growth|new\s+(?:lesion|met)", re.I), "progression"),
    (re.compile(r"diarrh", re.I), "diarrhea"),
    (re.compile(r"hepatotox|transamin|LFT|\bAST\b|\bALT\b|liver", re.I), "hepatotoxicity"),
    (re.compile(r"QTc?\b|QT\s+prolong", re.I), "QTc prolongation"),
    (re.compile(r"pneumonitis|\bILD\b|interstitial", re.I), "pneumonitis"),
    (re.compile(r"neuropath", re.I), "neuropathy"),
    (re.compile(r"hyperglyc", re.I), "hyperglycemia"),
    (re.compile(r"stomatitis|mucositis", re.I), "stomatitis"),
    (re.compile(r"rash|dermat", re.I), "rash"),
    (re.compile(r"fatigue", re.I), "fatigue"),
    (re.compile(r"cardio|\bLVEF\b|\bEF\b|ejection", re.I), "cardiotoxicity"),
    (re.compile(r"arthralgia|joint\s+pain", re.I), "arthralgia"),
    (re.compile(r"infection|sepsis", re.I), "infection"),
    (re.compile(r"toxicit|side\s+effect|intoleran|adverse", re.I), "toxicity"),
    (re.compile(r"preference|patient\s+(?:choice|request|wish)", re.I), "patient preference"),
    (re.compile(r"cost|insurance|coverage", re.I), "cost"),
)
_GRADE_RE = re.compile(r"\b(?:grade|gr\.?|G)\s*([1-4])\b", re.I)

_DOSE_RE = re.compile(
    r"(?<![\w.])(?P<val>\d+(?:\.\d+)?)\s*(?P<unit>mg/m2|mg/m\^2|mg/m\u00b2|mg/kg|mg|mcg|g(?![a-z])|"
    r"units?)|(?P<auc>AUC\s*\d+(?:\.\d+)?)",
    re.I,
)
_FREQ = (
    (re.compile(r"\bonce\s+daily\b|\bdaily\b|\bqd\b|\bqday\b|\bevery\s+day\b|\bonce\s+a\s+day\b", re.I), "daily"),
    (re.compile(r"\bb\.?i\.?d\.?\b|\btwice\s+(?:a\s+)?da(?:il)?y\b|\bq12h?\b", re.I), "twice daily"),
    (re.compile(r"\bweekly\b|\bq\s*(?:1\s*)?(?:wk|week|w)\b|\bqw\b|\bevery\s+week\b", re.I), "weekly"),
    (re.compile(r"\bq\s*2\s*(?:wk|weeks?|w)\b|\bevery\s+(?:2|two)\s+weeks\b|\bbiweekly\b", re.I), "every 2 weeks"),
    (re.compile(r"\bq\s*3\s*(?:wk|weeks?|w)\b|\bq\s*21\s*d(?:ays?)?\b|\bevery\s+(?:3|three)\s+weeks\b", re.I),
     "every 3 weeks"),
    (re.compile(r"\bq\s*4\s*(?:wk|weeks?|w)\b|\bq\s*28\s*d(?:ays?)?\b|\bevery\s+(?:4|four)\s+weeks\b|"
                r"\bmonthly\b", re.I), "every 4 weeks"),
    (re.compile(r"\bq\s*(?:3|12)\s*(?:mo|months?)\b|\bevery\s+(?:3|three|12)\s+months\b", re.I),
     "every 3 months"),
    (re.compile(r"\b(?:21|3\s+weeks?)\s+(?:days?\s+)?on[,/\s]+(?:7|1\s+week)\s+(?:days?\s+)?off\b|"
                r"\bd(?:ays?)?\s*1\s*-\s*21\b", re.I), "21 days on, 7 off"),
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8, "twelve": 12}
_SETTING_RE = re.compile(
    r"\b(neo-?adjuvant|adjuvant|palliative|maintenance|first[\s-]line|1L|second[\s-]line|2L|"
    r"third[\s-]line|3L|metastatic)\b", re.I)
_SETTINGS = {"1l": "first-line", "2l": "second-line", "3l": "third-line"}

# A drug name in a reference list, an assay disclaimer or a statement about
# "patients" in general is not this patient's treatment.
_CITATION_RE = re.compile(
    r"\bet\s+al\b|\bN\.?\s*Eng|\bJ\.?\s*Clin|\bJ\.?\s*Natl|\bLancet\b|\bJAMA\b|\bOncol\b|\bMed\s+\d{4}|"
    r"\d{4};\s*\d+", re.I)
_GENERIC_RE = re.compile(
    r"\bpatients\b|\btrials?\b|\bstud(?:y|ies)\b|\bFDA\b|\bassay\b|\bselect(?:ion|ed)?\b|\bfor\s+whom\b|"
    r"\bbeing\s+considered\b|\bsurvival\b|\bapproved\b|\bguidelines?\b|\bNCCN\b|\bkit\b|\bprobe\b|"
    r"\bbenefit\s+from\b|\bpredict", re.I)

_SENT_BREAK = re.compile(r"[\n;]|[.!?]\s+(?=[A-Z(\d])")
_LATERALITY_LEFT = re.compile(r"\b(left|right|bilateral|bilat|L|R|lt|rt)\b\.?\W{0,3}(?:\w+\W+){0,3}$", re.I)
_LATERALITY_RIGHT = re.compile(r"^\W{0,4}(?:(?:of|on)\s+the\s+|\(|,\s*)?(left|right|bilateral)\b", re.I)
_NEG_LEFT = re.compile(
    r"\b(?:no|never|without|not|declined|refused|denies|denied)\s+"
    r"(?:(?:prior|previous|past|history|of|adjuvant|neoadjuvant|systemic|further|any|cytotoxic|"
    r"received|receiving|had|taken|taking|been|on|a|treatment|with|start(?:ed)?|ongoing|"
    r"additional)\s+){0,4}$",
    re.I,
)
_NEG_LEFT_SURGERY = re.compile(
    r"\b(?:no|never|without|declined|refused)\s+(?:prior|previous|history\s+of\s+)?$", re.I)
_TO_PRESENT = re.compile(r"\s*(?:-|to|through|thru|until)\s*(?:present|current|now|ongoing|today)\b",
                         re.I)
_LEFT_CUT = re.compile(r"\b(?:and|but|then|followed\s+by|plus)\b|[,+;]|\s/\s|->|\u2192", re.I)
_RIGHT_CUT = re.compile(r"\b(?:and|but|then|followed\s+by|plus)\b|\+|->|\u2192", re.I)
_RANGE_GAP = re.compile(r"\s*(?:-|to|through|thru|until)\s*", re.I)
_INTOLERANCE = re.compile(r"progress|intoleran|toxic|fail", re.I)
_CYCLES_LEFT = re.compile(r"\b(\d+|one|two|three|four|five|six|eight|twelve)\s+cycles?\s+of\s+(?:[\w-]+\s+){0,2}$",
                          re.I)
_CYCLES_RIGHT = re.compile(
    r"^\s*(?:x\s*(\d+)(?!\s*(?:years?|yrs?|months?|mos?|weeks?|wks?|days?)\b)|\(?\s*(\d+)\s*cycles?)", re.I)
_SWITCHED_TO = re.compile(r"\b(?:switch(?:ed)?|chang(?:ed|e)|transition(?:ed)?)\s+(?:\w+\s+){0,2}to\s*$", re.I)
_DATE_INTRO = re.compile(r"^\W*(?:in|on|since|as\s+of|from)\s+[\w/ ,-]{4,20},?\s*(?:she|he|the\s+patient|pt|patient|we)?\s*"
                         r"(?:was\s+|has\s+been\s+)?[a-z/]*\s*$", re.I)
_SAME_DRUG_GAP = re.compile(r"\s*[(/\[]\s*$")
_NO_LONGER = re.compile(r"no\s+longer", re.I)
_NEG_COLON = re.compile(r"^\s*(?:\(yes/no\))?\s*[:=-]\s*(?:no|none|n/a|not\s+(?:done|given))\s*(?:[.;,\n]|$)",
                        re.I)
# Form fields left blank ("CHEMORADIATION THERAPY: Not listed") say nothing either way.
_UNANSWERED = re.compile(r"^\s*[:=-]?\s*(?:not\s+(?:listed|answered|provided|known|applicable|available)|"
                         r"unknown|\[?not\s+available)", re.I)


@dataclass
class _Mention:
    start: int
    end: int
    field: str
    value: str
    info: DrugInfo | None = None
    regimen: str | None = None
    brand: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


def _anchored(rx: re.Pattern[str], low: str, anchors: list[re.Match[str]]) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    last_end = -1
    n = len(low)
    for a in anchors:
        if a.start() < last_end:
            continue
        end = min(n, a.end() + 80)
        m = rx.search(low, max(0, a.start() - 45), end)
        while m and m.end() <= a.start():
            m = rx.search(low, m.end(), end)
        if m and m.start() <= a.start() < m.end() and (m.end() < end or end == n) and m.start() >= last_end:
            out.append(m)
            last_end = m.end()
    return out


def _drug_mentions(text: str, low: str, anchors: list[re.Match[str]]) -> list[_Mention]:
    out: list[_Mention] = []
    for m in _DRUG_RE.finditer(low):
        key = _surface_key(m.group("name"))
        info = _FORM_TO_DRUG.get(key)
        if info is None:
            continue
        brand = next((b for b in info.brands if _surface_key(b) == key), None)
        prev = out[-1] if out else None
        if prev is not None and prev.info is info and _SAME_DRUG_GAP.match(low, prev.end, m.start()):
            # "elacestrant (Orserdu)" / "Herceptin (trastuzumab)": one mention.
            prev.brand = prev.brand or brand
            continue
        out.append(_Mention(m.start(), m.end(), "drug", info.name, info=info, brand=brand))
    last_end = -1
    for a in _REGIMEN_ANCHOR.finditer(text):
        if a.start() < last_end:
            continue
        if a.start() and (text[a.start() - 1].isalnum() or text[a.start() - 1] in "/.-"):
            continue
        m = _REGIMEN_RE.match(text, a.start())
        if not m:
            continue
        last_end = m.end()
        raw = m.group("reg")
        canon = regimen_name(raw)
        if canon is None:
            continue
        if canon in _WEAK_REGIMENS or raw == "ACT":
            left = text[max(0, m.start() - 40):m.start()]
            right = text[m.end():m.end() + 40]
            if not (_REGIMEN_LEFT_OK.search(left) or _REGIMEN_RIGHT_OK.search(right)):
                continue
        for g in REGIMENS[canon]:
            out.append(_Mention(m.start(), m.end(), "drug", g, info=drug(g), regimen=canon))
    for m in _anchored(_THERAPY_RE, low, anchors):
        th = m.group("th")
        name = next(n for k, n in _THERAPY_NAMES if th.startswith(k))
        out.append(_Mention(m.start(), m.end(), "therapy", name))
    return out


def _surgery_mentions(text: str, low: str, anchors: list[re.Match[str]]) -> list[_Mention]:
    out = []
    for m in _anchored(_SURGERY_RE, low, anchors):
        orig = text[m.start():m.end()]
        if _SURGERY_ABBREV.fullmatch(orig) and not orig.isupper():
            continue
        if m.group("bcs"):
            name = "lumpectomy"
        elif m.group("mast"):
            name = "mastectomy"
        elif m.group("sln"):
            name = "sentinel lymph node biopsy"
        elif m.group("alnd"):
            name = "axillary lymph node dissection"
        else:
            name = "oophorectomy"
        attrs: dict[str, Any] = {}
        s = m.group("surg")
        if name == "mastectomy":
            for key in ("modified radical", "radical", "total", "simple", "skin", "nipple",
                        "prophylactic", "completion"):
                if s.startswith(key):
                    attrs["type"] = {"skin": "skin-sparing", "nipple": "nipple-sparing"}.get(key, key)
                    break
            if s == "mrm":
                attrs["type"] = "modified radical"
        if s.endswith("ies") or "bilateral" in s:
            attrs["laterality"] = "bilateral"
        out.append(_Mention(m.start(), m.end(), "surgery", name, attrs=attrs))
    return out


def _radiation_mentions(text: str, low: str, anchors: list[re.Match[str]]) -> list[_Mention]:
    out = []
    for m in _anchored(_RADIATION_RE, low, anchors):
        s = m.group("rad")
        orig = text[m.start():m.end()]
        if s in _RAD_ABBREV and not orig.isupper():
            continue
        if s.endswith(" rt") and not orig.endswith("RT"):
            continue
        out.append(_Mention(m.start(), m.end(), "radiation", "radiation"))
    return out


def _sentence_bounds(text: str) -> list[int]:
    return [0, *(m.start() for m in _SENT_BREAK.finditer(text)), len(text)]


def _bound(bounds: list[int], pos: int) -> tuple[int, int]:
    lo, hi = 0, len(bounds) - 1
    while lo < hi - 1:
        mid = (lo + hi) // 2
        if bounds[mid] <= pos:
            lo = mid
        else:
            hi = mid
    return bounds[lo], bounds[hi]


def _is_boilerplate(text: str, m: _Mention, evidence: bool) -> bool:
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    line_end = len(text) if line_end < 0 else line_end
    window = text[max(line_start, m.start - 150):min(line_end, m.end + 150)]
    if _CITATION_RE.search(window):
        return True
    return not evidence and bool(_GENERIC_RE.search(window))


def _reason(s: str) -> tuple[str | None, int | None]:
    rm = _REASON_RE.search(s)
    if not rm:
        return None, None
    raw = rm.group("reason").strip()
    grade = _GRADE_RE.search(raw)
    for rx, name in _REASONS:
        if rx.search(raw):
            return name, int(grade.group(1)) if grade else None
    # A bare "for" is too common ("for 5 years") to trust without a known reason word.
    if rm.group(0).lower().startswith(("for ", "given ")):
        return None, None
    return raw.lower(), int(grade.group(1)) if grade else None


def _change_name(cue: str) -> str:
    for rx, name in _CHANGE_NAMES:
        if rx.search(cue):
            return name
    return "changed"


def _analyse(text: str, m: _Mention, left: str, right: str, own_sentence_start: bool) -> dict:
    """Status, dates, dose and changes for one mention from its clause: `left` runs from
    the previous mention (or the sentence start) to this one, `right` to the next."""
    out: dict[str, Any] = {}
    assertion = "present"

    neg = (_NEG_LEFT if m.field != "surgery" else _NEG_LEFT_SURGERY).search(left)
    if neg and not _NO_LONGER.search(neg.group(0)):
        assertion = "negated"
        if re.match(r"declin|refus", neg.group(0), re.I):
            out["declined"] = True
    if _NEG_COLON.match(right):
        assertion = "negated"

    cuts = list(_LEFT_CUT.finditer(left))
    near_off = cuts[-1].end() if cuts else 0
    left_near = left[near_off:]
    left_cues = [c for c in _CUE_RE.finditer(left_near) if c.lastgroup != "negated"]
    near_left = left_cues[-1] if left_cues else None
    # "switched to fulvestrant" starts the new drug; the switch is a change only for
    # the drug switched from.
    switched_to = _SWITCHED_TO.search(left_near) or (
        re.fullmatch(r"\s*to\s*", left_near) and _SWITCHED_TO.search(left))
    if switched_to:
        near_left = None
    rc = _RIGHT_CUT.search(right)
    right_scope = right[: rc.start()] if rc else right
    # Bare "on" after a name is a date or hold ("on 3/2026"), not "currently on".
    # A plan word far after the name ("specimen ... considered") is not about it.
    right_cues = [c for c in _CUE_RE.finditer(right_scope)
                  if c.lastgroup != "negated" and c.group().lower() != "on"
                  and not (c.lastgroup == "planned" and c.start() > 25)]

    events: list[tuple[int, str, str]] = []
    if switched_to:
        events.append((-1, "current", "started"))
    if near_left is not None:
        events.append((near_left.start() - len(left_near), near_left.lastgroup, near_left.group()))
    events.extend((c.start(), c.lastgroup, c.group()) for c in right_cues)

    # Dates before a comma belong to another clause ("diagnosed 12/2023, s/p
    # lumpectomy"), except a leading "In 09/2025, she started ...".
    date_zone = left if own_sentence_start and _DATE_INTRO.match(left) else left_near
    dates = [(ds - len(date_zone), iso) for ds, _de, iso in find_dates(date_zone)]
    dates += [(ds, iso) for ds, _de, iso in find_dates(right_scope)]
    date_ends = {ds - len(date_zone): de - len(date_zone) for ds, de, _ in find_dates(date_zone)}
    date_ends.update({ds: de for ds, de, _ in find_dates(right_scope)})

    def zone_text(a: int, b: int) -> str:
        # Positions < 0 are in date_zone, >= 0 in right_scope.
        if a < 0 and b <= 0:
            return date_zone[len(date_zone) + a: len(date_zone) + b]
        if a >= 0:
            return right_scope[a:b]
        return date_zone[len(date_zone) + a:] + text[m.start:m.end] + right_scope[:b]

    start = end = None
    lone: list[str] = []
    used: set[int] = set()
    for i, (pos, iso) in enumerate(dates):
        gap_end = date_ends[pos]
        if i + 1 < len(dates) and _RANGE_GAP.fullmatch(zone_text(gap_end, dates[i + 1][0])):
            start, end = iso, dates[i + 1][1]
            used.update((pos, dates[i + 1][0]))
            break
        if _TO_PRESENT.match(zone_text(gap_end, gap_end + 20)):
            start = iso
            used.add(pos)
            events.append((pos, "current", "since"))
            break

    changes: list[dict[str, Any]] = []
    ordered = sorted(events)
    for idx, (pos, grp, cue) in enumerate(ordered):
        if grp != "change":
            continue
        seg_end = next((p for p, g, _ in ordered[idx + 1:] if g in ("change", "past", "current")), None)
        if pos < 0:
            seg = left_near[len(left_near) + pos + len(cue):] + " " + right_scope[: seg_end if seg_end and seg_end > 0 else len(right_scope)]
        else:
            seg = right_scope[pos + len(cue): seg_end if seg_end else len(right_scope)]
        name = _change_name(cue)
        reason, grade = _reason(seg)
        entry: dict[str, Any] = {"date": None, "change": name, "reason": reason}
        if grade:
            entry["grade"] = grade
        dm = _DOSE_RE.search(seg)
        if dm and dm.group("val") and name.startswith("dose"):
            v = dm.group("val")
            entry["dose"] = float(v) if "." in v else int(v)
            entry["unit"] = dm.group("unit")
        changes.append(entry)

    for pos, iso in dates:
        if pos in used:
            continue
        ev = None
        for epos, grp, cue in ordered:
            if epos <= pos:
                ev = (grp, cue)
        if ev is None and ordered and ordered[0][0] > pos and pos < 0:
            # "In 09/2025 she started ..." : a date before the first cue belongs to it.
            ev = (ordered[0][1], ordered[0][2])
        if ev is None:
            lone.append(iso)
            continue
        grp, cue = ev
        if grp == "change":
            name = _change_name(cue)
            target = next((c for c in changes if c["change"] == name and c["date"] is None), None)
            if target is not None:
                target["date"] = iso
                if name == "discontinued" and end is None:
                    end = iso
            else:
                lone.append(iso)
        elif _END_WORDS.search(cue):
            end = end or iso
        elif _START_WORDS.search(cue) or grp == "current":
            start = start or iso
        else:
            lone.append(iso)

    kinds = {g for _, g, _ in events}
    status: str | None = None
    if assertion == "negated":
        status = None
    elif any(c["change"] in ("discontinued", "switched") for c in changes) or end:
        status = "past"
    elif near_left is not None and near_left.lastgroup == "planned" or "planned" in {c.lastgroup for c in right_cues}:
        status = "planned"
    elif near_left is not None and near_left.lastgroup == "past" and "current" not in {c.lastgroup for c in right_cues}:
        status = "past"
    elif kinds & {"current", "change"}:
        status = "current"
    elif "past" in kinds:
        status = "past"
    if status == "planned" and assertion == "present":
        assertion = "hypothetical"
    if lone and not start and not end:
        out["date"] = lone[0]
    out["_endish"] = bool(near_left is not None and _END_WORDS.search(near_left.group()))
    out.update(status=status, start=start, end=end, assertion=assertion)
    if changes:
        out["changes"] = changes
        out["change"] = changes[-1]["change"]
        out["reason"] = changes[-1]["reason"]
    elif status == "past" and near_left is not None:
        reason, _ = _reason(right_scope)
        if reason == "progression" or (reason and _INTOLERANCE.search(near_left.group())):
            out["reason"] = reason

    if m.field in ("drug", "therapy"):
        first_change = next((c.start() for c in right_cues if c.lastgroup == "change"), len(right_scope))
        dm = _DOSE_RE.search(right_scope[: min(40, first_change)])
        if dm:
            if dm.group("auc"):
                out["dose"] = dm.group("auc").replace(" ", "")
            else:
                v = dm.group("val")
                out["dose"] = float(v) if "." in v else int(v)
                out["unit"] = dm.group("unit")
        freq_zone = right_scope[: min(60, first_change)]
        for rx, name in _FREQ:
            if rx.search(freq_zone) or rx.search(left_near[-25:]):
                out["frequency"] = name
                break
        cyc = _CYCLES_LEFT.search(left_near) or _CYCLES_RIGHT.search(right_scope)
        if cyc:
            n = next(g for g in cyc.groups() if g)
            out["cycles"] = int(n) if n.isdigit() else _NUMBER_WORDS.get(n.lower())
        st = _SETTING_RE.search(left_near[-40:])
        if st:
            s = st.group(1).lower().replace(" ", "-")
            out["setting"] = _SETTINGS.get(s, "neoadjuvant" if s.startswith("neo") else s)
        out["_medlist"] = bool(status is None and assertion == "present"
                               and (out.get("dose") or out.get("frequency")))
    if m.field == "radiation":
        zone = text[max(0, m.start - 40):m.end + len(right_scope)]
        for rx, site in _RAD_SITES:
            if rx.search(zone):
                out["site"] = site
                break
        gy = _GY_RE.search(right_scope) or _GY_RE.search(left_near[-30:])
        if gy:
            v = float(gy.group("dose"))
            out["dose_gy"] = v / 100 if gy.group("unit").lower() == "cgy" else v
            if gy.group("fx"):
                out["fractions"] = int(gy.group("fx"))
    return out


def _mention_evidence(a: dict) -> bool:
    return bool(a.get("dose") or a.get("start") or a.get("end") or a.get("date") or a.get("changes")
                or a.get("status") in ("current", "past"))


_GROUP_GAP = re.compile(
    r"^\s*(?:[,/+&]|->|\u2192|and|plus|with|followed\s+by|then|x\s*\d+|weekly|every\s+\d+\s+weeks|"
    r"q\s*\d+\s*w\w*|\([^)]{0,25}\)|\d+(?:\.\d+)?\s*(?:mg|mcg)\S*|daily|in|since|"
    r"\d{1,2}/(?:\d{1,2}/)?\d{2,4}|(?:19|20)\d\d|\s)*\s*$",
    re.I,
)


def extract(text: str) -> list[Finding]:
    low = lower_same_length(text)
    by_kind: dict[str, list[re.Match[str]]] = {"surgery": [], "radiation": [], "therapy": []}
    for a in _ANCHOR_RE.finditer(low):
        by_kind[_ANCHORS[a.group()]].append(a)
    mentions = (_drug_mentions(text, low, by_kind["therapy"])
                + _surgery_mentions(text, low, by_kind["surgery"])
                + _radiation_mentions(text, low, by_kind["radiation"]))
    if not mentions:
        return []
    mentions.sort(key=lambda x: (x.start, x.end))
    bounds = _sentence_bounds(text)
    spans = sorted({(x.start, x.end) for x in mentions})
    span_index = {sp: i for i, sp in enumerate(spans)}
    analysed: list[tuple[_Mention, dict]] = []
    for m in mentions:
        s0, s1 = _bound(bounds, m.start)
        idx = span_index[(m.start, m.end)]
        prev_end = spans[idx - 1][1] if idx > 0 else -1
        own_start = not (s0 <= prev_end <= m.start)
        left = text[s0 if own_start else prev_end:m.start]
        nxt = next((sp[0] for sp in spans[idx + 1:] if sp[0] >= m.end), s1)
        right = text[m.end:max(m.end, min(s1, nxt))]
        if _UNANSWERED.match(right):
            continue
        a = _analyse(text, m, left, right, own_start)
        if m.field in ("drug", "therapy") and _is_boilerplate(text, m, _mention_evidence(a)):
            continue
        if m.field == "surgery":
            _finish_surgery(text, m, a, s0)
        analysed.append((m, a))

    _share_within_groups(text, analysed)
    findings = []
    for m, a in analysed:
        if m.field == "surgery" and a.get("status") != "planned" and a["assertion"] == "present":
            # A named operation without a plan or a negation has been done.
            a["status"] = "past"
        endish = a.pop("_endish", False)
        if a.pop("_medlist", False) and not a.get("status"):
            # A dose or schedule with no verb and no list-mate's verb is a
            # medication-list line: a current drug.
            a["status"] = "current"
        if a.get("date") and not a.get("start") and not a.get("end") and m.field != "surgery":
            if a.get("status") == "past" and endish:
                a["end"] = a["date"]
            elif a.get("status") in ("current", "planned", "past"):
                a["start"] = a["date"]
        if a.get("start") or a.get("end"):
            a.pop("date", None)
        attrs = {k: v for k, v in a.items() if k != "assertion" and v is not None}
        if m.regimen:
            attrs["regimen"] = m.regimen
        if m.brand:
            attrs["brand"] = m.brand
        if m.info is not None:
            attrs["drug_class"] = m.info.drug_class
            attrs["lowers_neutrophils"] = m.info.lowers_neutrophils
        for k, v in m.attrs.items():
            attrs.setdefault(k, v)
        conf = 0.9 if m.field != "therapy" else 0.8
        if m.regimen in _WEAK_REGIMENS:
            conf = 0.8
        findings.append(Finding(
            field=m.field, value=m.value, text=text[m.start:m.end], start=m.start, end=m.end,
            assertion=a["assertion"], confidence=conf, attributes=attrs,
        ))
    return findings


def _finish_surgery(text: str, m: _Mention, a: dict, s0: int) -> None:
    lat = m.attrs.get("laterality")
    if not lat:
        lm = _LATERALITY_LEFT.search(text[max(s0, m.start - 30):m.start])
        rm = _LATERALITY_RIGHT.search(text[m.end:m.end + 25])
        word = (lm.group(1) if lm else None) or (rm.group(1) if rm else None)
        if word:
            w = word.lower()
            lat = ("left" if w in ("left", "l", "lt") else
                   "right" if w in ("right", "r", "rt") else "bilateral")
    if lat:
        a["laterality"] = lat
    a["date"] = a.get("date") or a.get("start") or a.get("end")
    a.pop("start", None)
    a.pop("end", None)


def _share_within_groups(text: str, analysed: list[tuple[_Mention, dict]]) -> None:
    """Drugs listed together ("AC followed by paclitaxel (2023)", "letrozole +
    palbociclib since 2022") share the status and dates stated once for the group."""
    groups: list[list[tuple[_Mention, dict]]] = []
    for m, a in analysed:
        if groups:
            pm, _ = groups[-1][-1]
            same = (m.start, m.end) == (pm.start, pm.end)
            # An operation's date is not its neighbouring drug's, so surgery groups alone.
            if (m.field == pm.field or "surgery" not in (m.field, pm.field)) and (
                    same or (m.start >= pm.end and _GROUP_GAP.match(text[pm.end:m.start]))):
                groups[-1].append((m, a))
                continue
        groups.append([(m, a)])
    for g in groups:
        if len(g) < 2:
            continue
        for key in ("status", "start", "end", "date", "setting", "_endish", "cycles"):
            for i, (_, a) in enumerate(g):
                if a.get(key):
                    continue
                before = [b.get(key) for _, b in g[:i] if b.get(key)]
                after = [b.get(key) for _, b in g[i + 1:] if b.get(key)]
                if key == "cycles":
                    # Cycle counts belong to the regimen they follow, not its successor.
                    same_span = [b.get(key) for mm, b in g if b.get(key) and (mm.start, mm.end) == (g[i][0].start, g[i][0].end)]
                    if same_span:
                        a[key] = same_span[0]
                    continue
                val = before[-1] if before else (after[0] if after else None)
                if val:
                    a[key] = val
        if any(a["assertion"] == "hypothetical" for _, a in g):
            for _, a in g:
                if a["assertion"] == "present" and a.get("status") in (None, "planned"):
                    a["assertion"] = "hypothetical"
                    a["status"] = "planned"


# ---------------------------------------------------------------------------
# Summary

def summarize(findings: list[Finding]) -> dict:
    """One entry per drug (per surgery and side, per radiation site) in the profile
    shape: name, kind, start, end, status, changes[{date, change, reason}]."""
    merged: dict[tuple, dict[str, Any]] = {}
    ordered = sorted((f for f in findings if f.field in FIELDS and f.assertion == "present"),
                     key=lambda f: (f.page or 0, f.start))
    for f in ordered:
        a = f.attributes
        if f.field == "surgery":
            key: tuple = ("surgery", f.value, a.get("laterality"))
        elif f.field == "radiation":
            key = ("radiation", a.get("site"))
        else:
            key = (f.field, f.value)
        entry = merged.get(key)
        if entry is None:
            entry = {"name": f.value, "kind": "drug" if f.field == "drug" else f.field,
                     "start": None, "end": None, "status": None, "changes": []}
            if f.field == "drug":
                entry["drug_class"] = a.get("drug_class")
                entry["lowers_neutrophils"] = a.get("lowers_neutrophils", False)
            merged[key] = entry
        if f.field == "surgery":
            entry["laterality"] = a.get("laterality")
            if a.get("type") and not entry.get("type"):
                entry["type"] = a["type"]
        if f.field == "radiation" and a.get("site"):
            entry["site"] = a["site"]
        for k in ("dose", "unit", "frequency", "brand", "regimen", "setting", "cycles"):
            if a.get(k) is not None:
                entry[k] = a[k]
        start = a.get("start") or (a.get("date") if f.field == "surgery" else None)
        if start and (entry["start"] is None or start < entry["start"]):
            entry["start"] = start
        if a.get("end") and (entry["end"] is None or a["end"] > entry["end"]):
            entry["end"] = a["end"]
        # Notes run history first and assessment last, so the latest stated status wins;
        # a plan never overrides what is already happening.
        st = a.get("status")
        if st and (st != "planned" or entry["status"] is None):
            entry["status"] = st
        for c in a.get("changes", []):
            if c not in entry["changes"]:
                entry["changes"].append(dict(c))
            if c.get("dose") is not None:
                entry["dose"], entry["unit"] = c["dose"], c.get("unit")
        if a.get("reason") and not a.get("changes") and st == "past":
            entry.setdefault("end_reason", a["reason"])
    out = list(merged.values())
    return {"treatments": out} if out else {}
