"""Histologic type, Nottingham grade, margins, lymphovascular invasion and laterality.

Names are normalised to one spelling per type ("infiltrating duct carcinoma" is
"invasive ductal carcinoma"). Grade comes from an explicit histologic/Nottingham grade,
a Nottingham score (3-5 → 1, 6-7 → 2, 8-9 → 3) or the differentiation wording; a
nuclear grade, or any grade said of DCIS, is not the tumour's histologic grade.
"""

from __future__ import annotations

import bisect
import re

from nlp.finding import Finding

FIELDS = ("histology", "grade", "margins", "lymphovascular_invasion", "laterality")

def _lower_rx(pattern: str) -> re.Pattern:
    """Compile for the lower-cased text: a case-sensitive scan is several times faster
    than an IGNORECASE one, and the text is lower-cased once per document."""
    return re.compile(pattern.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P="))


_SEP = r"[\s.,-]+"        # OCR puts periods where lines broke: "INFILTRATING. DUCT CARCINOMA"
_NOT_IN_SITU = r"(?![\s.,-]*(?:\(\w+\)\s*)?in[\s-]+situ)"
_ADJ = r"(?:(?:well|moderately|poorly|mod\.?)[\s-]+(?:to[\s-]+(?:moderately|poorly)[\s-]+)?differentiated|high[\s-]grade|low[\s-]grade|intermediate[\s-]grade|multifocal|bifocal|residual|focal|unifocal|small|grade\s+[1-3I]{1,3}|,)"
_INV = r"(?:invasive|infiltrating|infiltrative)"

# Most specific first: the alternation stops at the first name that matches at a place.
_HISTOLOGY = [
    ("invasive mixed ductal and lobular carcinoma",
     rf"{_INV}{_SEP}(?:mammary{_SEP})?(?:carcinoma{_SEP}with{_SEP})?(?:mixed{_SEP})?duct(?:al)?{_SEP}and{_SEP}lobular(?:{_SEP}(?:features|carcinoma|type|differentiation))?"
     rf"|mixed{_SEP}(?:invasive{_SEP})?duct(?:al)?{_SEP}and{_SEP}lobular{_SEP}carcinoma"
     rf"|duct(?:al)?{_SEP}and{_SEP}lobular{_SEP}carcinoma(?:{_SEP}(?:invasive|infiltrating))?{_NOT_IN_SITU}"),
    ("ductal carcinoma in situ",
     rf"duct(?:al)?{_SEP}carcinoma[\s.,-]*(?:\(\w+\)\s*)?in[\s-]+situ|\bDCIS\b|intra-?ductal{_SEP}(?:\w+{_SEP})?carcinoma|carcinoma{_SEP}in{_SEP}situ,?{_SEP}ductal"),
    ("lobular carcinoma in situ",
     rf"lobular{_SEP}carcinoma[\s.,-]*(?:\(\w+\)\s*)?in[\s-]+situ|\bLCIS\b"),
    ("invasive micropapillary carcinoma", rf"(?:{_INV}{_SEP})?micro-?papillary{_SEP}(?:\w+{_SEP})?carcinoma{_NOT_IN_SITU}"),
    ("mucinous carcinoma", rf"(?:{_INV}{_SEP})?(?:mucinous|colloid)(?:\s*\((?:mucinous|colloid)\))?{_SEP}(?:\w+{_SEP})?carcinoma{_NOT_IN_SITU}"),
    ("tubular carcinoma", rf"(?:{_INV}{_SEP})?tubular{_SEP}carcinoma{_NOT_IN_SITU}"),
    ("medullary carcinoma", rf"(?:atypical{_SEP})?medullary{_SEP}carcinoma"),
    ("metaplastic carcinoma", rf"metaplastic{_SEP}(?:\w+{_SEP})?carcinoma"),
    ("apocrine carcinoma", rf"(?:{_INV}{_SEP})?apocrine{_SEP}carcinoma{_NOT_IN_SITU}"),
    ("invasive cribriform carcinoma", rf"{_INV}{_SEP}cribriform{_SEP}carcinoma"),
    ("adenoid cystic carcinoma", r"adenoid[\s-]+cystic[\s-]+carcinoma"),
    ("inflammatory carcinoma", rf"inflammatory{_SEP}(?:breast{_SEP})?carcinoma"),
    ("invasive papillary carcinoma", rf"{_INV}{_SEP}papillary{_SEP}carcinoma"),
    ("invasive ductal carcinoma",
     rf"{_INV}{_SEP}(?:{_ADJ}{_SEP}){{0,3}}duct(?:al)?{_SEP}(?:breast{_SEP}|cell{_SEP})?carcinoma{_NOT_IN_SITU}"
     rf"|duct(?:al)?{_SEP}(?:breast{_SEP})?carcinoma,?{_SEP}(?:invasive|infiltrating){_NOT_IN_SITU}"
     rf"|{_INV}{_SEP}(?:mammary{_SEP})?carcinoma,?{_SEP}(?:of{_SEP})?(?:no{_SEP}special{_SEP}type|NST\b|ductal{_SEP}type)"
     rf"|{_INV}{_SEP}(?:mammary{_SEP})?carcinoma{_SEP}with{_SEP}ductal{_SEP}features"
     r"|carcinoma\s+ductale\s+invasivum|\bIDC\b"),
    ("invasive lobular carcinoma",
     rf"{_INV}{_SEP}(?:{_ADJ}{_SEP}){{0,3}}(?:pleomorphic{_SEP})?lobular{_SEP}carcinoma{_NOT_IN_SITU}"
     rf"|lobular{_SEP}carcinoma,?{_SEP}(?:invasive|infiltrating)"
     rf"|{_INV}{_SEP}(?:mammary{_SEP})?carcinoma{_SEP}(?:with{_SEP}lobular{_SEP}features|lobular{_SEP}type)"
     r"|carcinoma\s+lobulare\s+invasivum|\bILC\b"),
    ("invasive mammary carcinoma", rf"{_INV}{_SEP}(?:mammary{_SEP}|breast{_SEP})?(?:adeno)?carcinoma(?!{_SEP}in{_SEP}situ)"),
    # Bare "ductal carcinoma" with no in-situ qualifier is, in a resection report, the invasive tumour.
    ("invasive ductal carcinoma*", rf"(?<!in situ )\bduct(?:al)?{_SEP}(?:breast{_SEP})?carcinoma{_NOT_IN_SITU}"),
    ("invasive lobular carcinoma*", rf"\blobular{_SEP}carcinoma{_NOT_IN_SITU}"),
]
_HISTOLOGY_RE = _lower_rx("|".join(f"(?P<h{i}>{pat})" for i, (_, pat) in enumerate(_HISTOLOGY)))
_IN_SITU_NAMES = {"ductal carcinoma in situ", "lobular carcinoma in situ"}

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "1": 1, "2": 2, "3": 3, "one": 1, "two": 2, "three": 3,
          "low": 1, "intermediate": 2, "high": 3, "l": 1, "il": 2, "ll": 2, "iil": 3, "ill": 3,
          "lll": 3, "li": 2, "lii": 3}
