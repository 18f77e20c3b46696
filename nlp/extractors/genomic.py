"""Genomic and predictive-assay results that select breast-cancer drugs: BRCA1/BRCA2
(PARP inhibitors), PIK3CA (alpelisib, capivasertib, inavolisib), ESR1 (elacestrant),
PD-L1 (pembrolizumab) and the Oncotype DX recurrence score (adjuvant chemotherapy).

Results are read the way genetics and molecular reports phrase them: "BRCA2 pathogenic
variant detected (c.5946delT)", "negative for pathogenic variants in BRCA1 and BRCA2",
"BRCA1 VUS", "PIK3CA H1047R mutation detected", "ESR1 mutation not detected",
"PD-L1 (22C3) CPS 12", "Oncotype DX Recurrence Score: 18 (low risk)". A relative's
result ("mother is a BRCA1 carrier") is assertion "family"; a result still awaited is
value None with {"pending": True}.
"""

from __future__ import annotations

import re

from nlp.extractors.treatments import lower_same_length
from nlp.finding import Finding

FIELDS = ("brca1", "brca2", "brca", "pik3ca", "esr1", "pdl1", "oncotype_rs")

_ANCHOR = re.compile(r"brca|pik3ca|esr1|pd-?\s?l1|oncotype|recurrence\s+score|21-gene|combined\s+positive")

# "BRCA1", "BRCA 2", "BRCA1/2", "BRCA1 and BRCA2", "BRCA" (both genes, unspecified).
_BRCA_RE = re.compile(
    r"(?<![a-z])g?brca\s?(?P<g>[12])?(?P<m>m\b)?(?P<more>(?:\s*(?:/|and|or|,|&)\s*(?:brca\s?)?[12](?![0-9]))*)"
    r"(?![a-z0-9])"
)
_GENE_RE = re.compile(r"(?<![a-z0-9])(?P<gene>pik3ca|esr1)(?![a-z0-9])")

_RESULT_RIGHT = re.compile(
    r"(?P<vus>\bvus\b|variants?\s+of\s+(?:uncertain|unknown|undetermined)\s+(?:clinical\s+)?significance)"
    r"|(?P<neg>\bnegative\b|\bnot\s+(?:detected|identified|found|present)\b|\bno\s+(?:[\w-]+\s+){0,2}"
    r"(?:variants?|mutations?|alterations?)\b|\bwild[\s-]?type\b|\bwt\b|\(\s*-\s*\)|^\s*-(?=[\s,.;)]|$)|"
    r"\b(?:mutations?|variants?)\s+(?:were\s+|was\s+)?(?:negative|not\s+(?:detected|identified|found)|absent)\b|"
    r"\bunmutated\b|\bnon-?mutated\b)"
    r"|(?P<pending>\bpending\b|\bsent\s+(?:out|off)?\b|\bawaiting\b|\bordered\b|\bto\s+follow\b|\bin\s+process\b)"
    r"|(?P<planned>\brecommend|\bconsider|\bwill\s+(?:send|order|check|test)|\bplan\b|\bdiscuss|\bshould\s+be\s+tested)"
    r"|(?P<pos>\blikely\s+pathogenic\b|\bpathogenic\b|\bdeleterious\b|\bpositive\b|\bcarrier\b|\bmutated\b|"
    r"\bmutant\b|\bmutations?\b|\bvariant\s+(?:was\s+)?(?:detected|identified|present)\b|\bdetected\b|"
    r"\baltered\b|^\s*\+|^\s*\(\s*\+\s*\)|^-?m(?:ut)?\b|\bc\.\d|\bp\.\(?[a-z]{1,3}\d)"
)
_LEFT_NEG = re.compile(
    r"(?:negative\s+for|\bno\b|\bwithout\b|not\s+(?:detected|identified|found)\s+in|absence\s+of|"
    r"wild[\s-]?type)\s+(?:[\w-]+\s+){0,5}$"
)
_LEFT_VUS = re.compile(r"(?:\bvus\b|variants?\s+of\s+(?:uncertain|unknown)\s+significance)\s+(?:[\w-]+\s+){0,2}$")
_LEFT_POS = re.compile(
    r"(?:positive\s+for|carrier\s+of|\bcarries\b|\bcarrying\b|(?:\bharbor(?:s|ing)?|\bhas|\bhad|\bwith|"
    r"\bidentified|\bdetected|\bfound)\s+(?:an?\s+|the\s+)?(?:germline\s+|somatic\s+)?(?:likely\s+)?"
    r"(?:pathogenic|deleterious|activating)?\s*(?:variant|mutation|alteration)s?)\s*(?:in|of)?\s*(?:the\s+)?$"
)
_LEFT_POS_SHORT = re.compile(r"(?:pathogenic|deleterious|activating)\s+(?:germline\s+)?(?:variant|mutation)?s?\s*(?:in\s+)?$")
_LEFT_PENDING = re.compile(r"(?:\bawaiting|\bpending|\bsent)\s+(?:[\w-]+\s+){0,3}$")
_LEFT_PLANNED = re.compile(r"(?:\brecommend\w*|\bconsider\w*|\bwill\s+(?:send|order|check)|\bplan\w*|\boffer\w*|"
                           r"\brefer\w*|\bdiscuss\w*)\s+(?:[\w/-]+\s+){0,4}$")
