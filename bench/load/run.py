"""OncoLens under load (`make load`; not part of CI).

1. Recreates its own PostgreSQL database (oncolens_load) and empties Redis db 8, its
   broker; touches no other database. Migrates, seeds patients with tokens and done
   documents (bench/load/seed.py).
2. Starts gunicorn (bench/load/gunicorn_conf.py; each worker warms the answer engine)
   and one Celery worker process, bound to 127.0.0.1 on a free port.
3. Runs locust headless (bench/load/locustfile.py): 20 patients uploading small
   documents, polling status, reading profiles and asking questions, for 60 s. Prints
   p50/p95, throughput and error rate per endpoint.
4. Document throughput: the same batch of 40 three-page PDFs, uploaded through the API
   and queued, then read to `done` by 1 or 2 Celery worker processes released onto the
   queue together; runs in the order 1, 2, 2, 1 (LOAD_ROUNDS=2); documents/min and the
   ratio.
5. Stops every process it started (also on Ctrl-C or failure), drops the database and
   empties Redis db 8.

Every wait is bounded; the whole run stops itself after LOAD_DEADLINE seconds (330).
Traffic goes only to 127.0.0.1. Settings (environment): LOAD_USERS (20),
LOAD_SPAWN_RATE (5), LOAD_DURATION (60s), LOAD_PATIENTS (20), LOAD_WEB_WORKERS (3),
LOAD_BATCH (40), LOAD_ROUNDS (2), LOAD_KEEP_DB (0), LOAD_DEADLINE (330). Logs: var/load/.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PY = sys.executable

PG_HOST, PG_PORT, REDIS_PORT = "127.0.0.1", 5432, 6379
DB_NAME = "oncolens_load"  # fixed: this script drops and recreates it
REDIS_DB = 8
QUEUE = "celery"
HOLD = "oncolens-load-hold"  # an empty queue: workers wait there until released
BASELINE_REPEATS = 10
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "2"))  # throughput runs per worker count

USERS = int(os.environ.get("LOAD_USERS", "20"))
SPAWN_RATE = int(os.environ.get("LOAD_SPAWN_RATE", "5"))
DURATION = os.environ.get("LOAD_DURATION", "60s")
PATIENTS = int(os.environ.get("LOAD_PATIENTS", "20"))
WEB_WORKERS = int(os.environ.get("LOAD_WEB_WORKERS", "3"))
BATCH = int(os.environ.get("LOAD_BATCH", "40"))
KEEP_DB = os.environ.get("LOAD_KEEP_DB", "0") == "1"
DEADLINE = time.monotonic() + float(os.environ.get("LOAD_DEADLINE", "330"))

GOALS = {
    "answer_p95_ms": 200,
    "upload_ack_p95_ms": 150,
    "error_rate": 0.0,
    "worker_ratio": 1.8,
}
ANSWER = "POST /api/patients/{id}/questions/ (answer)"
UPLOAD = "POST /api/documents/ (upload)"

LOG_DIR = ROOT / "var" / "load"
TERMINAL = ("done", "failed")


class Abort(Exception):
    pass


def remaining(limit: float) -> float:
    left = DEADLINE - time.monotonic()
    if left <= 0:
        raise Abort("the run's deadline (LOAD_DEADLINE) passed")
    return min(limit, left)


def wait_until(predicate, limit: float, what: str, every: float = 0.25):
    end = time.monotonic() + remaining(limit)
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise Abort(f"timed out waiting for {what}")


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


# -------------------------------------------------------------------- processes
class Processes:
    """Children started in their own process group, stopped by that group's id."""

    def __init__(self) -> None:
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        out = open(LOG_DIR / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        out.close()
        self.running.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 20) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        # Stray children of that group (a Celery pool child, say) go too.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.running = [(n, p) for n, p in self.running if p is not proc]

    def stop_all(self) -> None:
        for _name, proc in reversed(list(self.running)):
            self.stop(proc)

    def check_alive(self) -> None:
        for name, proc in self.running:
            if proc.poll() is not None:
                raise Abort(f"{name} exited with {proc.returncode}; see {LOG_DIR / (name + '.log')}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


# -------------------------------------------------------------------- database, broker
def pg(dbname: str):
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname=dbname)
    conn.autocommit = True
    return conn


def recreate_database() -> None:
    conn = pg("postgres")
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        conn.close()


def drop_database() -> None:
    conn = pg("postgres")
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    finally:
        conn.close()


def redis_db():
    import redis

    return redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=REDIS_DB)