_GRADE_VALUE = r"(?P<g>[1-3](?![\d.,]\d)|I{1,3}\b|[Il]{1,3}\b|one|two|three|low|intermediate|high)"
_GRADE_RE = _lower_rx(
    r"(?P<kind>nottingham|histologic(?:al)?|overall|combined|elston(?:[\s-]+ellis)?|modified\s+(?:scarff[\s-]+)?bloom[\s-]+(?:and\s+)?richardson"
    r"|(?:scarff[\s-]+)?bloom[\s-]+(?:and\s+)?richardson|s\.?b\.?r\.?|n\.?s\.?a\.?b\.?p\.?\s+histology|tumou?r|nuclear|histological)?"
    r"\s*(?:histologic\s+)?grade\s*(?:\([^)]{0,14}\))?\s*(?:is\s+)?[:=]?\s*(?:grade\s*)?" + _GRADE_VALUE
    + r"(?:\s*(?:/\s*(?:3|III)|\(?\s*of\s+(?:3|III)\)?))?"
)
_NHG_RE = re.compile(r"\bNHG\s*(?P<g>[1-3])\b|(?<![A-Za-z])G\s?(?P<g2>[1-3]|III|II|I)(?![\w+])")
_SCORE_RE = _lower_rx(
    r"(?:nottingham|total|combined|overall|s\.?b\.?r\.?|bloom[\s-]+richardson|histologic)\s+(?:\w+\s+)?score\s*(?:of\s*)?[:=]?\s*"
    r"(?P<s>[3-9])(?:\s*(?:/|of|out\s+of)\s*9)?\b(?!\s*[.,]\d)"
    r"|\((?P<w>three|four|five|six|seven|eight|nine)\s+points\)"
)
_WORD_NUM = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_DIFF_RE = _lower_rx(
    r"\b(?P<d>well|moderately|poorly)(?:[\s.-]+to[\s.-]+(?P<d2>moderately|poorly))?[\s.-]+differentiated"
)
_DIFF = {"well": 1, "moderately": 2, "poorly": 3}
_DCIS_CONTEXT_RE = re.compile(r"(?i)\bDCIS\b|in[\s-]+situ|intraductal")
_INVASIVE_CONTEXT_RE = re.compile(r"(?i)invasive|infiltrating|invasivum")
_BLOCK_RE = re.compile(r"(?i)(?:block|slide|cassette|section|blocks|slides|level)s?\s*[:#]?\s*[\w,\s-]{0,8}$")

