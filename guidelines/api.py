"""POST and GET a patient's questions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from records import selectors
from records.audit import ActorMixin, record_access
from records.security import AskRateThrottle

from . import services
from .models import Question


class QuestionInput(serializers.Serializer):
    question = serializers.CharField(max_length=services.MAX_QUESTION_CHARS, allow_blank=False)


class QuestionOutput(serializers.ModelSerializer):
    question = serializers.CharField(source="text")

    class Meta:
        model = Question
        fields = ["id", "question", "kind", "created_at", "profile_version", "duration_ms", "answer"]
        read_only_fields = fields


class PatientQuestionsView(ActorMixin, APIView):
    def get_throttles(self):
        # Asking only: a per-user rate (settings THROTTLE_ASK_RATE) answers 429.
        return [AskRateThrottle()] if self.request.method == "POST" else super().get_throttles()

    @extend_schema(responses=QuestionOutput(many=True), summary="Questions asked for this patient, newest first")
    def get(self, request, patient_id: int):
        patient = selectors.get_patient_for(request.user, patient_id)
        record_access(request.user, patient)
        return Response(QuestionOutput(patient.questions.all()[:100], many=True).data)

    @extend_schema(request=QuestionInput, responses={201: QuestionOutput}, summary="Ask a question")
    def post(self, request, patient_id: int):
        patient = selectors.get_patient_for(request.user, patient_id)
        data = QuestionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            question = services.ask_question(request.user, patient, data.validated_data["question"])
        except services.QuestionRejected as exc:
            raise ValidationError({"question": str(exc)}) from exc
        return Response(QuestionOutput(question).data, status=status.HTTP_201_CREATED)
