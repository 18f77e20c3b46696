"""Login lockout and per-user rate limits.

- `LockoutBackend`: django-axes' check, first in AUTHENTICATION_BACKENDS. Every real
  login (the login page, the admin) passes the request and is checked; a call made
  without a request (Django's test client `login()`) has no client address to lock
  and is passed through to the next backend.
- `UploadRateThrottle` / `AskRateThrottle`: DRF throttles with scopes `upload` and
  `ask`, rates from settings (THROTTLE_UPLOAD_RATE / THROTTLE_ASK_RATE in the
  environment), read at request time so a test can override them.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class _PerUserThrottle(UserRateThrottle):
    """Counts per account. The key carries the account's creation time as well as its
    id, so an id reused after a rollback (SQLite) never inherits another's history."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        user = request.user
        if user and user.is_authenticated:
            joined = getattr(user, "date_joined", None)
            ident = f"{user.pk}.{int(joined.timestamp() * 1e6) if joined else 0}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class UploadRateThrottle(_PerUserThrottle):
    scope = "upload"


class AskRateThrottle(_PerUserThrottle):
    scope = "ask"


def client_ip(request) -> str | None:
    """The client's address for lockout: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT=N
    the address N hops back in X-Forwarded-For (what the outermost trusted proxy saw);
    addresses a client wrote into the header itself are never trusted."""
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return hops[-count] if len(hops) >= count else remote


def page_allows(throttle_class: type[_PerUserThrottle], request) -> bool:
    """Apply an API throttle to a page view, so the upload and ask pages count
    against the same per-user limit as the API."""
    return throttle_class().allow_request(request, None)
