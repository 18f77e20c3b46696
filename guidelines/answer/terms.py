"""Key terms of a sentence: what the grounding check and sentence scoring compare."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9][a-z0-9+/-]*")
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves may might must shall also often usually called such many
much one two three used use uses using include includes including known like get gets help helps
people person someone way ways well even still yet however although though less lot lots make makes
cancer cancers treatment treatments treat treated doctor doctors type types kind kinds information
page pages nci explains detail details more learn see say says record shows lists show
""".split())


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A crude stem: enough to match "neutrophils" with "neutrophil" and
    "inhibitors" with "inhibitor" without a stemming library."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def key_terms(text: str) -> set[str]:
    words = _WORD.findall(text.lower().replace("‑", "-"))
    out = set()
    for word in words:
        for part in re.split(r"[-/]", word) if "-" in word or "/" in word else (word,):
            if len(part) >= 3 and part not in STOPWORDS and not part.isdigit():
                out.add(stem(part))
    return out
