"""Blood counts that decide whether a drug that lowers neutrophils can be given: the
absolute neutrophil count (ANC) and the white blood cell count (WBC).

Values are reported in 10^9/L. Labs write the same number several ways: "ANC 0.9",
"ANC 900", "ANC 900 cells/uL", "1.2 K/uL", "1.2 x10^3/uL", "1.2 x 10^9/L"; counts per
microlitre or per mm3 are divided by 1000 (1 K/uL = 10^3/uL = 10^9/L).
"""

from __future__ import annotations

import re

from nlp.extractors.treatments import find_dates, lower_same_length
from nlp.finding import Finding

FIELDS = ("lab",)

# Lower limits used only to flag a value the report did not flag itself: ANC below
# 1.5 x 10^9/L is neutropenia (CTCAE grade >= 2 starts below 1.5), WBC below 4.0 is
# under the usual adult reference range.
_LOW = {"ANC": 1.5, "WBC": 4.0}

_NAME = (
    r"(?P<anc>absolute\s+neutrophils?(?:\s+count)?|abs(?:olute)?\.?\s+neut(?:rophils?|s)?(?:\s+count)?|"
    r"neutrophils?,?\s+abs(?:olute)?\.?(?:\s+count)?|neutrophils?\s*\(?(?:abs|absolute|#)\)?|"
    r"neut\s*#|anc|agc|absolute\s+granulocyte\s+count)"
    r"|(?P<wbc>wbc(?:\s+count)?|white\s+blood\s+cells?(?:\s+count)?|white\s+(?:cell\s+)?count|"
    r"leukocytes?(?:\s+count)?|total\s+leukocyte\s+count)"
    r"|(?P<pct>neutrophils?|neuts?|segs|polys)"
)
# The anchors are lower-case literals so the whole report is scanned cheaply; each hit
# is then parsed with the full pattern.
_ANCHOR = re.compile(r"anc|agc|neut|wbc|white|leuko|segs|polys|granulocyte")
_LAB_RE = re.compile(
    r"(?<![a-z])(?:" + _NAME + r")(?![a-z])"
    r"(?P<sep>\s*(?:\(\s*[a-z/^0-9µμ]+\s*\))?\s*(?:[:=]|\bof\b|\bwas\b|\bis\b|\bat\b|\bnow\b|\b-\s)?\s*"
    r"(?:(?:was|is|of|at|now)\s+)?)"
    r"(?:(?P<val>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?!\d|[.,]\d)(?!\s*(?:-\s*\d|to\s+\d))"
    r"|(?P<pending>pending|to\s+follow))",
)
_UNIT_RE = re.compile(
    r"^\s*(?P<unit>"
    r"(?P<giga>(?:x\s*)?10\s*(?:\^|\*|e)?\s*9\s*/\s*l|g/l|"
    r"(?:k|thou|thousand|th)\s*/\s*(?:u|µ|μ|mc)l|(?:x\s*)?10\s*(?:\^|\*|e)?\s*3\s*/\s*(?:u|µ|μ|mc)l|"
    r"(?:x\s*)?10\s*(?:\^|\*|e)?\s*3\s*/\s*mm\s*3|k/mm3|k)"
    r"|(?P<micro>(?:cells|cells?\s*/\s*|/)\s*(?:u|µ|μ|mc)l|(?:cells\s*)?/\s*mm\s*(?:3|\^3)|/\s*cumm|cells/cmm)"
    r"|(?P<pct>%)"
    r")",
)
_FLAG_RE = re.compile(r"^\s*(?:\(\s*(?P<p>l|low|h|high|ll|hh|critical)\s*\)|\*?\s*(?P<b>l|low|h|high|ll)\b)")
_REF_RANGE = re.compile(r"^\s*\(?\s*(?:ref(?:erence)?\s*:?\s*)?\d+(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?\s*\)?")


def _value(raw: str) -> float:
    return float(raw.replace(",", ""))


