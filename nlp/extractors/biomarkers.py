"""ER, PR, HER2 and Ki-67 as pathologists report them.

The extractor finds every receptor name, groups names written as one list ("ER and PR",
"ER/PR/HER2"), and reads the value that belongs to the group: a polarity word before it
("negative for ER"), a sign ("ER+"), a slash list ("ER/PR: positive/negative"), or the
first value word a short way after it ("ER: POSITIVE (95%, strong)"). Sentences that
explain a method or a cut-off ("ER positive is defined as ...", "Negative <10.7") give no
value. A result that is pending is kept as value None with {"pending": True}.

HER2 follows ASCO/CAP 2018: ISH amplified or IHC 3+ is positive, IHC 0/1+ negative, IHC 2+
equivocal until ISH says otherwise; HER2-low is IHC 1+, or 2+ without amplification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.extractors import biomarker_patterns as P
from nlp.finding import Finding

FIELDS = (
    "er_status",
    "pr_status",
    "her2_status",
    "her2_ihc_score",
    "her2_ish",
    "ki67_percent",
)

_STATUS_FIELD = {"er": "er_status", "pr": "pr_status", "her2": "her2_status"}
_MAX_GAP = 45          # name ... value: "Estrogen receptor (clone SP1), nuclear: positive"
_MAX_LABELLED_GAP = 130  # synoptic blocks: "HER-2 RESULTS. Block: E10. Interpretation: EQUIVOCAL"
_WINDOW = 220
_DCIS_RE = re.compile(r"(?i)\bDCIS\b|in[\s-]situ|intraductal")
_SENTENCE_START_RE = re.compile(r"[.;:]\s+(?=[A-Z(])|\n")
_CLOSE_PAREN_RE = re.compile(r"[^()]{0,12}\)")
_TRAILING_PAREN_RE = re.compile(r"\s*\(([^()]{0,40})\)")
_PERCENT_BEFORE_RE = re.compile(r"\d\s*%\s*(?:of\s+(?:tumou?r\s+)?(?:cells|nuclei)\s+)?$")
_WEAKLY_RE = re.compile(r"(?i)weak(?:ly)?[\s-]*$")
_LOW_POSITIVE_RE = re.compile(r"(?i)low(?:\s+|-)positive")
_SLASH_RE = re.compile(
    r"\W{0,4}(?P<a>pos\w*|neg\w*|\+|-)\s*/\s*(?P<b>pos\w*|neg\w*|\+|-)(?:\s*/\s*(?P<c>pos\w*|neg\w*|\+|-))?",
    re.IGNORECASE,
)
_KI67_LABEL_RE = re.compile(r"(?i)index|score|:|=")
_KI67_GUARD_RE = re.compile(r"(?i)antibod|clone|dilution|1:\d|defin|cut-?off|\bif\b|considered")


@dataclass
class _Mention:
    kind: str
    start: int
    end: int


@dataclass
class _Value:
    kind: str          # pos, neg, eqv, pending, unknown, amp, ampnot
    start: int         # absolute offsets of the value words
    end: int
    how: str           # word, prefix, sign, slash, percent, allred, hscore
    percent: float | None = None  # "ER/PR: 95%/0%": this name's own percentage
    elsewhere: bool = False       # "Performed on another specimen. Results: ..."


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few Unicode letters change length when lower-cased
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def _mentions(text: str, low: str | None = None) -> list[_Mention]:
    if low is None:
        low = _lower(text)
    out = []
    for m in P.marker_matches(low):
        kind = m.lastgroup
        original = text[m.start(): m.end()]
        if kind in P.ABBREVIATION_CASE:
            kind, case = P.ABBREVIATION_CASE[kind]
            if not case.match(original):
                continue
        elif kind == "her2" and P.HER2_LOWER_RE.match(original):
            continue  # the pronoun "her", not HER2
        if kind in ("er", "pr", "her2") and (
            P.CONTROL_BEFORE_RE.search(text, max(0, m.start() - 4), m.start())
            or P.CONTROL_AFTER_RE.match(text, m.end())
        ):
            kind = "other"  # "NEG-HER2", "ER-C": a slide in a stain list
        out.append(_Mention(kind, m.start(), m.end()))
    return out


def _groups(text: str, mentions: list[_Mention]) -> list[list[_Mention]]:
    groups: list[list[_Mention]] = []
    for m in mentions:
        if (
            groups
            and m.kind in ("er", "pr", "her2")
            and groups[-1][-1].kind in ("er", "pr", "her2")
            and P.JOINER_RE.fullmatch(text, groups[-1][-1].end, m.start)
        ):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _boilerplate(low: str, start: int, end: int) -> bool:
    """`low` is the lower-cased text."""
    return bool(P.BOILERPLATE_LOW_RE.search(low, max(0, start - 60), min(len(low), end + 100)))


def _status_kind(m: re.Match) -> str:
    return m.lastgroup or ""


def _sign_kind(sign: str) -> str:
    return "pos" if sign.startswith("+") or sign.lower() == "pos" else "neg"


def _find_value(text: str, start: int, stop: int, allow_label: bool = True) -> _Value | None:
    """The first value word after a name, unless the text in between says this is not a
    result (a method, a cut-off, a legend)."""
    window = text[start:stop]
    elsewhere = False
    for m in P.STATUS_RE.finditer(window):
        if (
            m.lastgroup == "unknown" and not elsewhere and P.ELSEWHERE_RE.match(m.group())
            and P.RESULTS_LABEL_AHEAD_RE.match(window, m.end())
        ):
            elsewhere = True  # the result of the other specimen follows its label
            continue
        gap = window[: m.start()]
        if len(gap) > _MAX_LABELLED_GAP:
            return None
        if len(gap) > _MAX_GAP and not (allow_label and P.RESULT_LABEL_RE.search(gap)):
            return None
        if P.GUARD_GAP_RE.search(gap):
            return None
        if P.GUARD_BEFORE_RE.search(gap) or P.GUARD_AFTER_RE.match(window[m.end():]):
            return None
        return _Value(_status_kind(m), start + m.start(), start + m.end(), "word", elsewhere=elsewhere)
    return None


def _percent(text: str) -> tuple[float, float, str | None] | None:
    m = P.PERCENT_RE.search(text)
    if not m:
        return None
    lo = float(m.group("lo"))
    hi = float(m.group("hi")) if m.group("hi") else lo
    if hi > 100:
        return None
    return lo, hi, (m.group("cmp") or "").lower() or None


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _receptor_details(detail: str) -> dict:
    attrs: dict = {}
    pct = _percent(detail)
    if pct:
        lo, hi, cmp = pct
        attrs["percent"] = _number(hi if cmp not in ("<", "less than", "under") else lo)
        if hi != lo:
            attrs["percent_range"] = [_number(lo), _number(hi)]
        if cmp:
            attrs["percent_comparator"] = "<" if cmp in ("<", "less than", "under") else ">"
    m = P.HSCORE_BINS_RE.search(detail)
    if m and int(m.group("zero")) <= 100:
        attrs["percent"] = 100 - int(m.group("zero"))
        attrs.pop("percent_range", None)
        attrs.pop("percent_comparator", None)
    m = P.ALLRED_RE.search(detail)
    if m:
        attrs["allred"] = int(m.group("score") or m.group("score2"))
    m = P.HSCORE_RE.search(detail)
    if m and int(m.group("h")) <= 300:
        attrs["h_score"] = int(m.group("h"))
    m = P.INTENSITY_RE.search(detail)
    if m:
        attrs["intensity"] = m.group("i1").lower() + (f"-{m.group('i2').lower()}" if m.group("i2") else "")
    return attrs


def _status_from_numbers(attrs: dict) -> str | None:
    if "percent" in attrs:
        if attrs.get("percent_comparator") == "<" and attrs["percent"] <= 1:
            return "negative"
        return "positive" if attrs["percent"] >= 1 else "negative"
    if "allred" in attrs:
        return "positive" if attrs["allred"] >= 3 else "negative"
    if "h_score" in attrs:
        return "positive" if attrs["h_score"] >= 1 else "negative"
    return None


def _prefix_value(text: str, group: list[_Mention]) -> _Value | None:
    lo = max(0, group[0].start - 90)
    before = text[lo: group[0].start]
    m = P.PREFIX_STATUS_RE.search(before)
    if m:
        kind = "neg" if m.group("neg") else "pos" if m.group("pos") else "eqv"
        return _Value(kind, lo + m.start(), lo + m.end(), "prefix")
    m = P.PREFIX_NO_RE.search(before)
    if m and group[0].kind in ("er", "pr"):
        return _Value("neg", lo + m.start(), lo + m.end(), "prefix")
    return None


def _following(text: str, pos: int, stop: int, limit: int = 90) -> tuple[str, int]:
    end = min(stop, pos + limit)
    return text[pos:end], end


def _extend_paren(text: str, end: int, stop: int, start: int | None = None) -> int:
    m = _TRAILING_PAREN_RE.match(text, end, stop)
    if m:
        return m.end()
    # "HER2 (IHC): 2+ (equivocal)": the value sat inside the parenthesis; close it.
    if start is not None and text.count("(", start, end) > text.count(")", start, end):
        close = _CLOSE_PAREN_RE.match(text, end, stop)
        if close:
            return close.end()
    return end


def _in_dcis_context(text: str, start: int) -> bool:
    lo = max(0, start - 120)
    before = text[lo:start]
    cut = list(_SENTENCE_START_RE.finditer(before))
    if cut:
        before = before[cut[-1].end():]
    return bool(_DCIS_RE.search(before)) and not re.search(r"(?i)invasive|infiltrating", before)


def _receptor_finding(
    text: str, member: _Mention, value: _Value | None, own_stop: int, shared: bool
) -> Finding | None:
    """`own_stop` ends the text that belongs to this name alone; `shared` is true when
    the value word is shared by a list of names, so numbers after it are not this name's."""
    field = _STATUS_FIELD[member.kind]
    if value is None:
        # No value word: a percentage or score next to the name still states the result
        # ("ESTROGEN RECEPTOR. 90% nuclear staining", "ER H-score: 290").
        gap, _ = _following(text, member.end, own_stop, _MAX_GAP + 15)
        if P.GUARD_GAP_RE.search(gap) or re.search(r"(?i)\bclone\b|\d:\d", gap):
            return None
        attrs = _receptor_details(gap)
        status = _status_from_numbers(attrs)
        if status is None:
            return None
        m = P.PERCENT_RE.search(gap) or P.ALLRED_RE.search(gap) or P.HSCORE_RE.search(gap)
        end = member.end + m.end()
        return _make(text, field, status, member.start, end, 0.8, attrs, derived=True)

    kind = value.kind
    if kind in ("unknown", "amp", "ampnot"):
        return None
    start = min(member.start, value.start)
    end = max(member.end, value.end)
    if kind == "pending":
        return _make(text, field, None, start, end, 0.9, {"pending": True})
    status = {"pos": "positive", "neg": "negative", "eqv": "equivocal"}[kind]
    attrs: dict = {}
    if not shared:
        detail_from = max(member.end, value.end) if value.how != "prefix" else member.end
        detail, _ = _following(text, member.end, own_stop, (detail_from - member.end) + 90)
        if value.how == "prefix":
            # "NEGATIVE FOR ER, WEAKLY POSITIVE FOR PR": the next clause is another name's.
            cut = re.search(r"[,;]", detail)
            nxt = P.STATUS_RE.search(detail)
            ends = [m.start() for m in (cut, nxt) if m]
            if ends:
                detail = detail[: min(ends)]
        attrs = _receptor_details(detail)
        if value.percent is not None:
            attrs["percent"] = _number(value.percent)
        end = _extend_paren(text, end, own_stop, start)
        # "0% positive" / "2% positive cells": the number is the result, the word its unit.
        if (
            kind == "pos" and value.how == "word"
            and _PERCENT_BEFORE_RE.search(text, member.end, value.start)
            and attrs.get("percent") is not None
        ):
            status = _status_from_numbers(attrs) or status
    if value.elsewhere:
        attrs["performed_elsewhere"] = True
    if status == "positive":
        pct = attrs.get("percent")
        if _LOW_POSITIVE_RE.search(text, max(0, value.start - 4), value.end) or (
            pct is not None and pct <= 10
        ):
            attrs["low_positive"] = True
    conf = {"word": 0.95, "prefix": 0.93, "slash": 0.9, "sign": 0.88}.get(value.how, 0.85)
    return _make(text, field, status, start, end, conf, attrs)


