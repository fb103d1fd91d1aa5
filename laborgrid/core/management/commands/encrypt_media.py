"""``manage.py encrypt_media``: encrypt in place every file stored before its kind was encrypted at
rest (``core.filecrypt``).

It walks every model's file fields whose storage is an ``EncryptedFileSystemStorage`` (case
evidence and documents, rectification orders and evidence, inspection records, written-review
attachments, project files…), so a kind that moves to encrypted storage is covered without
touching this command. Files already encrypted, and names whose file is missing, are left alone:
the command may be run again at any time, and until it has run older plaintext files are still
read.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models

from laborgrid.core.filecrypt import EncryptedFileSystemStorage, encrypt_existing


def encrypted_file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every concrete model's file field stored encrypted, in app order."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and isinstance(
                field.storage, EncryptedFileSystemStorage
            ):
                found.append((model, field))
    return found


class Command(BaseCommand):
    help = "加密此前以明文保存的文件（案件证据与文书、整改指令书与材料、检查笔录等；已加密的文件不变）。"

    def handle(self, *args: Any, **options: Any) -> None:
        for model, field in encrypted_file_fields():
            names = (
                model._default_manager.exclude(**{field.name: ""})
                .values_list(field.name, flat=True)
                .iterator()
            )
            storage: EncryptedFileSystemStorage = field.storage  # type: ignore[assignment]
            done, skipped = encrypt_existing(storage, names)
            self.stdout.write(
                f"{model._meta.verbose_name}·{field.verbose_name}"
                f"（{model._meta.label}.{field.name}）：加密 {done} 个，跳过 {skipped} 个"
            )
