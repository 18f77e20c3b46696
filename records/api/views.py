from __future__ import annotations

import logging

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import (
    APIException,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from rest_framework.response import Response

from .. import selectors, services
from ..audit import ActorMixin, record_access
from ..security import UploadRateThrottle
from ..storage import FileDecryptionError
from ..validation import Refusal
from .schema import ERROR_DETAIL, FIELD_ERRORS
from .serializers import (
    DocumentDetailSerializer,
    DocumentSerializer,
    FindingSerializer,
    PatientSerializer,
    UploadResultSerializer,
    UploadSerializer,
)

log = logging.getLogger(__name__)


class DocumentViewSet(
    ActorMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A person's medical documents: upload, status, pages, original file."""

    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    def get_queryset(self):
        qs = selectors.documents_visible_to(self.request.user)
        patient = self.request.query_params.get("patient")
        if patient and patient.isdigit():
            qs = qs.filter(patient_id=int(patient))
        if self.action == "retrieve":
            qs = qs.prefetch_related("pages", "runs")
        return qs

    def get_serializer_class(self):
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer

    def get_throttles(self):
        # Uploads only: a per-user rate (settings THROTTLE_UPLOAD_RATE) answers 429.
        return [UploadRateThrottle()] if self.action == "create" else super().get_throttles()

    def _upload_patient(self, request):
        raw = request.data.get("patient")
        if raw in (None, ""):
            patient = selectors.own_patient(request.user)
            if patient is None:
                raise ValidationError({"patient": "Say which patient these documents belong to."})
            return patient
        if not str(raw).isdigit():
            raise ValidationError({"patient": "A patient id is a number."})
        return selectors.get_patient_for(request.user, int(raw))

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={
            201: UploadResultSerializer,
            200: UploadResultSerializer,
            # Every file refused (an UploadResult), or a field error ({"file": "..."}).
            400: FIELD_ERRORS,
            404: OpenApiResponse(ERROR_DETAIL, description="No such patient for this user."),
            413: UploadResultSerializer,
            415: UploadResultSerializer,
        },
    )
    def create(self, request, *args, **kwargs):
        patient = self._upload_patient(request)
        files = request.FILES.getlist("file") + request.FILES.getlist("files")
        if not files:
            raise ValidationError({"file": "Choose at least one file to upload."})
        if len(files) > settings.UPLOAD_MAX_FILES:
            raise ValidationError(
                {"file": f"Upload at most {settings.UPLOAD_MAX_FILES} files at a time."}
            )
        created, duplicates, rejected = [], [], []
        for uploaded in files:
            try:
                result = services.ingest_upload(
                    patient=patient, uploaded_by=request.user, uploaded=uploaded
                )
            except Refusal as refusal:
                rejected.append(
                    {"filename": uploaded.name, "error": refusal.message, "status": refusal.status}
                )
                continue
            (created if result.created else duplicates).append(result.document)
        body = {
            "documents": DocumentSerializer(created + duplicates, many=True).data,
            "duplicates": [d.pk for d in duplicates],
            "rejected": rejected,
        }
        if created:
            code = status.HTTP_201_CREATED
        elif duplicates:
            code = status.HTTP_200_OK
        else:
            # All refused: the most specific status when every file failed alike.
            codes = {r["status"] for r in rejected}
            code = codes.pop() if len(codes) == 1 else status.HTTP_400_BAD_REQUEST
        if rejected:
            body["detail"] = " ".join(r["error"] for r in rejected)
        return Response(body, status=code)

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        record_access(request.user, document)
        return Response(self.get_serializer(document).data)

    def perform_destroy(self, instance):
        if not selectors.is_owner(self.request.user, instance.patient):
            raise PermissionDenied("Only the patient can delete their documents.")
        services.delete_document(instance)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="The original file")})
    @action(detail=True, methods=["get"], url_path="file")
    def file(self, request, pk=None):
        document = self.get_object()
        record_access(request.user, document)
        try:
            handle = document.original.open("rb")
        except FileNotFoundError as exc:
            raise NotFound("The stored file is missing.") from exc
        except FileDecryptionError as exc:  # a key is missing: the operator must act
            log.error("document %s: %s", document.pk, exc)
            raise APIException("The stored file cannot be read right now.") from exc
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=document.original_name,
            content_type=document.media_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response


    @extend_schema(responses=FindingSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="findings", pagination_class=None)
    def findings(self, request, pk=None):
        """Every finding read from the document, with its span, section and assertion."""
        document = self.get_object()
        record_access(request.user, document)
        return Response(FindingSerializer(document.findings.all(), many=True).data)


class PatientViewSet(viewsets.ReadOnlyModelViewSet):
    """Patients the requester may see: themselves, or those who granted them access."""

    serializer_class = PatientSerializer

    def get_queryset(self):
        return selectors.patients_visible_to(self.request.user).select_related("user")
