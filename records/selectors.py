"""Reads, always scoped to the person asking: what they may not see does not exist."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Document, Patient


def _visible_patient_q(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}user": user}) | Q(
        **{
            f"{prefix}grants__clinician__user": user,
            f"{prefix}grants__revoked_at__isnull": True,
        }
    )


def patients_visible_to(user) -> QuerySet[Patient]:
    if not user.is_authenticated:
        return Patient.objects.none()
    return Patient.objects.filter(_visible_patient_q(user)).distinct()


def documents_visible_to(user) -> QuerySet[Document]:
    if not user.is_authenticated:
        return Document.objects.none()
    return Document.objects.filter(
        patient__in=patients_visible_to(user).values("id")
    ).select_related("patient")


def get_document_for(user, document_id: int) -> Document:
    return get_object_or_404(documents_visible_to(user), pk=document_id)


def get_patient_for(user, patient_id: int) -> Patient:
    return get_object_or_404(patients_visible_to(user), pk=patient_id)


def own_patient(user) -> Patient | None:
    return Patient.objects.filter(user=user).first() if user.is_authenticated else None


def is_owner(user, patient: Patient) -> bool:
    return patient.user_id == user.id
