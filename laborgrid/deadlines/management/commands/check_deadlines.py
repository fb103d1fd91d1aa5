"""Daily deadline run for every kind of deadline (``manage.py check_deadlines``; cron / systemd
timer, or the ``check_deadlines_task`` task): recompute after calendar changes, escalate overdue
deadlines once each."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laborgrid.deadlines.tasks import run_deadline_check


class Command(BaseCommand):
    help = "Recompute deadlines after calendar changes and escalate overdue ones (所有期限)."

    def handle(self, *args: Any, **options: Any) -> None:
        moved, escalated = run_deadline_check()
        self.stdout.write(f"deadlines moved: {moved}; deadlines escalated: {len(escalated)}")
