"""The daily projects run (django-tasks), beside ``manage.py refresh_projects``."""

from __future__ import annotations

from django_tasks import task

from laborgrid.incidents.early_warning import compute_warnings
from laborgrid.projects.services import refresh_projects


@task()
def refresh_projects_task() -> None:
    refresh_projects()
    compute_warnings()
