"""Profile, timeline, FHIR export and clinician review endpoints."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import reviews, selectors
from ..audit import ActorMixin, record_access
from ..fhir_export import build_bundle
from ..models import Review
from ..profile import build_profile
from ..timeline import build_timeline
from .schema import ERROR_DETAIL
from .serializers import FindingSerializer

ANY_OBJECT = inline_serializer("AnyObject", fields={}, many=False)


class PatientDataView(ActorMixin, APIView):
    """Base for reads of one patient's data: scoped (404 for others) and audited."""

    def patient(self, request, patient_id: int):
        patient = selectors.get_patient_for(request.user, patient_id)
        record_access(request.user, patient)
        return patient


class ProfileView(PatientDataView):
    @extend_schema(responses=ANY_OBJECT, summary="The consolidated clinical profile")
    def get(self, request, patient_id: int):
        return Response(build_profile(self.patient(request, patient_id)))


class TimelineView(PatientDataView):
    @extend_schema(responses=ANY_OBJECT, summary="Treatments and labs over time")
    def get(self, request, patient_id: int):
        return Response(build_timeline(self.patient(request, patient_id)))


class FhirView(PatientDataView):
    @extend_schema(responses=ANY_OBJECT, summary="FHIR R4B Bundle following mCODE STU4")
    def get(self, request, patient_id: int):
        bundle, _ = build_bundle(self.patient(request, patient_id))
        response = Response(bundle.model_dump(mode="json", exclude_none=True))
        response["Content-Disposition"] = f'attachment; filename="oncolens-patient-{patient_id}.fhir.json"'
        return response


class ReviewInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=Review.Action.choices)
    value = serializers.JSONField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewOutput(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.email", default=None, read_only=True)

    class Meta:
        model = Review
        fields = ["id", "finding", "action", "value", "reason", "reviewer", "created_at"]
        read_only_fields = fields


def finding_payload(finding) -> dict:
    data = FindingSerializer(finding).data
    data["patient"] = finding.document.patient_id
    data["source"] = reviews.source_context(finding)
    data["reviews"] = ReviewOutput(finding.reviews.select_related("reviewer"), many=True).data
    return data


class FindingDetailView(ActorMixin, APIView):
    @extend_schema(responses=ANY_OBJECT, summary="A finding with its source text and review history")
    def get(self, request, finding_id: int):
        finding = reviews.get_finding_for(request.user, finding_id)
        record_access(request.user, finding)
        return Response(finding_payload(finding))


class FindingReviewView(ActorMixin, APIView):
    @extend_schema(request=ReviewInput, responses={201: ReviewOutput}, summary="Accept, correct, reject or flag")
    def post(self, request, finding_id: int):
        finding = reviews.get_finding_for(request.user, finding_id)
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            review = reviews.add_review(request.user, finding, **data.validated_data)
        except reviews.ReviewNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except reviews.InvalidReview as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReviewQueueView(ActorMixin, APIView):
    @extend_schema(
        parameters=[OpenApiParameter("patient", int, required=False)],
        responses={
            200: ANY_OBJECT,
            404: OpenApiResponse(ERROR_DETAIL, description="No such patient for this user."),
        },
        summary="Findings to review: conflicts, then flagged, then least confident",
    )
    def get(self, request):
        patient = request.query_params.get("patient")
        if patient is not None and not patient.isdigit():
            raise ValidationError({"patient": "A patient id is a number."})
        if patient is not None and not selectors.patients_visible_to(request.user).filter(pk=patient).exists():
            raise Http404("No such patient.")
        items = reviews.review_queue(request.user, int(patient) if patient else None)
        return Response([
            {**finding_payload(i.finding), "in_conflict": i.in_conflict, "flagged": i.flagged}
            for i in items
        ])


class ReviewStatsView(ActorMixin, APIView):
    @extend_schema(responses=ANY_OBJECT, summary="Per-field review counts: the service's measured accuracy")
    def get(self, request):
        return Response(reviews.review_statistics(request.user))
