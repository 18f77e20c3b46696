from django.contrib import admin

from .models import AccessGrant, Clinician, Document, Page, Patient, ProcessingRun


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("id", "original_name", "patient", "status", "page_count", "created_at")
    list_filter = ("status", "media_type")
    readonly_fields = ("sha256", "size", "media_type", "page_count", "error")


admin.site.register([Patient, Clinician, AccessGrant, Page, ProcessingRun])
