"""`manage.py build_index`: chunk the corpora, embed and index them, report timings."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from guidelines.corpus.manifest import discover_corpora
from guidelines.index_store import (
    build_index,
    default_index_dir,
    refresh_vector_cache,
    remove_stale,
)


class Command(BaseCommand):
    help = "Build the guidelines retrieval index (passages, BM25, embeddings)."

    def add_arguments(self, parser):
        parser.add_argument("--index-dir", type=Path, help="default: settings.GUIDELINES_INDEX_DIR")
        parser.add_argument(
            "--corpus",
            type=Path,
            action="append",
            help="corpus folder (a MANIFEST.tsv and its pages); repeat; default: all in guidelines/corpus/",
        )
        parser.add_argument(
            "--keep-old", action="store_true", help="keep indexes of older corpus versions"
        )
        parser.add_argument(
            "--refresh-vector-cache",
            action="store_true",
            help="also write the vectors to guidelines/vector_cache/ (commit it) so clean clones build fast",
        )

    def handle(self, *args, **options):
        index_dir = options["index_dir"] or default_index_dir()
        corpora = options["corpus"] or discover_corpora()
        started = time.perf_counter()
        index = build_index(index_dir, corpora)
        if options["refresh_vector_cache"]:
            self.stdout.write(f"vector cache written to {refresh_vector_cache(index)}")
        if not options["keep_old"]:
            for path in remove_stale(index_dir, keep=index.key):
                self.stdout.write(f"removed stale index {path.name}")
        seconds = index.meta["seconds"]
        self.stdout.write(
            f"{index.meta['passages']} passages from {', '.join(index.meta['corpora'])} → {index.folder}\n"
            f"chunk {seconds['chunk']}s, bm25 {seconds['bm25']}s, embed {seconds['embed']}s; "
            f"total {time.perf_counter() - started:.1f}s"
        )
