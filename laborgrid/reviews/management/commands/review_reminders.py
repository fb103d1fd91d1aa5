"""Daily run of the written review's reminders (issue 17 §2): the window opening, N days before
it closes, late — to the listed employers' portal accounts, in-app (``reviews.reminders``).

Run it once a day (cron / systemd timer: ``manage.py review_reminders``) or enqueue the
``review_reminders_task`` task; both are idempotent (one reminder per employer per kind)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from laborgrid.reviews.choices import ReminderKind
from laborgrid.reviews.reminders import send_reminders


class Command(BaseCommand):
    help = "Send the written review's reminders due today (opening, closing soon, late)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="run as of this day (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date: YYYY-MM-DD") from exc
        sent = send_reminders(today=today)
        self.stdout.write(
            "; ".join(f"{k.value}: {sent.get(k.value, 0)}" for k in ReminderKind)
            + " (employers reminded)"
        )
