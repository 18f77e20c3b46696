"""Regular expressions for receptor and HER2 reporting language.

Kept apart from the logic in biomarkers.py so the vocabulary can be read (and extended)
in one place. Patterns tolerate the OCR damage seen in scanned reports: l/1 for i,
0 for o, "Her-. 2/neu" where a line break fell inside the name.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# Marker names, matched on the lower-cased text (one case-sensitive scan is several times
# faster than an IGNORECASE one). Abbreviations are then checked against the original
# case: lower-case "er"/"pr"/"her"/"dish" are OCR fragments or ordinary words far more
# often than receptor or assay names.
MARKER_RE = re.compile(
    r"\b(?:(?P<her2>\bher[\s-]*(?:\.\s*)?2\b(?:\s*[-/]?\s*ne[uw])?(?:\s*\(c-?erb-?b-?2\))?"
    r"|\bc-?erb-?b-?2\b|\berbb2\b)"
    r"|(?P<ki67>\bki[\s-]?67\b|\bmib[\s-]?1\b)"
    r"|(?P<ish_abbr>\b(?:fish|cish|sish|dish|ish)\b)"
    r"|(?P<ish>(?:fluorescen(?:t|ce)\s+|chromogenic\s+|silver\s+|dual\s+)?in[\s-]+situ\s+hybridi[sz]ation)"
    r"|(?P<er>o?estr[o0]gen(?=[\s/,.:;(-]|$)(?:[\s-]*rece[pr]t[o0]rs?(?:\s*-?\s*alpha)?)?(?:\s+protein)?)"
    r"|(?P<er_abbr>\ber(?:-?alpha|a)?\b)"
    r"|(?P<pr>pro[gc]ester[o0]n[er]?(?:[\s-]*rece[pr]t[o0]rs?)?(?:\s+protein)?)"
    r"|(?P<pr_abbr>\b(?:pr|pgr)\b)"
    # Other stains reported in the same tables: a value after them belongs to them.
    r"|(?P<other>androgen\s+receptor|e-?cadherin|cytokeratin|calponin|\bs-?100\b|\begfr\b|gata-?3"
    r"|mammaglobin|\bp53\b|\bp63\b|\bp120\b|\bck\s?\d+(?:/\d+)?|\bae1|smooth\s+muscle|\bsmmhc\b"
    r"|\bttf-?1\b|\bpd-?l1\b|\bbrca|\bpik3ca|\bcd\d+|synaptophysin|chromogranin|\bcea\b"
    r"|cyclin|oncotype|mammaprint|recurrence\s+score)"
    r"|(?P<other_abbr>\bar\b))"
)
# Every place MARKER_RE can start matching, as a zero-width search whose alternatives all
# begin with a literal: a scan for these is twice as fast as MARKER_RE.finditer, and
# MARKER_RE.match at each candidate (past the previous match) gives the same matches.
# Keep it a superset: a name added to MARKER_RE needs its first letters here.
MARKER_START_RE = re.compile(
    r"(?=her|c-?erb|erbb|ki|mib|[fcsd]?ish|fluorescen|chromogenic|silver|dual|in[\s-]|o?estr|er"
    r"|pro[gc]|pr|pgr|androgen|e-?cad|cytokeratin|calponin|s-?100|egfr|gata|mammaglobin|p53|p63"
    r"|p120|ck|ae1|smooth|smmhc|ttf|pd-?l1|brca|pik3ca|cd\d|synaptophysin|chromogranin|cea|cyclin"
    r"|oncotype|mammaprint|recurrence|ar)"
)


def marker_matches(low: str):
    """MARKER_RE.finditer(low), found through MARKER_START_RE candidates."""
    last = 0
    match = MARKER_RE.match
    for c in MARKER_START_RE.finditer(low):
        pos = c.start()
        if pos < last:
            continue
        m = match(low, pos)
        if m:
            last = m.end()
            yield m


ABBREVIATION_CASE = {
    "er_abbr": ("er", re.compile(r"ER")),
    "pr_abbr": ("pr", re.compile(r"PR|P[gG]R")),
    "ish_abbr": ("ish", re.compile(r"[FCSD]?ISH")),
    "other_abbr": ("other", re.compile(r"AR")),
}
HER2_LOWER_RE = re.compile(r"her\b|her[\s-]")

# Between two names of one coordinated list: "ER and PR", "ER/PR", "ER, PR, and HER2".
JOINER_RE = re.compile(r"(?i)\s*(?:\([^()]{0,30}\)\s*)?(?:,\s*(?:and\s+)?|/|&|\+|\s(?:and|or)\s)\s*(?:\.\s*)?|-")

# A polarity word; OCR tolerant ("Positlve", "NEGATlVE", "POSITIVI").
_POS = r"p[o0]s[il1!|]t[il1!|]v[eil1]?|pos\b|\+ve\b|reactive"
_NEG = (
    r"neg[a@]t[il1!|]ve|neg\b|-ve\b|non-?reactive|unreactive"
    r"|no\s+(?:nuclear\s+)?(?:immuno)?(?:staining|expression|reactivity|immunoreactivity)"
    r"|not\s+(?:detected|expressed)"
)
_EQV = r"equivocal|borderline|indeterminate"
_PENDING = (
    r"pending|to\s+follow|will\s+follow|(?:will|to)\s+be\s+(?:reported|performed|issued|sent|done"
    r"|repeated|forwarded|submitted)|(?:has|have)\s+been\s+(?:ordered|requested|sent)"
    r"|(?:were|was|are|is|been)\s+(?:ordered|requested)|in\s+progress|being\s+performed"
    r"|see\s+(?:the\s+)?(?:addendum|separate\s+report)|separate\s+report|not\s+yet\s+(?:available|reported)"
    r"|(?:reported|issued)\s+in\s+an?\s+(?:addendum|separate)|addendum\s+(?:to\s+follow|will)"
)
_UNKNOWN = (
    r"unknown|not\s+(?:performed|done|tested|assessed|evaluated|applicable|available|submitted)"
    r"|cancel+ed|n/a\b|insufficient|non-?diagnostic|previously\s+performed|performed\s+previously"
    r"|performed\s+on\s+(?:another|a\s+previous|the\s+previous|previous)|see\s+(?:prior|previous)"
)
_AMP_NOT = (
    r"non-?amplified|not\.?\s+amplified|un-?amplified|no\s+(?:evidence\s+of\s+)?(?:(?:HER-?2\s+)?gene\s+)?amplification"
    r"|negative\s+for\s+(?:gene\s+)?amplification|without\s+(?:gene\s+)?amplification"
    r"|lack\s+of\s+amplification|absence\s+of\s+amplification"
)
_AMP = r"amplified|(?:gene\s+)?amplification\s+(?:is\s+)?(?:present|detected|identified|seen)|positive\s+for\s+(?:gene\s+)?amplification"

STATUS_RE = re.compile(
    rf"(?P<ampnot>{_AMP_NOT})|(?P<amp>{_AMP})|(?P<pending>{_PENDING})|(?P<unknown>{_UNKNOWN})"
    rf"|(?P<neg>{_NEG})|(?P<pos>{_POS})|(?P<eqv>{_EQV})",
    _I,
)
# Signs straight after a name: "ER+", "ER (-)", "PR -ve"; not "ER- clone SP1".
SIGN_RE = re.compile(
    r"\s?\(?\s*(?P<sign>\+{1,3}|-(?![A-Za-z])|pos\b|neg\b)\s*\)?(?=\s*(?:$|[,;/.)(]|and\b|or\b|(?:PR|PgR|HER|Her|Ki|ER)\b))"
)
# "positive for ER", "NEGATIVE. FOR HER-2", "weakly positive for the expression of".
PREFIX_STATUS_RE = re.compile(
    rf"(?:(?P<neg>{_NEG})|(?P<pos>{_POS})|(?P<eqv>{_EQV}))"
    r"(?:\s*\([^)]{0,20}\))?\.?\s+(?:staining\s+|immunoreactivity\s+)?for\.?\s+(?:the\s+)?"
    r"(?:(?:presence|expression)\s+of\s+)?(?:nuclear\s+)?$",
    _I,
)
PREFIX_NO_RE = re.compile(r"(?i)\bno\s+(?:nuclear\s+)?(?:staining\s+for\s+)?$")
PREFIX_PENDING_RE = re.compile(
    r"(?i)(?:submitted|sent|ordered|requested|pending|held|reserved|saved)\s+(?:for\s+)?(?:the\s+)?$"
)

# Text before the value word that means the sentence explains a method or a cut-off
# rather than reporting this tumour's result.
GUARD_GAP_RE = re.compile(
    r"(?i)defin|\bif\b|\bwhen\b|cut-?off|guided|considered|criteria|threshold|usually|generally"
    r"|typically|indicates|appropriate|determin|based\s+on|percentage\s+of|performance|assay\s+was|greater\s+than|less\s+than|calculated|validated|recommend|guideline"
    r"|\bcontrols?\b|antibod|\bcases\b|those\s+with|for\s+all\b|clone\s+\w+\s+(?:is|was)|[<>=]\s*\d+(?:\.\d+)?\s*(?:[);:,]|$)|\d\.\d+\s*-\s*\d+\.\d+\s*[;:,]"
)
GUARD_AFTER_RE = re.compile(
    r"(?i)^\s*\.?\s*for\b|^\s+or\s+(?:non-?|not\s+)?(?:amplified|positive|negative|equivocal)|^[\s(]*(?:and\s+(?:negative|positive)\s*\)?\s*)(?:tissue\s+)?controls?\b"
    r"|^\s*(?:(?:is|are)\s+)?(?:defined|considered|if\b|when\b|[<>=]|(?::\s*\d+(?:\.\d+)?\s*(?![\d.%])))"
    r"|^[^.;]{0,40}(?:consistent\s+with\s+(?:UDH|usual)|in\s+(?:the\s+)?(?:benign|normal|non-?neoplastic)|of\s+benign)"
    r"|^[\s-]*(?:breast\s+)?(?:cancers|tumou?rs|patients|cases|controls?|cell\s+lines?"
    r"|control\s+tissue|tissue\s+controls?)\b"
)
GUARD_BEFORE_RE = re.compile(r"(?:=|\[|\d\s*:)\s*$")

# Labels that introduce a result some way after the marker name in synoptic blocks.
RESULT_LABEL_RE = re.compile(r"(?i)(?:interpretation|results?|status|overall\s+result)\s*[:.-]\s*$")

PERCENT_RE = re.compile(
    r"(?P<cmp>[<>]|less\s+than|greater\s+than|over|under|more\s+than)?\s*"
    r"(?P<lo>\d{1,3}(?:\.\d+)?)\s*(?:%\s*)?(?:(?:-|to)\s*(?P<hi>\d{1,3}(?:\.\d+)?)\s*)?%",
    _I,
)
ALLRED_RE = re.compile(
    r"(?i)allred(?:\s+score)?\s*(?:of|=|:|is)?\s*(?P<score>[0-8])(?:\s*/\s*8|\s*\(of\s*8\))?\b"
    r"|(?P<score2>[0-8])\s*/\s*8\b"
)
HSCORE_RE = re.compile(r"(?i)H-?\s?score\s*(?:of|=|:)?\s*(?P<h>\d{1,3})\b")
INTENSITY_RE = re.compile(
    r"(?i)\b(?P<i1>weak|moderate|strong|intense)(?:ly)?(?:\s*(?:to|-|and)\s*(?P<i2>weak|moderate|strong))?"
    r"(?=[\s,.;)]|$)(?!\s+(?:control|positive\s+control))"
)

# HER2 immunohistochemistry score: "2+", "3 +", "+1", "score 2", "(0)", "zero or 1+".
IHC_SCORE_RE = re.compile(
    r"(?i)(?P<zero_one>\b(?:0|zero)\s*(?:or|-|to|/)\s*1\s*\+)"
    r"|(?<![\d.\-])(?P<num>[0-3])\s*\+(?!\s*\d)"
    r"|\(\s*\+\s*(?P<rev>[0-3])\s*\)|(?:score|intensity)\s*(?:=|:)?\s*\+?\s*(?P<lab>[0-3]|zero)\b(?!\s*[.%/]\d)(?:\s*\+)?"
    r"|\(\s*(?P<par>[0-3]|zero)\s*\)"
)
METHOD_AFTER_RE = re.compile(
    r"(?i)\s*[,(]?\s*(?:\(\s*[^)]{0,15}\)\s*)?(?:by|per|on)\s+(?:the\s+)?"
    r"(?P<method>IHC|immuno\w*|FISH|CISH|SISH|DISH|ISH|in[\s-]+situ)"
)
RATIO_RE = re.compile(
    r"(?i)ratio(?:\s+(?:of|is|was|=|:))*\s*[:=]?\s*(?P<ratio>\d{1,2}(?:\.\d{1,2})?)(?!\s*(?:-|to)\s*\d)"
    r"(?!\s*(?:is|are)\s+(?:considered|generally|usually))"
)
COPY_RE = re.compile(
    r"(?i)(?:average|mean)?\s*(?:HER-?2\s+)?(?:gene\s+)?copy\s+number(?:\s+(?:of|is|was|=|:))*\s*[:=]?\s*"
    r"(?P<copy>\d{1,2}(?:\.\d{1,2})?)"
    r"|(?P<copy2>\d{1,2}(?:\.\d{1,2})?)\s+(?:HER-?2\s+)?(?:signals|copies)\s+per\s+(?:tumou?r\s+)?(?:cell|nucleus)"
)
KI67_VALUE_RE = re.compile(
    r"(?i)^[^%]{0,50}?(?:(?P<cmp>[<>]|less\s+than|over)\s*)?(?P<pct>\d{1,3}(?:\.\d+)?)\s*"
    r"(?:(?:-|to)\s*(?P<hi>\d{1,3})\s*)?(?:%|percent|\s*(?=$|[.;,)]))"
)
KI67_LEVEL_RE = re.compile(r"(?i)^\W{0,5}(?:index\s+)?(?:is\s+)?(?P<level>low|high|intermediate)\b")

# Package-insert and literature text around a name: trial results, scoring legends,
# validation studies. A value read there is not this patient's.
BOILERPLATE_RE = re.compile(
    r"(?i)patients|clinical\s+trials?|trastuzumab|hercep?tin\b|randomly|concordance|\bsamples\b"
    r"|literature|may\s+not\.?\s+indicate|categor(?:y|ies)\s+for\b|correlation\s+of\s+(?:mean\s+)?H-?\s?score|\bversus\s+(?:the\s+)?percent|for\s+all\b|regardless|scoring\s+(?:criteri|system)"
    r"|criterion|validat|survival|likelihood|\bcases\s+(?:are|were)|blindly|cell\s+lines"
    r"|those\s+with|package\s+insert"
)
# The same, case-sensitive on the lower-cased text: several times faster than IGNORECASE.
BOILERPLATE_LOW_RE = re.compile(BOILERPLATE_RE.pattern.removeprefix("(?i)").replace("H-?", "h-?"))

# Stain-run codes in a slide list: "ER-C. PR-C. HER2-C. NEG-HER2. NEG CONT." name control
# slides, not results.
CONTROL_BEFORE_RE = re.compile(r"(?:NEG|POS)[-\s]?$")
CONTROL_AFTER_RE = re.compile(r"-C\b")
# "Performed on another specimen (S-xx). Results: POSITIVE": a result from the biopsy follows.
ELSEWHERE_RE = re.compile(r"(?i)(?:previously\s+)?performed(?:\s+previously)?\s+on\s+")
RESULTS_LABEL_AHEAD_RE = re.compile(r"(?i)[^;]{0,40}?\bresults?\s*[:.-]")
# An H-score semiquantitation: "(0: 91%; 1+: 8%; 2+: 1%; 3+: 0%)": 9% of cells stain.
HSCORE_BINS_RE = re.compile(r"\(\s*0\s*:\s*(?P<zero>\d{1,3})\s*%\s*[;,]\s*1\s*\+\s*:")
# "ER/PR: 95%/0%": one percentage per name of the list.
SLASH_PERCENT_RE = re.compile(
    r"[\s:=-]{0,4}(?P<a>\d{1,3})\s*%\s*/\s*(?P<b>\d{1,3})\s*%(?:\s*/\s*(?P<c>\d{1,3})\s*%)?"
)
# A polarity word straight after a dash: "Estrogen receptor -. positive reaction" (a separator).
DASH_THEN_WORD_RE = re.compile(rf"[\s.:-]{{0,4}}(?:{_POS}|{_NEG}|{_EQV})", _I)