def _make(text, field, value, start, end, conf, attrs, derived=False) -> Finding:
    if _in_dcis_context(text, start):
        attrs = {**attrs, "dcis": True}
        conf -= 0.1
    return Finding(
        field=field, value=value, text=text[start:end], start=start, end=end,
        confidence=round(conf, 2), derived=derived, attributes=attrs,
    )


def _ihc_score(window: str) -> tuple[str, int, int] | None:
    m = P.IHC_SCORE_RE.search(window)
    if not m:
        return None
    if m.group("zero_one"):
        return "0-1+", m.start(), m.end()
    raw = m.group("num") or m.group("rev") or m.group("lab") or m.group("par")
    raw = "0" if raw.lower() == "zero" else raw
    return ("0" if raw == "0" else f"{raw}+"), m.start(), m.end()


def _ish_numbers(window: str) -> dict:
    attrs: dict = {}
    m = P.RATIO_RE.search(window)
    if m and float(m.group("ratio")) < 30:
        attrs["ratio"] = float(m.group("ratio"))
    m = P.COPY_RE.search(window)
    if m:
        attrs["copy_number"] = float(m.group("copy") or m.group("copy2"))
    return attrs


_ISH_VALUE = {"amp": "amplified", "pos": "amplified", "ampnot": "not amplified",
              "neg": "not amplified", "eqv": "equivocal"}


