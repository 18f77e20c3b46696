"""The project's Celery app, with each worker process loading the NLP pipeline as it
starts instead of on its first document (the load runner measures throughput, not
model loading). Run as `celery -A bench.load.celery_app worker`."""

from __future__ import annotations

import os
from pathlib import Path

from celery.signals import worker_process_init

from backend.celery import app

__all__ = ["app"]


@worker_process_init.connect
def _warm(**_kwargs) -> None:
    from nlp.pipeline import extract_document

    extract_document("Estrogen receptor: POSITIVE (90%). HER2: negative.")
    ready_dir = os.environ.get("ONCOLENS_READY_DIR")
    if ready_dir:
        Path(ready_dir, f"celery-{os.getpid()}").touch()
