"""The daily run of the public lists (django-tasks), as the other daily jobs: the command
``manage.py ratings_daily`` (cron / systemd timer) or the ``ratings_daily_task`` task; both
idempotent. Pages and the API never depend on it for correctness: the public blacklist hides an
entry past its term at read time, and candidates can be flagged from the page (检查新的候选)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from laborgrid.ratings import listing, publicity


def run_daily(today: dt.date | None = None) -> tuple[int, int]:
    """Flag the 部令29号 candidates whose decision became final, and mark the blacklist entries
    past their term expired; returns (flagged, expired)."""
    return publicity.flag_candidates(today), listing.expire_listings(today)


@task()
def ratings_daily_task() -> None:
    run_daily()