_MARGIN_NEG_RE = _lower_rx(
    r"(?:all\s+)?(?:surgical\s+|resection\s+|inked\s+|excision(?:al)?\s+)*margins?"
    r"(?:\s*\([^)]{0,30}\))?(?:[^.;]{0,70}?)\s*(?:are|is)?\s*[:-]?\s*(?:widely\s+|technically\s+)?"
    r"(?P<v>negative|free|clear|uninvolved|not\s+involved|without\s+(?:tumou?r|carcinoma)|(?:are\s+)?(?:widely\s+)?free\s+of)"
    r"|(?P<v2>negative|free|clear|uninvolved|widely\s+free)\s+(?:surgical\s+|resection\s+|inked\s+)*margins?"
)
_MARGIN_POS_RE = _lower_rx(
    r"(?:surgical\s+|resection\s+|inked\s+)*margins?(?:\s*\([^)]{0,30}\))?\s*(?:are|is)?\s*[:-]?\s*"
    r"(?<!un)(?<!not\s)(?P<v>positive|involved)(?!\s+by\s+(?:DCIS|in\s+situ))"
    r"|(?P<v2>positive)\s+(?:surgical\s+|resection\s+)?margins?"
    r"|(?:carcinoma|tumou?r)\s+(?:is\s+)?(?:present\s+)?(?:extends\s+)?(?:at|to|involves)\s+(?:the\s+)?(?:inked\s+)?(?:\w+\s+){0,2}(?:resection\s+|surgical\s+)?margin"
)
_MARGIN_CLOSE_RE = _lower_rx(
    r"close\s+(?:\w+\s+)?margins?|margins?\s+(?:is|are)\s+close|(?:\w+\s+)?margin\s*[:-]\s*close"
)
_MARGIN_DIST_RE = _lower_rx(
    r"(?P<cmp>[<>]|less\s+than|greater\s+than)?\s*(?P<d>\d+(?:\.\d+)?)\s*(?P<u>mm|cm)\s+(?:away\s+)?(?:from|to)\s+(?:the\s+)?"
    r"(?:nearest|closest)?\s*(?:[\w/-]+\s+){0,3}?(?:resection\s+|surgical\s+|inked\s+)?margin"
    r"|(?:distance\s+(?:of\s+invasive\s+carcinoma\s+)?(?:from|to)\s+(?:the\s+)?(?:nearest|closest)\s+(?:\w+\s+)?margin|minimum\s+(?:tumou?r[\s-]+free\s+)?margin)"
    r"[^\d<>]{0,20}(?P<cmp2>[<>])?\s*(?P<d2>\d+(?:\.\d+)?)\s*(?P<u2>mm|cm)"
)

