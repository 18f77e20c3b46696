"""`python manage.py ask --profile FILE "question"` or `--patient ID "question"`:
one JSON answer on stdout (contract: SPEC.md section 2)."""

import json
import logging
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Answer one question for one profile (a JSON file or a stored patient) as JSON."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--profile", help="profile JSON file (summary keys, treatments, labs)")
        source.add_argument("--patient", type=int, help="id of a stored patient")
        parser.add_argument("question", nargs="+")

    def handle(self, *args, profile=None, patient=None, question=(), **options):
        from guidelines import services

        logging.disable(logging.WARNING)
        text = " ".join(question)
        # Libraries print progress to stdout; the contract is one JSON object there.
        real_stdout, sys.stdout = sys.stdout, sys.stderr
        try:
            if patient is not None:
                from records.models import Patient

                try:
                    record = Patient.objects.get(pk=patient)
                except Patient.DoesNotExist as exc:
                    raise CommandError(f"No patient with id {patient}.") from exc
                result = services.answer_for_patient(record, text)
            else:
                data = {}
                if profile:
                    try:
                        data = json.loads(Path(profile).read_text())
                    except (OSError, json.JSONDecodeError) as exc:
                        raise CommandError(f"Cannot read profile {profile}: {exc}") from exc
                    data = data.get("summary", data) | {k: v for k, v in data.items() if k != "summary"}
                result = services.answer_for_profile_file(data, text)
        except services.QuestionRejected as exc:
            raise CommandError(str(exc)) from exc
        finally:
            sys.stdout = real_stdout
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
