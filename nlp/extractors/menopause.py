"""Menopausal status, which decides endocrine options (an aromatase inhibitor alone
needs postmenopausal status; premenopausal patients need ovarian suppression with it).

Explicit statements ("postmenopausal", "Menopausal status: pre") win over inferences
("LMP 2 years ago", "s/p bilateral oophorectomy"), which carry lower confidence.
Ovarian suppression is a separate finding: it makes a premenopausal patient's ovaries
inactive but does not change what her status is recorded as.
"""

from __future__ import annotations

import re

from nlp.extractors.treatments import lower_same_length
from nlp.finding import Finding

FIELDS = ("menopausal_status", "ovarian_suppression")

_ANCHOR = re.compile(r"menopaus|menstrua|menses|lmp|last\s+menstrual|period|oophorectom|bso|ovarian|ofs|"
                     r"amenorrh")

_EXPLICIT = re.compile(
    r"(?<![a-z])(?P<neg>not\s+(?:yet\s+)?|non-?)?(?P<kind>pre|peri|post)(?:\s*-\s*|\s*)menopaus(?:al|e)(?![a-z])"
)
_STATUS_FIELD = re.compile(
    r"menopausal\s+status\s*[:=-]?\s*(?P<kind>pre|peri|post)(?:-?\s*menopausal)?(?![a-z])"
)
_NOT_MENOPAUSAL = re.compile(r"(?<![a-z])(?:not\s+(?:yet\s+)?menopausal|has\s+not\s+(?:yet\s+)?gone\s+through\s+menopause)")
_MENOPAUSE_AT = re.compile(
    r"(?<![a-z])(?:menopause\s+(?:at\s+(?:age\s+)?\d{2}|age\s+\d{2}|since\s+\S+|in\s+\d{4})|(?:went|gone)\s+through\s+menopause|"
    r"(?:is|became)\s+menopausal|natural\s+menopause)"
)
_MENSTRUATING = re.compile(
    r"(?<![a-z])(?:still\s+(?:menstruating|has\s+(?:regular\s+)?(?:menses|periods))|"
    r"regular\s+(?:menses|menstrual\s+(?:cycles?|periods?)|periods)|menstruating\s+regularly)"
)
_IRREGULAR = re.compile(r"(?<![a-z])irregular\s+(?:menses|periods|menstrual\s+(?:cycles?|periods?))")
_LMP = re.compile(
    r"(?<![a-z])(?:lmp|last\s+menstrual\s+period)\s*[:=-]?\s*(?:was\s+)?(?:about\s+|approximately\s+|~\s*|>\s*)?"
    r"(?:(?P<n>\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|several|many)\s*\+?\s*"
    r"(?P<u>years?|yrs?|months?|mos?|weeks?|wks?|days?)\s+ago"
    r"|(?:at\s+)?age\s+(?P<age>\d{2}))"
)
_AMENORRHEA = re.compile(
    r"(?<![a-z])(?:no\s+(?:menses|periods|menstrual\s+periods?)|amenorrh(?:ea|eic))\s+(?:for|x|since)\s+"
    r"(?:(?:about|approximately|over|>)\s+)?(?P<n>\d+|one|two|three|four|five|six|twelve|eighteen|several)\s*"
    r"(?P<u>years?|yrs?|months?|mos?)"
)
_OOPHORECTOMY = re.compile(
    r"(?<![a-z])(?:s/p|status\s+post|history\s+of|h/o|after|underwent|had)\s+(?:an?\s+)?(?:prophylactic\s+|"
    r"risk[\s-]+reducing\s+)?(?:total\s+abdominal\s+hysterectomy\s+(?:and|with|/)\s+|tah[\s/-]*)?"
    r"(?P<bilat>bilateral\s+)?(?:salpingo-?\s*)?(?:oophorectom(?:y|ies)|bso)(?![a-z])"
)
_OFS = re.compile(
    r"(?<![a-z])(?:ovarian\s+(?:function\s+)?suppression|ofs|ovarian\s+ablation)(?![a-z])"
)
_NEG_BEFORE = re.compile(r"(?:\bno\b|\bnot\b|\bwithout\b|\bdeclined\b|\bnever\b)[^.;\n]{0,25}$")
_PLAN_BEFORE = re.compile(r"(?:\bplan|\bconsider|\brecommend|\bdiscuss|\bwill\b|\bcandidate|\boption)[^.;\n]{0,40}$")

_WORDNUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18, "several": 3, "many": 5}


def _months(n: str, unit: str) -> float:
    v = float(n) if n[0].isdigit() else _WORDNUM[n]
    if unit.startswith("y"):
        return v * 12
    if unit.startswith("m"):
        return v
    if unit.startswith("w"):
        return v / 4.3
    return v / 30


