"""Background counts of the dashboard's figures (``rollup.refresh``)."""

from __future__ import annotations

from django.core.cache import cache
from django_tasks import task

from laborgrid.reports import rollup


@task()
def refresh_figures(root_path: str) -> None:
    """Count the tree at ``root_path`` again and replace its rows of the figure table; a path
    below a tree's top (a county) is counted alone and carried up (``rollup.refresh_subtree``)."""
    try:
        if root_path == rollup.tree_root_of_path(root_path):
            rollup.refresh(root_path)
        else:
            rollup.refresh_subtree(root_path)
    finally:
        cache.delete(rollup._lock_key(root_path))
