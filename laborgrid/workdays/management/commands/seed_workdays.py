"""Add the years the installed ``chinese-calendar`` knows and the calendar lacks (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laborgrid.workdays.services import seed_from_package


class Command(BaseCommand):
    help = "Seed the working-day calendar from chinese-calendar; years already present are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        added = seed_from_package()
        if added:
            self.stdout.write(f"calendar years added: {added[0]}–{added[-1]} ({len(added)})")
        else:
            self.stdout.write("calendar: nothing to add")
