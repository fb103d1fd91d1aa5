"""Background work of the cases app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from laborgrid.cases.services.deadlines import escalate_overdue, recompute_pending


def run_deadline_check() -> tuple[int, list[int]]:
    """Recompute working-day deadlines computed with an older calendar version, then escalate."""
    from laborgrid.workdays.services import calendar_version

    moved = recompute_pending(since_version=calendar_version())
    return moved, escalate_overdue()


@task()
def check_case_deadlines_task() -> None:
    run_deadline_check()
