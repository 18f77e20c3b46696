from rest_framework import serializers

from ..models import Document, Finding, Page, Patient, ProcessingRun


class PageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Page
        fields = ["number", "method", "ocr_confidence", "text", "notes"]


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessingRun
        fields = [
            "task_name", "pipeline_version", "attempt", "started_at", "finished_at",
            "duration_ms", "outcome", "message",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id", "patient", "original_name", "media_type", "size", "sha256", "page_count",
            "status", "status_display", "error", "created_at", "updated_at", "text_ready_at",
            "file_url",
        ]
        read_only_fields = fields

    def get_file_url(self, obj: Document) -> str:
        return f"/api/documents/{obj.pk}/file"


class DocumentDetailSerializer(DocumentSerializer):
    pages = PageSerializer(many=True, read_only=True)
    runs = RunSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = DocumentSerializer.Meta.fields + [
            "pipeline_version", "done_at", "summary", "pages", "runs",
        ]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = [
            "id", "document", "field", "value", "text", "start", "end", "page", "section",
            "assertion", "confidence", "derived", "attributes", "pipeline_version",
        ]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), help_text="One or more files."
    )
    patient = serializers.IntegerField(
        required=False, help_text="Patient id; a patient's own upload may leave it out."
    )


class RejectedSerializer(serializers.Serializer):
    filename = serializers.CharField()
    error = serializers.CharField()
    status = serializers.IntegerField()


class UploadResultSerializer(serializers.Serializer):
    documents = DocumentSerializer(many=True)
    duplicates = serializers.ListField(child=serializers.IntegerField())
    rejected = RejectedSerializer(many=True)
    detail = serializers.CharField(
        required=False, help_text="Why files were refused, when some were."
    )


class PatientSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Patient
        fields = ["id", "name", "created_at"]
        read_only_fields = fields