def extract(text: str) -> list[Finding]:
    low = lower_same_length(text)
    out: list[Finding] = []
    last_end = -1
    for a in _ANCHOR.finditer(low):
        if a.start() < last_end:
            continue
        start = a.start()
        # Anchors sit inside a name ("absolute neutrophil count"): back up to its start.
        back = max(0, start - 20)
        m = None
        for cand in _LAB_RE.finditer(low, back, min(len(low), a.end() + 60)):
            if cand.start() <= start < cand.end():
                m = cand
                break
            if cand.start() > start:
                break
        if m is None:
            continue
        last_end = m.end()
        # A bare "Neutrophils" is usually the differential percentage; it is taken as the
        # absolute count only with an absolute unit or a small decimal value.
        bare = bool(m.group("pct"))
        name = "WBC" if m.group("wbc") else "ANC"
        if name == "ANC" and text[m.start():m.start() + 3] == "anc":
            # Lower-case "anc" is OCR noise more often than a lab; keep it only with a
            # separator that marks a result.
            if not re.match(r"anc\s*[:=]", low[m.start():m.end()]):
                continue
        end = m.end()
        attrs: dict = {}
        if m.group("pending"):
            if bare:
                continue
            out.append(Finding(
                field="lab", value={"name": name, "value": None, "unit": None, "date": None},
                text=text[m.start():end], start=m.start(), end=end, confidence=0.8,
                attributes={"pending": True},
            ))
            continue
        raw = m.group("val")
        value = _value(raw)
        unit_text = None
        micro = False
        flag = None
        is_percent = False
        pos = end
        # Table rows put the unit, the reference range and the flag in any order.
        for _ in range(3):
            rest = low[pos:pos + 40]
            um = _UNIT_RE.match(rest) if unit_text is None else None
            if um:
                if um.group("pct"):
                    is_percent = True
                    break
                unit_text = text[pos + um.start("unit"):pos + um.end("unit")]
                micro = bool(um.group("micro"))
                pos += um.end()
                end = pos
                continue
            rr = _REF_RANGE.match(rest)
            if rr:
                pos += rr.end()
                continue
            fm = _FLAG_RE.match(rest[:12])
            if fm and flag is None:
                f = fm.group("p") or fm.group("b")
                flag = "low" if f.startswith("l") else "high" if f.startswith("h") else "critical"
                pos += fm.end()
                end = pos
                continue
            break
        if is_percent:
            continue
        if unit_text is None:
            if bare and not ("." in raw and value < 20):
                continue
            # No unit: counts of a few hundred or thousand are per microlitre
            # ("ANC 900"); small numbers are already x10^9/L ("ANC 0.9", "WBC 3.2").
            if value >= 100 or "," in raw:
                value = value / 1000
            if value > 200:
                continue
        elif micro:
            value = value / 1000
        value = round(value, 3)
        if flag is None and value < _LOW[name]:
            flag = "low"
        if flag:
            attrs["flag"] = flag
        if unit_text:
            attrs["unit_as_written"] = unit_text
        if name == "ANC":
            grade = 4 if value < 0.5 else 3 if value < 1.0 else 2 if value < 1.5 else None
            if grade:
                attrs["ctcae_grade"] = grade
        date = _date_near(text, m.start(), end)
        out.append(Finding(
            field="lab", value={"name": name, "value": value, "unit": "10^9/L", "date": date},
            text=text[m.start():end], start=m.start(), end=end, confidence=0.9,
            attributes=attrs,
        ))
    return out


def _date_near(text: str, start: int, end: int) -> str | None:
    """A date right after the value ("ANC 0.9 on 10/1/2026", "(10/01/2026)"), else
    the nearest one earlier on the same line ("Labs 10/01/2026: WBC 2.1, ANC 0.9")."""
    right = text[end:end + 30]
    rm = re.match(r"^\s*(?:[a-z]{1,4}\)?\s*)?(?:\(|on|from|dated|drawn)?\s*", right, re.I)
    if rm:
        ds = find_dates(text, end + rm.end(), min(len(text), end + 30))
        if ds and ds[0][0] == end + rm.end():
            return ds[0][2] if len(ds[0][2]) > 4 else None
    line_start = text.rfind("\n", 0, start) + 1
    ds = [d for d in find_dates(text, max(line_start, start - 120), start) if len(d[2]) > 4]
    return ds[-1][2] if ds else None


def summarize(findings: list[Finding]) -> dict:
    labs = []
    seen = set()
    for f in findings:
        if f.field != "lab" or f.assertion != "present" or f.value.get("value") is None:
            continue
        key = (f.value["name"], f.value["value"], f.value.get("date"))
        if key in seen:
            continue
        seen.add(key)
        entry = dict(f.value)
        if f.attributes.get("flag"):
            entry["flag"] = f.attributes["flag"]
        labs.append(entry)
    return {"labs": labs} if labs else {}
