"""The daily run of the public lists (``manage.py ratings_daily``; cron / systemd timer, or the
``ratings_daily_task`` task): flag new 部令29号 candidates (decisions that became final) and move
blacklist entries past their 3 years off the list (部令45号). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laborgrid.ratings.tasks import run_daily


class Command(BaseCommand):
    help = "Flag publication candidates and expire blacklist entries (公开名单每日任务)."

    def handle(self, *args: Any, **opts: Any) -> None:
        flagged, expired = run_daily()
        self.stdout.write(f"candidates flagged: {flagged}; listings expired: {expired}")
