"""The daily deadline run (django-tasks): recompute after calendar changes, then escalate."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from laborgrid.deadlines.services import (
    Escalation,
    escalate_overdue,
    recompute_for_calendar_change,
)


def run_deadline_check(*, today: dt.date | None = None) -> tuple[int, list[Escalation]]:
    """Recompute working-day deadlines computed with an older calendar version (a calendar edit
    recomputes at once; this catches seeding and other processes), then escalate every overdue
    deadline not escalated yet. Idempotent."""
    from laborgrid.workdays.services import calendar_version

    moved = recompute_for_calendar_change(today=today, since_version=calendar_version())
    return moved, escalate_overdue(today=today)


@task()
def check_deadlines_task() -> None:
    run_deadline_check()