def statuses(doc_ids: list[int]) -> dict[str, int]:
    conn = pg(DB_NAME)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT status, count(*) FROM records_document WHERE id = ANY(%s) GROUP BY status",
                (doc_ids,),
            )
            return dict(cur.fetchall())
    finally:
        conn.close()


def upload_to_done(first_id: int) -> tuple[int, float, float]:
    """Documents uploaded during the HTTP phase: how many were read, and the p50 and
    p95 of upload to done (ms), from the database's timestamps."""
    conn = pg(DB_NAME)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT count(*),"
                " percentile_cont(0.5) WITHIN GROUP (ORDER BY done_at - created_at),"
                " percentile_cont(0.95) WITHIN GROUP (ORDER BY done_at - created_at)"
                " FROM records_document WHERE id >= %s AND status = 'done'",
                (first_id,),
            )
            n, p50, p95 = cur.fetchone()
            ms = lambda d: d.total_seconds() * 1000 if d is not None else float("nan")  # noqa: E731
            return n, ms(p50), ms(p95)
    finally:
        conn.close()


def max_document_id() -> int:
    conn = pg(DB_NAME)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT coalesce(max(id), 0) FROM records_document")
            return cur.fetchone()[0]
    finally:
        conn.close()


def unfinished() -> int:
    conn = pg(DB_NAME)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM records_document WHERE status NOT IN %s", (TERMINAL,))
            return cur.fetchone()[0]
    finally:
        conn.close()


def batch_result(doc_ids: list[int]) -> tuple[float, int, int]:
    """When the last document was done (epoch seconds); done and failed counts."""
    conn = pg(DB_NAME)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT EXTRACT(EPOCH FROM max(coalesce(done_at, updated_at))),"
                " count(*) FILTER (WHERE status = 'done'),"
                " count(*) FILTER (WHERE status = 'failed')"
                " FROM records_document WHERE id = ANY(%s)",
                (doc_ids,),
            )
            last, done, failed = cur.fetchone()
            return float(last or 0), done, failed
    finally:
        conn.close()


# -------------------------------------------------------------------- phases
def environment(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="backend.settings",
        DATABASE_URL=f"postgres://postgres@{PG_HOST}:{PG_PORT}/{DB_NAME}",
        DATABASE_CONN_MAX_AGE="60",  # persistent connections, as in production
        CELERY_BROKER_URL=f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}",
        STORAGE_PATH=str(tmp / "media"),
        ONCOLENS_READY_DIR=str(tmp / "ready"),
        # Per-user rate limits would throttle 20 users hammering for a minute: off here.
        THROTTLE_UPLOAD_RATE="off",
        THROTTLE_ASK_RATE="off",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        TOKENIZERS_PARALLELISM="false",
        # One math thread per process: several web workers share 2 cores, and torch's
        # own thread pool in each would only fight over them.
        OMP_NUM_THREADS=env_default("OMP_NUM_THREADS", "1"),
        MKL_NUM_THREADS=env_default("MKL_NUM_THREADS", "1"),
    )
    return env


def env_default(name: str, default: str) -> str:
    return os.environ.get(name) or default


def ready_count(tmp: Path, prefix: str) -> int:
    return sum(1 for p in (tmp / "ready").iterdir() if p.name.startswith(prefix))


def control_app():
    from celery import Celery

    return Celery("oncolens-load-control", broker=f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}")


def start_workers(procs: Processes, env: dict, tmp: Path, n: int, label: str,
                  queue: str = QUEUE) -> tuple[list, list[str]]:
    """n worker processes (concurrency 1 each), started and warm; returns them and their
    node names. With queue=HOLD they consume nothing until release()."""
    before = ready_count(tmp, "celery-")
    names = [f"load-{label}-{k}@{socket.gethostname()}" for k in range(n)]
    workers = [
        procs.start(
            f"celery-{label}-{k}",
            [str(BIN / "celery"), "-A", "bench.load.celery_app", "worker", "--pool", "prefork",
             "--concurrency", "1", "-n", name, "-Q", queue, "--without-gossip",
             "--without-mingle", "--loglevel", "WARNING"],
            env,
        )
        for k, name in enumerate(names)
    ]

    def ready():
        procs.check_alive()
        return ready_count(tmp, "celery-") >= before + n

    wait_until(ready, 120, f"{n} Celery worker(s) to start")
    return workers, names


