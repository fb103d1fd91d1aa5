"""The single-object gate for grids: 404 for missing and out-of-scope alike, 403 for read-only."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import check_write
from laborgrid.grids.models import Grid


def access_grid(user: Any, code: str, capability: str = Cap.GRID_READ) -> Grid:
    grid = Grid.objects.visible_to(user).filter(code=code).first()
    if grid is None:
        raise Http404
    if capability != Cap.GRID_READ:
        check_write(user, capability, grid.path)
    return grid


def breadcrumb(user: Any, grid: Grid) -> list[Grid]:
    """The grid's ancestors the user may see, root first, then the grid itself."""
    return [
        *Grid.objects.visible_to(user)
        .filter(code__in=grid.ancestor_codes())
        .defer("boundary")
        .order_by("depth"),
        grid,
    ]
