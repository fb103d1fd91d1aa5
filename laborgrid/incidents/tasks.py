"""The daily early-warning run (django-tasks), beside ``manage.py compute_warnings``."""

from __future__ import annotations

from django_tasks import task

from laborgrid.incidents.early_warning import compute_warnings


@task()
def compute_warnings_task() -> None:
    compute_warnings()