_FAMILY = re.compile(
    r"\b(?:family\s+history|fhx?|mother|mom|sister|aunt|daughter|father|brother|cousin|grandmother|"
    r"grandfather|niece|nephew|maternal|paternal|relatives?|sibling|son|twin)\b"
)
_SELF = re.compile(r"\b(?:patient|she|he|pt|her\s+own|personal)\b")
_GERMLINE = re.compile(r"\bgermline\b|\bgbrca|\binherited\b|\bhereditary\b")
_SOMATIC = re.compile(r"\bsomatic\b|\btumor\b|\btbrca|\bsbrca|\bctdna\b|\bliquid\s+biopsy\b|\bfoundation")
_GENERIC = re.compile(r"\bpatients\b|\bfda\b|\bapproved\b|\bindicated\b|\beligib|\btrials?\b|\bwomen\s+with\b")

_PROTEIN_VARIANT = re.compile(
    r"(?<![A-Za-z0-9])(?:p\.\(?)?(?P<v>[ACDEFGHIKLMNPQRSTVWY](?:[a-z]{2})?\d{2,4}(?:[ACDEFGHIKLMNPQRSTVWY*](?:[a-z]{2})?|fs|del))"
    r"\)?(?![A-Za-z0-9])"
)
_CDNA = re.compile(r"(?<![A-Za-z0-9])c\.[0-9][0-9_+\-*]*(?:[ACGT]>[ACGT]|del[ACGT]*|dup[ACGT]*|ins[ACGT]*)?")

_SENT_END = re.compile(r"[;\n]|\.\s")

_CPS = re.compile(r"(?:\bcps\b|combined\s+positive\s+score)\s*(?:\(cps\))?\s*(?:score\s*)?(?:of|:|=|was|is)?\s*"
                  r"(?P<op>[<>]=?)?\s*(?P<v>\d{1,3}(?:\.\d+)?)(?!\.\d)")
_TPS = re.compile(r"(?:\btps\b|tumor\s+proportion\s+score)\s*(?:\(tps\))?\s*(?:of|:|=|was|is)?\s*"
                  r"(?P<op>[<>]=?)?\s*(?P<v>\d{1,3}(?:\.\d+)?)\s*%?")
_IC = re.compile(r"(?:\bic\b|immune\s+cells?)\s*(?:score\s*)?(?:of|:|=|was|is)?\s*(?P<op>[<>]=?)?\s*"
                 r"(?P<v>\d{1,3}(?:\.\d+)?)\s*%")
_ASSAY = re.compile(r"\b(22c3|sp142|sp263|28-8)\b")
_PDL1_STATUS = re.compile(r"\b(positive|negative|not\s+detected|high|low|pending)\b")

