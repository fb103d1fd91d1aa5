"""Background work of the written review (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from laborgrid.reviews.reminders import send_reminders


@task()
def review_reminders_task() -> None:
    """The daily reminders (``manage.py review_reminders`` does the same)."""
    send_reminders()