def release(names: list[str]) -> None:
    """Every held worker starts on the real queue at the same moment."""
    control = control_app().control

    def answering():
        return len(control.ping(destination=names, timeout=1.0)) == len(names)

    wait_until(answering, 60, "the workers to answer a ping", every=0.5)
    replies = control.add_consumer(QUEUE, destination=names, reply=True, timeout=5.0)
    if len(replies) != len(names):
        raise Abort(f"only {len(replies)} of {len(names)} workers took the queue: {replies}")


def http_phase(procs: Processes, env: dict, tmp: Path, url: str) -> tuple[list[dict], float]:
    prefix = tmp / "locust"
    log(f"locust: {USERS} users (spawn {SPAWN_RATE}/s) for {DURATION} against {url}")
    seconds = float(DURATION.rstrip("s")) if DURATION.endswith("s") else 60.0
    with open(LOG_DIR / "locust.log", "wb") as out:
        result = subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench/load/locustfile.py"), "--headless",
             "-u", str(USERS), "-r", str(SPAWN_RATE), "-t", DURATION, "--host", url,
             "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            timeout=remaining(seconds + 90),
        )
    load1 = os.getloadavg()[0]
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise Abort(f"locust wrote no stats (exit {result.returncode}); see {LOG_DIR / 'locust.log'}")
    with open(stats_file) as fh:
        rows = list(csv.DictReader(fh))
    return rows, load1


