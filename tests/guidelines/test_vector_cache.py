"""The shipped vector cache must cover the current passages, or a clean clone spends
minutes embedding: refresh it with `manage.py build_index --refresh-vector-cache`."""

from guidelines.index_store import SHIPPED_VECTORS, _text_hash, index_text


def test_shipped_vectors_cover_the_current_passages(guidelines_index):
    shipped = set((SHIPPED_VECTORS / "text_hashes.txt").read_text().split())
    current = [_text_hash(index_text(p)) for p in guidelines_index.passages]
    covered = sum(h in shipped for h in current) / len(current)
    assert covered >= 0.95, f"only {covered:.0%} of passages have shipped vectors"
