"""Hybrid passage search: BM25 and MiniLM cosine, fused by reciprocal rank fusion.

BM25 finds exact drug names, gene names and abbreviations the embedding model has
never seen; the embedding finds plain-language questions whose words the page does
not use ("tired all the time" → fatigue). RRF combines ranks rather than scores, so
neither ranker's scale has to be calibrated against the other's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Literal

import numpy as np

from guidelines import embedding
from guidelines.index_store import Index, get_index
from guidelines.lexical import tokenize
from guidelines.types import Passage, ScoredPassage

Mode = Literal["hybrid", "lexical", "semantic"]
RRF_K = 60  # the usual constant: damps the difference between ranks 1 and 2
POOL = 100  # candidates taken from each ranker before fusion
BOOST_WEIGHT = 0.5  # a boost list counts half as much as a ranker

# Abbreviations people type that pages spell out (or the reverse). Lexical side only:
# the embedding model already places most of these near their expansions.
QUERY_EXPANSIONS = {
    "tnbc": "triple-negative breast cancer",
    "t-dxd": "trastuzumab deruxtecan enhertu",
    "tdxd": "trastuzumab deruxtecan enhertu",
    "t-dm1": "ado-trastuzumab emtansine kadcyla",
    "car-t": "car t-cell therapy chimeric antigen receptor",
    "cart": "car t-cell therapy chimeric antigen receptor",
    "cdk4/6": "cdk4 cdk6 cyclin-dependent kinase inhibitor palbociclib ribociclib abemaciclib",
    "er+": "estrogen receptor positive",
    "hr+": "hormone receptor positive",
    "her2+": "her2-positive",
    "mbc": "metastatic breast cancer",
    "dcis": "ductal carcinoma in situ",
    "ibc": "inflammatory breast cancer",
}

Filters = Mapping[str, str | Collection[str] | Callable[[Passage], bool]]


def expand_query(query: str) -> str:
    words = {w.strip("?.,;:()\"'") for w in query.casefold().split()}
    extra = [QUERY_EXPANSIONS[w] for w in sorted(words) if w in QUERY_EXPANSIONS]
    return " ".join([query, *extra])


def _allowed(index: Index, filters: Filters | None) -> np.ndarray | None:
    """Boolean mask of passages passing `filters`: each key is a Passage attribute
    (or "file_prefix"), each value a string, a collection of strings, or a predicate."""
    if not filters:
        return None
    mask = np.ones(len(index.passages), dtype=bool)
    for i, passage in enumerate(index.passages):
        for name, wanted in filters.items():
            if name == "file_prefix":
                ok = passage.file.startswith(tuple([wanted] if isinstance(wanted, str) else wanted))
            elif callable(wanted):
                ok = wanted(passage)
            else:
                value = getattr(passage, name)
                ok = value == wanted if isinstance(wanted, str) else value in wanted
            if not ok:
                mask[i] = False
                break
    return mask


def _ranked(scores: np.ndarray, mask: np.ndarray | None, pool: int) -> list[int]:
    """Indices of the best `pool` passages with a positive score, best first."""
    scores = scores.astype(np.float64, copy=True)
    if mask is not None:
        scores[~mask] = -np.inf
    pool = min(pool, len(scores))
    top = np.argpartition(-scores, pool - 1)[:pool]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [int(i) for i in top if np.isfinite(scores[i]) and scores[i] > 0]


def lexical_scores(index: Index, text: str) -> np.ndarray:
    tokens = tokenize(text)
    if not tokens:
        return np.zeros(len(index.passages), dtype=np.float32)
    # bm25s raises on a query whose every token is out of vocabulary.
    known = [t for t in tokens if t in index.bm25.vocab_dict]
    if not known:
        return np.zeros(len(index.passages), dtype=np.float32)
    return np.asarray(index.bm25.get_scores(known))


def semantic_scores(index: Index, text: str) -> np.ndarray:
    query = embedding.encode([text])[0]
    # Cosine is in [-1, 1]; shift so every passage stays a candidate for _ranked.
    return index.embeddings @ query + 1.0


def search(
    query: str,
    k: int = 5,
    filters: Filters | None = None,
    boost_terms: Sequence[str] | None = None,
    mode: Mode = "hybrid",
    index: Index | None = None,
) -> list[ScoredPassage]:
    """The `k` best passages for `query`.

    `filters` restrict the candidates (see `_allowed`); `boost_terms` (e.g. words from
    a person's profile: "HER2-low", "ribociclib") lift passages that mention them
    without letting them outrank the question itself.
    """
    index = index or get_index()
    if not query.strip() or not index.passages:
        return []
    mask = _allowed(index, filters)
    lexical = (
        _ranked(lexical_scores(index, expand_query(query)), mask, POOL)
        if mode != "semantic"
        else []
    )
    semantic = _ranked(semantic_scores(index, query), mask, POOL) if mode != "lexical" else []
    boost = _ranked(lexical_scores(index, " ".join(boost_terms)), mask, POOL) if boost_terms else []

    fused: dict[int, float] = {}
    for weight, ranking in ((1.0, lexical), (1.0, semantic), (BOOST_WEIGHT, boost)):
        for rank, i in enumerate(ranking, start=1):
            fused[i] = fused.get(i, 0.0) + weight / (RRF_K + rank)
    if boost:
        # A boost alone must not bring in passages neither ranker found.
        found = set(lexical) | set(semantic)
        fused = {i: s for i, s in fused.items() if i in found}
    lexical_rank = {i: r for r, i in enumerate(lexical, start=1)}
    semantic_rank = {i: r for r, i in enumerate(semantic, start=1)}
    best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
    return [
        ScoredPassage(
            passage=index.passages[i],
            score=score,
            lexical_rank=lexical_rank.get(i),
            semantic_rank=semantic_rank.get(i),
        )
        for i, score in best
    ]
