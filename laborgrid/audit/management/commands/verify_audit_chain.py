"""``verify_audit_chain``: recompute the audit hash chain; exit non-zero if anything was altered."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from laborgrid.audit.models import AuditEvent
from laborgrid.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log hash chain (tampering, deletion or insertion shows)."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = 0
        for event, problem in verify_chain():
            problems += 1
            self.stderr.write(f"#{event.pk} {event.at:%Y-%m-%d %H:%M:%S} {problem}")
        total = AuditEvent.objects.count()
        if problems:
            raise CommandError(f"审计链校验失败：{problems} 处问题（共 {total} 条记录）。")
        self.stdout.write(self.style.SUCCESS(f"审计链完整：{total} 条记录。"))