def _her2_findings(
    text: str, member: _Mention, group: list[_Mention], value: _Value | None, stop: int
) -> list[Finding]:
    out: list[Finding] = []
    single = len(group) == 1
    window, _ = _following(text, member.end, stop, 110)
    if value is not None and value.how != "prefix":
        # Keep the score search next to the value so a legend further on is not read.
        window = text[member.end: min(stop, value.end + 40)]
    score = _ihc_score(window) if single else None
    if score and P.GUARD_GAP_RE.search(window[: score[1]]):
        score = None
    method = None
    if value is not None:
        m = P.METHOD_AFTER_RE.match(text, value.end, min(len(text), value.end + 40))
        if m:
            method = "ish" if re.match(r"(?i)[FCSD]?ISH|in", m.group("method")) else "ihc"
    if score:
        out.append(_make(text, "her2_ihc_score", score[0], member.start, member.end + score[2], 0.93, {}))
    attrs: dict = {}
    kind = value.kind if value else None
    if kind == "unknown":
        kind = None
    if kind == "pos" and value.how == "word" and _PERCENT_BEFORE_RE.search(text, member.end, value.start):
        kind = None  # "HER2: High (70% positive cells)": a percentage of cells is not a HER2 call
    if value is not None and value.elsewhere:
        attrs["performed_elsewhere"] = True
    ish_from_word = kind in ("amp", "ampnot") or (method == "ish" and kind in ("pos", "neg", "eqv", "pending"))
    if ish_from_word:
        start = min(member.start, value.start)
        end = _extend_paren(text, max(member.end, value.end), stop, start)
        ish_attrs = _ish_numbers(text[member.end: end + 100])
        if kind == "pending":
            out.append(_make(text, "her2_ish", None, start, end, 0.9, {"pending": True, **ish_attrs}))
        else:
            out.append(_make(text, "her2_ish", _ISH_VALUE[kind], start, end, 0.93, ish_attrs))

    status: str | None = None
    derived = False
    if kind in ("pos", "neg", "eqv"):
        status = {"pos": "positive", "neg": "negative", "eqv": "equivocal"}[kind]
        # HercepTest's old wording: "weakly positive" is the 2+ (equivocal) band.
        if kind == "pos" and _WEAKLY_RE.search(text, max(0, value.start - 12), value.start):
            status = "equivocal"
            attrs["wording"] = "weakly positive"
    elif kind in ("amp", "ampnot"):
        status = "positive" if kind == "amp" else "negative"
    if score and method != "ish" and kind not in ("amp", "ampnot"):
        by_score = {"0": "negative", "1+": "negative", "0-1+": "negative", "2+": "equivocal",
                    "3+": "positive"}[score[0]]
        if status is None:
            derived = True
        # The score is the IHC result; an old-style "weakly positive (2+)" is equivocal.
        if status is None or (status == "positive" and by_score == "equivocal"):
            status = by_score
        attrs["ihc_score"] = score[0]
    if method:
        attrs["method"] = method
    if status is None and kind == "pending":
        start = min(member.start, value.start)
        out.append(_make(text, "her2_status", None, start, max(member.end, value.end), 0.9,
                         {"pending": True, **attrs}))
        return out
    if status is None:
        return out
    start = member.start if value is None else min(member.start, value.start)
    end = max(member.end, value.end if value else 0)
    if score:
        end = max(end, member.end + score[2])
    end = _extend_paren(text, end, stop, start)
    conf = 0.95 if value is not None else 0.88
    out.append(_make(text, "her2_status", status, start, end, conf, attrs, derived=derived))
    return out


