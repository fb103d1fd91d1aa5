"""``/api/v1/grids``: the grid tree, scoped exactly like the pages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from laborgrid.core.paging import OffsetParams, offset_page
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.grids.permissions import access_grid
from laborgrid.grids.selectors import staff_of

router = Router(tags=["grids"])


class GridFilters(OffsetParams):
    level: GridLevel | None = None
    parent: str | None = Field(None, description="parent grid code")
    q: str | None = Field(
        None,
        description="name contains (full-width folded; case, spaces and punctuation ignored), "
        "or code starts with",
    )
    limit: int = Field(100, ge=1, le=1000)


class GridOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    path: str
    depth: int
    centroid: list[float] | None
    boundary_synthetic: bool


class StaffOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    phone: str
    duty: str


class GridDetailOut(GridOut):
    staff: list[StaffOut]
    children: int


class GridPage(Schema):
    count: int
    items: list[GridOut]


def _out(g: Grid) -> dict:
    return {
        "code": g.code,
        "name": g.name,
        "level": g.level,
        "parent": g.parent_id,
        "path": g.path,
        "depth": g.depth,
        "centroid": [g.centroid_lng, g.centroid_lat] if g.centroid_lng is not None else None,
        "boundary_synthetic": g.boundary_synthetic,
    }


@router.get("", response=GridPage)
def list_grids(request: HttpRequest, filters: Query[GridFilters]) -> dict:
    qs = Grid.objects.visible_to(request.user).active().defer("boundary")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent__code=filters.parent)
    if filters.q:
        qs = qs.search(filters.q)
    qs = qs.order_by("path")
    return offset_page(qs, filters, _out)


@router.get("/{code}", response=GridDetailOut)
def get_grid(request: HttpRequest, code: str) -> dict:
    grid = access_grid(request.user, code)
    staff = staff_of([grid])[grid.pk]
    return {
        **_out(grid),
        "children": grid.children.filter(is_active=True).count(),
        "staff": [
            {
                "username": a.user.username,
                "name": a.user.display_name,
                "role": a.role,
                "role_label": a.get_role_display(),
                "phone": a.user.phone,
                "duty": a.duty,
            }
            for a in staff
        ],
    }
