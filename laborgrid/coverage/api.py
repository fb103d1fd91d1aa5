"""``GET /api/v1/coverage``: a grid's coverage (底数清) and its child grids', scoped like the page.

The figures and their rules are ``laborgrid.coverage.services`` (the page's, the export's): every
count is of current employers in the grid's whole subtree, rolled up. A grid that does not exist
and one outside the caller's grids both answer 404 ``{"detail": "未找到"}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Query, Router, Schema

from laborgrid.core.types import AuthedRequest
from laborgrid.coverage import services
from laborgrid.coverage.permissions import access_coverage_grid, default_grid
from laborgrid.employers.models import STALE_AFTER_DAYS
from laborgrid.employers.schemas import Message

router = Router(tags=["coverage"])


class CoverageQuery(Schema):
    grid: str | None = Field(
        None,
        description="grid code (GB/T 2260 / NBS code); default: the caller's top grid",
    )


class CoverageRegisters(Schema):
    scjg: int = Field(description="listed in the 市场监管 (market regulation) register")
    mz: int = Field(description="listed in the 民政 (civil affairs) register")
    jy: int = Field(description="listed in the 教育 (education) register")
    zj: int = Field(description="listed in the 质监 (organisation code) register")


class CoverageFigures(Schema):
    total: int = Field(description="current employers (not merged into another record)")
    registered: int = Field(description="listed in at least one department register")
    registers: CoverageRegisters
    collected: int = Field(description="labour-use facts collected at least once")
    fresh: int = Field(description=f"collected within the last {STALE_AFTER_DAYS} days")
    never_collected: int = Field(description="never collected")
    stale: int = Field(
        description=f"collected, but more than {STALE_AFTER_DAYS} days ago "
        "(never-collected employers not included)"
    )
    deregistered_operating: int = Field(
        description="deregistered or revoked in a register, found operating in the field"
    )
    unregistered_operating: int = Field(
        description="found operating in the field, in no department register"
    )
    coverage_rate: float | None = Field(
        description="fresh / total (0–1); null for a grid without employers"
    )


class CoverageGrid(Schema):
    code: str
    name: str
    level: str
    parent: str | None = Field(description="parent grid code")
    figures: CoverageFigures = Field(description="the grid's whole subtree, rolled up")


class CoverageOut(Schema):
    as_of: date = Field(description="the day the figures are counted for (stale is relative to it)")
    computed_at: datetime = Field(description="when the figures were counted (may be cached)")
    stale_after_days: int
    grid: CoverageGrid
    direct: CoverageFigures = Field(
        description="employers attached to the grid itself rather than to a child grid: "
        "grid = sum(children) + direct"
    )
    children: list[CoverageGrid]


def figures_out(f: services.Figures) -> dict[str, Any]:
    return {
        "total": f.total,
        "registered": f.registered,
        "registers": {"scjg": f.scjg, "mz": f.mz, "jy": f.jy, "zj": f.zj},
        "collected": f.collected,
        "fresh": f.fresh,
        "never_collected": f.never,
        "stale": f.stale,
        "deregistered_operating": f.deregistered_operating,
        "unregistered_operating": f.unregistered_operating,
        "coverage_rate": f.rate,
    }


def _grid_out(node: services.Node) -> dict[str, Any]:
    g = node.grid
    return {
        "code": g.code,
        "name": g.name,
        "level": g.level,
        "parent": g.parent_id,
        "figures": figures_out(node.rolled),
    }


@router.get("", response={200: CoverageOut, 404: Message})
def get_coverage(request: AuthedRequest, query: Query[CoverageQuery]) -> dict[str, Any]:
    """Coverage (底数清) of a grid and of each of its child grids: counts of current employers,
    rolled up the hierarchy, and the coverage rate. 404 for an unknown grid or one outside
    your grids."""
    code = (query.grid or "").strip()
    grid = access_coverage_grid(request.user, code) if code else default_grid(request.user)
    cov = services.coverage(grid)
    return {
        "as_of": cov.today,
        "computed_at": cov.computed_at,
        "stale_after_days": STALE_AFTER_DAYS,
        "grid": _grid_out(cov.root),
        "direct": figures_out(cov.root.own),
        "children": [_grid_out(n) for n in cov.children()],
    }
