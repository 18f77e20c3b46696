"""Fixtures for the fault tests: a Redis server of our own (so it can be stopped
without touching anyone else's), the in-process Celery app pointed at it, and real
worker processes started with `celery worker` that the tests can kill.

Every process started here is stopped by a finalizer, also when the test fails."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from backend.celery import app as celery_app
from records.models import Document

REPO = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = None
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        reason = "fault tests need PostgreSQL (DATABASE_URL=postgres://...): workers share the test database"
    elif REDIS_SERVER is None:
        reason = "fault tests need redis-server to run a broker they can stop"
    if reason:
        for item in items:
            if here in Path(item.path).parents:
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def stop_process_group(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop a process we started in its own session, and everything it started."""
    if proc.poll() is None and grace > 0:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    try:  # children (pool processes) may outlive a killed parent
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass


class RedisServer:
    """A throwaway redis-server on a free loopback port, no persistence."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=open(self.workdir / "redis.log", "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self.ping, 10, f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None:
            stop_process_group(self.proc)
            self.proc = None
        wait_until(lambda: not self.ping(), 10, "redis-server to stop")

    def llen(self, queue: str = "celery") -> int:
        import redis

        return redis.Redis.from_url(self.url).llen(queue)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def _repoint(url: str, transport_options: dict) -> None:
    from kombu import pools

    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    # kombu keeps producer pools in a process-wide registry keyed by connection; a
    # pool closed above would otherwise be handed to the next test ("Acquire on
    # closed pool") once the original broker is restored.
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url
    celery_app.conf.broker_read_url = url
    celery_app.conf.broker_write_url = url
    celery_app.conf.broker_transport_options = transport_options


@pytest.fixture
def broker(own_redis):
    """The test process publishes to our own Redis; the previous broker is restored."""
    saved = (celery_app.conf.broker_url, dict(celery_app.conf.broker_transport_options or {}))
    saved_urls = (celery_app.conf.broker_read_url, celery_app.conf.broker_write_url)
    saved_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    _repoint(own_redis.url, {"visibility_timeout": 3600})
    yield own_redis
    _repoint(*saved)
    celery_app.conf.broker_read_url, celery_app.conf.broker_write_url = saved_urls
    celery_app.conf.task_always_eager = saved_eager


def worker_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    proc: subprocess.Popen
    log: Path
    name: str

    @property
    def pid(self) -> int:
        return self.proc.pid

    def pool_pids(self) -> list[int]:
        import psutil

        try:
            return [c.pid for c in psutil.Process(self.pid).children()]
        except psutil.NoSuchProcess:
            return []

    def kill_all(self) -> None:
        """SIGKILL the whole worker, parent and pool: a lost machine or an OOM kill."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)

    def tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except FileNotFoundError:
            return ""


@dataclass
class Faults:
    """The switches the worker hooks read (see worker_app.py)."""

    dir: Path
    workers: list[Worker] = field(default_factory=list)

    def set(self, name: str, value: object = "") -> None:
        (self.dir / name).write_text(str(value))

    def arrivals(self, gate: str) -> int:
        return len(list(self.dir.glob(f"{gate}.arrived.*")))

    def open(self, gate: str) -> None:
        self.set(f"{gate}.open")

    def calls(self, step: str) -> list[int]:
        path = self.dir / "calls.log"
        if not path.exists():
            return []
        return [
            int(pid) for s, pid in (ln.split() for ln in path.read_text().splitlines()) if s == step
        ]


@pytest.fixture
def faults(tmp_path):
    d = tmp_path / "faults"
    d.mkdir()
    return Faults(d)


@pytest.fixture
def start_worker(transactional_db, broker, faults, tmp_path):
    """Start `celery worker` processes on the test database and our Redis."""
    started: list[Worker] = []

    def start(*, concurrency: int = 1, beat: bool = False, env: dict | None = None) -> Worker:
        name = f"faults{len(started)}"
        log = tmp_path / f"{name}.log"
        full_env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": broker.url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "STORAGE_PATH": str(settings.MEDIA_ROOT),
            "ONCOLENS_VAR_DIR": str(tmp_path / "var"),
            "FAULTS_DIR": str(faults.dir),
            "DJANGO_SETTINGS_MODULE": "backend.settings",
            "PYTHONPATH": str(REPO),
            **(env or {}),
        }
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.faults.worker_app",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=info",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"{name}@%h",
        ]
        if beat:
            cmd += ["--beat", "--schedule", str(tmp_path / f"{name}-beat-schedule")]
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=full_env,
            stdout=open(log, "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = Worker(proc, log, name)
        started.append(worker)
        faults.workers.append(worker)

        def ready():
            if proc.poll() is not None:
                raise AssertionError(f"worker exited with {proc.returncode}:\n{worker.tail()}")
            return " ready." in log.read_text(errors="replace")

        wait_until(ready, 30, f"worker {name} to be ready")
        return worker

    yield start
    for worker in started:
        stop_process_group(worker.proc, grace=0)
    # An outage hook whose worker died before it ended the outage must not outlive it.
    with connection.cursor() as cur:
        cur.execute(f'ALTER DATABASE "{connection.settings_dict["NAME"]}" ALLOW_CONNECTIONS true')


def wait_for_status(doc_id: int, states: set[str], timeout: float, faults: Faults) -> Document:
    deadline = time.monotonic() + timeout
    doc = None
    while time.monotonic() < deadline:
        doc = Document.objects.filter(pk=doc_id).first()
        if doc is not None and doc.status in states:
            return doc
        time.sleep(0.1)
    logs = "\n\n".join(f"--- {w.name}\n{w.tail()}" for w in faults.workers)
    raise AssertionError(
        f"document {doc_id} is {doc and doc.status!r}, not in {states} after {timeout} s\n{logs}"
    )
