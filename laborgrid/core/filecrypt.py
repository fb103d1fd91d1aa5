"""Files encrypted at rest with the install's key ring (SECURITY.md: personal data is encrypted
in storage, not only in the database).

``EncryptedFileSystemStorage`` is a ``FileSystemStorage`` whose files hold
``KeyRing.encrypt_bytes`` output (AES-256-GCM or SM4-GCM, the key id in every file, the storage's
context bound as associated data): a copied disk, a backup set or a stray ``ls`` of the media
folder shows no evidence or issued document. Opening a file decrypts it; a file stored before
encryption (no header) is read as it is, so existing files keep working and
``manage.py encrypt_media`` encrypts them in place at its own pace. Backups copy the encrypted
bytes unchanged: restoring needs the same ``LABORGRID_FIELD_KEYS``, as the encrypted columns do.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from laborgrid.core import pii
from laborgrid.core.pii import keyring
from laborgrid.lib.crypto import is_encrypted_file


@deconstructible(path="laborgrid.core.filecrypt.EncryptedFileSystemStorage")
class EncryptedFileSystemStorage(FileSystemStorage):
    """Media files of one kind (``context``, e.g. ``"file:cases.evidence"``), encrypted."""

    def __init__(self, context: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context

    def _save(self, name: str, content: Any) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        blob = keyring().encrypt_bytes(data, context=self.context)
        return super()._save(name, ContentFile(blob))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:
        with open(self.path(name), "rb") as raw:
            data = raw.read()
        if is_encrypted_file(data):
            data = keyring().decrypt_bytes(data, context=self.context)
        return File(io.BytesIO(data), name=name)

    def is_encrypted(self, name: str) -> bool:
        with open(self.path(name), "rb") as raw:
            return is_encrypted_file(raw.read(16))

    def encrypt_in_place(self, name: str) -> bool:
        """Encrypt a file stored before encryption; ``False`` if it already was."""
        path = self.path(name)
        with open(path, "rb") as raw:
            data = raw.read()
        if is_encrypted_file(data):
            return False
        blob = keyring().encrypt_bytes(data, context=self.context)
        tmp = f"{path}.enc-tmp"
        with open(tmp, "wb") as out:
            out.write(blob)
        os.replace(tmp, path)
        return True


def encrypt_existing(storage: EncryptedFileSystemStorage, names: Iterable[str]) -> tuple[int, int]:
    """Encrypt the plaintext files among ``names`` in place: (encrypted now, already encrypted
    or missing)."""
    done = skipped = 0
    for name in names:
        if not name or not storage.exists(name):
            skipped += 1
            continue
        if storage.encrypt_in_place(name):
            done += 1
        else:
            skipped += 1
    return done, skipped


# Field photos (collection, incidents, inspections) keep the format they were first stored in: the
# file holds the key ring's text token of the base64 image (``pii.seal``), one context per kind.
# These two functions are the one place that reads and writes it.


def sealed_photo(content: bytes, context: str) -> ContentFile:
    """The file to store for a photo's bytes: the key ring's token, never the image."""
    token = pii.seal(base64.b64encode(content).decode("ascii"), context=context)
    return ContentFile(token.encode("ascii"))


def open_sealed_photo(file: Any, context: str) -> bytes:
    """The image bytes of a photo stored by ``sealed_photo``."""
    with file.open("rb") as fh:
        token = fh.read().decode("ascii")
    return base64.b64decode(pii.unseal(token, context=context))
