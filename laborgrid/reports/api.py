"""``GET /api/v1/dashboard?grid=`` and ``GET/POST /api/v1/returns?period=&grid=``.

The same figures, scope and steps as the pages (``rollup.snapshot``, ``services``): a grid that
does not exist and one outside the caller's grids both answer 404 ``{"detail": "未找到"}``; a
step the caller may not take answers 403, a step refused by the procedure 422 with its reasons.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from laborgrid.core.types import AuthedRequest
from laborgrid.employers.schemas import Message
from laborgrid.grids.models import Grid
from laborgrid.lib import periods
from laborgrid.reports import figures as registry
from laborgrid.reports import permissions, rollup, services, views
from laborgrid.reports.models import Return

dashboard_router = Router(tags=["reports"])
returns_router = Router(tags=["reports"])


class DashboardQuery(Schema):
    grid: str | None = Field(None, description="grid code; default: the caller's top grid")


class FigureOut(Schema):
    key: str
    label: str
    unit: str
    timing: str = Field(description="period: counted over the month; current: a state")
    value: float | None = Field(description="this month (a state: at the last count)")
    previous: float | None = Field(
        description="last month (a state: at last month's last count; null if none was made)"
    )
    url: str | None = Field(description="the list this figure counts (this month)")


class GridRef(Schema):
    code: str
    name: str
    level: str


class ChildOut(GridRef):
    figures: dict[str, float | None] = Field(description="figure key → this month's value")


class DashboardOut(Schema):
    grid: GridRef
    month: str
    previous_month: str
    computed_at: datetime = Field(description="when the figures were counted")
    refreshing: bool = Field(description="a recount is under way in the background")
    figures: list[FigureOut]
    children: list[ChildOut]


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _ref(grid: Grid) -> dict[str, Any]:
    return {"code": grid.code, "name": grid.name, "level": grid.level}


@dashboard_router.get("", response={200: DashboardOut, 404: Message})
def get_dashboard(request: AuthedRequest, query: Query[DashboardQuery]) -> dict[str, Any]:
    """The dashboard of a grid: every figure this month and last, and each child grid's."""
    code = (query.grid or "").strip()
    grid = (
        permissions.access_report_grid(request.user, code)
        if code
        else permissions.default_grid(request.user)
    )
    snap = rollup.snapshot(grid)
    assert snap is not None  # noqa: S101 (wait=True always counts)
    figs = registry.all_figures()
    return {
        "grid": _ref(grid),
        "month": snap.this.key,
        "previous_month": snap.last.key,
        "computed_at": snap.computed_at,
        "refreshing": snap.refreshing,
        "figures": [
            {
                "key": f.key,
                "label": str(f.label),
                "unit": f.unit,
                "timing": f.timing,
                "value": _num(snap.value(grid, f, snap.this.start)),
                "previous": _num(snap.value(grid, f, snap.last.start)),
                "url": f.list_url(grid, snap.this),
            }
            for f in figs
        ],
        "children": [
            {
                **_ref(c),
                "figures": {f.key: _num(snap.value(c, f, snap.this.start)) for f in figs},
            }
            for c in snap.children
        ],
    }


class ReturnQuery(Schema):
    period: str = Field(description="2026-11 (month), 2026-Q4 (quarter) or 2026 (year)")
    grid: str = Field(description="grid code of a township (signs) or county (consolidates)")


class LineOut(Schema):
    key: str
    label: str
    unit: str
    drafted: float = Field(description="counted from the records")
    value: float = Field(description="the figure reported (adjusted or not)")
    note: str = Field(description="why it differs from the drafted figure")


class PartOut(Schema):
    grid: str
    name: str
    source: str = Field(description="signed / draft (not signed: the records) / records / direct")
    values: dict[str, float]


class CorrectionOut(Schema):
    key: str
    locked_value: float
    value: float
    note: str
    created_at: datetime


class ReturnOut(Schema):
    grid: GridRef
    period: str
    kind: str
    status: str = Field(
        description="none (not drafted: a preview), draft, signed, consolidated, locked"
    )
    drafted_on: date | None = Field(description="states (employers, coverage) are as of this day")
    signed_at: datetime | None
    consolidated_at: datetime | None
    locked_at: datetime | None
    note: str
    lines: list[LineOut]
    parts: list[PartOut]
    corrections: list[CorrectionOut] = Field(description="registered after the lock, listed apart")


