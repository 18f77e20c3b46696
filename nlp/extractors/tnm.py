"""TNM categories and the stated AJCC stage group, as pathologists write them.

Values use AJCC spelling without the p/c/yp prefix (`T1c`, `N1mi`, `N0(i+)`, `M0`); the
prefix goes in `attributes["prefix"]`. Reports are often OCR'd, so digits read as
letters (`pNO`, `pNla`, `Tlc`, `MO`, stage `lla`) are accepted, but only where a
prefix or a neighbouring T/N/M token makes the reading unambiguous: a bare "T2" or
"NO" on its own is ordinary text ("T2 weighted", "NO TUMOR SEEN").
"""

from __future__ import annotations

import re

from nlp.finding import Finding
from nlp.staging_summary import summarize as summarize  # noqa: F401  (re-exported)

FIELDS = ("t_category", "n_category", "m_category", "stage_group")

# OCR confuses 0/O/o and 1/I/l/i; these are read as digits only inside a category token.
_DIGIT = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "i": "1", "|": "1"})

# "AJCCpN0(sn)" runs the prefix into the edition's name.
_B = r"(?:(?<![A-Za-z0-9])|(?<=AJCC))"
# "p", "yp", "c", "yc", "r", "a"; "p T2" and "p.T2" occur after OCR.
_T_PRE = r"(?:(?P<tpre>[yY]?[pP]|[yY][cC]|[rR]|[cC]|a)[ .]?)"
_T_VAL = (
    r"T[ .]?(?:(?P<tis>is|IS|Is)(?![A-Za-z])"
    r"|(?P<tnum>[0-4OIil])(?:[ ]?(?P<tsub>mi|MI|[a-dA-D]))?"
    r"|(?P<tx>[Xx]))"
)
_N_PRE = r"(?:(?P<nsn>\(sn\)\s?|sn\s?)?(?P<npre>[yY]?[pP]|[cC])?[ .]?)"
_N_VAL = (
    r"(?P<nletter>N?N)[ .]?(?:(?P<nnum>[0-3OoIil])(?:[ ]?(?P<nsub>(?:1[ ]?)?\(mi\)|mic?|MIC?|[a-cA-C](?![a-z])))?"
    r"|(?P<nx>[Xx]))"
)
# Modifiers right after N: "(sn)", "(i-)", "(i +)", "(mol-)", "(I+)", " sn", "(0/3;sn)".
_N_MOD = (
    r"(?P<nmod>(?:\s?\((?:[iI]|mol|MOL|sn|SN|f)\s?[+-]?\s?\)|\s?\([^()]{0,10};\s?sn\)|[iI]\s?[+-]"
    r"|\s?sn(?![a-z]))*)"
)
_M_PART = (
    r"(?P<mpre>[pPcC])?(?P<mletter>M)[ .\-]?(?P<m>[01Oo](?![0-9])|[Xx]|n/a|N/A)"
    r"(?P<mmod>\s?\(i\s?\+\))?"
)
# Between the parts of a combined string: separators and short parentheticals such as
# "(m)", "(mult)", "(3 cm)", "(2/16)".
_GAP = r"(?:[\s.,;:]{0,3}\([^()]{1,14}\)){0,2}[\s.,;:]{0,3}"
# Before M a longer remark may sit in brackets: "pN1mi (intranodal micrometastasis), MX".
_M_GAP = r"(?:[\s.,;:]{0,3}\([^()]{1,40}\)){0,2}[\s.,;:]{0,3}"