def _ish_findings(text: str, mention: _Mention, stop: int) -> list[Finding]:
    lo, hi = max(0, mention.start - 250), min(len(text), mention.end + 150)
    if not re.search(r"(?i)HER-?\s?2|ERBB2|CEP\s?17|chromosome\s+17|D17Z1", text[lo:hi]):
        return []
    value = _find_value(text, mention.end, min(stop, mention.end + _WINDOW))
    prefix = text[max(0, mention.start - 40): mention.start]
    if value is None or value.kind == "unknown":
        return []
    if value.kind not in _ISH_VALUE and value.kind != "pending":
        return []
    if re.search(r"(?i)recommend|if\b|reflex", prefix):
        return []
    end = _extend_paren(text, value.end, stop)
    # The ratio often follows under its own name ("HER2/CEP17 ratio 1.3"): look past `stop`.
    attrs = _ish_numbers(text[mention.end: end + 120])
    if value.kind == "pending":
        return [_make(text, "her2_ish", None, mention.start, end, 0.88, {"pending": True})]
    return [_make(text, "her2_ish", _ISH_VALUE[value.kind], mention.start, end, 0.93, attrs)]


def _ki67_findings(text: str, mention: _Mention, stop: int) -> list[Finding]:
    window, _ = _following(text, mention.end, stop, 70)
    pending = P.STATUS_RE.match(window.lstrip(" :.-"))
    if pending and pending.lastgroup == "pending":
        end = mention.end + len(window) - len(window.lstrip(" :.-")) + pending.end()
        return [_make(text, "ki67_percent", None, mention.start, end, 0.9, {"pending": True})]
    m = P.KI67_VALUE_RE.match(window)
    if not m:
        return []
    gap = window[: m.start("pct")]
    if _KI67_GUARD_RE.search(gap):
        return []
    has_pct = "%" in window[m.start("pct"): m.end()] or "percent" in window[m.start("pct"): m.end()].lower()
    if not has_pct and not _KI67_LABEL_RE.search(gap):
        return []
    value = float(m.group("hi") or m.group("pct"))
    if value > 100:
        return []
    attrs: dict = {}
    if m.group("hi"):
        attrs["percent_range"] = [_number(float(m.group("pct"))), _number(value)]
    if m.group("cmp"):
        attrs["comparator"] = m.group("cmp").lower()
    end = mention.end + m.end()
    return [_make(text, "ki67_percent", _number(value), mention.start, end, 0.92, attrs)]


