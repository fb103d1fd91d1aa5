"""Read-only helpers about grids and the signed-in user's grids (home page, switcher, staff)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import STAFF_ROLES, Cap, Role
from laborgrid.core.scope import get_scope
from laborgrid.grids.models import Grid

SESSION_GRID_KEY = "laborgrid_current_grid"


def user_grids(user: Any) -> list[Grid]:
    """The roots of the user's scope: grids they hold a role on that lie under no other of them
    (an assistant named on the township and on some of its villages gets the township)."""
    cache_attr = "_laborgrid_user_grids"
    cached = getattr(user, cache_attr, None)
    if cached is not None:
        return cached
    grids = list(
        Grid.objects.filter(
            is_active=True,
            assignments__in=GridAssignment.objects.current().filter(user=user),
        )
        .distinct()
        .order_by("depth", "path")
    )
    grids = [g for g in grids if not any(o is not g and g.path.startswith(o.path) for o in grids)]
    setattr(user, cache_attr, grids)
    return grids


def staff_of(grids: list[Grid]) -> dict[int, list[GridAssignment]]:
    """Current responsible staff per grid id (one query)."""
    result: dict[int, list[GridAssignment]] = {g.pk: [] for g in grids}
    for a in (
        GridAssignment.objects.current()
        .filter(grid__in=grids, role__in=(*STAFF_ROLES, Role.LEADER))
        .select_related("user")
        .order_by("role", "user__full_name")
    ):
        if a.user.is_active:
            result[a.grid_id].append(a)
    return result


def with_child_counts(qs: Any) -> Any:
    return qs.annotate(n_children=Count("children", filter=Q(children__is_active=True)))


def current_grid(request: HttpRequest) -> Grid | None:
    """The grid the user chose in the switcher, if still theirs; else their first grid."""
    grids = user_grids(request.user)
    if not grids:
        return None
    code = request.session.get(SESSION_GRID_KEY)
    for g in grids:
        if g.code == code:
            return g
    return grids[0]


def home_summary(request: HttpRequest) -> dict[str, Any] | None:
    """The home widget of the current grid: its child grids, the size of the subtree and the
    people responsible at this level and the next (网格定位、人员定格、责任到人)."""
    from laborgrid.grids.services import subtree_count

    grid = current_grid(request)
    if grid is None or not get_scope(request.user).allows(Cap.GRID_READ, grid.path):
        return None
    children = list(with_child_counts(grid.children.filter(is_active=True)).order_by("code"))
    staff = staff_of([grid, *children])
    return {
        "grid": grid,
        "staff": staff[grid.pk],
        "children": [(c, staff[c.pk]) for c in children],
        "subtree_size": subtree_count(grid),
        "staff_total": sum(len(v) for v in staff.values()),
    }
