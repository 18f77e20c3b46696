"""`python -m nlp.evaluate`: the pipeline against the TCGA-BRCA labels, dev and holdout apart.

The labels describe the patient's whole record, not the one report, so:
- agreement is counted where both the report (our summary) and the label give a value;
- coverage is the share of labelled reports where we give a value;
- T and N are also scored as accuracy over all labelled reports (no value counts as
  wrong), at the main category (T1-T4, N0-N3) and at the subcategory;
- the pending check counts reports that say a marker's result is pending and verifies
  that the value we report (if any) does not come from that pending statement.

Holdout texts are processed but never printed.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from nlp import devset
from nlp.finding import Finding
from nlp.pipeline import extract_findings, summarize

_STATUS = {"positive": "positive", "negative": "negative", "equivocal": "equivocal",
           "indeterminate": "equivocal"}
_HISTOLOGY = {
    "infiltrating ductal carcinoma": "invasive ductal carcinoma",
    "infiltrating lobular carcinoma": "invasive lobular carcinoma",
    "mixed histology (please specify)": "invasive mixed ductal and lobular carcinoma",
    "mucinous carcinoma": "mucinous carcinoma",
    "metaplastic carcinoma": "metaplastic carcinoma",
    "medullary carcinoma": "medullary carcinoma",
}
_PENDING_RE = re.compile(
    r"(?i)(?P<marker>\bER\b|\bPR\b|estrogen|progesterone|HER-?\s?2(?:/neu)?)[^.]{0,40}?"
    r"(?:pending|to\s+follow|will\s+be\s+(?:reported|performed)|see\s+addendum)"
)


def status(label: str) -> str | None:
    return _STATUS.get((label or "").strip().lower())


def t_label(raw: str) -> str | None:
    raw = (raw or "").replace(" ", "")
    m = re.match(r"^T(is|[0-4](?:mi|[a-d])?)", raw)
    return f"T{m.group(1)}" if m else None


def t_main(v: str | None) -> str | None:
    if not v:
        return None
    return "Tis" if v.startswith("Tis") else v[:2]


def n_label(raw: str) -> str | None:
    raw = (raw or "").replace(" ", "")
    m = re.match(r"^N([0-3])(mi|[a-c])?(\((?:i|mol)[+-]\))?", raw)
    if not m:
        return None
    sub = m.group(2) or ""
    itc = m.group(3) or ""
    # N0(i-) and N0(mol-) are plain N0; N0(i+) stays (AJCC keeps it apart).
    if itc.endswith("-)"):
        itc = ""
    return f"N{m.group(1)}{sub}{itc}"


def n_main(v: str | None) -> str | None:
    return v[:2] if v else None


def m_label(raw: str) -> str | None:
    raw = (raw or "").replace(" ", "").lstrip("cp")
    m = re.match(r"^M([01])", raw)
    return f"M{m.group(1)}" if m else None


def stage_label(raw: str) -> str | None:
    raw = (raw or "").strip().upper()
    return raw if re.fullmatch(r"0|IV|I{1,3}[ABC]?", raw) else None


def stage_main(v: str | None) -> str | None:
    return re.sub(r"[ABC]$", "", v) if v else None


def stage_agree(ours: str, label: str) -> bool:
    # Old editions give "II" without a letter: compare at the label's granularity.
    return ours == label or (label == stage_main(label) and stage_main(ours) == label)


@dataclass
class Row:
    name: str
    labelled: int = 0
    given: int = 0
    agree: int = 0
    correct_all: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, ours, label, same: Callable[[object, object], bool] | None = None) -> None:
        if label is None:
            return
        self.labelled += 1
        if ours is None:
            return
        self.given += 1
        ok = same(ours, label) if same else ours == label
        self.agree += ok
        self.correct_all += ok


@dataclass
class Pending:
    statements: int = 0
    valued: int = 0
    invented: int = 0


_SUMMARY_FIELD = {"er": "er_status", "pr": "pr_status", "her2": "her2_status"}


def _marker(raw: str) -> str:
    raw = raw.lower()
    return "er" if raw in ("er", "estrogen") else "pr" if raw in ("pr", "progesterone") else "her2"


def _pending_check(text: str, findings: list[Finding], summary: dict, acc: Pending) -> None:
    spans: dict[str, list[tuple[int, int]]] = {}
    for m in _PENDING_RE.finditer(text):
        spans.setdefault(_marker(m.group("marker")), []).append((m.start(), m.end()))
    for marker, places in spans.items():
        acc.statements += 1
        key = _SUMMARY_FIELD[marker]
        if summary.get(key) is None:
            continue
        acc.valued += 1
        fields = (key,) if marker != "her2" else ("her2_status", "her2_ihc_score", "her2_ish")
        support = [f for f in findings if f.field in fields and f.value is not None
                   and f.assertion == "present"]
        # Invented: every finding that could have given the value sits in a pending statement.
        if support and all(any(f.start < e and s < f.end for s, e in places) for f in support):
            acc.invented += 1


def evaluate(split: str) -> tuple[list[Row], Pending, int, float]:
    reports = devset.load(split)
    rows = {k: Row(k) for k in ("er", "pr", "her2", "her2 (IHC call)", "t", "t main", "n", "n main",
                                 "m", "stage", "histology")}
    pending = Pending()
    t0 = time.perf_counter()
    for report in reports:
        findings = extract_findings(report.text)
        summary = summarize(findings, text=report.text)
        lab = report.labels
        rows["er"].add(summary.get("er_status"), status(lab.get("er", "")))
        rows["pr"].add(summary.get("pr_status"), status(lab.get("pr", "")))
        rows["her2"].add(summary.get("her2_status"), status(lab.get("her2", "")))
        # The label's HER2 is FISH when done; a report with only IHC 2+ is equivocal.
        rows["her2 (IHC call)"].add(
            summary.get("her2_status"), status(lab.get("her2", "")),
            lambda ours, label, lab=lab: ours == label
            or (ours == "equivocal" and (status(lab.get("her2_ihc_status", "")) == "equivocal"
                                          or lab.get("her2_ihc_score") == "2+")),
        )
        t_ours = summary.get("t_category")
        n_ours = summary.get("n_category")
        rows["t"].add(t_ours, t_label(lab.get("t", "")), lambda o, la: t_main(o) == t_main(la) and (
            o == la or la == t_main(la)))
        rows["t main"].add(t_main(t_ours), t_main(t_label(lab.get("t", ""))))
        rows["n"].add(n_ours, n_label(lab.get("n", "")), lambda o, la: o.replace(" ", "") == la or (
            la == n_main(la) and n_main(o) == la) or (o in ("N0(i-)", "N0(mol-)") and la == "N0"))
        rows["n main"].add(n_main(n_ours), n_main(n_label(lab.get("n", ""))))
        rows["m"].add(summary.get("m_category"), m_label(lab.get("m", "")),
                      lambda o, la: o[:2] == la)
        rows["stage"].add(summary.get("stage_group"), stage_label(lab.get("pathologic_stage", "")),
                          stage_agree)
        rows["histology"].add(summary.get("histology"),
                              _HISTOLOGY.get((lab.get("histology") or "").strip().lower()))
        _pending_check(report.text, findings, summary, pending)
    elapsed = time.perf_counter() - t0
    return list(rows.values()), pending, len(reports), elapsed


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    -"


def print_table(split: str, rows: list[Row], pending: Pending, n: int, elapsed: float, out=sys.stdout) -> None:
    print(f"\n{split}: {n} reports, {1000 * elapsed / max(n, 1):.1f} ms/report", file=out)
    print(f"{'field':<16}{'labelled':>9}{'given':>7}{'coverage':>10}{'agree':>7}{'agreement':>11}"
          f"{'acc. all':>10}", file=out)
    for r in rows:
        acc_all = _pct(r.correct_all, r.labelled) if r.name.startswith(("t", "n")) else "     "
        print(f"{r.name:<16}{r.labelled:>9}{r.given:>7}{_pct(r.given, r.labelled):>10}{r.agree:>7}"
              f"{_pct(r.agree, r.given):>11}{acc_all:>10}", file=out)
    print(f"pending check: {pending.statements} marker results stated as pending; "
          f"{pending.valued} of those markers still got a value (from a result elsewhere in the "
          f"report); {pending.invented} values taken from the pending statement itself", file=out)


def main(argv: list[str] | None = None) -> int:
    splits = (argv if argv is not None else sys.argv[1:]) or ["dev", "holdout"]
    print("OncoLens extraction vs TCGA-BRCA labels (agreement where both give a value; "
          "'acc. all' counts no value as wrong)")
    for split in splits:
        rows, pending, n, elapsed = evaluate(split)
        print_table(split, rows, pending, n, elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