_COMBINED_RE = re.compile(
    r"(?=[yYpPcCrRaT])" + _B + _T_PRE + r"?" + _T_VAL + r"(?![a-z0-9])" + _GAP + _N_PRE + _N_VAL + r"(?![a-z0-9])"
    + _N_MOD + r"(?:" + _M_GAP + _M_PART + r"(?![a-z0-9]))?"
)
# T, N or M on its own needs a prefix ("pT2", "pNO", "cM0"); the lookahead lets the
# engine skip every position that cannot start one.
_ALONE_RE = re.compile(
    r"(?=[yYpPcCrRas(])" + _B + r"(?:(?P<T>" + _T_PRE + _T_VAL + r"(?![a-z0-9]))"
    r"|(?P<N>(?:(?P<nsn>\(sn\)\s?|sn\s?)?(?P<npre>[yY]?[pP]|[cC])[ .]?)" + _N_VAL
    + r"(?:(?![a-z0-9])|(?=[iI]\s?[+-]))" + _N_MOD + r")"
    r"|(?P<M>(?P<mpre>[yY]?[pP]|[cC])M[ .\-]?(?P<m>[01Oo](?![0-9])|[Xx]|n/a|N/A)(?![A-Za-z0-9])"
    r"(?P<mmod>\s?\(i\s?\+\))?))"
)
# "T Stage: 2 N Stage: 1a M Stage: 0" (biobank sample sheets).
_STAGE_SHEET_RE = re.compile(
    r"\bT Stage:\s?(?P<t>[0-4X](?:[a-d]|mi)?|is)\s+N Stage:\s?(?P<n>[0-3X](?:[a-c]|mi)?)"
    r"(?:\s+M Stage:\s?(?P<m>[01X]))?",
    re.IGNORECASE,
)
# Synoptic "Primary Tumor (pT): T2" / "T STAGE, PATHOLOGIC: T2" without a prefix.
_LABELLED_T_RE = re.compile(
    r"(?:primary tumou?r(?: \(invasive carcinoma\))?\s?(?:\(?p?T\)?)?|T stage(?:, pathologic)?)"
    r"\s?[:\-]\s?(?P<val>T[ ]?(?:is|[0-4IlO](?:mi|[a-d])?|X))(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_LABELLED_N_RE = re.compile(
    r"(?:regional lymph nodes\s?(?:\(?p?N\)?)?|N stage(?:, pathologic)?)"
    r"\s?[:\-]\s?(?P<val>N[ ]?(?:[0-3IlO](?:mi|[a-c])?|X))(?![A-Za-z0-9])",
    re.IGNORECASE,
)

_STAGE_RE = re.compile(
    r"(?<![A-Za-z])(?P<kw>[Ss]tage|STAGE)(?:\s?(?:[Gg]roup(?:ing)?|GROUP(?:ING)?))?"
    r"(?:\s?\((?:AJCC|ajcc)[^()]{0,20}\))?[\s:.,]{0,4}"
    r"(?:(?P<roman>IV|[IlL1|]{1,3}(?![0-9])|0)(?:(?P<rsub>[ABC]|(?<=[Il])[abc])|[ ](?P<rsub2>[ABC]))?"
    r"|(?P<arabic>[1-4])(?P<asub>[ABCabc])?)"
    r"(?![A-Za-z0-9])"
)
_STAGE_GROUPS = {"0", "I", "IA", "IB", "II", "IIA", "IIB", "III", "IIIA", "IIIB", "IIIC", "IV"}
_CLINICAL_BEFORE_RE = re.compile(r"clinical\s*$", re.IGNORECASE)
# Background text about stages ("... in stage II, node-positive breast cancer patients").
_GENERIC_AFTER_RE = re.compile(r"patients|node-(?:positive|negative) breast", re.IGNORECASE)
_SHEET_BEFORE_RE = re.compile(r"\b[TNM] $")
# "correct the tumor stage from T2, N1, MX to T2, N1mic, MX": the first is withdrawn.
_FROM_BEFORE_RE = re.compile(r"\bfrom\s*$", re.IGNORECASE)
_TO_AFTER_RE = re.compile(r"^[\s,.]*to\b", re.IGNORECASE)
_MULTIFOCAL_RE = re.compile(r"\s?\((?:m|mult|multi|multifocal|\d+)\)", re.IGNORECASE)
_ADJACENT_RE = re.compile(r"[\s,;.]{0,3}")


def _prefix(raw: str | None) -> str | None:
    return raw.lower() if raw else None


def _t_value(m: re.Match) -> str:
    if m.group("tis"):
        return "Tis"
    if m.group("tx"):
        return "TX"
    num = m.group("tnum").translate(_DIGIT)
    sub = (m.group("tsub") or "").lower()
    if sub == "d" and num != "4" or sub and sub != "mi" and num in "0":
        sub = ""
    if sub == "mi" and num != "1":
        sub = ""
    if num in "23" and sub:
        # T2/T3 have no AJCC subcategories (T2b is an old edition's spelling).
        sub = ""
    return f"T{num}{sub}"


