"""Who read or changed a patient's data, kept by django-auditlog.

Changes to registered models are logged by auditlog itself; reads are logged here,
with the actor set after DRF has authenticated the request (auditlog's middleware
runs before token authentication and would record no one)."""

from __future__ import annotations

from auditlog.context import set_actor
from auditlog.registry import auditlog
from auditlog.signals import accessed

from .models import AccessGrant, Document, Finding, Patient, Review


def register_models() -> None:
    for model in (Patient, Document, Finding, Review, AccessGrant):
        if not auditlog.contains(model):
            auditlog.register(model)


def record_access(user, instance) -> None:
    actor = user if getattr(user, "is_authenticated", False) else None
    with set_actor(actor):
        accessed.send(sender=instance.__class__, instance=instance)


class ActorMixin:
    """For DRF views: attribute every change made while handling the request to
    the authenticated user."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._audit_context = set_actor(request.user if request.user.is_authenticated else None)
        self._audit_context.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        context = getattr(self, "_audit_context", None)
        if context is not None:
            context.__exit__(None, None, None)
            self._audit_context = None
        return super().finalize_response(request, response, *args, **kwargs)
