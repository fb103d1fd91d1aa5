"""Background work of the cases app (django-tasks)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django_tasks import task

from laborgrid.cases import clock
from laborgrid.cases.models import Case
from laborgrid.deadlines import tasks as deadline_tasks


def run_deadline_check() -> tuple[int, list[int]]:
    """The deadline engine's daily run (every kind of deadline: recompute with the calendar in
    force, then escalate); returns the deadlines moved and the cases newly flagged (挂牌督办)."""
    moved, escalated = deadline_tasks.run_deadline_check(today=clock.today())
    case_type = ContentType.objects.get_for_model(Case)
    flagged = [
        e.result for e in escalated if e.result and e.deadline.content_type_id == case_type.pk
    ]
    return moved, flagged


@task()
def check_case_deadlines_task() -> None:
    run_deadline_check()
