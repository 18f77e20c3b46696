"""Building, saving and loading the retrieval index.

Layout: <GUIDELINES_INDEX_DIR>/<key>/{passages.jsonl, bm25/, embeddings.npy, meta.json}
where <key> hashes the corpus files, the code that turns them into passages and the
model. A changed corpus or chunker therefore gets a new folder instead of silently
serving a stale index, and two processes building at once each write a private folder
and the first rename wins. A rebuild reuses the vectors of passages whose text did not
change, so editing the cleaner costs seconds, not the minutes a full embedding takes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

from guidelines import chunking, embedding
from guidelines.corpus.manifest import discover_corpora, load_corpus
from guidelines.lexical import tokenize
from guidelines.types import Passage

logger = logging.getLogger(__name__)

# Bump when the on-disk layout changes.
INDEX_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent
# The code whose output is stored in the index: a change in any of it means rebuild.
_PASSAGE_CODE = (
    _PACKAGE / "corpus" / "clean.py",
    _PACKAGE / "corpus" / "manifest.py",
    _PACKAGE / "chunking.py",
    _PACKAGE / "sentences.py",
    _PACKAGE / "lexical.py",
    _PACKAGE / "types.py",
)


@dataclass
class Index:
    key: str
    folder: Path
    passages: list[Passage]
    bm25: bm25s.BM25
    embeddings: np.ndarray  # (n_passages, dim), unit rows
    meta: dict


def index_text(passage: Passage) -> str:
    """What both rankers see: the page title and headings carry the topic words
    that the passage text itself often leaves implicit."""
    return " \n".join([passage.title, " > ".join(passage.heading_path), passage.text])


def corpus_key(corpus_dirs: list[Path]) -> str:
    digest = hashlib.sha256()
    digest.update(
        f"{INDEX_FORMAT}|{chunking.MIN_WORDS}|{chunking.MAX_WORDS}|{embedding.MODEL_NAME}".encode()
    )
    for code in _PASSAGE_CODE:
        digest.update(code.read_bytes())
    for folder in corpus_dirs:
        digest.update(folder.name.encode())
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=8)
def _cached_key(corpus_dirs: tuple[Path, ...]) -> str:
    # Hashing the corpus (~8 MB) on every search would cost more than the search;
    # files under a running process are not expected to change.
    return corpus_key(list(corpus_dirs))


def default_index_dir() -> Path:
    from django.conf import settings

    return Path(settings.GUIDELINES_INDEX_DIR)


def build_index(index_dir: Path | None = None, corpus_dirs: list[Path] | None = None) -> Index:
    """Chunk every corpus, embed and index the passages, write them; return the index."""
    index_dir = Path(index_dir or default_index_dir())
    corpus_dirs = list(corpus_dirs or discover_corpora())
    key = corpus_key(corpus_dirs)
    started = time.perf_counter()

    passages: list[Passage] = []
    for folder in corpus_dirs:
        passages.extend(chunking.chunk_corpus(load_corpus(folder)))
    texts = [index_text(p) for p in passages]
    chunked = time.perf_counter()

    bm25 = bm25s.BM25()
    bm25.index([tokenize(t) for t in texts], show_progress=False)
    lexical = time.perf_counter()
    vectors, reused = _embed(texts, index_dir)
    embedded = time.perf_counter()

    meta = {
        "key": key,
        "format": INDEX_FORMAT,
        "model": embedding.MODEL_NAME,
        "corpora": [f.name for f in corpus_dirs],
        "passages": len(passages),
        "vectors_reused": reused,
        "seconds": {
            "chunk": round(chunked - started, 2),
            "bm25": round(lexical - chunked, 2),
            "embed": round(embedded - lexical, 2),
            "total": round(embedded - started, 2),
        },
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / f".{key}.tmp-{os.getpid()}-{threading.get_ident()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    with (tmp / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for passage in passages:
            fh.write(json.dumps(passage.to_json(), ensure_ascii=False) + "\n")
    bm25.save(str(tmp / "bm25"), show_progress=False)
    np.save(tmp / "embeddings.npy", vectors)
    (tmp / "text_hashes.txt").write_text(
        "\n".join(_text_hash(t) for t in texts) + "\n", encoding="utf-8"
    )
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    final = index_dir / key
    try:
        tmp.rename(final)
    except OSError:
        # Another process finished the same build first; theirs is identical.
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info(
        "guidelines index %s: %d passages in %.1fs", key, len(passages), meta["seconds"]["total"]
    )
    return Index(key, final, passages, bm25, vectors, meta)


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


# Vectors shipped with the code, keyed by the hash of the embedded text: a clean clone
# builds its index in seconds instead of embedding every passage (minutes on 2 cores),
# and only passages whose text changed since the cache was refreshed are embedded.
SHIPPED_VECTORS = _PACKAGE / "vector_cache"


def refresh_vector_cache(index: Index, target: Path = SHIPPED_VECTORS) -> Path:
    """Write `index`'s vectors as the shipped cache (run after a corpus or chunker change)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(index.folder / "text_hashes.txt", target / "text_hashes.txt")
    np.save(target / "embeddings.npy", index.embeddings.astype(np.float32))
    (target / "meta.json").write_text(
        json.dumps({"model": embedding.MODEL_NAME, "key": index.key, "passages": len(index.passages)}, indent=2),
        encoding="utf-8",
    )
    return target


