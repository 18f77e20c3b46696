"""Uploaded originals encrypted at rest.

`EncryptedFileSystemStorage` is the default storage (settings.STORAGES["default"]).
It keeps FileSystemStorage's naming and folders but writes every file as

    MAGIC + Fernet token

and decrypts on open. Keys come from settings.FILE_ENCRYPTION_KEYS (the environment
variable of the same name, comma-separated, newest first): MultiFernet encrypts with
the first and decrypts with any of them, so a new key is added in front, then
`manage.py rotate_file_keys` re-encrypts every file with it, then the old key can go.

Files are at most UPLOAD_MAX_BYTES (25 MB), so they are encrypted and decrypted in
memory. A file that no configured key opens raises FileDecryptionError with a message
an operator can act on; it never returns ciphertext as if it were the document.
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

log = logging.getLogger(__name__)

MAGIC = b"OLENC1\n"  # marks an encrypted file; plaintext from before encryption lacks it


class FileDecryptionError(Exception):
    """A stored file cannot be turned back into the original."""


def parse_keys(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.split(",")
    return [k.strip() for k in raw or [] if k and k.strip()]


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured("FILE_ENCRYPTION_KEYS is empty: no key to encrypt files with.")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            # Never echo the key itself.
            raise ImproperlyConfigured(
                f"FILE_ENCRYPTION_KEYS: key #{position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes; make one with "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)."
            ) from exc
    return MultiFernet(fernets), fernets[0]


def current_keys() -> tuple[str, ...]:
    return tuple(parse_keys(getattr(settings, "FILE_ENCRYPTION_KEYS", [])))


def encrypt_bytes(data: bytes) -> bytes:
    multi, _ = _fernets(current_keys())
    return MAGIC + multi.encrypt(data)


def is_encrypted(raw: bytes) -> bool:
    return raw.startswith(MAGIC)


def decrypt_bytes(raw: bytes, name: str = "") -> bytes:
    label = f"stored file {name!r}" if name else "stored file"
    if not is_encrypted(raw):
        if getattr(settings, "FILE_ENCRYPTION_READ_PLAINTEXT", False):
            log.warning("%s is not encrypted; run `manage.py rotate_file_keys`", label)
            return raw
        raise FileDecryptionError(
            f"The {label} is not encrypted (it predates encryption at rest). "
            "Run `python manage.py rotate_file_keys` to encrypt it."
        )
    multi, _ = _fernets(current_keys())
    try:
        return multi.decrypt(raw[len(MAGIC):])
    except InvalidToken as exc:
        raise FileDecryptionError(
            f"The {label} cannot be decrypted with any key in FILE_ENCRYPTION_KEYS: the key "
            "it was encrypted with is missing (removed before `rotate_file_keys` ran?) or "
            "the file is damaged."
        ) from exc


def needs_rotation(raw: bytes) -> bool:
    """True when the newest key alone does not open this file."""
    if not is_encrypted(raw):
        return True
    _, newest = _fernets(current_keys())
    try:
        newest.decrypt(raw[len(MAGIC):])
    except InvalidToken:
        return True
    return False


def rotate_bytes(raw: bytes, name: str = "") -> bytes:
    """The same content re-encrypted with the newest key (plaintext gets encrypted)."""
    return encrypt_bytes(decrypt_bytes(raw, name) if is_encrypted(raw) else raw)


class EncryptingStorageMixin:
    """Encrypt on save, decrypt on open, report the original's size. The storage class
    it is mixed into provides read_raw (the stored bytes) and its own _save."""

    def read_raw(self, name) -> bytes:
        raise NotImplementedError

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


class EncryptedFileSystemStorage(EncryptingStorageMixin, FileSystemStorage):
    """FileSystemStorage that encrypts on save and decrypts on open."""

    def read_raw(self, name) -> bytes:
        with open(self.path(name), "rb") as fh:
            return fh.read()

    def replace_raw(self, name, raw: bytes) -> None:
        """Atomically replace a stored file's bytes (used by key rotation)."""
        path = self.path(name)
        folder = os.path.dirname(path)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".rotate-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
                fh.flush()
                os.fsync(fh.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(tmp, self.file_permissions_mode)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
