"""Responses that carry patient data must not be kept by browsers or proxies."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers, patch_vary_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` (with private, no-cache, max-age=0) on every response
    to an authenticated request (session or API token: DRF puts the token's user on
    the Django request) and on every /api/ response. Static files are answered by
    WhiteNoise earlier in the chain and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        if authenticated or request.path.startswith("/api/"):
            add_never_cache_headers(response)
            response.headers.setdefault("Pragma", "no-cache")
            patch_vary_headers(response, ("Cookie", "Authorization"))
        return response
