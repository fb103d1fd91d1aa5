"""Which grid's coverage a person may see: employer data (``work.read``) on that grid.

A grid is the gate: the coverage of a visible grid counts its whole subtree, all of which lies in
the person's scope. Anything else — an unknown code, a grid outside their grids, a person without
``work.read`` (the 三员) — is 404, the same answer for each, so the page tells nobody which codes
exist elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from laborgrid.accounts.roles import Cap
from laborgrid.core.paths import CODE_CHARS
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.grids.models import Grid
from laborgrid.grids.selectors import current_grid, user_grids

#: Grid codes are short (GB/T 2260 / NBS codes, custom park codes): anything longer is not one.
MAX_CODE_LENGTH = 32


def access_coverage_grid(user: Any, code: str) -> Grid:
    """The grid ``code`` if the user may read employer data there, else 404."""
    require_capability(user, Cap.WORK_READ)
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH or not set(code) <= CODE_CHARS:
        raise Http404
    grid = Grid.objects.visible_to(user, Cap.WORK_READ).filter(code=code).first()
    if grid is None:
        raise Http404
    return grid


def default_grid(user: Any, request: HttpRequest | None = None) -> Grid:
    """Where coverage opens: the grid chosen in the switcher, else the user's top grid — the
    first one where they read employer data. 404 without any."""
    scope = require_capability(user, Cap.WORK_READ)
    chosen = current_grid(request) if request is not None else None
    candidates = [chosen] if chosen is not None else []
    candidates += user_grids(user)
    for grid in candidates:
        if scope.allows(Cap.WORK_READ, grid.path):
            return grid
    # Employer data held on a grid the switcher does not list (cannot happen with today's roles).
    paths = get_scope(user).paths(Cap.WORK_READ)
    found = Grid.objects.filter(path__in=paths).order_by("depth", "path").first()
    if found is None:
        raise Http404
    return found
