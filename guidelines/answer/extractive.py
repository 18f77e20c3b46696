"""Sentences taken from retrieved passages: cleaned, checked for safety, ranked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from guidelines.types import Passage

from .terms import key_terms

# Dosing and self-directed medication changes never reach a patient-facing answer.
_UNSAFE = re.compile(
    r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|mL|units?|iu)(?:/m2|/kg|/day)?\b|mg/m|\bdose of\b|\bdosage\b"
    r"|\btake (?:\d|one|two)|\b(?:once|twice|three times) (?:a|per) day|\bstop taking\b|\bdo not take\b"
    r"|\bdiscontinue\b|\bincrease (?:the|your) dose|\breduce (?:the|your) dose|\bskip (?:a|your) dose",
    re.I,
)
_PRONUNCIATION = re.compile(r"\((?:[A-Z]+-)+[A-Z]+(?: [A-Z-]+)*\)")
_BRACKET_REF = re.compile(r"\[\d+(?:[,-]\d+)*\]")
_JUNK = re.compile(r"^(?:US Brand Name|FDA Approved|Placeholder|Definition from|MedlinePlus|Yes$|No$|Learn (?:more )?about|Read (?:more )?about|See (?:the|also)|Find out|This illustration|Credit:)|https?://|\.aspx|\bclick\b|\bsee the\b.*\bsummary\b", re.I)


def clean(sentence: str) -> str:
    sentence = _PRONUNCIATION.sub("", sentence)
    sentence = _BRACKET_REF.sub("", sentence)
    sentence = re.sub(r"\*\*|__|`", "", sentence)
    sentence = re.sub(r"\s+", " ", sentence).strip(" -•*")
    return sentence


def is_unsafe(sentence: str) -> bool:
    return bool(_UNSAFE.search(sentence))


def usable(sentence: str) -> bool:
    words = sentence.split()
    return (
        6 <= len(words) <= 60
        and sentence[:1].isupper()
        and sentence.rstrip()[-1:] in ".!?"
        and not _JUNK.search(sentence)
        and not is_unsafe(sentence)
        and "?" not in sentence[:-1]
    )


@dataclass(frozen=True)
class Quote:
    text: str
    passage: Passage
    score: float


def best_sentences(
    passages: list[Passage],
    query: str,
    n: int = 3,
    must: tuple[str, ...] = (),
    exclude: set[str] | None = None,
    per_passage: int = 2,
) -> list[Quote]:
    """The `n` sentences that best answer `query`, at most `per_passage` from one
    passage, earlier (better-ranked) passages preferred on ties. `must` terms, when
    given, are required (any one of them) in the sentence."""
    wanted = key_terms(query)
    exclude = exclude if exclude is not None else set()
    scored: list[Quote] = []
    for rank, passage in enumerate(passages):
        sentences = passage.sentences or (passage.text,)
        for position, raw in enumerate(sentences):
            text = clean(raw)
            if not usable(text) or text in exclude:
                continue
            lowered = text.lower()
            if must and not any(m in lowered for m in must):
                continue
            terms = key_terms(text)
            overlap = len(terms & wanted)
            if overlap == 0 and not must:
                continue
            # Overlap matters most; the passage's rank and an early position in it
            # (where NCI pages define things) break ties.
            score = overlap + 0.3 / (1 + rank) + 0.2 / (1 + position)
            scored.append(Quote(text, passage, score))
    scored.sort(key=lambda q: -q.score)
    chosen: list[Quote] = []
    counts: dict[str, int] = {}
    for quote in scored:
        if counts.get(quote.passage.id, 0) >= per_passage:
            continue
        if any(_similar(quote.text, c.text) for c in chosen):
            continue
        chosen.append(quote)
        counts[quote.passage.id] = counts.get(quote.passage.id, 0) + 1
        exclude.add(quote.text)
        if len(chosen) == n:
            break
    return chosen


def _similar(a: str, b: str) -> bool:
    ta, tb = key_terms(a), key_terms(b)
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) > 0.8
