"""Compose an answer: retrieved NCI sentences and record-backed templates, every
sentence cited, checked for grounding before it is returned."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from guidelines import retrieval
from guidelines.drug_table import row_for, rows_for
from guidelines.index_store import get_index
from guidelines.types import Passage

from . import grounding
from .citations import make_resolver, passage_entry, trial_entry
from .extractive import Quote, best_sentences, clean
from .profile_facts import ProfileFacts, add_message_facts
from .questions import questions_for_oncologist
from .understanding import Understanding, understand

DISCLAIMER = (
    "OncoLens gives general, educational information from public sources (National Cancer "
    "Institute pages and ClinicalTrials.gov records); the sources describe breast cancer in "
    "general, not your case. It is not medical advice: do not start, stop or change a treatment "
    "without your care team. If you have a fever, chest pain, trouble breathing, confusion or "
    "another urgent symptom, contact your care team or emergency services now."
)

DEFINITION = re.compile(r"\b(?:is|are) (?:a|an) (?:type|kind|form|group)\b|\bworks by\b|\bis a (?:treatment|drug|test)\b", re.I)

HEADINGS = {
    "mechanism": "How {topic} work{s}",
    "side_effects": "Side effects and how they are managed",
    "lifestyle": "Diet, activity and daily life",
    "integrative": "What the sources say about supplements and integrative approaches",
    "prognosis": "What the sources say about outlook",
    "tests": "What this test or result means",
    "options": "Treatments used for breast cancer like this",
    "trials": "About clinical trials",
}


@dataclass
class Draft:
    question: str
    u: Understanding
    pf: ProfileFacts
    sections: list[dict[str, Any]] = field(default_factory=list)
    citations: dict[str, dict[str, Any]] = field(default_factory=dict)
    trials: list[dict[str, Any]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    not_covered: list[str] = field(default_factory=list)

    def section(self, heading: str) -> dict[str, Any]:
        for s in self.sections:
            if s["heading"] == heading:
                return s
        s = {"heading": heading, "sentences": []}
        self.sections.append(s)
        return s

    def say(self, heading: str, text: str, cites: list[str]) -> None:
        cites = [c for c in dict.fromkeys(cites) if c]
        if not cites or not text:
            return
        for cid in cites:
            if cid in self.pf.citations:
                self.citations[cid] = self.pf.citations[cid]
        self.section(heading)["sentences"].append({"text": text, "citations": cites})

    def quote(self, heading: str, quote: Quote, extra: list[str] | None = None) -> None:
        self.citations[quote.passage.id] = passage_entry(quote.passage)
        self.say(heading, quote.text, [quote.passage.id, *(extra or [])])

    def cite_passage(self, passage: Passage) -> str:
        self.citations[passage.id] = passage_entry(passage)
        return passage.id


def _adult(passage: Passage) -> bool:
    """OncoLens serves adults with breast cancer; childhood-cancer pages would mislead."""
    return "childhood" not in passage.file and "pediatric" not in passage.title.lower()


def _search(query: str, k: int = 8, boost: list[str] | None = None) -> list[Passage]:
    filters = None if re.search(r"\b(?:child|children|pediatric|kid)\b", query, re.I) else {"adult": _adult}
    return [s.passage for s in retrieval.search(query, k=k, filters=filters, boost_terms=boost)]


def _file_passages(name: str) -> list[Passage]:
    return [p for p in get_index().passages if p.file.endswith(name)]


def _topic(u: Understanding) -> str:
    if u.topics:
        return u.topics[0] if u.topics[0] != "metastatic breast cancer" or len(u.topics) == 1 else u.topics[1]
    if u.drugs:
        return u.drugs[0].name
    return "this"


# --- urgent ---------------------------------------------------------------------------

URGENT_TEXT = {
    "fever": "You describe {symptom}{drug_note}: during cancer treatment a fever can be the first sign of a serious infection, so call your oncology team or its after-hours number now, and go to an emergency department or call emergency services if you cannot reach them or feel very unwell.",
    "chest pain": "You describe {symptom}: chest pain needs medical attention now, so call emergency services (911 in the US) or go to an emergency department, and tell your oncology team.",
    "trouble breathing": "You describe {symptom}: new or worsening trouble breathing needs medical attention now, so call emergency services (911 in the US) or go to an emergency department, and tell your oncology team.",
    "confusion": "You describe {symptom}: new confusion can be a sign of a serious problem such as delirium, so contact your care team now, or emergency services if it came on suddenly or is getting worse.",
    "bleeding": "You describe {symptom}: bleeding like this needs medical attention now, so call your care team right away, or emergency services if it is heavy.",
    "severe allergic reaction": "You describe {symptom}: swelling of the face, lips or throat can be a severe allergic reaction, so call emergency services now.",
    "stroke or seizure signs": "You describe {symptom}: this needs emergency care, so call emergency services now.",
}
URGENT_QUERIES = {
    "fever": "fever infection neutropenia low white blood cell count call doctor right away",
    "chest pain": "chest pain heart problems call doctor",
    "trouble breathing": "shortness of breath trouble breathing call doctor",
    "confusion": "delirium confusion sudden change call doctor",
    "bleeding": "bleeding that will not stop blood in stool urine call doctor",
    "severe allergic reaction": "allergic reaction swelling face throat emergency",
    "stroke or seizure signs": "seizure sudden weakness numbness emergency",
}


def _urgent(d: Draft) -> None:
    heading = "Contact your care team or emergency services now"
    for flag in d.u.red_flags:
        candidates = _file_passages(flag.source_file) + _search(URGENT_QUERIES[flag.kind], k=6)
        symptom_word = {"fever": "fever", "chest pain": "chest", "trouble breathing": "breath",
                        "confusion": "confus", "bleeding": "bleed", "severe allergic reaction": "swelling",
                        "stroke or seizure signs": "seizure"}[flag.kind]
        anchor = next((p for p in candidates if symptom_word in p.text.lower()), candidates[0] if candidates else None)
        if anchor is None:
            continue
        drug_note, drug_cites = "", []
        if flag.kind == "fever":
            lowering = [t for t in d.pf.current_drugs() if t.get("lowers_neutrophils")]
            lowering += [{"name": x.name} for x in d.u.drugs if x.lowers_neutrophils and x.name not in {t["name"] for t in lowering}]
            if lowering:
                names = ", ".join(t["name"] for t in lowering)
                drug_note = f" while taking {names}, which can lower neutrophils (the white blood cells that fight infection)"
                drug_cites = [c for t in lowering for c in d.pf.treatment_citation(t["name"])]
                if not drug_cites:
                    drug_cites = [_message_citation(d)]
        text = URGENT_TEXT[flag.kind].format(symptom=f"“{flag.text}”", drug_note=drug_note)
        d.say(heading, text, [d.cite_passage(anchor), *drug_cites])
        own_page = _file_passages(flag.source_file)
        quotes = best_sentences(own_page, URGENT_QUERIES[flag.kind], n=2, must=(symptom_word,), exclude=d.used)
        if len(quotes) < 2:
            quotes += best_sentences(candidates, URGENT_QUERIES[flag.kind], n=2 - len(quotes),
                                     must=(symptom_word,), exclude=d.used)
        for quote in quotes:
            d.quote("What the sources say about this symptom", quote)


def _message_citation(d: Draft) -> str:
    cid = "record:message"
    d.pf.citations[cid] = {"title": "Your message", "url": None, "updated": None,
                           "passage": d.question, "document": "your message", "page": None}
    return cid


# --- clarify ------------------------------------------------------------------------------

def _clarify(d: Draft) -> None:
    from .understanding import vocabulary

    cid = _message_citation(d)
    heading = "What I understood"
    u = d.u
    if u.cut_off_at:
        fragment = u.cut_off_at
        words = [w for w in sorted(vocabulary()) if w.startswith(fragment.lower()) and len(w) > len(fragment)]
        guesses = _likely_completions(fragment, words)
        d.say(heading, f"Your message seems to stop in the middle, at “{fragment}”.", [cid])
        understood = u.summary()
        if understood:
            d.say(heading, f"So far I understood: {understood}.", [cid])
        if guesses:
            d.say("What did you mean?", "Did you mean " + " or ".join(f"“{g}”" for g in guesses)
                  + f" (your message ends at “{fragment}”)? Please send the whole question.", [cid])
        else:
            d.say("What did you mean?", f"Please send the whole question; your message ends at “{fragment}”.", [cid])
    elif u.garbled:
        d.say(heading, "I could not make out most of the words in your message.", [cid])
        d.say("What did you mean?", "Could you write your question again in a few plain words about your message?", [cid])
    else:
        d.say(heading, f"Your message “{d.question.strip()}” is too short for me to tell what you would like to know.", [cid])
        d.say("What did you mean?", "Could you say more about what your message is asking, for example about a treatment, a side effect or a test result?", [cid])


def _likely_completions(fragment: str, words: list[str]) -> list[str]:
    preferred = ["neutrophils", "neutropenia", "ribociclib", "metastatic", "metastasis", "chemotherapy",
                 "radiation", "trastuzumab", "lymphedema", "fatigue", "hormone", "estrogen", "progesterone"]
    picks = [w for w in preferred if w.startswith(fragment.lower())]
    picks += [w for w in words if w not in picks and w.isalpha()]
    return picks[:3]


# --- answer sections ----------------------------------------------------------------------

def _main_section(d: Draft, passages: list[Passage]) -> None:
    u = d.u
    # The most specific need wins: "what are my options" is about options, not mechanism.
    intent = next((i for i in ("side_effects", "options", "integrative", "lifestyle", "trials",
                               "prognosis", "tests", "mechanism") if i in u.intents), None)
    topic = _topic(u)
    plural = topic.endswith(("ors", "ies", "ments")) and not topic.endswith("therapy")
    heading = HEADINGS.get(intent or "", "What the sources say").format(topic=topic, s="" if plural else "s")
    if intent == "mechanism" and topic == "this":
        heading = "What the sources say"
    query = " ".join([d.question, *u.topics, *(x.name for x in u.drugs)])
    for drug in u.drugs[:2]:
        row = row_for(drug.name)
        if row and row.how_sentence and (intent in (None, "mechanism", "side_effects", "options")):
            text, passage = row.how_sentence
            d.say(heading, text, [d.cite_passage(passage)])
            d.used.add(text)
    if u.drugs:
        # Passages about the named drug or its class first: "side effects" alone would
        # pull in pages about unrelated treatments.
        words = {w for x in u.drugs for w in (x.name.lower(), *_class_words(x.drug_class))}
        about = [p for p in passages if any(w in p.text.lower() for w in words)]
        passages = about if len(about) >= 2 else about + [p for p in passages if p not in about]
    must = SIDE_EFFECT_WORDS if intent == "side_effects" else ()
    quotes = best_sentences(passages, query, n=4 if intent else 3, must=must, exclude=d.used)
    # A definition reads best first, whatever its score.
    quotes.sort(key=lambda q: 0 if DEFINITION.search(q.text) else 1)
    for quote in quotes:
        d.quote(heading, quote)


SIDE_EFFECT_WORDS = ("side effect", "adverse", "neutropeni", "neutrophil", "infection", "fatigue",
                     "diarrh", "nausea", "toxicit", "low blood count", "white blood cell")


def _class_words(drug_class: str) -> tuple[str, ...]:
    lowered = drug_class.lower()
    return tuple(w for w in (lowered, lowered.split()[0]) if len(w) > 3)


def _personal_section(d: Draft) -> None:
    pf, u = d.pf, d.u
    heading = "What this means for you"
    described = []
    cites: list[str] = []
    for key, label in (("er_status", "ER"), ("pr_status", "PR"), ("her2_status", "HER2")):
        if pf.value(key) in ("positive", "negative", "equivocal"):
            described.append(f"{label}-{pf.value(key)}")
            cites += pf.cite(key)
    if pf.value("stage_group"):
        described.append(f"stage {pf.value('stage_group')}")
        cites += pf.cite("stage_group")
    elif pf.metastatic:
        described.append("metastatic")
        cites += pf.cite("metastatic_sites") or pf.cite("m_category") or pf.cite("oligometastatic")
    if described:
        source = "your record" if not any(pf.facts[k].self_reported for k in ("er_status", "pr_status", "her2_status", "stage_group") if k in pf.facts) else "what you told OncoLens"
        d.say(heading, f"According to {source}, your breast cancer is {', '.join(described)}.", cites)
    for c in pf.contradictions:
        d.say(heading, f"You wrote that your {c['key'].replace('_', ' ')} is {c['message']}, but your record shows "
              f"{c['record']}; please go over this result with your care team.",
              [c["record_citation"], c["message_citation"]])
        d.citations[c["message_citation"]] = pf.citations[c["message_citation"]]

    if "CAR T-cell therapy" in u.topics:
        _car_t_for_you(d, heading)
    if pf.her2_low and ("options" in u.intents or "tests" in u.intents or any(x.name == "trastuzumab deruxtecan" for x in u.drugs)):
        row = row_for("trastuzumab deruxtecan")
        basis = pf.cite("her2_low") or pf.cite("her2_ihc_score")
        if basis:
            d.say(heading, f"Your HER2 result (IHC {pf.value('her2_ihc_score') or '1+ or 2+'}"
                  f"{' with ISH not amplified' if pf.value('her2_ish') == 'not amplified' else ''}) is what is called HER2-low.", basis)
        if row and row.use_sentence:
            text, passage = row.use_sentence
            d.say(heading, text, [d.cite_passage(passage)])
    neutro_drugs = [t for t in pf.current_drugs() if t.get("lowers_neutrophils")]
    if neutro_drugs and ("side_effects" in u.intents or "neutropenia" in u.topics or u.drugs):
        for t in neutro_drugs[:2]:
            change = next((c for c in t.get("changes") or [] if c.get("reason")), None)
            detail = f", and it notes a change on {change.get('date') or 'an earlier date'}: {change.get('change')} because of {change.get('reason')}" if change else ""
            d.say(heading, f"Your record lists {t['name']} as a current treatment{detail}.", pf.treatment_citation(t["name"]))
        infection = _file_passages("about-cancer-treatment-side-effects-infection.md")
        for quote in best_sentences(infection, "low neutrophil count infection risk fever call doctor", n=2,
                                    must=("neutrophil", "fever", "infection"), exclude=d.used):
            d.quote(heading, quote)
    anc = next((lab for lab in reversed(pf.labs) if (lab.get("name") or "").upper() in ("ANC", "NEUTROPHILS")), None)
    if anc and ("side_effects" in u.intents or "neutropenia" in u.topics):
        cid = pf.cite("labs") or [c for c in pf.citations if c.startswith("record:")][:1]
        if cid:
            d.say(heading, f"Your latest neutrophil count ({anc.get('name')}) in the record is {anc.get('value')} {anc.get('unit', '')}"
                  f" ({anc.get('date') or 'undated'}); your care team can tell you what this level means for you.", cid)
    if pf.value("oligometastatic") or "oligometastatic disease" in u.topics:
        _not_covered(d, "oligometastatic breast cancer", "metastatic breast cancer treatment options",
                     extra=pf.cite("oligometastatic"))
    for key, fact in pf.facts.items():
        phrase = _self_reported_phrase(key, fact.value)
        if fact.self_reported and phrase:
            d.say(heading, f"That {phrase} comes from your message, not from a stored record, so OncoLens treats it as self-reported.", [fact.citation])


def _self_reported_phrase(key: str, value: Any) -> str | None:
    labels = {"er_status": "ER", "pr_status": "PR", "her2_status": "HER2"}
    if key in labels:
        return f"your cancer is {labels[key]}-{value}"
    if key == "stage_group":
        return f"your cancer is stage {value}"
    if key == "oligometastatic" and value:
        return "your cancer is oligometastatic"
    if key == "menopausal_status":
        return f"you are {value}"
    return None


def _car_t_for_you(d: Draft, heading: str) -> None:
    pf = d.pf
    car_t_passages = _search("CAR T-cell therapy solid tumors breast cancer clinical trials HER2", k=8)
    her2 = pf.value("her2_status")
    if her2 == "positive":
        her2_trials = [t for t in d.trials if re.search(r"\bCAR[- ]?T|chimeric antigen", t["title"], re.I)]
        if her2_trials:
            ids = [f"trial:{t['nct_id']}" for t in her2_trials]
            d.say(heading, f"Because your cancer is HER2-positive, CAR T-cell trials aimed at HER2 are the most relevant area for you: "
                  f"{len(her2_trials)} recruiting HER2 CAR T-cell {'trial is' if len(her2_trials) == 1 else 'trials are'} among the trials listed below.",
                  [*pf.cite("her2_status"), *ids])
    elif her2 == "negative" or pf.subtype in ("HR+/HER2-", "triple-negative"):
        d.say(heading, f"For {'ER-positive, HER2-negative' if pf.value('er_status') == 'positive' else 'HER2-negative'} breast cancer like yours, "
              "CAR T-cell therapy is investigational: it is being studied in clinical trials for solid tumors rather than used as a standard treatment.",
              [*pf.cite("er_status"), *pf.cite("her2_status"), *[p.id for p in car_t_passages[:1]]])
        if car_t_passages:
            d.cite_passage(car_t_passages[0])
    for quote in best_sentences(car_t_passages, "CAR T-cell therapies solid tumors progress clinical trials", n=1,
                                must=("solid tumor",), exclude=d.used):
        d.quote(heading, quote)


def _not_covered(d: Draft, what: str, fallback_query: str, extra: list[str] | None = None) -> None:
    passages = _search(fallback_query, k=3)
    if not passages:
        return
    d.not_covered.append(what)
    d.say("What the sources do not cover",
          f"The NCI pages OncoLens uses describe metastatic breast cancer in general and do not single out {what}, "
          "so ask your oncologist how this applies to you.",
          [d.cite_passage(passages[0]), *(extra or [])])


def _options_section(d: Draft) -> None:
    pf = d.pf
    biomarkers = {b for b, key in (("ESR1", "esr1"), ("PIK3CA", "pik3ca")) if pf.value(key) in ("positive", "detected", "mutated")}
    if any(pf.value(k) in ("positive", "pathogenic", "mutated", "detected") for k in ("brca1", "brca2")):
        biomarkers.add("BRCA")
    if pf.her2_low:
        biomarkers.add("HER2-low")
    rows = rows_for(pf.subtype, biomarkers, limit=5)
    heading = "Drugs NCI lists for this type of breast cancer (each says when it is used)" if pf.subtype else "Drugs used for breast cancer"
    for row in rows:
        sentence = row.use_sentence
        if sentence:
            text, passage = sentence
            if text not in d.used:
                d.say(heading, text, [d.cite_passage(passage)])
                d.used.add(text)


def _trials_section(d: Draft) -> None:
    heading = "Clinical trials you could ask about"
    for trial in d.trials[:3]:
        cid = f"trial:{trial['nct_id']}"
        d.citations[cid] = trial_entry(trial)
        reasons = trial.get("why") or ["it studies breast cancer"]
        # The specific match (HER2, prior therapy) says more than "it is for breast cancer".
        why = next((r for r in reasons if not r.lower().startswith("breast cancer")), reasons[0])
        d.say(heading, f"{trial['title']} ({trial['nct_id']}) may be worth asking about: {why[0].lower() + why[1:]}.", [cid])


def _learn_more(d: Draft) -> None:
    seen: set[str] = set()
    for cid, entry in list(d.citations.items()):
        if cid.startswith(("record:", "trial:")) or entry["url"] in seen:
            continue
        page = entry["url"].split("#")[0]
        if page in seen:
            continue
        seen.add(page)
        d.say("Where to learn more", f"NCI's page “{entry['title']}” explains this in more detail.", [cid])
        if len(seen) == 2:
            break


def _retrieval_query(question: str, u: Understanding, pf: ProfileFacts) -> str:
    """The question plus what it leaves implicit: "my options" means options for
    this person's subtype and stage."""
    parts = [question, *u.topics]
    if {"options", "prognosis", "tests"} & set(u.intents):
        subtype = {"HR+/HER2-": "hormone receptor positive HER2 negative", "HR+/HER2+": "hormone receptor positive HER2 positive",
                   "HR-/HER2+": "HER2 positive", "HER2+": "HER2 positive", "triple-negative": "triple-negative"}.get(pf.subtype or "", "")
        stage = "metastatic" if pf.metastatic else (f"stage {pf.value('stage_group')}" if pf.value("stage_group") else "")
        parts.append(f"treatment of {stage} {subtype} breast cancer".replace("  ", " "))
    return " ".join(p for p in parts if p)


