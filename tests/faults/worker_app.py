"""The Celery app the fault tests' worker processes run (`celery -A tests.faults.worker_app`).

It is the production app (backend.celery) with fault hooks around the two slow steps,
text extraction and the NLP pipeline. The hooks are switched on by files in the
folder named by FAULTS_DIR, so a test drives a running worker from outside:

    text_hold          one-shot: write text_started (our pid) and sleep N seconds
    text_gate          after reading, wait until the test creates text_gate.open
                       (arrivals are counted as text_gate.arrived.* files)
    findings_gate      the same for the findings step
    db_kill_once       one-shot: terminate this process's database session for real
    db_outage_once     one-shot: refuse connections to the database for N seconds and
                       terminate this process's session (a database restart)
    crash_marker       any file whose bytes contain this marker SIGKILLs the process

Every hook call appends "<step> <pid>" to calls.log. Production code has no hooks.
The one setting changed here is worker_lost_wait (10 s by default): how long the pool
waits for a dead process's result before it declares the job lost and the message goes
back to the queue. It only makes the tests quicker.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django.setup()

from backend.celery import app  # noqa: E402
from records import services  # noqa: E402

FAULTS_DIR = Path(os.environ["FAULTS_DIR"])
GATE_TIMEOUT = 20.0

__all__ = ["app"]

app.conf.worker_lost_wait = 1.0


def _take(name: str) -> str | None:
    """Read and delete a one-shot switch; None when it is off (or another process took it)."""
    path = FAULTS_DIR / name
    try:
        value = path.read_text()
        path.unlink()
    except FileNotFoundError:
        return None
    return value


def _log(step: str) -> None:
    with open(FAULTS_DIR / "calls.log", "a") as fh:
        fh.write(f"{step} {os.getpid()}\n")


def _gate(name: str) -> None:
    if not (FAULTS_DIR / name).exists():
        return
    (FAULTS_DIR / f"{name}.arrived.{os.getpid()}.{uuid.uuid4().hex}").touch()
    deadline = time.monotonic() + GATE_TIMEOUT
    while time.monotonic() < deadline and not (FAULTS_DIR / f"{name}.open").exists():
        time.sleep(0.02)


def _admin(sql: str, params=()) -> None:
    """Run one statement on a second session, to the maintenance database."""
    import psycopg2
    from django.db import connection

    conn_params = connection.get_connection_params()
    conn_params.pop("cursor_factory", None)
    conn_params["dbname"] = "postgres"
    other = psycopg2.connect(**conn_params)
    try:
        other.autocommit = True
        with other.cursor() as cur:
            cur.execute(sql, params)
    finally:
        other.close()


def _kill_own_db_connection() -> None:
    """Terminate this process's PostgreSQL session from a second session: the next
    query on the first fails the way it does when the server restarts."""
    from django.db import connection

    connection.ensure_connection()
    _admin("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])


def _database_outage(seconds: float) -> None:
    """No new connections to the test database for `seconds`, and ours is cut."""
    import threading

    from django.db import connection

    name = connection.settings_dict["NAME"]
    _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    (FAULTS_DIR / "outage_started").touch()

    def end():
        _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        (FAULTS_DIR / "outage_ended").touch()

    threading.Timer(seconds, end).start()
    _kill_own_db_connection()


_real_extract_pages = services.extract_pages


def extract_pages(data, media_type, **kwargs):
    _log("text")
    marker = (
        (FAULTS_DIR / "crash_marker").read_bytes()
        if (FAULTS_DIR / "crash_marker").exists()
        else None
    )
    if marker and marker in data:
        os.kill(os.getpid(), signal.SIGKILL)
    hold = _take("text_hold")
    if hold is not None:
        (FAULTS_DIR / "text_started").write_text(str(os.getpid()))
        time.sleep(float(hold))
    pages = _real_extract_pages(data, media_type, **kwargs)
    _gate("text_gate")  # the copies are about to write their pages
    if _take("db_kill_once") is not None:
        _kill_own_db_connection()
    outage = _take("db_outage_once")
    if outage is not None:
        _database_outage(float(outage))
    return pages


services.extract_pages = extract_pages

import nlp.pipeline  # noqa: E402

_real_extract_document = nlp.pipeline.extract_document


def extract_document(*args, **kwargs):
    _log("findings")
    result = _real_extract_document(*args, **kwargs)
    _gate("findings_gate")  # the copies are about to write their findings
    return result


nlp.pipeline.extract_document = extract_document
