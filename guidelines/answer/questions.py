"""Questions a person can take to their oncologist, chosen by topic and profile."""

from __future__ import annotations

from .profile_facts import ProfileFacts
from .understanding import Understanding


def questions_for_oncologist(u: Understanding, pf: ProfileFacts) -> list[str]:
    out: list[str] = []
    drugs = [d["name"] for d in pf.current_drugs()] + [d.name for d in u.drugs]
    if "CAR T-cell therapy" in u.topics or "immunotherapy" in u.topics:
        out.append("Are there CAR T-cell or other immunotherapy trials for my type of breast cancer, and could I qualify?")
    if "side_effects" in u.intents or "neutropenia" in u.topics:
        for name in dict.fromkeys(drugs):
            out.append(f"Which side effects of {name} should I call you about right away, and who do I call after hours?")
        if any(t.get("lowers_neutrophils") for t in pf.current_drugs()) or "neutropenia" in u.topics:
            out.append("How often will my blood counts be checked, and what would a low neutrophil count mean for my treatment plan?")
    if "options" in u.intents or "metastatic breast cancer" in u.topics:
        out.append("What are my treatment options now, and what is the goal of each one?")
        if pf.metastatic:
            out.append("Would biomarker testing of my cancer (for example ESR1, PIK3CA or HER2-low) open other options?")
    if "oligometastatic disease" in u.topics or pf.value("oligometastatic"):
        out.append("Does my cancer count as oligometastatic, and would treating the individual spots (for example with surgery or radiation) be an option for me?")
    if "trials" in u.intents or "CAR T-cell therapy" in u.topics:
        out.append("Is there a clinical trial that fits my situation, and how would joining it change my current treatment?")
    if "integrative" in u.intents:
        out.append("Could this supplement or therapy interact with my current treatment, and is there good evidence for it?")
    if "lifestyle" in u.intents:
        out.append("Are there diet or activity changes you recommend during my treatment?")
    if "prognosis" in u.intents:
        out.append("What does my stage and subtype mean for my outlook, and what affects it?")
    if "tests" in u.intents:
        out.append("What do my biomarker results mean for my treatment choices?")
    if pf.contradictions:
        out.append("My own understanding of my results differs from my record: can we go over them together?")
    if not out:
        out.append("How does this apply to my situation?")
    return list(dict.fromkeys(out))[:6]
