"""Patients using OncoLens at once: uploading small documents, polling their status,
reading their documents and profile, asking questions.

Run by bench/load/run.py (`make load`); LOAD_USERS_FILE names the JSON of seeded
patients (id, token, document ids). Each simulated user is one patient."""

from __future__ import annotations

import itertools
import json
import os
import uuid

from locust import HttpUser, between, task

from bench.load.documents import QUESTIONS, small_note

_users = None
_next = itertools.count()


def users() -> list[dict]:
    global _users
    if _users is None:
        with open(os.environ["LOAD_USERS_FILE"]) as fh:
            _users = json.load(fh)
    return _users


class Patient(HttpUser):
    wait_time = between(
        float(os.environ.get("LOAD_WAIT_MIN", "1")), float(os.environ.get("LOAD_WAIT_MAX", "3"))
    )

    def on_start(self):
        me = users()[next(_next) % len(users())]
        self.patient = me["patient"]
        self.documents = list(me["documents"])
        self.pending: list[int] = []  # own uploads not yet done, oldest first
        self.questions = itertools.cycle(QUESTIONS[self.patient % len(QUESTIONS):] + QUESTIONS)
        self.client.headers["Authorization"] = f"Token {me['token']}"

    @task(2)
    def upload(self):
        name, data = small_note(uuid.uuid4().hex[:12])
        with self.client.post(
            "/api/documents/", files={"file": (name, data, "text/plain")},
            name="POST /api/documents/ (upload)", catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            doc_id = response.json()["documents"][0]["id"]
        self.pending.append(doc_id)
        self.documents.append(doc_id)

    @task(4)
    def status(self):
        """Poll the oldest own upload not yet done (else the newest document), as the
        documents page does."""
        doc_id = self.pending[0] if self.pending else self.documents[-1]
        with self.client.get(
            f"/api/documents/{doc_id}/", name="GET /api/documents/{id}/", catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            status = response.json()["status"]
        if status in ("done", "failed") and doc_id in self.pending:
            self.pending.remove(doc_id)  # upload to done is measured from the database

    @task(1)
    def documents_list(self):
        self.client.get("/api/documents/?limit=20", name="GET /api/documents/")

    @task(3)
    def profile(self):
        self.client.get(
            f"/api/patients/{self.patient}/profile/", name="GET /api/patients/{id}/profile/"
        )

    @task(1)
    def timeline(self):
        self.client.get(
            f"/api/patients/{self.patient}/timeline/", name="GET /api/patients/{id}/timeline/"
        )

    @task(3)
    def ask(self):
        self.client.post(
            f"/api/patients/{self.patient}/questions/",
            json={"question": next(self.questions)},
            name="POST /api/patients/{id}/questions/ (answer)",
        )
