"""Print shell exports choosing PostgreSQL and Redis when they answer on loopback,
else the embedded SQLite database and SQLAlchemy broker. Explicit settings win."""

import os
import socket


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


exports = {}
if "DATABASE_URL" not in os.environ and reachable(5432):
    exports["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/oncolens"
if "CELERY_BROKER_URL" not in os.environ and reachable(6379):
    exports["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/15"
for key, value in exports.items():
    print(f"export {key}={value}")
