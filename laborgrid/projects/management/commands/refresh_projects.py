"""Daily run of the projects (``manage.py refresh_projects``; cron / systemd timer, or the
``refresh_projects_task`` task): the monthly obligations of projects under way are created with
their deadlines, then the early warnings are computed (the incidents' run, all rules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from laborgrid.incidents.early_warning import compute_warnings
from laborgrid.projects.services import refresh_projects


class Command(BaseCommand):
    help = "Create the projects' monthly obligations, then compute the early warnings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="run as of this day (ISO), default today")

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["date"]) if options.get("date") else None
        created = refresh_projects(today)
        result = compute_warnings(today=today)
        self.stdout.write(
            f"obligations created: {created}; warnings raised: {len(result.raised)}; "
            f"refreshed: {result.updated}"
        )