_LVI_NAME = (
    r"(?:lympho-?vascular|lymph-?vascular|angio-?lymphatic|vascular/lymphatic|lymphatic/vascular"
    r"|lymphatic\s+(?:and|or|/)\s+(?:blood\s+)?vascular|(?:blood\s+)?vessel\s+and\s+lymphatic|lymphatic"
    r"|vascular|lymph\s+vessel)(?:\s+space)?\s+(?:invasion|involvement|permeation)(?:\s*\(LVI\))?|\bLVI\b"
)
_LVI_RE = _lower_rx(rf"(?P<pre>\b(?:no|without|negative\s+for|absence\s+of|free\s+of)\s+(?:evidence\s+of\s+|definite\s+|definitive\s+)?)?(?P<name>{_LVI_NAME})")
_LVI_AFTER_RE = _lower_rx(
    r"\s*(?:\([^)]{0,15}\))?\s*(?:is|are)?\s*[:=-]?\s*(?:(?P<neg>not\s+(?:identified|seen|present|detected)|absent|none|negative|no\b)"
    r"|(?P<pos>present|identified|seen|positive|yes\b|focal|extensive|suspicious))"
)
_LVI_TNM_RE = re.compile(r"(?<![A-Za-z])p?L(?P<l>[01O])(?![\w])")
_TNM_NEAR_RE = re.compile(r"p?T[0-4Xx]|\bG\s?[1-3]\b|p?N[0-3OX]")
_PERINODAL_RE = re.compile(r"(?i)(?:peri-?nodal|extra-?nodal|dermal)[\s-]+$")

_LATERALITY_RE = _lower_rx(
    r"laterality\s*[:\-]?\s*(?P<lab>left|right|bilateral)"
    r"|\b(?P<side>left|right|bilateral)\b[\s.,-]*(?:\w+[\s.,-]+)?(?P<organ>breast|mastectomy|lumpectomy|axill\w*|sentinel|nipple|segmentectomy|quadrant)"
    r"|(?P<organ2>breast|mastectomy|lumpectomy|axilla)\s*,?\s*(?:\(\s*)?(?P<side2>left|right|bilateral)\b"
)


# One scan of the lower-cased text finds where each kind of statement can be; the
# heavier patterns then run only in a window around those places.
_ANCHOR_RE = re.compile(
    r"\b(?:(?P<carc>carcinoma|dcis|lcis|idc|ilc|carcinoma\w*)"
    r"|(?P<grade>grade)|(?P<score>score|points)|(?P<diff>differentiated)"
    r"|(?P<g>nhg\s?[1-3]\b|g\s?(?:[1-3]|iii|ii|i)(?![\w+]))"
    r"|(?P<margin>margins?)|(?P<lvi>invasion|involvement|permeation|lvi)"
    r"|(?P<side>left|right|bilateral|laterality)|(?P<tnml>p?l[01o](?![\w]))|\w*(?P<carc2>carcinoma))"
)
# _ANCHOR_RE without its last alternative: `\w*carcinoma` makes the engine walk every word
# of the report; words with "carcinoma" inside are found with str.find instead (_anchors).
_ANCHOR_MAIN_RE = re.compile(_ANCHOR_RE.pattern.replace(r"|\w*(?P<carc2>carcinoma))", ")"))
_WORD_CHAR_RE = re.compile(r"\w")
_WINDOWS = {"carc": (90, 45), "grade": (70, 40), "score": (60, 25), "diff": (40, 5), "g": (5, 8),
            "margin": (100, 70), "lvi": (70, 50), "side": (5, 60), "tnml": (2, 4)}


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few Unicode letters change length when lower-cased
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def _anchors(low: str) -> dict[str, list[tuple[int, int]]]:
    """_ANCHOR_RE.finditer(low), grouped by kind ("carc2" counted as "carc")."""
    out: dict[str, list[tuple[int, int]]] = {k: [] for k in _WINDOWS}
    main = [(m.start(), m.end(), m.lastgroup) for m in _ANCHOR_MAIN_RE.finditer(low)]
    extra = _inner_carcinoma_words(low, main)
    if extra:
        main = sorted(main + extra)
    for start, end, kind in main:
        out["carc" if kind == "carc2" else kind].append((start, end))
    return out