_ONCO_RS = re.compile(
    r"(?:recurrence\s+score|\brs\b|oncotype(?:\s+dx)?(?:\s+breast(?:\s+recurrence)?)?\s+score|oncotype(?:\s+dx)?)"
    r"\s*(?:\(rs\))?\s*(?:result\s*)?(?:of|:|=|was|is|-)?\s*[:=]?\s*(?P<v>\d{1,3})(?![\d.]\d|\s*%|\s*(?:mm|cm))"
)
_ONCO_PENDING = re.compile(r"(?:oncotype(?:\s+dx)?|recurrence\s+score)\s+(?:\w+\s+){0,3}?(?:is\s+|was\s+)?"
                           r"(?:pending|sent|ordered|to\s+follow|awaited)")
_RISK = re.compile(r"[^.;\n]{0,30}?\b(low|intermediate|high)(?:[\s-]+risk)?\b")


def _finding(text: str, field: str, value, start: int, end: int, conf: float = 0.9,
             assertion: str = "present", derived: bool = False, **attrs) -> Finding:
    return Finding(field=field, value=value, text=text[start:end], start=start, end=end,
                   confidence=conf, assertion=assertion, derived=derived,
                   attributes={k: v for k, v in attrs.items() if v is not None})


def _sentence(low: str, start: int, end: int) -> tuple[int, int]:
    s = max(low.rfind("\n", 0, start), low.rfind(";", 0, start), low.rfind(". ", 0, start) + 1)
    e = _SENT_END.search(low, end)
    return max(0, s), (e.start() if e else len(low))


def _classify(low: str, start: int, end: int, stop: int, positive: str, negative: str
              ) -> tuple[str | None, str, dict, int]:
    """(value, assertion, attributes, result end) for a gene mention at low[start:end],
    reading its result from the words right after it, else right before it."""
    s0, s1 = _sentence(low, start, end)
    left = low[max(s0, start - 70):start]
    right_end = min(s1, stop, end + 90)
    right = low[end:right_end]
    attrs: dict = {}
    value: str | None = None
    assertion = "present"
    res_end = end

    if _LEFT_VUS.search(left):
        value = "variant of uncertain significance"
    elif _LEFT_NEG.search(left):
        value = negative
    elif _LEFT_POS.search(left) or _LEFT_POS_SHORT.search(left):
        value = positive
    elif _LEFT_PENDING.search(left):
        attrs["pending"] = True
    elif _LEFT_PLANNED.search(left):
        assertion = "hypothetical"
    else:
        r = _RESULT_RIGHT.search(right)
        if r:
            kind = r.lastgroup
            res_end = end + r.end()
            if kind == "vus":
                value = "variant of uncertain significance"
            elif kind == "neg":
                value = negative
            elif kind == "pos":
                value = positive
            elif kind == "pending":
                attrs["pending"] = True
            elif kind == "planned":
                assertion = "hypothetical"
    if value is None and not attrs and assertion == "present":
        return None, assertion, attrs, end

    ctx_left = low[max(s0, start - 80):start]
    ctx = ctx_left + " " + right
    fam = _FAMILY.search(ctx_left) or _FAMILY.search(right[:60])
    if fam and not _SELF.search(low[fam.end():start] if fam.start() < len(ctx_left) else ""):
        assertion = "family"
    if _GERMLINE.search(ctx):
        attrs["origin"] = "germline"
    elif _SOMATIC.search(ctx):
        attrs["origin"] = "somatic"
    return value, assertion, attrs, res_end


