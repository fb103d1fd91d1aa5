"""Daily early-warning run (``manage.py compute_warnings``; cron / systemd timer, or the
``compute_warnings_task`` task): every active rule, idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from laborgrid.incidents.early_warning import compute_warnings


class Command(BaseCommand):
    help = "Compute early warnings of wage arrears (欠薪预警) from the configured rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="run as of this day (ISO), default today")

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["date"]) if options.get("date") else None
        result = compute_warnings(today=today)
        self.stdout.write(
            f"warnings raised: {len(result.raised)}; refreshed: {result.updated}; "
            f"rules without a source: {', '.join(result.skipped_rules) or '-'}"
        )