def _inner_carcinoma_words(low: str, main: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    r"""The matches of `\b\w*carcinoma` (greedy: to the word's last "carcinoma") that
    _ANCHOR_RE makes where none of its other alternatives matches or overlaps."""
    out: list[tuple[int, int, str]] = []
    pos = low.find("carcinoma")
    if pos < 0:
        return out
    starts = {s for s, _, _ in main}
    spans = sorted((s, e) for s, e, _ in main)
    taken_word = -1
    while pos >= 0:
        ws = pos
        while ws > 0 and _WORD_CHAR_RE.match(low[ws - 1]):
            ws -= 1
        if ws != pos and ws != taken_word and ws not in starts:
            we = pos + 9
            while we < len(low) and _WORD_CHAR_RE.match(low[we]):
                we += 1
            last = low.rfind("carcinoma", ws, we)
            i = bisect.bisect_right(spans, (ws, len(low))) - 1
            if i < 0 or spans[i][1] <= ws:
                out.append((ws, last + 9, "carc2"))
            taken_word = ws
        pos = low.find("carcinoma", pos + 9)
    return out


def _around(regex: re.Pattern, text: str, anchors: list[tuple[int, int]], kind: str):
    """Matches of `regex` that overlap one of the anchors, each found once, in order."""
    before, after = _WINDOWS[kind]
    last_end = -1
    for a_start, a_end in anchors:
        if a_end <= last_end:
            continue
        lo = max(0, a_start - before, last_end)
        space = text.rfind(" ", 0, lo)
        lo = max(space + 1, last_end, 0) if lo > 0 else 0
        hi = min(len(text), a_end + after)
        for m in regex.finditer(text, lo, hi):
            if m.start() >= a_end:
                break
            if m.end() > a_start:
                last_end = m.end()
                yield m
                break


def _finding(text, field, value, start, end, conf, attrs=None, derived=False) -> Finding:
    return Finding(field=field, value=value, text=text[start:end], start=start, end=end,
                   confidence=conf, derived=derived, attributes=attrs or {})


def _context_before(text: str, start: int, width: int = 80) -> str:
    before = text[max(0, start - width): start]
    cut = max(before.rfind(". "), before.rfind("; "), before.rfind("\n"), before.rfind(" - "))
    return before[cut + 1:] if cut >= 0 else before


def _histology(text: str, anchors) -> list[Finding]:
    out = []
    for m in _around(_HISTOLOGY_RE, anchors["low"], anchors["carc"], "carc"):
        idx = int(m.lastgroup[1:])
        name = _HISTOLOGY[idx][0]
        conf = 0.92
        if name.endswith("*"):
            name, conf = name[:-1], 0.6
        attrs = {"invasive": name not in _IN_SITU_NAMES}
        out.append(_finding(text, "histology", name, m.start(), m.end(), conf, attrs))
    return out


def _grade_value(raw: str) -> int | None:
    return _ROMAN.get(raw.lower().replace(" ", ""))


def _dcis_grade(text: str, start: int) -> bool:
    before = _context_before(text, start)
    return bool(_DCIS_CONTEXT_RE.search(before)) and not _INVASIVE_CONTEXT_RE.search(before)


def _grades(text: str, anchors) -> list[Finding]:
    out = []
    for m in _around(_GRADE_RE, anchors["low"], anchors["grade"], "grade"):
        kind = (m.group("kind") or "").lower()
        if kind == "nuclear" or re.search(r"(?i)nuclear\s*\.?\s*$", text[max(0, m.start() - 10): m.start()]):
            continue
        g = _grade_value(m.group("g"))
        if g is None:
            continue
        if kind in ("", "tumor", "tumour") and m.group("g").lower() in ("low", "intermediate", "high"):
            continue  # "high grade" alone is usually said of DCIS or dysplasia
        conf = 0.93 if kind else 0.8
        attrs = {}
        if _dcis_grade(text, m.start()):
            attrs["dcis"] = True
            conf = 0.4
        out.append(_finding(text, "grade", g, m.start(), m.end(), conf, attrs))
    for m in _around(_NHG_RE, text, anchors["g"], "g"):
        raw = m.group("g") or m.group("g2")
        if m.group("g2") and _BLOCK_RE.search(text[max(0, m.start() - 20): m.start()]):
            continue
        g = _grade_value(raw)
        if g is None:
            continue
        conf = 0.9 if m.group("g") else 0.75
        attrs = {"dcis": True} if _dcis_grade(text, m.start()) else {}
        out.append(_finding(text, "grade", g, m.start(), m.end(), 0.4 if attrs else conf, attrs))
    for m in _around(_SCORE_RE, anchors["low"], anchors["score"], "score"):
        s = int(m.group("s")) if m.group("s") else _WORD_NUM[m.group("w").lower()]
        g = 1 if s <= 5 else 2 if s <= 7 else 3
        out.append(_finding(text, "grade", g, m.start(), m.end(), 0.88, {"nottingham_score": s},
                            derived=True))
    for m in _around(_DIFF_RE, anchors["low"], anchors["diff"], "diff"):
        g = _DIFF[(m.group("d2") or m.group("d")).lower()]
        attrs = {"from": "differentiation"}
        conf = 0.7
        if _dcis_grade(text, m.start()):
            attrs["dcis"] = True
            conf = 0.35
        out.append(_finding(text, "grade", g, m.start(), m.end(), conf, attrs, derived=True))
    return out


def _mm(value: str, unit: str) -> float:
    v = float(value) * (10 if unit.lower() == "cm" else 1)
    return int(v) if v.is_integer() else round(v, 2)


def _margins(text: str, anchors) -> list[Finding]:
    out = []
    taken: list[tuple[int, int]] = []
    for regex, value, conf in ((_MARGIN_CLOSE_RE, "close", 0.85), (_MARGIN_NEG_RE, "negative", 0.88),
                               (_MARGIN_POS_RE, "positive", 0.85)):
        for m in _around(regex, anchors["low"], anchors["margin"], "margin"):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            v = value
            if value == "negative" and re.search(r"(?i)\b(?:for|of)\s+(?:the\s+)?(?:DCIS|in\s+situ)", text[m.end(): m.end() + 20]):
                continue
            taken.append((m.start(), m.end()))
            out.append(_finding(text, "margins", v, m.start(), m.end(), conf))
    for m in _around(_MARGIN_DIST_RE, anchors["low"], anchors["margin"], "margin"):
        d, u = (m.group("d"), m.group("u")) if m.group("d") else (m.group("d2"), m.group("u2"))
        cmp = m.group("cmp") or m.group("cmp2")
        attrs = {"distance_mm": _mm(d, u)}
        if cmp:
            attrs["distance_comparator"] = "<" if cmp.lower() in ("<", "less than") else ">"
        out.append(_finding(text, "margins", "negative", m.start(), m.end(), 0.75, attrs))
    return out


def _lvi(text: str, anchors) -> list[Finding]:
    out = []
    for m in _around(_LVI_RE, anchors["low"], anchors["lvi"], "lvi"):
        attrs = {}
        if _PERINODAL_RE.search(text[max(0, m.start() - 12): m.start()]):
            attrs["dermal_or_perinodal"] = True
        if m.group("pre"):
            out.append(_finding(text, "lymphovascular_invasion", "absent", m.start(), m.end(), 0.9, attrs))
            continue
        a = _LVI_AFTER_RE.match(anchors["low"], m.end(), min(len(text), m.end() + 40))
        if a:
            value = "absent" if a.group("neg") else "present"
            out.append(_finding(text, "lymphovascular_invasion", value, m.start("name"), a.end(), 0.9, attrs))
        elif re.search(r"(?i)\b(?:with|shows?|showing|and|including|focal|extensive|presence\s+of)\s+(?:\w+\s+)?$", text[max(0, m.start() - 25): m.start()]):
            out.append(_finding(text, "lymphovascular_invasion", "present", m.start("name"), m.end(), 0.75, attrs))
    for m in _around(_LVI_TNM_RE, text, anchors["tnml"], "tnml"):
        if not _TNM_NEAR_RE.search(text, max(0, m.start() - 40), min(len(text), m.end() + 20)):
            continue
        value = "present" if m.group("l") == "1" else "absent"
        out.append(_finding(text, "lymphovascular_invasion", value, m.start(), m.end(), 0.7, {"from": "TNM L"}))
    return out


def _laterality(text: str, anchors) -> list[Finding]:
    out = []
    for m in _around(_LATERALITY_RE, anchors["low"], anchors["side"], "side"):
        if m.group("lab"):
            out.append(_finding(text, "laterality", m.group("lab").lower(), m.start(), m.end(), 0.95))
            continue
        side = (m.group("side") or m.group("side2")).lower()
        organ = (m.group("organ") or m.group("organ2")).lower()
        conf = 0.85 if organ.startswith(("breast", "mastectomy", "lumpectomy", "segmentectomy", "quadrant", "nipple")) else 0.7
        out.append(_finding(text, "laterality", side, m.start(), m.end(), conf))
    return out


def extract(text: str) -> list[Finding]:
    low = _lower(text)
    anchors = _anchors(low)
    anchors["low"] = low
    return (_histology(text, anchors) + _grades(text, anchors) + _margins(text, anchors)
            + _lvi(text, anchors) + _laterality(text, anchors))


def _pick(findings: list[Finding], field: str, *prefer) -> Finding | None:
    """The first finding of `field` that passes the earliest preference that any passes."""
    candidates = [f for f in findings if f.field == field and f.value is not None]
    for test in prefer:
        best = [f for f in candidates if test(f)]
        if best:
            candidates = best
            break
    if not candidates:
        return None
    # Findings arrive best first; among those, a clearly stronger statement still wins.
    top = max(f.confidence for f in candidates)
    return next(f for f in candidates if f.confidence >= top - 0.15)


def summarize(findings: list[Finding]) -> dict:
    # A named invasive type beats "invasive carcinoma" said in passing, which beats DCIS.
    hist = _pick(findings, "histology",
                 lambda f: f.attributes.get("invasive") and f.confidence >= 0.9
                 and f.value != "invasive mammary carcinoma",
                 lambda f: f.attributes.get("invasive"))
    grade = _pick(findings, "grade", lambda f: not f.attributes.get("dcis"))
    margins = _pick(findings, "margins")
    lvi = _pick(findings, "lymphovascular_invasion",
                lambda f: not f.attributes.get("dermal_or_perinodal"))
    side = _pick(findings, "laterality")
    out = {
        "histology": hist.value if hist else None,
        "grade": grade.value if grade and not grade.attributes.get("dcis") else None,
        "laterality": side.value if side else None,
        "margins": margins.value if margins else None,
        "lymphovascular_invasion": lvi.value if lvi else None,
    }
    distances = [f.attributes["distance_mm"] for f in findings
                 if f.field == "margins" and "distance_mm" in f.attributes]
    if distances:
        out["margin_distance_mm"] = min(distances)
    sides = {f.value for f in findings if f.field == "laterality" and f.confidence >= 0.85}
    if {"left", "right"} <= sides:
        out["laterality_mentions"] = sorted(sides)
    return out