def num(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def print_http_table(rows: list[dict]) -> dict:
    print()
    print(f"{'endpoint':<48} {'reqs':>6} {'fail':>5} {'err %':>6} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>6}")
    summary = {}
    for row in rows:
        count, fails = int(row["Request Count"]), int(row["Failure Count"])
        err = 100 * fails / count if count else 0.0
        p50, p95, rps = num(row["50%"]), num(row["95%"]), num(row["Requests/s"])
        label = "aggregate (locust, all rows)" if row["Name"] == "Aggregated" else row["Name"]
        print(f"{label:<48} {count:>6} {fails:>5} {err:>6.2f} {p50:>7.0f} {p95:>7.0f} {rps:>6.1f}")
        summary[row["Name"]] = {"count": count, "failures": fails, "p50": p50, "p95": p95, "rps": rps}
    print()
    return summary


def throughput_phase(procs, env, tmp, url, users, n_workers: int, run: int, runs: int) -> dict:
    """The batch is uploaded first (queued, nobody consuming), then n warm workers are
    released onto the queue together: the window is release to the last document done,
    so it measures the workers, not the upload rate or worker start-up."""
    import requests

    from bench.load.documents import batch_document

    log(f"throughput: {BATCH} documents, {n_workers} Celery worker process(es)")
    workers, names = start_workers(procs, env, tmp, n_workers, f"x{n_workers}", queue=HOLD)
    # The same files every run, to patients this run has not used (uploads dedupe per patient).
    group = users[run * len(users) // runs: (run + 1) * len(users) // runs] or users
    doc_ids = []
    session = requests.Session()
    for k in range(BATCH):
        owner = group[k % len(group)]
        name, data = batch_document(k)
        response = session.post(
            f"{url}/api/documents/", files={"file": (name, data, "application/pdf")},
            headers={"Authorization": f"Token {owner['token']}"}, timeout=30,
        )
        if response.status_code != 201:
            raise Abort(f"batch upload {k}: {response.status_code} {response.text[:200]}")
        doc_ids.append(response.json()["documents"][0]["id"])
    cpu_before, machine_before = cpu_seconds(workers), machine_cpu()
    released = time.time()
    release(names)

    def all_read():
        procs.check_alive()
        counts = statuses(doc_ids)
        return sum(counts.get(s, 0) for s in TERMINAL) == len(doc_ids)

    wait_until(all_read, 240, f"the batch to be read by {n_workers} worker(s)", every=0.2)
    last_done, done, failed = batch_result(doc_ids)
    seconds = last_done - released
    span = seconds if seconds > 0 else float("nan")
    cores = (cpu_seconds(workers) - cpu_before) / span
    machine = {k: (v - machine_before[k]) / span for k, v in machine_cpu().items()}
    for w in workers:
        procs.stop(w)
    per_min = 60 * done / seconds if seconds > 0 else 0.0
    log(f"  {done} done, {failed} failed in {seconds:.1f} s: {per_min:.0f} documents/min; "
        f"cores used: workers {cores:.2f}, whole machine {machine['busy']:.2f} busy "
        f"+ {machine['iowait']:.2f} iowait")
    return {"workers": n_workers, "seconds": seconds, "done": done, "failed": failed,
            "per_min": per_min, "cores": cores,
            "machine": machine["busy"], "iowait": machine["iowait"]}


def machine_cpu() -> dict[str, float]:
    """Seconds of CPU time, all cores added: busy (not idle, not iowait) and iowait."""
    import psutil

    t = psutil.cpu_times()
    iowait = getattr(t, "iowait", 0.0)
    return {"busy": sum(t) - t.idle - iowait, "iowait": iowait}


def cpu_seconds(workers: list) -> float:
    """CPU time (user + system) used so far by these processes and their children."""
    import psutil

    total = 0.0
    for proc in workers:
        try:
            root = psutil.Process(proc.pid)
            for p in [root, *root.children(recursive=True)]:
                times = p.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def baseline(url: str, user: dict) -> dict[str, float]:
    """One user, one request at a time, on the warm server: each endpoint's latency
    without contention (median of BASELINE_REPEATS)."""
    import statistics

    import requests

    from bench.load.documents import QUESTIONS, small_note

    session = requests.Session()
    session.headers["Authorization"] = f"Token {user['token']}"
    pid, doc = user["patient"], user["documents"][0]
    calls = {
        "GET /api/documents/": lambda i: session.get(f"{url}/api/documents/?limit=20"),
        "GET /api/documents/{id}/": lambda i: session.get(f"{url}/api/documents/{doc}/"),
        "GET /api/patients/{id}/profile/": lambda i: session.get(f"{url}/api/patients/{pid}/profile/"),
        "GET /api/patients/{id}/timeline/": lambda i: session.get(f"{url}/api/patients/{pid}/timeline/"),
        UPLOAD: lambda i: session.post(
            f"{url}/api/documents/", files={"file": small_note(f"baseline-{i}")}),
        ANSWER: lambda i: session.post(
            f"{url}/api/patients/{pid}/questions/", json={"question": QUESTIONS[i % len(QUESTIONS)]}),
    }
    medians = {}
    for name, call in calls.items():
        times = []
        for i in range(BASELINE_REPEATS):
            started = time.perf_counter()
            response = call(i)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code >= 400:
                raise Abort(f"baseline {name}: {response.status_code} {response.text[:200]}")
        medians[name] = statistics.median(times)
    return medians


def main() -> int:
    if not (reachable(PG_PORT) and reachable(REDIS_PORT)):
        print("make load needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.")
        return 2
    if LOG_DIR.exists():
        shutil.rmtree(LOG_DIR)
    LOG_DIR.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="oncolens-load-"))
    (tmp / "ready").mkdir()
    env = environment(tmp)
    procs = Processes()
    load_before = os.getloadavg()
    started = time.monotonic()
    ok = False

    def on_term(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    try:
        log(f"database {DB_NAME} (recreated), Redis db {REDIS_DB} (emptied); "
            f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
        recreate_database()
        redis_db().flushdb()
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True, timeout=remaining(180))
        users_file = tmp / "users.json"
        subprocess.run([PY, str(ROOT / "bench/load/seed.py"), "--patients", str(PATIENTS),
                        "--out", str(users_file)], cwd=ROOT, env=env, check=True,
                       timeout=remaining(180))
        users = json.loads(users_file.read_text())
        env["LOAD_USERS_FILE"] = str(users_file)

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        web_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}",
                   "WEB_CONCURRENCY": str(WEB_WORKERS)}
        log(f"gunicorn: {WEB_WORKERS} sync workers on {url}, warming the answer engine")
        procs.start("gunicorn", [str(BIN / "gunicorn"), "backend.wsgi:application",
                                 "-c", str(ROOT / "bench/load/gunicorn_conf.py")], web_env)
        worker = start_workers(procs, env, tmp, 1, "http")[0][0]

        def web_ready():
            procs.check_alive()
            return ready_count(tmp, "web-") >= WEB_WORKERS

        wait_until(web_ready, 180, "gunicorn workers to warm up")
        log(f"ready after {time.monotonic() - started:.0f} s")

        first_upload_id = max_document_id() + 1
        base = baseline(url, users[-1])
        serving = [p for n, p in procs.running if n in ("gunicorn", "celery-http-0")]
        cpu_before, wall_before = cpu_seconds(serving), time.monotonic()
        rows, load_during = http_phase(procs, env, tmp, url)
        web_cores = (cpu_seconds(serving) - cpu_before) / (time.monotonic() - wall_before)
        summary = print_http_table(rows)
        print(f"{'endpoint, 1 user (warm, sequential)':<48} {'p50 ms':>7}")
        for name, ms in base.items():
            print(f"{name:<48} {ms:>7.0f}")
        print()
        log(f"gunicorn and the worker used {web_cores:.2f} cores during the run; load average "
            f"(1 min, whole machine) at its end: {load_during:.2f} on {os.cpu_count()} cores")

        # Let the worker finish the uploads of the HTTP phase, then clear what is left so
        # the throughput runs measure only their own batch.
        try:
            wait_until(lambda: unfinished() == 0, 60, "the HTTP phase's uploads", every=0.5)
            left = 0
        except Abort:
            left = unfinished()
        procs.stop(worker)
        redis_db().delete(QUEUE)
        n_read, p50, p95 = upload_to_done(first_upload_id)
        log(f"uploads during the run read by 1 worker: {n_read}; upload to done "
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"
            + (f"; {left} still unread, their tasks dropped" if left else ""))

        # ABBA: 1, 2, 2, 1 workers, so a drift in the machine's other load cancels out.
        order = [1, 2, 2, 1][: 2 * ROUNDS] if ROUNDS <= 2 else [1, 2] * ROUNDS
        runs = [throughput_phase(procs, env, tmp, url, users, n, i, len(order))
                for i, n in enumerate(order)]
        per = {}
        for n in (1, 2):
            mine = [r for r in runs if r["workers"] == n]
            per[n] = 60 * sum(r["done"] for r in mine) / sum(r["seconds"] for r in mine)
        ratio = per[2] / per[1] if per[1] else 0.0
        failed_batch = sum(r["failed"] for r in runs)

        print()
        print(f"{'Celery worker processes':<24} {'docs':>5} {'seconds':>8} {'docs/min':>9}"
              f" {'worker cores':>12} {'CPU ms/doc':>10} {'machine busy':>12} {'iowait':>7}")
        for r in runs:
            print(f"{r['workers']:<24} {r['done']:>5} {r['seconds']:>8.1f} {r['per_min']:>9.0f}"
                  f" {r['cores']:>12.2f} {1000 * r['cores'] * r['seconds'] / max(r['done'], 1):>10.0f}"
                  f" {r['machine']:>12.2f}"
                  f" {r['iowait']:>7.2f}")
        print(f"1 worker: {per[1]:.0f} documents/min; 2 workers: {per[2]:.0f} documents/min; "
              f"ratio {ratio:.2f}")
        print("(machine busy: cores in use by every process on the machine, ours and others';"
              " near 2.0 means the workers were short of CPU, not of work)")
        print()

        http = [v for k, v in summary.items() if k.split(" ")[0] in ("GET", "POST", "DELETE")]
        total = {"count": sum(v["count"] for v in http),
                 "failures": sum(v["failures"] for v in http)}
        answer, upload = summary.get(ANSWER, {}), summary.get(UPLOAD, {})
        err_rate = total.get("failures", 0) / total["count"] if total.get("count") else 1.0
        checks = [
            ("answer p95 <= 200 ms", answer.get("p95", float("inf")) <= GOALS["answer_p95_ms"],
             f"{answer.get('p95', float('nan')):.0f} ms"),
            ("upload ack p95 <= 150 ms", upload.get("p95", float("inf")) <= GOALS["upload_ack_p95_ms"],
             f"{upload.get('p95', float('nan')):.0f} ms"),
            ("0 HTTP errors", total.get("failures", 1) == 0,
             f"{total.get('failures', '?')} of {total.get('count', '?')} ({100 * err_rate:.2f} %)"),
            ("2 workers >= 1.8x one", ratio >= GOALS["worker_ratio"], f"{ratio:.2f}x"),
            ("batch documents failed", failed_batch == 0, f"{failed_batch}"),
        ]
        print("goal                         result   measured")
        for goal, passed, measured in checks:
            print(f"{goal:<28} {'PASS' if passed else 'MISS':<8} {measured}")
        print(f"\n{USERS} users, {os.cpu_count()} cores, {WEB_WORKERS} gunicorn workers; "
              f"load average before {load_before[0]:.2f}, during {load_during:.2f}; "
              f"total {time.monotonic() - started:.0f} s; logs in {LOG_DIR}")
        ok = True
        return 0
    except Abort as exc:
        log(f"stopped: {exc}")
        return 1
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log(f"stopped: {exc}")
        return 1
    except KeyboardInterrupt:
        log("interrupted; stopping everything")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip cleanup
        procs.stop_all()
        try:
            redis_db().flushdb()
            if not KEEP_DB:
                drop_database()
        except Exception as exc:  # noqa: BLE001 - cleanup reports, never hides the result
            log(f"cleanup: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)
        if not ok:
            log(f"logs: {LOG_DIR}")


if __name__ == "__main__":
    sys.exit(main())
