"""Symptoms that must send a person to their care team before anything else."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RedFlag:
    kind: str
    text: str  # the words in the message that raised it
    source_file: str  # the NCI page whose passage backs the instruction


_FLAGS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("fever", re.compile(
        r"\b(?:fever(?:ish|s)?|febrile|chills|shivering|rigou?rs|high temperature"
        r"|temp(?:erature)?\s*(?:of|is|was|at|reading|:)?\s*(?:10[0-4]|3[89])(?:[.,]\d)?\b|10[0-4](?:[.,]\d)?\s*(?:°|degrees|f\b)|3[89](?:[.,]\d)?\s*(?:°|degrees|c\b))",
        re.I), "about-cancer-treatment-side-effects-infection.md"),
    ("chest pain", re.compile(r"\bchest (?:pain|pressure|tightness|hurts)|pain in (?:my|the) chest|heart (?:is )?racing", re.I),
     "about-cancer-treatment-side-effects-cardiopulmonary-pdq.md"),
    ("trouble breathing", re.compile(
        r"\bshort(?:ness)? of breath|can'?t (?:catch my )?breath|cannot breathe|can'?t breathe|(?:trouble|difficulty|struggling) breathing"
        r"|breathless|out of breath|gasping", re.I), "about-cancer-treatment-side-effects-cardiopulmonary-pdq.md"),
    ("confusion", re.compile(r"\bconfus(?:ed|ion)|disoriented|delirious|can'?t think straight|not making sense", re.I),
     "about-cancer-treatment-side-effects-delirium.md"),
    ("bleeding", re.compile(
        r"\bbleeding (?:that )?(?:won'?t|will not|doesn'?t|does not) stop|heavy bleeding|vomit(?:ing)? blood|cough(?:ing)? (?:up )?blood"
        r"|blood in (?:my )?(?:stool|urine|vomit|poop)|black,? (?:tarry )?stools?", re.I),
     "about-cancer-treatment-side-effects-bleeding-bruising.md"),
    ("severe allergic reaction", re.compile(
        r"\bswelling of (?:my )?(?:face|lips|tongue|throat)|throat (?:is )?(?:closing|swelling)|anaphyla|hives all over", re.I),
     "about-cancer-treatment-side-effects-skin-nail-changes.md"),
    ("stroke or seizure signs", re.compile(
        r"\bseizure|fainted|passed out|sudden (?:weakness|numbness)|can'?t (?:move|feel) (?:my )?(?:arm|leg|face)|worst headache",
        re.I), "about-cancer-treatment-side-effects-nerve-problems.md"),
)

# Someone describing what is happening now, not asking in general.
_PERSONAL = re.compile(
    r"\b(?:i|i'm|im|i've|ive|i'd|me|my|mine|we|our|she|he|her|his|mom|mum|mother|dad|wife|husband|partner)\b", re.I
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if i|if she|if he|if my|what if|in case|should i ever|what happens if|what should i do if|when should i call|"
    r"is it normal to get|can \w+ cause|does \w+ cause|signs of)\b", re.I,
)
_NUMERIC_TEMP = re.compile(
    r"\b(?:10[0-4]|3[89])(?:[.,]\d)?\s*(?:°|degrees|f\b|c\b)"
    r"|\btemp(?:erature)?\s*(?:of|is|was|at|reading|:)?\s*(?:10[0-4]|3[89])(?:[.,]\d)?\b", re.I
)


def find_red_flags(message: str) -> list[RedFlag]:
    """Red-flag symptoms the person describes as happening now.

    A general or conditional question ("what should I do if I get a fever?") is
    not an emergency report, unless it also gives a reading like 38.6 °C."""
    flags = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", message):
        personal = bool(_PERSONAL.search(sentence)) or bool(_NUMERIC_TEMP.search(sentence))
        hypothetical = bool(_HYPOTHETICAL.search(sentence)) and not _NUMERIC_TEMP.search(sentence)
        if not personal or hypothetical:
            continue
        for kind, pattern, source in _FLAGS:
            match = pattern.search(sentence)
            if match and all(f.kind != kind for f in flags):
                flags.append(RedFlag(kind, match.group(0), source))
    return flags


def mentions_symptom(message: str, kind: str) -> bool:
    return any(k == kind and p.search(message) for k, p, _ in _FLAGS)
