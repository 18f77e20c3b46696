"""AJCC 8th edition anatomic stage groups for breast cancer, and the T and N categories
that can be derived from the invasive size and the positive node count.

Inputs are AJCC spellings (`T1c`, `pN0(i+)`, `ypT0`, `cM0(i+)`, `MX`); the extractor in
nlp/extractors/tnm.py turns report text (OCR noise included) into these spellings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

STAGE_GROUPS = ("0", "IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IIIC", "IV")

_PREFIX_RE = re.compile(r"^(?P<prefix>yp|yc|rp|rc|p|c|y|r|a)?(?P<cat>[TNM].*)$")
_T_RE = re.compile(r"^T(?:(?P<is>is)|(?P<x>X)|(?P<num>[0-4])(?P<sub>mi|[a-d])?)(?:\(.*\))?$")
_N_RE = re.compile(
    r"^N(?:(?P<x>X)|(?P<num>[0-3])(?P<sub>mi|[a-c])?)(?P<mod>\((?:i|mol)[+-]\))?(?:\(sn\))?$"
)
_M_RE = re.compile(r"^M(?:(?P<x>X)|(?P<num>[01]))(?P<mod>\(i\+\))?$")

# Main-category table (AJCC 8th, Table "Anatomic Stage Groups"); T1 covers T1mi-T1c and
# N1 covers N1a-N1c, the N1mi row applies to T0/T1 only.
_TABLE: dict[tuple[str, str], str] = {
    ("Tis", "N0"): "0",
    ("T1", "N0"): "IA",
    ("T0", "N1mi"): "IB",
    ("T1", "N1mi"): "IB",
    ("T0", "N1"): "IIA",
    ("T1", "N1"): "IIA",
    ("T2", "N0"): "IIA",
    ("T2", "N1"): "IIB",
    ("T3", "N0"): "IIB",
    ("T0", "N2"): "IIIA",
    ("T1", "N2"): "IIIA",
    ("T2", "N2"): "IIIA",
    ("T3", "N1"): "IIIA",
    ("T3", "N2"): "IIIA",
    ("T4", "N0"): "IIIB",
    ("T4", "N1"): "IIIB",
    ("T4", "N2"): "IIIB",
}


@dataclass(frozen=True)
class StageResult:
    """A stage group with why it is (or is not) what it is.

    `m_assumed` is true when M was unknown (MX / not stated) and the group was
    computed as if cM0, which is how a pathologic stage is reported.
    """

    group: str | None
    m_assumed: bool = False
    reason: str | None = None


def split_prefix(category: str | None) -> tuple[str | None, str | None]:
    """("yp", "T1a") from "ypT1a"; the category part is returned unchanged."""
    if not category:
        return None, None
    m = _PREFIX_RE.match(category.strip().replace(" ", ""))
    if not m:
        return None, None
    return m.group("prefix"), m.group("cat")


def t_main(t: str | None) -> str | None:
    """Main T category: Tis, T0, T1..T4 or TX; None when not a valid T."""
    _, cat = split_prefix(t)
    m = _T_RE.match(cat or "")
    if not m:
        return None
    if m.group("is"):
        return "Tis"
    if m.group("x"):
        return "TX"
    return "T" + m.group("num")


def n_main(n: str | None) -> str | None:
    """Main N category for staging: N0 (with i+/mol+), N1mi, N1..N3 or NX."""
    _, cat = split_prefix(n)
    m = _N_RE.match(cat or "")
    if not m:
        return None
    if m.group("x"):
        return "NX"
    if m.group("num") == "1" and m.group("sub") == "mi":
        return "N1mi"
    return "N" + m.group("num")


def m_main(m: str | None) -> str | None:
    """M0 (cM0(i+) included), M1, MX; None when not stated or unreadable."""
    _, cat = split_prefix(m)
    mm = _M_RE.match(cat or "")
    if not mm:
        return None
    return "MX" if mm.group("x") else "M" + mm.group("num")


def stage(t: str | None, n: str | None, m: str | None = None) -> StageResult:
    """Anatomic stage group with provenance; see `stage_group`."""
    m_cat = m_main(m)
    if m_cat == "M1":
        return StageResult("IV")
    m_assumed = m_cat != "M0"
    t_pre, _ = split_prefix(t)
    n_pre, _ = split_prefix(n)
    t_cat, n_cat = t_main(t), n_main(n)
    if t_cat in (None, "TX") or n_cat in (None, "NX"):
        return StageResult(None, m_assumed, "T or N unknown")
    post_therapy = bool(t_pre and t_pre.startswith("y")) or bool(n_pre and n_pre.startswith("y"))
    if post_therapy and t_cat == "T0" and n_cat == "N0":
        return StageResult(None, m_assumed, "pathologic complete response")
    if n_cat == "N3":
        return StageResult("IIIC", m_assumed)
    if n_cat == "N1mi" and t_cat in ("T2", "T3", "T4"):
        n_cat = "N1"
    group = _TABLE.get((t_cat, n_cat))
    if group is None:
        return StageResult(None, m_assumed, f"no stage group for {t_cat} {n_cat}")
    return StageResult(group, m_assumed)


def stage_group(t: str | None, n: str | None, m: str | None = None) -> str | None:
    """AJCC 8th anatomic stage group ("0", "IA" ... "IV") from T, N and M.

    Unknown M (MX or None) is staged as cM0; TX/NX give None unless M1; ypT0 ypN0
    (complete response) gives None.
    """
    return stage(t, n, m).group


def round_size_mm(size_mm: float) -> int:
    """AJCC rounding: to the nearest millimetre, except that anything above 1 mm and
    below 2 mm rounds up to 2 mm (so it is never called T1mi)."""
    if 1 < size_mm < 2:
        return 2
    return int(math.floor(size_mm + 0.5))


def t_from_size(size_mm: float | None) -> str | None:
    """T category from the invasive tumour's greatest dimension in millimetres.

    T4 depends on skin or chest-wall involvement, never on size, so size alone stops
    at T3.
    """
    if size_mm is None or size_mm <= 0:
        return None
    mm = round_size_mm(size_mm)
    if mm <= 1:
        return "T1mi"
    if mm <= 5:
        return "T1a"
    if mm <= 10:
        return "T1b"
    if mm <= 20:
        return "T1c"
    if mm <= 50:
        return "T2"
    return "T3"


def n_from_node_count(
    positive: int | None,
    *,
    micrometastasis_only: bool = False,
    itc_only: bool = False,
) -> str | None:
    """N category from the number of positive axillary nodes.

    `itc_only`: the only nodal tumour is isolated tumour cells (not counted positive);
    `micrometastasis_only`: every positive node holds micrometastases only.
    """
    if positive is None or positive < 0:
        return None
    if positive == 0:
        return "N0(i+)" if itc_only else "N0"
    if micrometastasis_only:
        # pN1a-pN3a all need one deposit > 2 mm, so micrometastases alone stay N1mi.
        return "N1mi"
    if positive <= 3:
        return "N1a"
    if positive <= 9:
        return "N2a"
    return "N3a"
