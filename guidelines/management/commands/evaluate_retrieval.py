"""`manage.py evaluate_retrieval`: recall@1/@5 and MRR of the right source page for
the MedQuAD breast questions and our own questions, per ranker, plus query latency."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from guidelines.evaluation import evaluate, load_medquad, load_questions
from guidelines.index_store import get_index
from guidelines.retrieval import search

MODES = ("lexical", "semantic", "hybrid")


class Command(BaseCommand):
    help = "Evaluate guidelines retrieval (lexical, semantic, hybrid)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--medquad",
            type=Path,
            default=Path(settings.BASE_DIR) / "tests" / "fixtures" / "medquad_cancergov_breast",
        )
        parser.add_argument(
            "--misses", action="store_true", help="list questions not found in the top 5"
        )

    def handle(self, *args, **options):
        index = get_index()
        search("warm-up: load the embedding model", k=1, index=index)
        medquad = load_medquad(options["medquad"], index)
        own = load_questions(index)
        self.stdout.write(
            f"index {index.key}: {len(index.passages)} passages\n"
            f"MedQuAD: {len(medquad.questions)} questions scored "
            f"({medquad.exact} exact URL, {medquad.mapped} via the health-professional version "
            f"of the same summary); uncovered: {sum(medquad.uncovered.values())}"
        )
        for url, count in sorted(medquad.uncovered.items()):
            self.stdout.write(f"  uncovered ({count} questions): {url}")
        header = (
            f"{'set':<10} {'ranker':<9} {'n':>3} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'median ms':>10}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, questions in (("medquad", medquad.questions), ("own", own)):
            for mode in MODES:
                metrics, ranks = evaluate(questions, index, mode=mode)
                self.stdout.write(
                    f"{name:<10} {mode:<9} {metrics.n:>3} {metrics.recall_at_1:>6.3f} "
                    f"{metrics.recall_at_5:>6.3f} {metrics.mrr:>6.3f} {metrics.median_ms:>10.1f}"
                )
                if options["misses"] and mode == "hybrid":
                    for question, rank in zip(questions, ranks, strict=True):
                        if rank is None or rank > 5:
                            self.stdout.write(f"    miss (rank {rank}): {question.question}")
