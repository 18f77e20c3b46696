"""Gunicorn for the load run (`make load`), and a starting point for production:
`gunicorn backend.wsgi:application -c bench/load/gunicorn_conf.py`.

Each worker loads the answer engine (index, embedding model, NLP) right after it
starts, before it takes a request, so nobody waits for a cold answer. That takes
seconds per worker, hence the long timeout."""

from __future__ import annotations

import os
from pathlib import Path

# One math thread per worker process: the workers share the cores, and a torch thread
# pool in each (the answer engine's embedding model) would only fight over them.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # covers warm-up and OCR-free requests
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "oncolens-web"


def post_worker_init(worker):
    """Warm the answer engine in this worker; then, for the load runner, say so."""
    from guidelines.answer.engine import warm_up

    warm_up()
    ready_dir = os.environ.get("ONCOLENS_READY_DIR")
    if ready_dir:
        Path(ready_dir, f"web-{worker.pid}").touch()
    worker.log.info("worker %s: answer engine warm", worker.pid)
