"""Daily deadline run (issue 6 §5): recompute pending deadlines when the calendar changed, then
flag overdue cases for supervision by the level above (挂牌督办) and notify its staff.

Run it once a day (cron / systemd timer: ``manage.py check_case_deadlines``) or enqueue the
``check_case_deadlines_task`` task; both are idempotent. Pages and the API compute "overdue" at
read time, so a day without the run only delays the flag and the notification.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laborgrid.cases.tasks import run_deadline_check


class Command(BaseCommand):
    help = "Recompute case deadlines after calendar changes and escalate overdue cases (挂牌督办)."

    def handle(self, *args: Any, **options: Any) -> None:
        moved, flagged = run_deadline_check()
        self.stdout.write(f"deadlines moved: {moved}; cases escalated: {len(flagged)}")