def extract(text: str) -> list[Finding]:
    low = _lower(text)
    mentions = _mentions(text, low)
    groups = _groups(text, mentions)
    findings: list[Finding] = []
    for gi, group in enumerate(groups):
        kind = group[0].kind
        stop = groups[gi + 1][0].start if gi + 1 < len(groups) else len(text)
        # "HER2 ... by FISH": the ISH name ends the HER2 window only after the value.
        if kind == "other" or _boilerplate(low, group[0].start, group[-1].end):
            continue
        if kind == "ki67":
            findings.extend(_ki67_findings(text, group[0], stop))
            continue
        if kind == "ish":
            findings.extend(_ish_findings(text, group[0], stop))
            continue
        end = group[-1].end
        stop = min(stop, end + _WINDOW)
        values: list[_Value | None] = [None] * len(group)
        own_stops = [g.start for g in group[1:]] + [stop]
        prefix = _prefix_value(text, group)
        slash = _SLASH_RE.match(text, end, stop)
        if prefix:
            values = [prefix] * len(group)
        elif slash and len(group) > 1 and len([g for g in slash.groups() if g]) == len(group):
            for i, name in enumerate(("a", "b", "c")[: len(group)]):
                word = slash.group(name)
                k = "pos" if word.startswith(("p", "P", "+")) else "neg"
                values[i] = _Value(k, slash.start(name), slash.end(name), "slash")
        elif (
            len(group) > 1 and all(g.kind in ("er", "pr") for g in group)
            and (pct := P.SLASH_PERCENT_RE.match(text, end, stop))
            and len([g for g in pct.groups() if g]) == len(group)
        ):
            # "ER/PR: 95%/0%": each percentage is its name's result (>= 1% positive).
            for i, name in enumerate(("a", "b", "c")[: len(group)]):
                number = float(pct.group(name))
                if number > 100:
                    values = [None] * len(group)
                    break
                k = "pos" if number >= 1 else "neg"
                values[i] = _Value(k, pct.start(name), pct.end(name) + 1, "slash", percent=number)
        else:
            # Each name in "ER+, PR-" or "ER (+), PR (-)" keeps its own sign; names
            # without one share the value that follows the list ("ER and PR positive").
            for i, member in enumerate(group):
                s = P.SIGN_RE.match(text, member.end, own_stops[i])
                if s and s.group("sign") == "-" and (
                    text[s.end("sign"): s.end("sign") + 1].isalpha()
                    or P.DASH_THEN_WORD_RE.match(text, s.end("sign"))
                ):
                    # "ER-PR" is a hyphen; "Estrogen receptor -. positive" a separator.
                    s = None
                if s:
                    values[i] = _Value(_sign_kind(s.group("sign")), s.start("sign"), s.end(), "sign")
            if values[-1] is None:
                word = _find_value(text, end, stop)
                values = [v or word for v in values]
        for i, (member, value) in enumerate(zip(group, values, strict=True)):
            own_stop = own_stops[i]
            shared = len(group) > 1 and value is not None and value.how not in ("sign", "slash") and (
                i < len(group) - 1 or value.how == "prefix"
            )
            if member.kind == "her2":
                findings.extend(_her2_findings(text, member, group, value, stop))
            else:
                f = _receptor_finding(text, member, value, own_stop, shared)
                if f:
                    findings.append(f)
    return findings


