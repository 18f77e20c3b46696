"""Encrypted originals in an S3-compatible bucket (django-storages), chosen with
FILE_STORAGE=s3 so workers on several machines share one store."""

from __future__ import annotations

from django.core.files.base import ContentFile
from storages.backends.s3 import S3Storage

from .storage import decrypt_bytes, encrypt_bytes, is_encrypted


class EncryptedS3Storage(S3Storage):
    """S3Storage that encrypts on save and decrypts on open, like the local store."""

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in content.chunks()
        )
        return super()._save(name, ContentFile(encrypt_bytes(data)))

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Encrypted files are opened for reading only; save a new file.")
        return ContentFile(decrypt_bytes(self.read_raw(name), name), name=name)

    def size(self, name):
        """The size of the original, not of the ciphertext."""
        raw = self.read_raw(name)
        return len(decrypt_bytes(raw, name)) if is_encrypted(raw) else len(raw)

    def read_raw(self, name) -> bytes:
        with super()._open(name, "rb") as fh:
            return fh.read()

    def replace_raw(self, name, raw: bytes) -> None:
        """Overwrite a stored object's bytes in place (used by key rotation)."""
        self.bucket.Object(self._normalize_name(self._clean_name(name))).put(Body=raw)
