"""The cast of the access tests: alice owns records, bob is the clinician she
granted, charlie another patient, dave a clinician without a grant."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from records import services

PASSWORD = "correct-horse-battery"


@dataclass
class People:
    alice: object
    bob: object
    charlie: object
    dave: object


def make_people() -> People:
    alice = services.create_patient_account("alice@example.org", PASSWORD, "Alice")
    bob = services.create_clinician_account("bob@example.org", PASSWORD, "Dr Bob")
    charlie = services.create_patient_account("charlie@example.org", PASSWORD, "Charlie")
    dave = services.create_clinician_account("dave@example.org", PASSWORD, "Dr Dave")
    services.grant_access(alice, bob)
    return People(alice, bob, charlie, dave)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
