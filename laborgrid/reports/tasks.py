"""Background counts of the dashboard's figures (``rollup.refresh``)."""

from __future__ import annotations

from django.core.cache import cache
from django_tasks import task

from laborgrid.reports import rollup


@task()
def refresh_figures(root_path: str) -> None:
    """Count the tree at ``root_path`` again and replace its rows of the figure table."""
    try:
        rollup.refresh(root_path)
    finally:
        cache.delete(rollup._lock_key(root_path))
