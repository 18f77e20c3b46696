"""A regex sentence splitter, good enough for NCI prose.

The answer engine quotes whole sentences, so a wrong split shows up as a quote cut in
half. The cases that matter in this corpus: abbreviations ("e.g.", "et al.", "vs.",
"U.S."), decimals ("1.5 cm"), list items without a final period, and statistics
("P = .57").
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "et al",
    "vs",
    "etc",
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "no",
    "fig",
    "approx",
    "u.s",
    "u.k",
    "inc",
    "jr",
    "sr",
    "ca",
    "cf",
    "al",
    "mg",
    "dl",
    "ml",
}
# A boundary: ., ! or ? (maybe followed by a closing quote/bracket), whitespace, then
# something that can start a sentence.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def _ends_with_abbreviation(text: str) -> bool:
    match = re.search(r"(\b[\w.]+)\.[\"'”’)\]]*$", text)
    if not match:
        return False
    word = match.group(1).casefold()
    # Single capital letters are initials ("Smith J. reported"), not sentence ends.
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends and on line breaks (list items are separate lines)."""
    sentences: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        pending = ""
        for match in _BOUNDARY.finditer(line):
            # Keep the closing quote/bracket with the sentence it closes.
            piece = line[start : match.end()].strip()
            start = match.end()
            candidate = f"{pending} {piece}".strip() if pending else piece
            if _ends_with_abbreviation(candidate):
                pending = candidate
                continue
            sentences.append(candidate)
            pending = ""
        rest = line[start:].strip()
        tail = f"{pending} {rest}".strip() if pending else rest
        if tail:
            sentences.append(tail)
    return sentences
