"""The Celery app. Broker and behaviour come from Django settings (CELERY_* names)."""

import os

from celery import Celery

from .env import env_int

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

# records.sweep holds the periodic sweep task; tasks.py modules are found by autodiscovery.
app = Celery("oncolens", include=["records.sweep"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Celery beat (run it on exactly one node: `celery -A backend beat`, or `worker --beat`)
# re-queues documents that stopped moving. Each sweep is cheap and idempotent; one that
# could not start before the next is due is dropped instead of piling up.
SWEEP_INTERVAL = env_int("SWEEP_INTERVAL", 60)
app.conf.beat_schedule = {
    "sweep-stuck-documents": {
        "task": "records.sweep_stuck",
        "schedule": float(SWEEP_INTERVAL),
        "options": {"expires": max(SWEEP_INTERVAL - 1, 1)},
    }
}
