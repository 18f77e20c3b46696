"""`manage.py evaluate_answers`: answer a fixed question set for several profiles and
print the answer kinds, the grounding pass rate (sentences that passed the check
before the engine dropped failures) and the median/p95 answer time."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand

SET = Path(__file__).resolve().parents[2] / "eval" / "answer_set.json"


class Command(BaseCommand):
    help = "Grounding pass rate and answer latency over the question set."

    def add_arguments(self, parser):
        parser.add_argument("--set", type=Path, default=SET)
        parser.add_argument("--show", action="store_true", help="print dropped sentences")

    def handle(self, *args, **options):
        from guidelines.answer.engine import answer, warm_up
        from guidelines.answer.profile_facts import from_profile_file

        data = json.loads(options["set"].read_text())
        warm_up()  # a service answers from a warm process; measure that
        times, kinds = [], Counter()
        checked = passed = empty = 0
        for name, profile in data["profiles"].items():
            for question in data["questions"]:
                result = answer(question, from_profile_file(dict(profile)))
                times.append(result["elapsed_ms"])
                kinds[result["kind"]] += 1
                checked += result["grounding"]["checked"]
                passed += result["grounding"]["passed"]
                empty += not result["sections"]
                if options["show"] and result["grounding"]["dropped"]:
                    self.stdout.write(f"[{name}] {question}: dropped {result['grounding']['dropped']}")
        times.sort()
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        self.stdout.write(
            f"answers: {len(times)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); "
            f"empty answers: {empty}\n"
            f"grounding: {passed}/{checked} sentences passed before enforcement "
            f"({passed / max(checked, 1):.1%}); after enforcement 100% by construction\n"
            f"answer time: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms"
        )
