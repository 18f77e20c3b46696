"""Re-encrypt every stored file with the newest key in FILE_ENCRYPTION_KEYS.

Key rotation, step by step:
  1. put a new key in front: FILE_ENCRYPTION_KEYS=new,old (restart web and workers);
  2. `python manage.py rotate_file_keys`;
  3. drop the old key: FILE_ENCRYPTION_KEYS=new (restart again).
Files from before encryption at rest (no marker) are encrypted too. Safe to rerun:
files the newest key already opens are left alone.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from records.storage import (
    EncryptedFileSystemStorage,
    FileDecryptionError,
    needs_rotation,
    rotate_bytes,
)


def stored_files():
    """(storage, name) for every FileField value held in an encrypted storage."""
    seen = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            if not isinstance(field.storage, EncryptedFileSystemStorage):
                continue
            names = (
                model._default_manager.exclude(**{field.name: ""})
                .exclude(**{f"{field.name}__isnull": True})
                .values_list(field.name, flat=True)
                .iterator()
            )
            for name in names:
                key = (id(field.storage), name)
                if key not in seen:
                    seen.add(key)
                    yield field.storage, name


class Command(BaseCommand):
    help = "Re-encrypt every stored file with the newest key in FILE_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would change, write nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        counts = {"rotated": 0, "current": 0, "missing": 0, "failed": 0}
        for storage, name in stored_files():
            try:
                raw = storage.read_raw(name)
            except FileNotFoundError:
                counts["missing"] += 1
                self.stderr.write(f"missing: {name}")
                continue
            if not needs_rotation(raw):
                counts["current"] += 1
                continue
            try:
                new = rotate_bytes(raw, name)
            except FileDecryptionError as exc:
                counts["failed"] += 1
                self.stderr.write(f"failed: {exc}")
                continue
            if not dry_run:
                storage.replace_raw(name, new)
            counts["rotated"] += 1
        summary = ", ".join(f"{v} {k}" for k, v in counts.items())
        self.stdout.write(("(dry run) " if dry_run else "") + summary)
        if counts["failed"]:
            raise CommandError(
                f"{counts['failed']} file(s) could not be decrypted with the configured keys; "
                "keep the old key in FILE_ENCRYPTION_KEYS until they are rotated."
            )
