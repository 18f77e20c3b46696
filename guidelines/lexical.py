"""Tokens for BM25: lower-cased, stop words out, Porter-stemmed, and hyphenated or
slashed terms kept whole as well as in parts ("her2-low" → her2, low, her2low), so
"HER2-low", "T-DXd" and "CDK4/6" match however a page or a person writes them."""

from __future__ import annotations

import re
from functools import lru_cache

from bm25s.stopwords import STOPWORDS_EN
from nltk.stem.porter import PorterStemmer

_TERM = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*")
_STOP = frozenset(STOPWORDS_EN)
_stemmer = PorterStemmer()


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer.stem(word)


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for term in _TERM.findall(text.casefold()):
        parts = re.split(r"[-/]", term)
        if len(parts) > 1:
            tokens.append("".join(parts))
        tokens.extend(_stem(p) for p in parts if p not in _STOP and (len(p) > 1 or p.isdigit()))
    return tokens