def _f(text: str, value: str, start: int, end: int, conf: float, field: str = "menopausal_status",
       assertion: str = "present", **attrs) -> Finding:
    return Finding(field=field, value=value, text=text[start:end], start=start, end=end,
                   confidence=conf, assertion=assertion, attributes=attrs)


def extract(text: str) -> list[Finding]:
    low = lower_same_length(text)
    if not _ANCHOR.search(low):
        return []
    out: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    kinds = {"pre": "premenopausal", "peri": "perimenopausal", "post": "postmenopausal"}
    for m in _STATUS_FIELD.finditer(low):
        out.append(_f(text, kinds[m.group("kind")], m.start(), m.end(), 0.95, basis="stated"))
        taken.append(m.span())
    for m in _NOT_MENOPAUSAL.finditer(low):
        if free(*m.span()):
            out.append(_f(text, "premenopausal", m.start(), m.end(), 0.85, basis="stated"))
            taken.append(m.span())
    for m in _EXPLICIT.finditer(low):
        if not free(*m.span()):
            continue
        value = kinds[m.group("kind")]
        if m.group("neg"):
            # "not postmenopausal" says pre- or perimenopausal; "non-menopausal" is rare
            # enough to read the same way.
            if value != "postmenopausal":
                continue
            value = "premenopausal"
            out.append(_f(text, value, m.start(), m.end(), 0.8, basis="stated"))
        else:
            out.append(_f(text, value, m.start(), m.end(), 0.95, basis="stated"))
        taken.append(m.span())
    for m in _MENOPAUSE_AT.finditer(low):
        if free(*m.span()):
            out.append(_f(text, "postmenopausal", m.start(), m.end(), 0.85, basis="menopause"))
            taken.append(m.span())
    for m in _MENSTRUATING.finditer(low):
        if free(*m.span()):
            out.append(_f(text, "premenopausal", m.start(), m.end(), 0.75, basis="menses"))
    for m in _IRREGULAR.finditer(low):
        if free(*m.span()):
            out.append(_f(text, "perimenopausal", m.start(), m.end(), 0.6, basis="menses"))
    for m in _LMP.finditer(low):
        if m.group("age"):
            out.append(_f(text, "postmenopausal", m.start(), m.end(), 0.7, basis="lmp"))
            continue
        months = _months(m.group("n"), m.group("u"))
        # Twelve months without a period is the clinical definition of menopause.
        if months >= 12:
            out.append(_f(text, "postmenopausal", m.start(), m.end(), 0.75, basis="lmp", lmp_months=round(months)))
        elif months <= 3:
            out.append(_f(text, "premenopausal", m.start(), m.end(), 0.6, basis="lmp", lmp_months=round(months, 1)))
        else:
            out.append(_f(text, "perimenopausal", m.start(), m.end(), 0.5, basis="lmp", lmp_months=round(months, 1)))
    for m in _AMENORRHEA.finditer(low):
        months = _months(m.group("n"), m.group("u"))
        if months >= 12:
            out.append(_f(text, "postmenopausal", m.start(), m.end(), 0.65, basis="amenorrhea",
                          lmp_months=round(months)))
    for m in _OOPHORECTOMY.finditer(low):
        # Removing both ovaries ends ovarian function; a unilateral operation does not,
        # and "BSO" / "salpingo-oophorectomy" in a history line is nearly always bilateral.
        span = text[m.start():m.end()].lower()
        if "bilateral" not in span and "bso" not in span and "salpingo" not in span:
            continue
        out.append(_f(text, "postmenopausal", m.start(), m.end(), 0.6, basis="surgical"))
    for m in _OFS.finditer(low):
        if m.group(0) == "ofs" and text[m.start():m.end()] != "OFS":
            continue
        before = low[max(0, m.start() - 60):m.start()]
        assertion = "present"
        if _NEG_BEFORE.search(before):
            assertion = "negated"
        elif _PLAN_BEFORE.search(before):
            assertion = "hypothetical"
        out.append(_f(text, True, m.start(), m.end(), 0.85, field="ovarian_suppression", assertion=assertion))
    out.sort(key=lambda f: f.start)
    return out


def summarize(findings: list[Finding]) -> dict:
    status = [f for f in findings if f.field == "menopausal_status" and f.assertion == "present"]
    out: dict = {}
    if status:
        # The most certain statement wins; among equals the later one, since a note's
        # assessment comes after its history.
        best = max(enumerate(status), key=lambda p: (p[1].confidence, p[0]))[1]
        out["menopausal_status"] = best.value
    if any(f.field == "ovarian_suppression" and f.assertion == "present" for f in findings):
        out["ovarian_suppression"] = True
    return out
