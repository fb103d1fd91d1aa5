"""Background tasks (django-tasks; the demo runs one ``manage.py worker`` beside the web server)."""

from __future__ import annotations

from django_tasks import task

from laborgrid.core.jobs import execute_job


@task()
def run_job(job_id: str) -> None:
    execute_job(job_id)