def _previous_vectors(index_dir: Path) -> dict[str, np.ndarray]:
    """Vectors of the passages in other indexes under `index_dir`, and in the shipped
    cache, built with the same model, keyed by the hash of the text that was embedded."""
    found: dict[str, np.ndarray] = {}
    meta_files = [SHIPPED_VECTORS / "meta.json", *sorted(Path(index_dir).glob("*/meta.json"))]
    for meta_file in meta_files:
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            if meta.get("model") != embedding.MODEL_NAME:
                continue
            folder = meta_file.parent
            hashes = (folder / "text_hashes.txt").read_text(encoding="utf-8").split()
            vectors = np.load(folder / "embeddings.npy")
        except (OSError, ValueError):
            continue  # a half-written or foreign folder: ignore it
        if len(hashes) == len(vectors):
            found.update(zip(hashes, vectors, strict=True))
    return found


def _embed(texts: list[str], index_dir: Path) -> tuple[np.ndarray, int]:
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    hashes = [_text_hash(t) for t in texts]
    previous = _previous_vectors(index_dir)
    todo = [i for i, h in enumerate(hashes) if h not in previous]
    fresh = embedding.encode([texts[i] for i in todo]) if todo else None
    dim = fresh.shape[1] if fresh is not None else next(iter(previous.values())).shape[0]
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    for row, i in enumerate(todo):
        vectors[i] = fresh[row]
    for i, h in enumerate(hashes):
        if h in previous:
            vectors[i] = previous[h]
    return vectors, len(texts) - len(todo)


def read_index(folder: Path) -> Index:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    with (folder / "passages.jsonl").open(encoding="utf-8") as fh:
        passages = [Passage.from_json(json.loads(line)) for line in fh]
    bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
    vectors = np.load(folder / "embeddings.npy")
    if len(passages) != vectors.shape[0]:
        raise ValueError(f"{folder}: {len(passages)} passages but {vectors.shape[0]} vectors")
    return Index(meta["key"], folder, passages, bm25, vectors, meta)


_cache: dict[tuple[str, str], Index] = {}
_cache_lock = threading.Lock()


def get_index(index_dir: Path | None = None, corpus_dirs: list[Path] | None = None) -> Index:
    """The index for the current corpus files: read once per process, built first if
    it is missing (a clean clone, a changed corpus)."""
    index_dir = Path(index_dir or default_index_dir())
    corpus_dirs = list(corpus_dirs or discover_corpora())
    key = _cached_key(tuple(corpus_dirs))
    cache_key = (str(index_dir.resolve()), key)
    with _cache_lock:
        if cache_key not in _cache:
            folder = index_dir / key
            if (folder / "meta.json").exists():
                _cache[cache_key] = read_index(folder)
            else:
                logger.info("guidelines index %s missing in %s: building it", key, index_dir)
                _cache[cache_key] = build_index(index_dir, corpus_dirs)
        return _cache[cache_key]


def remove_stale(index_dir: Path, keep: str) -> list[Path]:
    """Delete index folders other than `keep` (old corpus versions, dead temp dirs)."""
    removed = []
    for path in Path(index_dir).iterdir() if Path(index_dir).exists() else []:
        if path.is_dir() and path.name != keep:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
