"""Encrypted originals in an S3-compatible bucket (django-storages), chosen with
FILE_STORAGE=s3 so workers on several machines share one store."""

from __future__ import annotations

from storages.backends.s3 import S3Storage

from .storage import EncryptingStorageMixin


class EncryptedS3Storage(EncryptingStorageMixin, S3Storage):
    """S3Storage that encrypts on save and decrypts on open, like the local store."""

    def read_raw(self, name) -> bytes:
        # S3Storage's own _open: the mixin's _open would decrypt, and call back here.
        with S3Storage._open(self, name, "rb") as fh:
            return fh.read()

    def replace_raw(self, name, raw: bytes) -> None:
        """Overwrite a stored object's bytes in place (used by key rotation)."""
        self.bucket.Object(self._normalize_name(self._clean_name(name))).put(Body=raw)
