"""Seed the load database: N patients, each with an API token and three documents read
to `done` (a pathology report PDF, a clinic note, a short lab note), through the same
services the worker uses, run in this process. Writes the users to a JSON file.

    python bench/load/seed.py --patients 20 --out users.json

Only for the throwaway database bench/load/run.py creates."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.load import documents  # noqa: E402
from records import services  # noqa: E402


def seed(n_patients: int) -> list[dict]:
    # Load users never log in with a password (they use tokens): skip the slow hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Read the documents here, synchronously, instead of queueing them.
    services.enqueue_text_extraction = lambda document_id: None
    users = []
    for i in range(n_patients):
        patient = services.create_patient_account(
            f"load-{i:03d}@example.org", f"load-password-{i:03d}", f"Load Patient {i}"
        )
        token, _ = Token.objects.get_or_create(user=patient.user)
        doc_ids = []
        for name, data in documents.seed_documents(i):
            doc = services.ingest_upload(
                patient=patient,
                uploaded_by=patient.user,
                uploaded=SimpleUploadedFile(name, data),
            ).document
            services.run_text_extraction(doc.pk)
            services.run_findings_extraction(doc.pk)
            doc.refresh_from_db()
            if doc.status != "done":
                raise SystemExit(f"seed document {doc.pk} ended {doc.status}: {doc.error}")
            doc_ids.append(doc.pk)
        users.append({"patient": patient.pk, "token": token.key, "documents": doc_ids})
    return users


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    started = time.monotonic()
    users = seed(args.patients)
    Path(args.out).write_text(json.dumps(users))
    n_docs = sum(len(u["documents"]) for u in users)
    print(f"seeded {len(users)} patients, {n_docs} documents done "
          f"in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
