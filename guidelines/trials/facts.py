"""The profile facts the pre-screen uses, read from a SPEC profile dict (the `summary`
keys plus cancer_type, menopausal_status, treatments; optional age, sex, ecog).
Also accepts the older agent format (biomarkers list, prior_therapies, ecog_status,
brain_mets_status) so the shared sample profile works unchanged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .therapies import treatment_concepts

EARLY_STAGES = {"0", "IA", "IB", "IIA", "IIB", "IIIA", "IIIB", "IIIC", "I", "II", "III"}
BRAIN_SITE = re.compile(r"brain|cns|central nervous|leptomening|intracranial|cerebr", re.I)


@dataclass(frozen=True)
class Treatment:
    name: str
    status: str | None
    concepts: frozenset[str]


@dataclass
class Facts:
    cancer_type: str | None = "breast"
    her2: str | None = None          # "positive" | "low" | "zero" | "negative" | None
    hr: str | None = None            # "positive" | "negative" | None
    setting: str | None = None       # "metastatic" | "early" | None
    stage_group: str | None = None
    metastatic_sites: list[str] = field(default_factory=list)
    brain_mets: bool | None = None
    bone_only: bool = False
    histology: str | None = None
    menopausal_status: str | None = None
    age: float | None = None
    sex: str | None = None           # "female" | "male"
    ecog: int | None = None
    treatments: list[Treatment] = field(default_factory=list)

    @property
    def her2_label(self) -> str:
        return {"positive": "HER2-positive", "low": "HER2-low", "zero": "HER2-0 (not HER2-low)",
                "negative": "HER2-negative"}.get(self.her2 or "", "HER2 status unknown")

    @property
    def hr_label(self) -> str:
        if self.hr == "negative" and self.her2 in ("negative", "low", "zero"):
            return "triple-negative"
        return {"positive": "hormone-receptor-positive (ER and/or PR)",
                "negative": "hormone-receptor-negative"}.get(self.hr or "", "ER/PR unknown")

    @property
    def setting_label(self) -> str:
        if self.setting == "metastatic":
            return "metastatic" + (" (stage IV)" if self.stage_group == "IV" else "")
        if self.setting == "early":
            return f"stage {self.stage_group}" if self.stage_group else "early-stage"
        return "stage unknown"

    def all_concepts(self) -> frozenset[str]:
        out: set[str] = set()
        for t in self.treatments:
            out |= t.concepts
        return frozenset(out)


def _status(value) -> str | None:
    if value is None:
        return None
    s = str(value).strip().lower()
    if s in ("positive", "pos", "+", "true"):
        return "positive"
    if s in ("negative", "neg", "-", "false"):
        return "negative"
    if s == "equivocal":
        return "equivocal"
    return None


def _from_biomarkers(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        s = str(item).lower()
        key = ("her2_status" if re.search(r"her-?2", s) else "er_status" if re.search(r"\ber\b|estrogen", s)
               else "pr_status" if re.search(r"\bpr\b|progesterone", s) else None)
        if not key:
            continue
        if "low" in s and key == "her2_status":
            out["her2_status"], out["her2_low"] = "negative", "true"
        elif re.search(r"positive|\+|amplified|3\+", s):
            out[key] = "positive"
        elif re.search(r"negative|-|0", s):
            out[key] = "negative"
    return out


def facts_from_profile(profile: dict) -> Facts:
    p = dict(profile or {})
    if p.get("biomarkers"):
        for k, v in _from_biomarkers(p["biomarkers"]).items():
            p.setdefault(k, v)
    f = Facts()
    cancer = str(p.get("cancer_type") or "breast").lower()
    f.cancer_type = "breast" if "breast" in cancer else cancer
    her2 = _status(p.get("her2_status"))
    low = p.get("her2_low")
    low = low if isinstance(low, bool) else (str(low).lower() == "true" if low is not None else None)
    ihc = str(p.get("her2_ihc_score") or "").strip()
    if her2 == "positive":
        f.her2 = "positive"
    elif her2 == "negative" or (her2 is None and low):
        if low is True or ihc in ("1+", "2+"):
            f.her2 = "low"
        elif low is False or ihc == "0":
            f.her2 = "zero"
        else:
            f.her2 = "negative"
    er, pr = _status(p.get("er_status")), _status(p.get("pr_status"))
    if "positive" in (er, pr):
        f.hr = "positive"
    elif er == "negative" and pr == "negative":
        f.hr = "negative"
    f.stage_group = (str(p["stage_group"]).upper().replace("STAGE", "").strip()
                     if p.get("stage_group") else None)
    sites = [str(s) for s in (p.get("metastatic_sites") or [])]
    f.metastatic_sites = sites
    m = str(p.get("m_category") or "").upper()
    desc = str(p.get("description") or "")
    if m.startswith("M1") or f.stage_group == "IV" or sites or re.search(r"\bmetasta", desc, re.I):
        f.setting = "metastatic"
    elif f.stage_group in EARLY_STAGES or m.startswith("M0"):
        f.setting = "early"
    brain_status = str(p.get("brain_mets_status") or "").lower()
    if any(BRAIN_SITE.search(s) for s in sites) or brain_status in ("present", "active", "stable",
                                                                     "treated", "yes"):
        f.brain_mets = True
    elif sites or brain_status in ("none", "no", "absent"):
        f.brain_mets = False
    f.bone_only = bool(sites) and all(re.search(r"bone|osseous|skelet", s, re.I) for s in sites)
    f.histology = p.get("histology")
    meno = str(p.get("menopausal_status") or "").lower()
    if not meno and re.search(r"premenopausal|postmenopausal", desc, re.I):
        meno = re.search(r"(pre|post)menopausal", desc, re.I).group(0).lower()
    f.menopausal_status = meno or None
    if p.get("age") is not None:
        try:
            f.age = float(p["age"])
        except (TypeError, ValueError):
            f.age = None
    sex = str(p.get("sex") or "").lower()
    f.sex = sex if sex in ("female", "male") else None
    for key in ("ecog", "ecog_status", "ecog_performance_status"):
        if p.get(key) is not None and str(p[key]).strip().isdigit():
            f.ecog = int(str(p[key]).strip())
            break
    treatments = list(p.get("treatments") or [])
    treatments += [{"name": n, "kind": "drug", "status": "completed"}
                   for n in (p.get("prior_therapies") or [])]
    for t in treatments:
        if isinstance(t, str):
            t = {"name": t}
        name = str(t.get("name") or "").strip()
        kind = str(t.get("kind") or "drug").lower()
        if not name or kind in ("surgery", "radiation", "radiotherapy"):
            continue
        f.treatments.append(Treatment(name, t.get("status"), treatment_concepts(name)))
    return f
