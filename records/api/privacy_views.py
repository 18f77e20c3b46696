"""DELETE /api/patients/{id}/data/: a patient deletes everything held about them."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..audit import ActorMixin
from ..privacy import delete_patient_data

DELETION_SUMMARY = inline_serializer(
    "DeletionSummary",
    fields={
        "patient_id": serializers.IntegerField(),
        "documents": serializers.IntegerField(),
        "pages": serializers.IntegerField(),
        "processing_runs": serializers.IntegerField(),
        "findings": serializers.IntegerField(),
        "reviews": serializers.IntegerField(),
        "questions": serializers.IntegerField(),
        "files": serializers.IntegerField(),
        "access_grants": serializers.IntegerField(),
        "account_deleted": serializers.BooleanField(),
        "audit_entries_redacted": serializers.IntegerField(),
    },
)


class PatientDataDeletionView(ActorMixin, APIView):
    @extend_schema(
        parameters=[OpenApiParameter(
            "account", str, required=False, enum=["keep", "delete"],
            description="`delete` also removes the user account (default `keep`)",
        )],
        responses={200: DELETION_SUMMARY},
        summary="Delete all of this patient's data (the patient only)",
    )
    def delete(self, request, patient_id: int):
        patient = selectors.get_patient_for(request.user, patient_id)  # 404 for strangers
        if not selectors.is_owner(request.user, patient):
            raise PermissionDenied("Only the patient can delete their data.")
        account = request.query_params.get("account", "keep")
        if account not in ("keep", "delete"):
            raise ValidationError({"account": "Use `keep` or `delete`."})
        summary = delete_patient_data(patient, request.user, delete_account=account == "delete")
        return Response(summary.as_dict())
