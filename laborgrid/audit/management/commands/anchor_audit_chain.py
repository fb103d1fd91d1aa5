"""``anchor_audit_chain``: append the audit chain's newest event to the anchor file (run by a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from laborgrid.audit.services import anchor_head


class Command(BaseCommand):
    help = "把审计链最新记录（编号、哈希、签名）追加到数据库之外的锚点文件。"

    def handle(self, *args: Any, **options: Any) -> None:
        line = anchor_head()
        if line is None:
            raise CommandError("未设置 LABORGRID_AUDIT_ANCHOR_FILE，或还没有审计记录。")
        self.stdout.write(self.style.SUCCESS(f"已锚定 #{line['id']} {line['hash'][:16]}…"))
