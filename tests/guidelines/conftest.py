"""Guidelines fixtures: the real corpus chunked once, and the real index loaded (or
built, on a clean clone) once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidelines.chunking import chunk_corpus
from guidelines.corpus.manifest import CORPORA_ROOT, load_corpus

NCI = CORPORA_ROOT / "nci_cancer_gov"
MEDQUAD = Path(__file__).resolve().parents[1] / "fixtures" / "medquad_cancergov_breast"


@pytest.fixture(scope="session")
def nci_corpus():
    return load_corpus(NCI)


@pytest.fixture(scope="session")
def nci_passages(nci_corpus):
    return chunk_corpus(nci_corpus)


@pytest.fixture(scope="session")
def guidelines_index():
    # The cached index in GUIDELINES_INDEX_DIR is reused when it matches the corpus;
    # otherwise this builds it (minutes on 2 cores), once for the whole session.
    from guidelines.index_store import get_index

    return get_index()