def _variants(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    seg = text[start:end]
    pv = _PROTEIN_VARIANT.search(seg)
    cv = _CDNA.search(seg)
    return (pv.group("v") if pv else None), (cv.group(0) if cv else None)


def extract(text: str) -> list[Finding]:
    low = lower_same_length(text)
    if not _ANCHOR.search(low):
        return []
    out: list[Finding] = []
    brca = list(_BRCA_RE.finditer(low))
    for i, m in enumerate(brca):
        genes = set(re.findall(r"[12]", (m.group("g") or "") + m.group("more")))
        stop = brca[i + 1].start() if i + 1 < len(brca) else len(low)
        value, assertion, attrs, res_end = _classify(low, m.start(), m.end(), stop, "positive", "negative")
        if m.group("m"):
            # "gBRCA2m" / "BRCA1m": the trailing m is "mutated".
            value = "positive"
            if low[m.start()] == "g":
                attrs["origin"] = "germline"
        if value is None and not attrs and assertion == "present":
            continue
        if _GENERIC.search(low[max(0, m.start() - 80):m.end() + 60]) and assertion != "family":
            continue
        end = max(m.end(), res_end)
        if value in ("positive", "variant of uncertain significance"):
            pv, cv = _variants(text, m.end(), min(len(text), m.end() + 80))
            attrs.update(protein_change=pv, cdna_change=cv)
        if not genes:
            # "BRCA negative" covers both genes; "BRCA mutation" does not say which.
            if value == "positive":
                out.append(_finding(text, "brca", value, m.start(), end, 0.8, assertion, **attrs))
                continue
            genes = {"1", "2"}
        conf = 0.9 if len(genes) == 1 else 0.85
        for g in sorted(genes):
            out.append(_finding(text, f"brca{g}", value, m.start(), end, conf, assertion, **attrs))

    genes_found = list(_GENE_RE.finditer(low))
    for i, m in enumerate(genes_found):
        stop = genes_found[i + 1].start() if i + 1 < len(genes_found) else len(low)
        value, assertion, attrs, res_end = _classify(low, m.start(), m.end(), stop, "mutated", "not detected")
        pv, _ = _variants(text, m.end(), min(stop, m.end() + 60))
        if value is None and pv and not attrs and assertion == "present":
            # "PIK3CA H1047R" names the mutation without a result word.
            value = "mutated"
            res_end = m.end() + text[m.end():].find(pv) + len(pv)
        if value is None and not attrs and assertion == "present":
            continue
        if value == "not detected" and pv:
            pv = None
        if _GENERIC.search(low[max(0, m.start() - 80):m.end() + 60]) and assertion != "family":
            continue
        if value == "mutated" and pv:
            attrs["variant"] = pv
        out.append(_finding(text, m.group("gene"), value, m.start(), max(m.end(), res_end), 0.9,
                            assertion, **attrs))

    out.extend(_pdl1(text, low))
    out.extend(_oncotype(text, low))
    out.sort(key=lambda f: (f.start, f.field))
    return out


_PDL1_RE = re.compile(r"(?<![a-z0-9])pd-?\s?l1(?![a-z0-9])|combined\s+positive\s+score")


def _pdl1(text: str, low: str) -> list[Finding]:
    out = []
    last_end = -1
    for m in _PDL1_RE.finditer(low):
        if m.start() < last_end:
            continue
        s0, s1 = _sentence(low, m.start(), m.end())
        # Reports put the assay, score and call on one line, often split by ". ".
        win_end = min(len(low), m.end() + 140)
        nl = low.find("\n", m.end())
        if nl != -1:
            win_end = min(win_end, nl)
        nxt = _PDL1_RE.search(low, m.end(), win_end)
        if nxt:
            win_end = nxt.start()
        win = low[m.end():win_end]
        val: dict = {"cps": None, "tps": None, "ic": None, "status": None, "assay": None}
        end = m.end()
        for key, rx in (("cps", _CPS), ("tps", _TPS), ("ic", _IC)):
            r = rx.search(win)
            if r:
                v = float(r.group("v"))
                val[key] = int(v) if v.is_integer() else v
                if r.group("op"):
                    val[key + "_op"] = r.group("op")
                end = max(end, m.end() + r.end())
        a = _ASSAY.search(low[max(s0, m.start() - 30):win_end])
        if a:
            val["assay"] = a.group(1).upper()
        st = _PDL1_STATUS.search(win[:60])
        if st and not _GENERIC.search(low[max(0, m.start() - 80):m.end() + 60]):
            word = st.group(1)
            if word == "pending":
                out.append(_finding(text, "pdl1", None, m.start(), m.end() + st.end(), 0.85, pending=True))
                last_end = m.end() + st.end()
                continue
            val["status"] = "positive" if word in ("positive", "high") else "negative"
            end = max(end, m.end() + st.end())
        derived = False
        if val["status"] is None:
            # Breast-cancer cut-offs: CPS >= 10 for pembrolizumab (22C3, KEYNOTE-355);
            # immune cells >= 1% for SP142.
            if val["cps"] is not None:
                below = val.get("cps_op", "").startswith("<")
                val["status"] = "positive" if val["cps"] >= 10 and not below else "negative"
                derived = True
            elif val["ic"] is not None:
                below = val.get("ic_op", "").startswith("<")
                val["status"] = "positive" if val["ic"] >= 1 and not below else "negative"
                derived = True
        if val["status"] is None and val["tps"] is None:
            continue
        last_end = end
        out.append(_finding(text, "pdl1", val, m.start(), end, 0.9 if not derived else 0.8, derived=derived))
    return out


def _oncotype(text: str, low: str) -> list[Finding]:
    out = []
    for m in _ONCO_RS.finditer(low):
        head = low[m.start():m.end()]
        before = low[max(0, m.start() - 200):m.start()]
        if "oncotype" not in head and "recurrence score" not in head:
            # A bare "RS" is only the recurrence score right after "Oncotype".
            if "oncotype" not in before[-60:]:
                continue
        if "recurrence score" in head and "oncotype" not in before and "21-gene" not in before \
                and not re.search(r"results?\s*:\s*$", before):
            # Other "recurrence scores" (e.g. the Magee equation's estimate) are not
            # Oncotype DX; an Oncotype section names the assay before its result.
            continue
        if re.search(r"(?:patients\s+with\s+an?|estimated|magee)\s*$", before):
            continue
        v = int(m.group("v"))
        if v > 100:
            continue
        risk = _RISK.match(low, m.end())
        attrs = {"risk_group": risk.group(1)} if risk else {}
        end = m.end() + (risk.end() - m.end() if risk else 0)
        out.append(_finding(text, "oncotype_rs", v, m.start(), end, 0.92, **attrs))
    for m in _ONCO_PENDING.finditer(low):
        if any(f.start <= m.start() < f.end for f in out):
            continue
        out.append(_finding(text, "oncotype_rs", None, m.start(), m.end(), 0.85, pending=True))
    return out


_BRCA_RANK = {"positive": 3, "variant of uncertain significance": 2, "negative": 1}


def summarize(findings: list[Finding]) -> dict:
    out: dict = {}
    present = [f for f in findings if f.field in FIELDS and f.assertion == "present" and f.value is not None]
    for gene in ("brca1", "brca2"):
        vals = [f for f in present if f.field == gene]
        if vals:
            # A pathogenic variant reported anywhere outranks a negative panel line.
            best = max(vals, key=lambda f: (_BRCA_RANK.get(f.value, 0), f.confidence))
            out[gene] = best.value
            if best.attributes.get("protein_change") or best.attributes.get("cdna_change"):
                out[gene + "_variant"] = best.attributes.get("protein_change") or best.attributes.get("cdna_change")
    if "brca1" not in out and "brca2" not in out and any(f.field == "brca" for f in present):
        out["brca"] = "positive"
    for gene in ("pik3ca", "esr1"):
        vals = [f for f in present if f.field == gene]
        if vals:
            best = max(vals, key=lambda f: (f.value == "mutated", f.confidence))
            out[gene] = best.value
            if best.attributes.get("variant"):
                out[gene + "_variant"] = best.attributes["variant"]
    pd = [f for f in present if f.field == "pdl1"]
    if pd:
        merged: dict = {}
        for f in sorted(pd, key=lambda f: f.derived):
            for k, v in f.value.items():
                if v is not None and merged.get(k) is None:
                    merged[k] = v
        out["pdl1"] = {k: merged.get(k) for k in ("cps", "tps", "ic", "status", "assay")}
    rs = [f for f in present if f.field == "oncotype_rs"]
    if rs:
        out["oncotype_rs"] = rs[-1].value
        risk = next((f.attributes["risk_group"] for f in reversed(rs) if f.attributes.get("risk_group")), None)
        if risk:
            out["oncotype_risk_group"] = risk
    return out
