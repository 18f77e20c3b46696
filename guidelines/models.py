"""Questions people asked and the answers they got, with the profile version used."""

from django.conf import settings
from django.db import models


class Question(models.Model):
    patient = models.ForeignKey("records.Patient", on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    kind = models.CharField(max_length=16)
    answer = models.JSONField()
    profile_version = models.CharField(max_length=32, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:60]}"
