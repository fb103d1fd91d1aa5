"""Encrypt case evidence files and issued documents stored before encryption at rest (issue 15
item 4). Files already encrypted are left alone, so the command may be run again at any time;
until it has run, older plaintext files are still read (``core.filecrypt``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laborgrid.cases.models import DOCUMENT_STORAGE, EVIDENCE_STORAGE, CaseDocument, CaseRecord
from laborgrid.core.filecrypt import encrypt_existing


class Command(BaseCommand):
    help = "加密此前以明文保存的案件证据文件和已签发文书（已加密的文件不变）。"

    def handle(self, *args: Any, **options: Any) -> None:
        records = CaseRecord.objects.exclude(file="").values_list("file", flat=True).iterator()
        docs = CaseDocument.objects.exclude(file="").values_list("file", flat=True).iterator()
        ev_done, ev_skipped = encrypt_existing(EVIDENCE_STORAGE, records)
        doc_done, doc_skipped = encrypt_existing(DOCUMENT_STORAGE, docs)
        self.stdout.write(
            f"证据文件：加密 {ev_done} 个，跳过 {ev_skipped} 个；"
            f"文书：加密 {doc_done} 个，跳过 {doc_skipped} 个。"
        )