class LineIn(Schema):
    key: str
    value: str = Field(description="decimal, ≥ 0")
    note: str = ""


class ReturnIn(Schema):
    action: Literal["draft", "adjust", "sign", "consolidate", "lock", "correct"]
    lines: list[LineIn] = Field(default_factory=list, description="adjust: the changed lines")
    note: str = Field("", description="consolidate: why townships that did not sign are summed")
    key: str = Field("", description="correct: the figure")
    value: str = Field("", description="correct: the corrected figure")


class ErrorsOut(Schema):
    detail: list[str]


def _return_out(grid: Grid, period: periods.Period, ret: Return | None) -> dict[str, Any]:
    figs = [f for f in registry.return_figures() if f.additive]
    if ret is None:
        today = timezone.localdate()
        values = services.preview(grid, period) if period.start <= today else {}
        lines = [
            {
                "key": f.key,
                "label": str(f.label),
                "unit": f.unit,
                "drafted": float(values.get(f.key, 0)),
                "value": float(values.get(f.key, 0)),
                "note": "",
            }
            for f in figs
        ]
        parts: list[dict[str, Any]] = []
        corrections: list[dict[str, Any]] = []
    else:
        by_key = {line.key: line for line in ret.lines.all()}
        lines = [
            {
                "key": f.key,
                "label": str(f.label),
                "unit": f.unit,
                "drafted": float(by_key[f.key].drafted),
                "value": float(by_key[f.key].value),
                "note": by_key[f.key].note,
            }
            for f in figs
            if f.key in by_key
        ]
        parts = [
            {
                "grid": p.grid_id,
                "name": p.grid.name,
                "source": p.source,
                "values": {k: float(Decimal(v)) for k, v in p.values.items()},
            }
            for p in ret.parts.select_related("grid")
        ]
        corrections = [
            {
                "key": c.key,
                "locked_value": float(c.locked_value),
                "value": float(c.value),
                "note": c.note,
                "created_at": c.created_at,
            }
            for c in ret.corrections.all()
        ]
    return {
        "grid": _ref(grid),
        "period": period.key,
        "kind": period.kind,
        "status": ret.status if ret else "none",
        "drafted_on": ret.drafted_on if ret else None,
        "signed_at": ret.signed_at if ret else None,
        "consolidated_at": ret.consolidated_at if ret else None,
        "locked_at": ret.locked_at if ret else None,
        "note": ret.note if ret else "",
        "lines": lines,
        "parts": parts,
        "corrections": corrections,
    }


def _target(request: AuthedRequest, query: ReturnQuery) -> tuple[Grid, periods.Period]:
    grid = permissions.access_return_grid(request.user, query.grid)
    period = periods.parse(query.period)
    if period is None:
        raise ValidationError(["period: 2026-11, 2026-Q4 or 2026"])
    return grid, period


@returns_router.get("", response={200: ReturnOut, 404: Message, 422: ErrorsOut})
def get_return(request: AuthedRequest, query: Query[ReturnQuery]) -> dict[str, Any]:
    """A grid's return for a period: stored (with its status), or a preview of the draft."""
    grid, period = _target(request, query)
    return _return_out(grid, period, services.find(grid, period))


@returns_router.post("", response={200: ReturnOut, 403: Message, 404: Message, 422: ErrorsOut})
def post_return(
    request: AuthedRequest, query: Query[ReturnQuery], payload: ReturnIn
) -> dict[str, Any]:
    """One step on a return: draft, adjust (lines with notes), sign, consolidate (county, with a
    note when townships did not sign), lock (county), correct (a locked return)."""
    grid, period = _target(request, query)
    data = {
        "note": payload.note,
        "key": payload.key,
        "value": payload.value,
        "lines": [line.dict() for line in payload.lines],
    }
    views.perform(
        payload.action, user=request.user, grid=grid, period=period, data=data, request=request
    )
    return _return_out(grid, period, services.find(grid, period))
