"""Create the demo patient and clinician, the grant between them, and demo records."""

import os
import secrets
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from records import services

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = "Create demo users patient@example.org and clinician@example.org with demo records."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD"))
        parser.add_argument("--no-documents", action="store_true")

    def handle(self, *args, password=None, no_documents=False, **options):
        password = password or secrets.token_urlsafe(9)
        with transaction.atomic():
            patient = services.create_patient_account(
                "patient@example.org", password, "Demo Patient"
            )
            clinician = services.create_clinician_account(
                "clinician@example.org", password, "Dr. Demo Clinician"
            )
            services.grant_access(patient, clinician)
        added = 0
        if not no_documents:
            for path in sorted(DEMO_DIR.glob("*.txt")):
                upload = SimpleUploadedFile(path.name, path.read_bytes(), "text/plain")
                with transaction.atomic():
                    result = services.ingest_upload(
                        patient=patient, uploaded_by=patient.user, uploaded=upload
                    )
                added += result.created
        self.stdout.write(
            self.style.SUCCESS(
                "Demo users (password for both: "
                f"{password}):\n  patient@example.org\n  clinician@example.org\n"
                f"Demo documents added: {added}"
            )
        )
