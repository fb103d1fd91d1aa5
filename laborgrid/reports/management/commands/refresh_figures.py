"""Count the dashboard's figures of every grid tree now (``manage.py refresh_figures``).

Run it from a timer shortly after midnight (and on the 1st of each month at the latest): the
dashboard then never makes its first reader of a day or month wait for a count (a page finding
the count from an earlier day shows it and has the worker count again; a tree never counted in
the current month is counted in the request).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from laborgrid.reports.rollup import seed_demo_figures


class Command(BaseCommand):
    help = "Count the dashboard's figures of every grid tree (驾驶舱统计)."

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo_figures(self.stdout.write)
