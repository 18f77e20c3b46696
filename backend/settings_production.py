"""Production settings: backend.settings plus everything that needs https, and a refusal
to start with the laptop defaults. Use with DJANGO_SETTINGS_MODULE=backend.settings_production
(web, worker and management commands alike).

Required in the environment: SECRET_KEY (50+ characters, not the insecure default),
FILE_ENCRYPTION_KEYS (Fernet keys, newest first), ALLOWED_HOSTS. DEBUG must be off.
Optional: SECURE_SSL_REDIRECT (default on), SECURE_PROXY_SSL_HEADER
("HTTP_X_FORWARDED_PROTO,https" behind a TLS-terminating proxy), SECURE_HSTS_SECONDS
(default one year), TRUSTED_PROXY_COUNT, CACHE_URL (redis://, for shared rate limits).
"""

from __future__ import annotations

import os

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list
from .settings import *  # noqa: F403
from .settings import STORAGES

INSECURE_SECRET_KEY = "django-insecure-local-only-set-SECRET_KEY-in-production"


def _required_secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if not key:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production.")
    if key == INSECURE_SECRET_KEY or key.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY is the insecure development key; set a real one.")
    if len(key) < 50 or len(set(key)) < 5:
        raise ImproperlyConfigured("SECRET_KEY is too short or too simple (50+ random characters).")
    return key


def _required_file_keys() -> list[str]:
    keys = env_list("FILE_ENCRYPTION_KEYS", [])
    if not keys:
        raise ImproperlyConfigured(
            "FILE_ENCRYPTION_KEYS must be set in production (comma-separated Fernet keys, "
            "newest first); the key derived from SECRET_KEY is for development only."
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(
                f"FILE_ENCRYPTION_KEYS: key #{position} is not a valid Fernet key."
            ) from exc
    return keys


if env_bool("DEBUG", False):
    raise ImproperlyConfigured("DEBUG must be off in production.")
DEBUG = False
WHITENOISE_AUTOREFRESH = False
SECRET_KEY = _required_secret_key()
FILE_ENCRYPTION_KEYS = _required_file_keys()
FILE_ENCRYPTION_READ_PLAINTEXT = False
STORAGES = {**STORAGES, "default": {"BACKEND": "records.storage.EncryptedFileSystemStorage"}}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]  # load balancer probes speak plain http
