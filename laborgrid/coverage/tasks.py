"""Background recounts of coverage figures (see ``services._counts``)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from laborgrid.coverage import services


@task()
def refresh_coverage(path: str) -> None:
    """Count the subtree at ``path`` again and keep the figures for every process to read."""
    services.count_and_store(path, timezone.localdate())
