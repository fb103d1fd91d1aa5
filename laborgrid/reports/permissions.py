"""Who may see and do what with the dashboard and the returns.

* Seeing a grid's dashboard or return: employer and case data (``work.read``) on that grid —
  the figures count its whole subtree, which lies in the reader's scope. Anything else (an
  unknown code, another township's grid, the 三员) is 404, the same answer for each.
* Drafting, adjusting and signing a township's return: ``return.sign`` held **on that
  township** (its 中队长); the county inspectors, who hold it over the whole county, consolidate
  and lock the county's return instead. Registering a correction of a locked return: whoever
  could sign or lock it. A reader who may not write gets 403 (the leader).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from laborgrid.accounts.roles import Cap
from laborgrid.core.paths import CODE_CHARS
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.grids.selectors import current_grid, user_grids

MAX_CODE_LENGTH = 32
#: The level whose return consolidates its children's and locks the period.
CONSOLIDATING = frozenset({GridLevel.COUNTY})
#: Levels that never have a return of their own (a village is a row of its township's).
NO_RETURN = frozenset({GridLevel.VILLAGE, GridLevel.PROVINCE, GridLevel.CITY})


def access_report_grid(user: Any, code: str) -> Grid:
    """The grid ``code`` if the user reads work data there, else 404."""
    require_capability(user, Cap.WORK_READ)
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE_LENGTH or not set(code) <= CODE_CHARS:
        raise Http404
    grid = Grid.objects.visible_to(user, Cap.WORK_READ).filter(code=code).first()
    if grid is None:
        raise Http404
    return grid


def default_grid(user: Any, request: HttpRequest | None = None) -> Grid:
    """Where the dashboard opens: the switcher's grid, else the user's top grid."""
    scope = require_capability(user, Cap.WORK_READ)
    chosen = current_grid(request) if request is not None else None
    candidates = [chosen] if chosen is not None else []
    candidates += user_grids(user)
    for grid in candidates:
        if scope.allows(Cap.WORK_READ, grid.path):
            return grid
    found = (
        Grid.objects.filter(path__in=get_scope(user).paths(Cap.WORK_READ))
        .order_by("depth", "path")
        .first()
    )
    if found is None:
        raise Http404
    return found


def has_return(grid: Grid) -> bool:
    """Counties (consolidated) and the grids directly under a county (signed) have returns."""
    return grid.level not in NO_RETURN


def is_consolidating(grid: Grid) -> bool:
    return grid.level in CONSOLIDATING


def access_return_grid(user: Any, code: str) -> Grid:
    """A grid whose return the user may read (404 for a grid without returns)."""
    grid = access_report_grid(user, code)
    if not has_return(grid):
        raise Http404
    return grid


def can_sign(user: Any, grid: Grid) -> bool:
    """``return.sign`` held on the grid itself (or below it): the township's own 中队长."""
    if is_consolidating(grid):
        return False
    return any(p.startswith(grid.path) for p in get_scope(user).paths(Cap.RETURN_SIGN))


def can_lock(user: Any, grid: Grid) -> bool:
    return is_consolidating(grid) and get_scope(user).allows(Cap.RETURN_SIGN, grid.path)


def can_correct(user: Any, grid: Grid) -> bool:
    return can_sign(user, grid) or get_scope(user).allows(Cap.RETURN_SIGN, grid.path)


def check_sign(user: Any, grid: Grid) -> None:
    if not can_sign(user, grid):
        raise PermissionDenied


def check_lock(user: Any, grid: Grid) -> None:
    if not can_lock(user, grid):
        raise PermissionDenied


def check_correct(user: Any, grid: Grid) -> None:
    if not can_correct(user, grid):
        raise PermissionDenied
