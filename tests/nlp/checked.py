"""Run an extractor the way the pipeline does, checking the offset contract."""

from __future__ import annotations

from collections.abc import Callable

from nlp.finding import Finding
from nlp.textnorm import normalize


def extract_checked(extract: Callable[[str], list[Finding]], text: str) -> list[Finding]:
    """Findings of `extract` on the normalised text. Each finding's text is the slice of
    the text the extractor was given, and the same offsets in the original cover the
    same characters (the pipeline then re-slices `text` from the original; see
    test_pipeline.py for that end of the contract)."""
    normalised = normalize(text)
    found = extract(normalised)
    for f in found:
        assert normalised[f.start:f.end] == f.text, f
        assert normalize(text[f.start:f.end]) == f.text, f
    return found