def _n_value(m: re.Match) -> tuple[str, dict]:
    attrs: dict = {}
    if m.group("nx"):
        return "NX", attrs
    num = m.group("nnum").translate(_DIGIT)
    sub = re.sub(r"[^a-z]", "", (m.group("nsub") or "").lower())
    if sub.startswith("mi"):
        sub = "mi" if num == "1" else ""
    elif sub == "c" and num == "2":
        sub = ""
    if num == "0":
        sub = ""
    value = f"N{num}{sub}"
    mod = (m.group("nmod") or "").lower().replace(" ", "")
    if m.group("nsn") or "sn" in mod:
        attrs["sentinel"] = True
    if num == "0":
        if "i+" in mod:
            value = "N0(i+)"
        elif "(mol+)" in mod:
            value = "N0(mol+)"
        elif "i-" in mod:
            attrs["itc"] = "negative"
        elif "(mol-)" in mod:
            attrs["molecular"] = "negative"
    return value, attrs


def _m_value(raw: str) -> str:
    raw = raw.upper()
    if raw == "N/A":
        return "MX"
    return "M" + raw.translate(_DIGIT)


def _finding(field: str, value: str, text: str, start: int, end: int, prefix: str | None,
             confidence: float, extra: dict | None = None) -> Finding:
    attrs = {"prefix": prefix} if prefix else {}
    if extra:
        attrs.update(extra)
    return Finding(field, value, text[start:end], start, end, confidence=confidence,
                   attributes=attrs)


def _t_attrs(text: str, end: int) -> dict:
    # "(m)" / "(mult)" after T: multiple invasive foci, staged by the largest.
    return {"multifocal": True} if _MULTIFOCAL_RE.match(text, end) else {}


def _t_end(m: re.Match) -> int:
    return max(m.end(g) for g in ("tis", "tnum", "tsub", "tx"))


def _combined(text: str) -> list[Finding]:
    out = []
    for m in _COMBINED_RE.finditer(text):
        t_pre, n_pre = _prefix(m.group("tpre")), _prefix(m.group("npre"))
        has_m = m.group("m") is not None
        if not (t_pre or n_pre or has_m):
            # Without a prefix or an M part only an adjacent "T2 N0" / "T2,N1" is a TNM
            # string, and "No" there is as likely the English word.
            if m.group("nnum") in ("o", "i", "l"):
                continue
            # "TO NIPPLE", "TI" in words: an OCR'd digit needs a subcategory ("Tlc").
            if m.group("tnum") and m.group("tnum") in "OIil" and not m.group("tsub"):
                continue
            if not _ADJACENT_RE.fullmatch(text, _t_end(m), m.start("nletter")):
                continue
        extra: dict = {"combined": True}
        if _FROM_BEFORE_RE.search(text[max(0, m.start() - 12):m.start()]) and \
                _TO_AFTER_RE.match(text[m.end():m.end() + 8]):
            extra["superseded"] = True
        conf = 0.95 if (t_pre or n_pre) else 0.85
        out.append(_finding("t_category", _t_value(m), text, m.start(), _t_end(m), t_pre, conf,
                            {**extra, **_t_attrs(text, _t_end(m))}))
        n_value, n_attrs = _n_value(m)
        n_start = m.start("nsn") if m.group("nsn") else (
            m.start("npre") if m.group("npre") else m.start("nletter"))
        n_end = _rstrip_end(text, n_start, m.end("nmod"))
        out.append(_finding("n_category", n_value, text, n_start, n_end, n_pre or t_pre, conf,
                            {**extra, **n_attrs}))
        if has_m:
            m_pre = _prefix(m.group("mpre"))
            m_start = m.start("mpre") if m_pre else m.start("mletter")
            m_end = m.end("mmod") if m.group("mmod") else m.end("m")
            value = _m_value(m.group("m"))
            m_extra = dict(extra)
            if m.group("mmod") and value == "M0":
                m_extra["itc"] = "positive"
            out.append(_finding("m_category", value, text, m_start, m_end, m_pre or t_pre, conf,
                                m_extra))
    return out


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " .,;:":
        end -= 1
    return end


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _alone(text: str, taken: list[tuple[int, int]]) -> list[Finding]:
    out = []
    for m in _ALONE_RE.finditer(text):
        if _overlaps(taken, m.start(), m.end()):
            continue
        if m.group("T"):
            # Upper-case "CT2" is a scan or an antibody clone; "PT2" is OCR'd upper-case pT2.
            if m.group("tpre") == "C":
                continue
            out.append(_finding("t_category", _t_value(m), text, m.start(), m.end(),
                                _prefix(m.group("tpre")), 0.95, _t_attrs(text, m.end())))
        elif m.group("N"):
            value, attrs = _n_value(m)
            end = _rstrip_end(text, m.start(), m.end())
            out.append(_finding("n_category", value, text, m.start(), end,
                                _prefix(m.group("npre")), 0.95, attrs))
        else:
            value = _m_value(m.group("m"))
            extra = {"itc": "positive"} if m.group("mmod") and value == "M0" else None
            out.append(_finding("m_category", value, text, m.start(), m.end(),
                                _prefix(m.group("mpre")), 0.95, extra))
    return out


