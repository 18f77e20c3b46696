"""`manage.py check --deploy` is clean with the production settings, and those settings
refuse to start with development secrets."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
INSECURE = "django-insecure-local-only-set-SECRET_KEY-in-production"


def production_env(**overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.pop("DEBUG", None)
    env.update(
        DJANGO_SETTINGS_MODULE="backend.settings_production",
        SECRET_KEY=secrets.token_urlsafe(64),
        FILE_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="oncolens.example.org",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args, **overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=production_env(**overrides),
        capture_output=True, text=True, timeout=180,
    )


def test_check_deploy_has_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_values():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, "
        "s.SECURE_PROXY_SSL_HEADER, s.STORAGES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=production_env(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False", "True", "True", "True", "31536000", "True", "True", "True", "DENY",
        "same-origin", "('HTTP_X_FORWARDED_PROTO',", "'https')",
        "records.storage.EncryptedFileSystemStorage",
    ]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": INSECURE}, "insecure development key"),
        ({"SECRET_KEY": "short-key"}, "too short"),
        ({"FILE_ENCRYPTION_KEYS": None}, "FILE_ENCRYPTION_KEYS must be set"),
        ({"FILE_ENCRYPTION_KEYS": "not-a-fernet-key"}, "not a valid Fernet key"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
    ],
)
def test_production_refuses_development_secrets(overrides, message):
    result = manage("check", **overrides)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_development_settings_work_over_plain_http(settings, client):
    """The laptop/test settings: no https redirect, cookies usable over http, but the
    headers that are safe everywhere are on."""
    assert not settings.SECURE_SSL_REDIRECT and not settings.SESSION_COOKIE_SECURE
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_login_form_needs_csrf_token(people):
    from django.test import Client

    from tests.people import PASSWORD

    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    assert b"csrfmiddlewaretoken" in page.content
    refused = client.post("/accounts/login/", {"username": "alice@example.org", "password": PASSWORD})
    assert refused.status_code == 403
    token = page.cookies["csrftoken"].value
    accepted = client.post("/accounts/login/", {
        "username": "alice@example.org", "password": PASSWORD, "csrfmiddlewaretoken": token,
    })
    assert accepted.status_code == 302
