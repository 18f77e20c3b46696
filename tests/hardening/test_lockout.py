"""Brute-force lockout on the sign-in page (django-axes, by username and address)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import Client
from django.utils import timezone

from tests.people import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ALICE = "alice@example.org"


def sign_in(client, password, username=ALICE, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock_alice(client, settings, ip="203.0.113.7"):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, f"wrong-{attempt}", ip=ip)
        if attempt < settings.AXES_FAILURE_LIMIT - 1:
            assert response.status_code == 200  # the form again, with an error
    return response


def test_wrong_passwords_lock_the_account_then_the_right_one_is_refused(people, settings):
    client = Client()
    assert settings.AXES_FAILURE_LIMIT == 5
    locked = lock_alice(client, settings)
    assert locked.status_code == 429
    refused = sign_in(client, PASSWORD)
    assert refused.status_code == 429 and b"too many login attempts" in refused.content.lower()
    assert not signed_in(client)


def test_cool_off_ends_the_lockout(people, settings):
    client = Client()
    lock_alice(client, settings)
    assert sign_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME
                                 - timedelta(minutes=1))
    assert sign_in(client, PASSWORD).status_code == 302
    assert signed_in(client)


def test_reset_ends_the_lockout(people, settings):
    client = Client()
    lock_alice(client, settings)
    reset(username=ALICE)
    assert sign_in(client, PASSWORD).status_code == 302 and signed_in(client)


def test_lockout_is_per_username_and_address(people, settings):
    lock_alice(Client(), settings, ip="203.0.113.7")
    # The same account from another address, and another account from the same one.
    other_ip = Client()
    assert sign_in(other_ip, PASSWORD, ip="198.51.100.4").status_code == 302
    other_user = Client()
    assert sign_in(other_user, PASSWORD, username="charlie@example.org").status_code == 302


def test_a_successful_sign_in_resets_the_count(people, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302


def test_api_tokens_still_work_for_a_locked_account(people, settings, clients):
    lock_alice(Client(), settings)
    assert clients["alice"].get("/api/documents/").status_code == 200


def test_test_client_login_still_works(people, client):
    assert client.login(username=ALICE, password=PASSWORD)
    assert not client.login(username=ALICE, password="wrong")


def test_forwarded_address_counts_only_behind_trusted_proxies(people, settings, rf):
    from records.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # a client cannot pick its own address
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"
