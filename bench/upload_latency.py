"""Time from upload to `text_ready` and to `done` for a 10-page text PDF, through
the configured broker and one real worker thread, in a throwaway test database.

Run with `make bench` (or `.venv/bin/python bench/upload_latency.py`). Prints figures;
asserts nothing about time."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
os.environ.setdefault("STORAGE_PATH", tempfile.mkdtemp(prefix="oncolens-bench-"))

import django  # noqa: E402

django.setup()

from celery.contrib.testing.worker import start_worker  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from backend.celery import app  # noqa: E402
from records import services  # noqa: E402
from records.models import Document  # noqa: E402
from tests.records.factories import report_pdf  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def wait(doc_id: int, states: set[str]) -> tuple[str, float]:
    start = time.perf_counter()
    while True:
        status = Document.objects.get(pk=doc_id).status
        if status in states or status == "failed":
            return status, time.perf_counter() - start
        time.sleep(0.01)


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        patient = services.create_patient_account("bench@example.org", "bench-password-1")
        text_ready, done = [], []
        with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False):
            for i in range(RUNS):
                data = report_pdf(10) + f"\n% run {i}\n".encode()  # unique sha256 per run
                started = time.perf_counter()
                with transaction.atomic():
                    doc = services.ingest_upload(
                        patient=patient,
                        uploaded_by=patient.user,
                        uploaded=SimpleUploadedFile(f"r{i}.pdf", data),
                    ).document
                status, _ = wait(doc.pk, {"text_ready", "extracting_findings", "done"})
                text_ready.append(time.perf_counter() - started)
                status, _ = wait(doc.pk, {"done"})
                done.append(time.perf_counter() - started)
                assert status == "done", Document.objects.get(pk=doc.pk).error
        print(f"broker: {settings.CELERY_BROKER_URL.split('://')[0]}  "
              f"database: {connection.vendor}  runs: {RUNS}  pages: 10")
        print(f"upload -> text_ready  median {statistics.median(text_ready) * 1000:7.1f} ms"
              f"   max {max(text_ready) * 1000:7.1f} ms")
        print(f"upload -> done        median {statistics.median(done) * 1000:7.1f} ms"
              f"   max {max(done) * 1000:7.1f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
