"""Errors raised outside the API views: an unknown /api/ URL answers JSON like every
other API error, not the HTML page a browser gets."""

from __future__ import annotations

from django.http import JsonResponse
from django.views import defaults


def not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