def _profile_dict(pf: ProfileFacts) -> dict[str, Any]:
    data = {k: f.value for k, f in pf.facts.items() if not k.startswith("treatment:") and k != "labs"}
    data["treatments"] = pf.treatments
    data["cancer_type"] = "breast"
    return data


def _match_trials(pf: ProfileFacts, u: Understanding) -> list[dict[str, Any]]:
    try:
        from guidelines.trials.service import match_trials
    except ImportError:
        return []
    trials = match_trials(_profile_dict(pf), limit=8)
    # A trial whose stated requirement contradicts the record is not offered while
    # others fit; it would send the person to ask about something that cannot apply.
    fitting = [t for t in trials if not any("your record says" in c for c in t.get("concerns", []))]
    return (fitting or trials)[:5]


def answer(question: str, pf: ProfileFacts | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    pf = pf or ProfileFacts()
    u = understand(question)
    d = Draft(question, u, pf)
    if u.red_flags:
        kind = "urgent"
        _urgent(d)
    elif u.needs_clarification:
        kind = "clarify"
        _clarify(d)
    else:
        kind = "answer"
        add_message_facts(pf, question)
        boost = [x.name for x in u.drugs] + [label for label in pf.labels() if not label.startswith("some ")]
        passages = _search(_retrieval_query(question, u, pf), k=8, boost=boost)
        if "trials" in u.intents or "CAR T-cell therapy" in u.topics or "options" in u.intents:
            d.trials = _match_trials(pf, u)
        _main_section(d, passages)
        _personal_section(d)
        if "options" in u.intents:
            _options_section(d)
        if d.trials and ("trials" in u.intents or "CAR T-cell therapy" in u.topics or "options" in u.intents):
            _trials_section(d)
        _learn_more(d)
    result = {
        "question": question,
        "kind": kind,
        "personalized_for": pf.labels(),
        "sections": d.sections,
        "questions_for_oncologist": questions_for_oncologist(u, pf) if kind != "clarify" else [],
        "trials": [
            {"nct_id": t["nct_id"], "title": t["title"], "why": t.get("why", []), "concerns": t.get("concerns", []),
             **{k: t[k] for k in ("url", "status", "phase", "source") if k in t}}
            for t in (d.trials if kind == "answer" else [])
        ],
        "citations": d.citations,
        "disclaimer": DISCLAIMER,
    }
    if d.not_covered:
        result["not_covered"] = d.not_covered
    resolver = make_resolver(get_index(), {t["nct_id"] for t in d.trials})
    report = grounding.enforce(result, resolver)
    result["grounding"] = {"checked": report.checked, "passed": report.passed,
                           "dropped": [f["text"][:80] for f in report.failures]}
    result["profile_version"] = pf.version
    result["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


__all__ = ["answer", "clean", "DISCLAIMER"]


def warm_up() -> None:
    """Load everything an answer needs (index, embedding model, drug table, trial
    snapshot, NLP pipeline, vocabulary) so the first person to ask does not wait."""
    from guidelines.drug_table import table

    from .understanding import vocabulary

    get_index()
    table()
    vocabulary()
    answer("What are my treatment options?", ProfileFacts())
    answer("How does CAR-T work?", ProfileFacts())