def _first(findings: list[Finding], field: str, *, allow_none: bool = False) -> Finding | None:
    for f in findings:
        if f.field == field and (f.value is not None or allow_none):
            return f
    return None


def _pending(findings: list[Finding], field: str) -> bool:
    return any(f.field == field and f.value is None and f.attributes.get("pending") for f in findings)


def her2_call(ihc: str | None, ish: str | None, stated: str | None) -> str | None:
    """ASCO/CAP 2018 from the parts: ISH decides when done; otherwise a status the
    pathologist stated (often integrating a test this report does not show); otherwise
    the IHC score (3+ positive, 0/1+ negative, 2+ equivocal)."""
    if ish == "amplified":
        return "positive"
    if ish == "not amplified":
        return "negative"
    if stated is not None:
        return stated
    if ihc == "3+":
        return "positive"
    if ihc in ("0", "1+", "0-1+"):
        return "negative"
    if ihc == "2+" or ish == "equivocal":
        return "equivocal"
    return None


def her2_low(ihc: str | None, ish: str | None, status: str | None) -> bool | None:
    if status == "positive" or ihc == "0":
        return False
    if ihc == "1+":
        return True
    if ihc == "2+":
        return True if ish == "not amplified" else None
    return None


def summarize(findings: list[Finding]) -> dict:
    """Findings arrive best first (see nlp.summary), so the first value of a field wins."""
    out: dict = {}
    for name in ("er", "pr"):
        f = _first(findings, f"{name}_status")
        out[f"{name}_status"] = f.value if f else None
        if f:
            if "percent" in f.attributes:
                out[f"{name}_percent"] = f.attributes["percent"]
            if "allred" in f.attributes:
                out[f"{name}_allred"] = f.attributes["allred"]
            if f.attributes.get("low_positive"):
                out[f"{name}_low_positive"] = True
        elif _pending(findings, f"{name}_status"):
            out[f"{name}_pending"] = True
    ihc = _first(findings, "her2_ihc_score")
    ish = _first(findings, "her2_ish")
    stated = next((f for f in findings if f.field == "her2_status" and f.value is not None
                   and not f.derived), None)
    ihc_v = ihc.value if ihc else None
    ish_v = ish.value if ish else None
    status = her2_call(ihc_v, ish_v, stated.value if stated else None)
    out["her2_status"] = status
    if status is None and _pending(findings, "her2_status"):
        out["her2_pending"] = True
    out["her2_ihc_score"] = ihc_v
    out["her2_ish"] = ish_v
    if ish_v is None and _pending(findings, "her2_ish"):
        out["her2_ish_pending"] = True
    for key, name in (("ratio", "her2_ratio"), ("copy_number", "her2_copy_number")):
        f = next((f for f in findings if f.field == "her2_ish" and key in f.attributes), None)
        if f:
            out[name] = f.attributes[key]
    out["her2_low"] = her2_low(ihc_v, ish_v, status)
    ki = _first(findings, "ki67_percent")
    out["ki67_percent"] = ki.value if ki else None
    return out
