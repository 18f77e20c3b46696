"""Summary keys for staging: T, N, M, stage group, size, nodes and metastatic sites.

Receives the present findings of a whole document (every field, every module) and
decides between competing statements: pathologic over clinical, stated over derived,
and, when a report covers several specimens, the invasive tumour with the largest T.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from nlp.finding import Finding
from nlp.staging import n_from_node_count, stage, t_from_size

_CLINICAL = ("c", "yc")
# Within a main category the more specific spelling wins ("pT1" and "pT1c" → T1c).
_T_MAIN_RANK = {"TX": 0, "Tis": 1, "T0": 2, "T1": 3, "T2": 4, "T3": 5, "T4": 6}
_N_MAIN_RANK = {"NX": 0, "N0": 1, "N1mi": 2, "N1": 3, "N2": 4, "N3": 5}


def _t_key(value: str) -> tuple[int, int]:
    main = "Tis" if value == "Tis" else value[:2]
    return _T_MAIN_RANK.get(main, -1), len(value)


def _n_main(value: str) -> str:
    if value.startswith("N1mi"):
        return "N1mi"
    return value[:2]


def _n_key(value: str) -> tuple[int, int]:
    # N0(i+) outranks N0 (more information), N1a outranks N1.
    return _N_MAIN_RANK.get(_n_main(value), -1), len(value)


def _usable(findings: list[Finding], field: str) -> list[Finding]:
    return [
        f for f in findings
        if f.field == field and f.value is not None and f.assertion == "present"
        and not f.attributes.get("superseded")
    ]


def _pathologic_first(findings: list[Finding]) -> list[Finding]:
    """Pathologic (p, yp, unprefixed) statements if any, else clinical ones."""
    path = [f for f in findings if f.attributes.get("prefix") not in _CLINICAL]
    return path or findings


def _pick_t(findings: list[Finding]) -> Finding | None:
    cands = _pathologic_first(_usable(findings, "t_category"))
    known = [f for f in cands if f.value != "TX"] or cands
    return max(known, key=lambda f: _t_key(f.value), default=None)


def _pick_n(findings: list[Finding]) -> Finding | None:
    cands = _pathologic_first(_usable(findings, "n_category"))
    known = [f for f in cands if f.value != "NX"] or cands
    return max(known, key=lambda f: _n_key(f.value), default=None)


def _pick_m(findings: list[Finding]) -> str | None:
    values = {f.value for f in _usable(findings, "m_category")}
    for value in ("M1", "M0"):
        if value in values:
            return value
    return None


def _pick_size(findings: list[Finding]) -> float | None:
    cands = _usable(findings, "tumor_size_mm")
    if not cands:
        return None
    best_rank = max(f.attributes.get("rank", 0) for f in cands)
    best = [f for f in cands if f.attributes.get("rank", 0) == best_rank]
    # The diagnosis's size beats a measurement in the gross description of the same rank
    # (the gross "4.5 cm firm tumour" may be mostly biopsy cavity or in-situ disease).
    stated = [f for f in best if not f.attributes.get("gross_description") and f.section != "gross"]
    return max(f.value for f in stated or best)


def _pick_nodes(findings: list[Finding]) -> tuple[int | None, int | None]:
    """(positive, examined): a stated total if there is one, else the per-part counts
    added up, else the largest single statement."""
    cands = _usable(findings, "nodes_positive")
    exam_only = _usable(findings, "nodes_examined")
    totals = [f for f in cands if f.attributes.get("total")]
    if totals:
        best = max(totals, key=lambda f: (f.attributes.get("examined") or 0, f.value))
        return best.value, best.attributes.get("examined")
    parts: dict[str, Finding] = {}
    for f in cands:
        part = f.attributes.get("part")
        if part is None:
            continue
        prev = parts.get(part)
        if prev is None or (f.attributes.get("examined") or 0) > (prev.attributes.get("examined") or 0):
            parts[part] = f
    unparted = [f for f in cands if f.attributes.get("part") is None]
    if len(parts) > 3:
        # A synoptic "Lymph node status: Positive 5/27" after the parts restates their sum
        # (1/1 + 0/2 + 4/24); counting it as one more part would double the nodes.
        f = max(parts.values(), key=lambda g: g.start)
        rest = [g for g in parts.values() if g is not f]
        if all(g.attributes.get("examined") is not None for g in rest) and \
                f.value == sum(g.value for g in rest) and \
                f.attributes.get("examined") == sum(g.attributes["examined"] for g in rest):
            return f.value, f.attributes.get("examined")
    if len(parts) > 1:
        pos = sum(f.value for f in parts.values())
        exams = [f.attributes.get("examined") for f in parts.values()]
        exam = sum(exams) if all(e is not None for e in exams) else None
        # An unlabelled statement can be the report's own total; trust it if larger.
        best_un = max(unparted, key=lambda f: (f.attributes.get("examined") or 0, f.value),
                      default=None)
        if best_un is not None and (best_un.attributes.get("examined") or 0) >= (exam or 0) \
                and best_un.value >= pos:
            return best_un.value, best_un.attributes.get("examined")
        return pos, exam
    if cands:
        best = max(cands, key=lambda f: (f.attributes.get("examined") or 0, f.value))
        return best.value, best.attributes.get("examined")
    if exam_only:
        return None, max(f.value for f in exam_only)
    return None, None


def _n_from_status(findings: list[Finding]) -> str | None:
    """N from node statements without a count: N0 when every one is negative ("Sentinel
    lymph node: negative for tumor"), N1mi when every positive one is a micrometastasis;
    None when a positive node is not counted or isolated tumour cells are reported."""
    statuses = _usable(findings, "nodal_status")
    if not statuses:
        return None
    positive = [f for f in statuses if f.value == "positive"]
    if not positive:
        if any(f.value for f in _usable(findings, "micrometastasis")):
            return None
        if any(f.value for f in _usable(findings, "isolated_tumor_cells")):
            return "N0(i+)"
        return "N0"
    if all(f.attributes.get("micrometastasis") for f in positive):
        return "N1mi"
    return None


def _metastatic_sites(findings: list[Finding]) -> list[str]:
    seen: dict[str, None] = {}
    for f in _usable(findings, "metastatic_site"):
        seen.setdefault(f.value, None)
    return list(seen)


def _oligometastatic(findings: list[Finding]) -> bool | None:
    flags = [f.value for f in _usable(findings, "oligometastatic")]
    if flags:
        return Counter(flags).most_common(1)[0][0]
    return None


def _pick_stage(findings: list[Finding], computed: str | None) -> str | None:
    cands = _pathologic_first(_usable(findings, "stage_group"))
    if not cands:
        return None
    values = [f.value for f in cands]
    if computed in values:
        return computed
    if computed and any(computed.startswith(v) and v in ("I", "II", "III") for v in values):
        # "Stage II" written by an older edition, refined by T and N to IIA/IIB.
        return computed
    counts = Counter(values)
    top = max(counts.values())
    return [v for v in values if counts[v] == top][-1]


def summarize(findings: list[Finding]) -> dict[str, Any]:
    t_f, n_f = _pick_t(findings), _pick_n(findings)
    m_cat = _pick_m(findings)
    size = _pick_size(findings)
    positive, examined = _pick_nodes(findings)
    sites = _metastatic_sites(findings)

    t_prefix = t_f.attributes.get("prefix") if t_f else None
    t_cat = t_f.value if t_f else None
    t_derived = False
    if t_cat is None and size is not None:
        t_cat, t_derived = t_from_size(size), True
    n_cat = n_f.value if n_f else None
    n_derived = False
    if n_cat == "NX" and positive:
        # "pNX" in a checklist that also counts positive nodes: they say N1 or more. (A
        # stated pNX next to negative nodes stands: the pathologist had a reason.)
        n_cat, n_f = None, None
    if t_cat == "TX" and size is not None:
        t_prefix, t_cat, t_f = None, t_from_size(size), None
        t_derived = True
    status_n = None
    if n_cat is None and positive is None:
        status_n = _n_from_status(findings)
        if status_n == "N0":
            positive = 0
    if n_cat is None and status_n is not None:
        n_cat, n_derived = status_n, True
    if n_cat is None and positive is not None:
        micro = any(f.value for f in _usable(findings, "micrometastasis"))
        itc = any(f.value for f in _usable(findings, "isolated_tumor_cells"))
        counted = [f.attributes for f in _usable(findings, "nodes_positive") if "macro" in f.attributes]
        if counted:
            micro_only = all(a["macro"] == 0 for a in counted) and any(a.get("micro") for a in counted)
        else:
            # One positive node described as a micrometastasis.
            micro_only = micro and positive == 1
        n_cat = n_from_node_count(positive, micrometastasis_only=micro_only, itc_only=itc)
        n_derived = True
    m_derived = False
    if m_cat is None and sites:
        m_cat, m_derived = "M1", True

    t_for_stage = (t_prefix or "") + t_cat if t_cat else None
    n_prefix = n_f.attributes.get("prefix") if n_f else None
    n_for_stage = (n_prefix or "") + n_cat if n_cat else None
    result = stage(t_for_stage, n_for_stage, m_cat)
    stated = _pick_stage(findings, result.group)
    stage_source = None
    if stated is not None:
        group = stated
        stage_source = "stated"
    else:
        group = result.group
        stage_source = "computed" if group else None
    stage_derived = bool(t_derived or n_derived or m_derived or stage_source == "computed")
    return {
        "t_prefix": t_prefix,
        "t_category": t_cat,
        "n_category": n_cat,
        "m_category": m_cat,
        "stage_group": group,
        "stage_derived": stage_derived,
        "stage_source": stage_source,
        "stage_m_assumed": bool(group and stage_source == "computed" and result.m_assumed),
        "t_derived": t_derived,
        "n_derived": n_derived,
        "tumor_size_mm": size,
        "nodes_positive": positive,
        "nodes_examined": examined,
        "metastatic_sites": sites,
        "oligometastatic": _oligometastatic(findings),
    }