def _labelled(text: str, taken: list[tuple[int, int]]) -> list[Finding]:
    out = []
    low = text.lower()
    for rx, field, cues in ((_LABELLED_T_RE, "t_category", ("primary tumo", "t stage")),
                            (_LABELLED_N_RE, "n_category", ("regional lymph", "n stage"))):
        if not any(c in low for c in cues):
            continue
        for m in rx.finditer(text):
            start, end = m.span("val")
            if _overlaps(taken, start, end):
                continue
            raw = m.group("val").replace(" ", "")
            head, rest = raw[0].upper(), raw[1:]
            if rest.lower() == "is":
                value = "Tis"
            elif rest.upper() == "X":
                value = head + "X"
            else:
                value = head + rest[0].translate(_DIGIT) + rest[1:].lower()
            out.append(Finding(field, value, text[start:end], start, end, confidence=0.9,
                               attributes={"labelled": True}))
    for m in _STAGE_SHEET_RE.finditer(text) if "t stage:" in low else ():
        for key, field, head in (("t", "t_category", "T"), ("n", "n_category", "N"),
                                 ("m", "m_category", "M")):
            if m.group(key) is None:
                continue
            start, end = m.span(key)
            val = m.group(key)
            value = "Tis" if val.lower() == "is" else head + val.upper()[0] + val[1:].lower()
            out.append(Finding(field, value, text[start:end], start, end, confidence=0.85,
                               attributes={"labelled": True}))
    return out


def _stage_groups(text: str) -> list[Finding]:
    out = []
    for m in _STAGE_RE.finditer(text):
        if _SHEET_BEFORE_RE.search(text, max(0, m.start() - 2), m.start()):
            continue
        if _GENERIC_AFTER_RE.search(text, m.end(), m.end() + 45):
            continue
        if m.group("roman"):
            roman = re.sub(r"[Il1L|]", "I", m.group("roman"))
            sub = (m.group("rsub") or m.group("rsub2") or "").upper()
        else:
            roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}[m.group("arabic")]
            sub = (m.group("asub") or "").upper()
        value = roman + sub
        if value not in _STAGE_GROUPS:
            continue
        if roman == "I" and not sub and m.group("arabic") is None and m.group("roman") != "I":
            # A lone "l"/"1" after "stage" is too weak to read as stage I.
            continue
        before = text[max(0, m.start() - 20):m.start()]
        attrs = {}
        if _CLINICAL_BEFORE_RE.search(before):
            attrs["prefix"] = "c"
        start = m.start("roman") if m.group("roman") else m.start("arabic")
        out.append(Finding("stage_group", value, text[m.start():m.end()], m.start(), m.end(),
                           confidence=0.9, attributes={**attrs, "value_start": start}))
    return out


def extract(text: str) -> list[Finding]:
    """T, N and M categories and stated stage groups, in text order."""
    findings = _combined(text)
    taken = [(f.start, f.end) for f in findings]
    findings += _alone(text, taken)
    taken = [(f.start, f.end) for f in findings]
    findings += _labelled(text, taken)
    findings += _stage_groups(text)
    findings.sort(key=lambda f: (f.start, f.field))
    return findings
