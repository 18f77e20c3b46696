"""Document summary: rank the present findings, then merge each module's summarize().

Modules' summarize() receive the present findings best first, so "the first finding of
a field" is the one to report. Best means, in order:
1. from the invasive tumour's specimen part (a report may cover a DCIS excision, a
   benign contralateral breast and the cancer; "DCIS: ER positive" loses to the
   invasive tumour's ER);
2. from the final diagnosis / synoptic / addendum / ancillary studies rather than the
   comment, microscopic, gross description or clinical history;
3. higher confidence;
4. earlier in the document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from nlp.finding import Finding

SECTION_RANK = {
    "diagnosis": 0, "synoptic": 0, "addendum": 0, "ancillary": 0,
    None: 1, "comment": 1, "microscopic": 1,
    "specimen": 2, "intraoperative": 2,
    "gross": 3, "clinical_history": 3,
    "past_medical_history": 4, "family_history": 4,
}

# The summary keys of SPEC section 1; every output carries them, null when not stated.
SPEC_KEYS: dict[str, Any] = {
    "er_status": None, "pr_status": None, "her2_status": None, "her2_ihc_score": None,
    "her2_ish": None, "her2_low": None, "ki67_percent": None, "histology": None, "grade": None,
    "tumor_size_mm": None, "nodes_positive": None, "nodes_examined": None, "t_prefix": None,
    "t_category": None, "n_category": None, "m_category": None, "stage_group": None,
    "stage_derived": False, "metastatic_sites": [], "laterality": None,
}

# "A. RIGHT BREAST, MASTECTOMY:", "PART 2:", "1) Left axilla" — where a specimen part begins.
_PART_RE = re.compile(
    r"(?:^|\n|[.;:]\s+|\s-\s)(?:PART\s*#?\s*\d{1,2}\s*[:.)-]|\(?[A-H1-9]\s?[.)](?=\s?[A-Z\"']))"
)
# The invasive tumour named in a part whose histology findings are all in situ: a synoptic
# block ("DCIS location: Associated with invasive tumor") or a value list split into parts.
_INVASIVE_WORD_RE = re.compile(r"(?i)(?<!no )(?<!non-)(?<!without )(?<!for )\binvasive\s+(?:tumou?r|carcinoma|focus)")


def specimen_parts(text: str) -> list[int]:
    """Start offsets of the specimen parts of a report (always begins with 0)."""
    return [0] + [m.end() for m in _PART_RE.finditer(text)]


def _part_ranks(findings: list[Finding], starts: list[int], text: str = "") -> list[int]:
    """0 for findings in a part with invasive carcinoma, 2 in a part with only in-situ
    disease (unless its text names an invasive tumour: then 1), 1 otherwise."""
    import bisect

    kinds: dict[int, set[str]] = {}
    for f in findings:
        if f.field == "histology" and f.assertion == "present" and f.value:
            part = bisect.bisect_right(starts, f.start) - 1
            kinds.setdefault(part, set()).add("invasive" if f.attributes.get("invasive") else "in_situ")
    for part, k in kinds.items():
        if k == {"in_situ"} and text:
            end = starts[part + 1] if part + 1 < len(starts) else len(text)
            if _INVASIVE_WORD_RE.search(text, starts[part], end):
                k.add("mentions_invasive")
    ranks = []
    for f in findings:
        part = bisect.bisect_right(starts, f.start) - 1
        k = kinds.get(part, set())
        rank = 0 if "invasive" in k else 1 if not k or "mentions_invasive" in k else 2
        if f.attributes.get("dcis"):
            rank = 2
        ranks.append(rank)
    return ranks


def rank(findings: list[Finding], text: str | None = None, pages: list[str] | None = None) -> list[Finding]:
    """Findings best first (see module docstring)."""
    if not findings:
        return []
    part_rank: dict[int, int] = {}
    if pages:
        by_page: dict[int, list[Finding]] = {}
        for f in findings:
            by_page.setdefault(f.page or 1, []).append(f)
        for page, fs in by_page.items():
            for f, r in zip(fs, _part_ranks(fs, specimen_parts(pages[page - 1]), pages[page - 1]), strict=True):
                part_rank[id(f)] = r
    elif text is not None:
        for f, r in zip(findings, _part_ranks(findings, specimen_parts(text), text), strict=True):
            part_rank[id(f)] = r

    def key(f: Finding):
        return (part_rank.get(id(f), 1), SECTION_RANK.get(f.section, 1), -f.confidence,
                f.page or 0, f.start)

    return sorted(findings, key=key)


def merge(summarizers: Iterable[Callable[[list[Finding]], dict]], ranked_present: list[Finding]) -> dict:
    """Each module's keys; the SPEC keys are always there."""
    summary: dict[str, Any] = {k: (list(v) if isinstance(v, list) else v) for k, v in SPEC_KEYS.items()}
    for summarize in summarizers:
        part = summarize(list(ranked_present))
        for k, v in part.items():
            # A later module may add keys but does not erase a value another module set.
            if v is None and summary.get(k) is not None:
                continue
            summary[k] = v
    return summary
