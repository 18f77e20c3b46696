"""Pre-screen trials against a profile: why each one may fit, what to check, and which
ones are ruled out (a different cancer, a HER2 or hormone-receptor requirement or a
disease setting that contradicts the record, age or sex outside the trial's range).

This is a conversation starter, not an eligibility decision: wording says a trial "may
fit" or is "worth asking about", and only the study team decides eligibility."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .eligibility import TrialCriteria, parse_trial
from .facts import Facts, Treatment, facts_from_profile
from .models import Trial
from .therapies import concept_label

# Weights: a requirement the record meets adds, a point to check subtracts a little,
# a likely conflict subtracts more. Hard exclusions are not scored at all.
W_BREAST, W_BASKET = 3.0, 1.0
W_SETTING, W_HER2, W_HR = 2.0, 3.0, 1.0
W_HER2_AGENT = 1.0
W_PRIOR_MET, W_PRIOR_MISSING, W_PRIOR_CONFLICT = 1.5, -2.0, -3.0
W_BRAIN_OK, W_BRAIN_CHECK, W_BRAIN_CONFLICT = 1.0, -1.0, -3.0
W_CHECK, W_SOFT_CONFLICT = -0.25, -2.0

HER2_WORDS = {"positive": "HER2-positive", "low": "HER2-low", "zero": "HER2-0"}
HER2_AGENTS = re.compile(
    r"trastuzumab|pertuzumab|tucatinib|neratinib|lapatinib|zanidatamab|margetuximab|"
    r"t-dxd|t-dm1|phesgo|her-?2[- ](?:directed|targeted|specific|primed|pulsed|car)|anti-?her-?2",
    re.I)


@dataclass
class Screen:
    trial: Trial
    criteria: TrialCriteria
    score: float = 0.0
    why: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    excluded_because: list[str] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return not self.excluded_because

    @property
    def fit(self) -> str:
        if not self.passes:
            return "probably not a fit"
        strong = [c for c in self.concerns
                  if c.startswith(("may exclude", "excludes", "asks for", "a prevention"))]
        return "worth asking about" if strong or len(self.concerns) > 3 else "may fit"


def _her2_phrase(accepted: set[str]) -> str:
    if accepted == {"low", "zero"}:
        return "HER2-negative (including HER2-low)"
    return " or ".join(HER2_WORDS[a] for a in ("positive", "low", "zero") if a in accepted)


def _treatment_names(treatments: list[Treatment], concepts: frozenset[str]) -> list[str]:
    return [t.name for t in treatments if t.concepts & concepts]


def _rule_label(concepts: frozenset[str]) -> str:
    drugs = sorted(c for c in concepts if c.startswith("drug:"))
    classes = sorted(c for c in concepts if not c.startswith("drug:"))
    labels = [concept_label(c) for c in classes] + [concept_label(c) for c in drugs]
    return " / ".join(dict.fromkeys(labels))


def _check_cancer(s: Screen, f: Facts) -> None:
    c = s.criteria
    if f.cancer_type and f.cancer_type != "breast":
        if c.cancer == "breast":
            s.excluded_because.append(f"for breast cancer: your record says {f.cancer_type}")
        return
    if c.cancer == "breast":
        s.score += W_BREAST
        s.why.append("breast cancer: the trial is for breast cancer")
    elif c.cancer == "basket":
        s.score += W_BASKET
        s.concerns.append("a trial across many solid tumours: ask whether it has a place "
                          "for breast cancer")
    else:
        conds = ", ".join(s.trial.conditions[:3]) or "another condition"
        s.excluded_because.append(f"for a different condition ({conds}), not breast cancer")


def _check_setting(s: Screen, f: Facts) -> None:
    c = s.criteria
    setting = "early" if c.breast_kind == "prevention" else c.setting
    if not setting or setting == "any" or not f.setting:
        if setting in ("early", "metastatic") and not f.setting:
            s.concerns.append(f"for {'early' if setting == 'early' else 'advanced or metastatic'}"
                              " breast cancer: the stage is not in your record")
            s.score += W_CHECK
        return
    if c.breast_kind == "prevention" and f.setting == "early":
        s.concerns.append("a prevention or non-invasive-disease trial (such as DCIS or risk "
                          "reduction): may not be meant for people already treated for "
                          "invasive cancer")
        s.score += W_SOFT_CONFLICT
    elif setting == f.setting:
        s.score += W_SETTING
        where = "advanced or metastatic disease" if setting == "metastatic" else "early breast cancer"
        s.why.append(f"{f.setting_label}: the trial is for {where}")
    elif c.breast_kind == "prevention":
        s.excluded_because.append("for prevention or non-invasive disease (such as DCIS), "
                                  f"not {f.setting_label} breast cancer")
    elif setting == "early":
        s.excluded_because.append(f"for early (non-metastatic) breast cancer: your record says "
                                  f"{f.setting_label}")
    else:
        s.excluded_because.append(f"for advanced or metastatic breast cancer: your record says "
                                  f"{f.setting_label}")


def _check_her2(s: Screen, f: Facts) -> None:
    acc = s.criteria.her2_accepted
    if not acc or acc == {"positive", "low", "zero"}:
        return
    phrase = _her2_phrase(acc)
    if f.her2 is None:
        s.concerns.append(f"asks for {phrase} disease: HER2 status is not in your record")
        s.score += W_SOFT_CONFLICT / 2
    elif f.her2 in acc:
        s.score += W_HER2
        s.why.append(f"{f.her2_label}: matches the {phrase} requirement")
    elif f.her2 == "negative" and acc & {"low", "zero"}:
        if acc >= {"low", "zero"}:
            s.score += W_HER2
            s.why.append(f"HER2-negative: matches the {phrase} requirement")
        else:
            s.concerns.append(f"asks for {phrase} disease: your record says HER2-negative "
                              "without saying whether it is HER2-low (IHC 1+ or 2+)")
            s.score += W_CHECK
    else:
        s.excluded_because.append(f"requires {phrase} disease: your record says {f.her2_label}")


def _check_hr(s: Screen, f: Facts) -> None:
    c = s.criteria
    if not c.hr_required:
        return
    want = ("hormone-receptor-positive (ER+ and/or PR+)" if c.hr_required == "positive"
            else "hormone-receptor-negative (or triple-negative)")
    if f.hr is None:
        s.concerns.append(f"asks for {want} disease: ER/PR status is not in your record")
        s.score += W_CHECK
    elif f.hr == c.hr_required:
        s.score += W_HR
        s.why.append(f"{f.hr_label}: matches the {want} requirement")
    elif c.hr_source == "title":
        s.excluded_because.append(f"for {want} disease: your record says {f.hr_label}")
    else:
        s.concerns.append(f"may ask for {want} disease: your record says {f.hr_label}")
        s.score += W_SOFT_CONFLICT


def _check_her2_agent(s: Screen, f: Facts) -> None:
    if f.her2 not in ("positive", "low"):
        return
    text = " ".join([s.trial.title, *s.trial.interventions])
    if HER2_AGENTS.search(text):
        s.score += W_HER2_AGENT
        s.why.append(f"{f.her2_label}: the trial tests a HER2-directed treatment")


def _check_prior(s: Screen, f: Facts) -> None:
    have = f.all_concepts()
    seen: set[str] = set()
    for rule in s.criteria.prior_rules:
        label = _rule_label(rule.concepts)
        some = " (in some arms or cohorts)" if rule.cohort_specific else ""
        hits = _treatment_names(f.treatments, rule.concepts)
        literal = [t.name for t in f.treatments
                   if any(c.startswith("name:") and c[5:] in rule.text.lower() for c in t.concepts)]
        hits = list(dict.fromkeys(hits + literal))
        key = f"{rule.kind}:{label}:{bool(hits)}"
        if key in seen:
            continue
        seen.add(key)
        if rule.kind == "excluded" and hits:
            s.concerns.append(f"may exclude people treated with {label}{some}: your record lists "
                              f"{', '.join(hits)}")
            s.score += W_PRIOR_CONFLICT / (2 if rule.cohort_specific else 1)
        elif rule.kind == "required" and hits:
            s.why.append(f"treated with {label}: the trial asks for this{some}, and your "
                         f"record lists {', '.join(hits)}")
            s.score += W_PRIOR_MET
        elif rule.kind == "required" and not (have & rule.concepts):
            s.concerns.append(f"asks for previous treatment with {label}{some}: not in your record")
            s.score += W_PRIOR_MISSING / (2 if rule.cohort_specific else 1)


def _check_lines(s: Screen, f: Facts) -> None:
    c = s.criteria
    if c.max_lines is not None and f.treatments:
        s.concerns.append(f"allows no more than {c.max_lines} earlier line(s) of some treatments: "
                          "ask how your treatments so far are counted")
        s.score += W_CHECK
    if c.min_lines and not f.treatments:
        s.concerns.append(f"asks for at least {c.min_lines} earlier line(s) of treatment: "
                          "no treatments are in your record")
        s.score += W_CHECK


def _check_brain(s: Screen, f: Facts) -> None:
    policy = s.criteria.brain_policy
    if not f.brain_mets or not policy:
        return
    if policy == "allowed":
        s.score += W_BRAIN_OK
        s.why.append("brain metastases: the trial accepts people with brain metastases")
    elif policy == "stable_only":
        s.concerns.append("accepts brain metastases only if treated or stable: ask whether "
                          "yours count")
        s.score += W_BRAIN_CHECK
    else:
        s.concerns.append("excludes people with brain metastases: your record lists brain "
                          "metastases")
        s.score += W_BRAIN_CONFLICT


def _check_measurable(s: Screen, f: Facts) -> None:
    c = s.criteria
    if f.bone_only and c.bone_only_allowed:
        s.why.append("bone-only disease: the trial accepts bone-only disease")
        s.score += 0.5
    elif c.measurable_required:
        if f.bone_only:
            s.concerns.append("requires measurable disease (RECIST): your record lists bone-only "
                              "metastases, which often are not measurable")
            s.score += W_SOFT_CONFLICT / 2
        else:
            s.concerns.append("requires measurable disease on scans (RECIST 1.1): ask whether "
                              "yours is")
            s.score += W_CHECK


def _check_menopause(s: Screen, f: Facts) -> None:
    c = s.criteria
    if not c.menopause:
        return
    ofs = " (premenopausal women on ovarian suppression may be accepted)" if c.menopause_ofs_ok \
        else ""
    if not f.menopausal_status:
        if f.sex != "male":
            s.concerns.append(f"asks about menopausal status ({c.menopause}{ofs}): not in your record")
            s.score += W_CHECK
    elif f.menopausal_status.startswith(c.menopause[:3]) or (
            c.menopause == "premenopausal" and f.menopausal_status.startswith("peri")):
        s.why.append(f"{f.menopausal_status}: matches the {c.menopause} requirement")
        s.score += 0.5
    else:
        s.concerns.append(f"asks for {c.menopause} women{ofs}: your record says "
                          f"{f.menopausal_status}")
        s.score += W_SOFT_CONFLICT / (2 if ofs else 1)


def _check_ecog(s: Screen, f: Facts) -> None:
    mx = s.criteria.ecog_max
    if mx is None:
        return
    rng = "0" if mx == 0 else f"0–{mx}"
    if f.ecog is None:
        s.concerns.append(f"ECOG performance status not in your record (the trial asks for {rng}): "
                          "your care team can tell you yours")
        s.score += W_CHECK
    elif f.ecog <= mx:
        s.why.append(f"ECOG {f.ecog}: within the trial's {rng}")
        s.score += 0.25
    else:
        s.concerns.append(f"asks for ECOG performance status {rng}: your record says {f.ecog}")
        s.score += W_SOFT_CONFLICT


def _check_demographics(s: Screen, f: Facts) -> None:
    t = s.trial
    if f.age is not None:
        if t.min_age is not None and f.age < t.min_age:
            s.excluded_because.append(f"for people aged {t.min_age:g} or older: your record says "
                                      f"{f.age:g}")
        if t.max_age is not None and f.age > t.max_age:
            s.excluded_because.append(f"for people aged up to {t.max_age:g}: your record says "
                                      f"{f.age:g}")
    if f.sex and t.sex in ("FEMALE", "MALE") and t.sex.lower() != f.sex:
        s.excluded_because.append(f"enrols {t.sex.lower()} participants only")


def _check_status(s: Screen) -> None:
    status = s.trial.status.replace("_", " ").lower()
    if status != "recruiting":
        s.concerns.append(f"status was '{status}' when retrieved: check the live record")
        s.score += W_CHECK


def screen_trial(trial: Trial, facts: Facts, criteria: TrialCriteria | None = None) -> Screen:
    s = Screen(trial=trial, criteria=criteria or parse_trial(trial))
    _check_cancer(s, facts)
    _check_demographics(s, facts)
    if s.criteria.cancer == "other":
        return s
    _check_setting(s, facts)
    _check_her2(s, facts)
    _check_hr(s, facts)
    _check_her2_agent(s, facts)
    _check_prior(s, facts)
    _check_lines(s, facts)
    _check_brain(s, facts)
    _check_measurable(s, facts)
    _check_menopause(s, facts)
    _check_ecog(s, facts)
    _check_status(s)
    s.score = round(s.score, 2)
    return s


def prescreen(trials: list[Trial] | tuple[Trial, ...], profile: dict | Facts) -> list[Screen]:
    """Every trial screened, passing ones first, best score first."""
    facts = profile if isinstance(profile, Facts) else facts_from_profile(profile)
    screens = [screen_trial(t, facts, _criteria(t)) for t in trials]
    screens.sort(key=lambda x: (not x.passes, -x.score, x.trial.nct_id))
    return screens


_CACHE: dict[tuple[str, str, int], TrialCriteria] = {}


def _criteria(trial: Trial) -> TrialCriteria:
    key = (trial.nct_id, trial.source, hash(trial.eligibility_text))
    if key not in _CACHE:
        if len(_CACHE) > 2000:
            _CACHE.clear()
        _CACHE[key] = parse_trial(trial)
    return _CACHE[key]
