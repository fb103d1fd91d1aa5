"""``GET /api/v1/assessment?year=&grid=``: a grid's score in a year's assessment, indicator by
indicator, and the ranking of the grids directly below it — scoped like the pages (the grid must
be in the caller's grids; the county sees drafts, everyone else the published version only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from laborgrid.assessment import selectors, services
from laborgrid.assessment.models import Assessment, GridScore
from laborgrid.assessment.permissions import access_grid, county_of, default_grid
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.schemas import Message

router = Router(tags=["assessment"])


class AssessmentQuery(Schema):
    year: int | None = Field(None, description="assessment year; default: the current year")
    grid: str | None = Field(None, description="grid code; default: the caller's top grid")


class IndicatorOut(Schema):
    key: str
    label: str
    weight: int = Field(description="points of the indicator (weights add up to 100)")
    rule: str


class FigureOut(Schema):
    key: str
    good: int = Field(description="records that met the indicator")
    counted: int = Field(description="records the indicator judged")
    rate: float | None = Field(description="good / counted; null when nothing was judged")
    points: float = Field(description="weight × rate (full weight when nothing was judged)")
    evidence_url: str = Field(description="the page listing the records behind the figure")


class GridScoreOut(Schema):
    code: str
    name: str
    level: str
    score: float | None = Field(description="out of 100; null when no indicator judged a record")
    rank: int | None = Field(description="rank among the grids with the same parent (1 = best)")
    figures: list[FigureOut]


class AssessmentOut(Schema):
    year: int
    county: str
    version: int
    status: str
    as_of: date
    computed_at: datetime
    published_at: datetime | None
    indicators: list[IndicatorOut]
    grid: GridScoreOut
    children: list[GridScoreOut]


def _grid_out(a: Assessment, s: GridScore) -> dict[str, Any]:
    figures = []
    for ind in a.indicators:
        good, counted = s.figures.get(ind["key"], [0, 0])
        figures.append(
            {
                "key": ind["key"],
                "good": good,
                "counted": counted,
                "rate": good / counted if counted else None,
                "points": round(services.points_of(s.figures, ind["key"], int(ind["weight"])), 2),
                "evidence_url": reverse("assessment:evidence", args=[s.grid.code, ind["key"]])
                + f"?year={a.year}&version={a.version}",
            }
        )
    return {
        "code": s.grid.code,
        "name": s.grid.name,
        "level": s.grid.level,
        "score": float(s.score) if s.score is not None else None,
        "rank": s.rank,
        "figures": figures,
    }


@router.get("", response={200: AssessmentOut, 404: Message})
def get_assessment(request: AuthedRequest, q: Query[AssessmentQuery]) -> Any:
    grid = access_grid(request.user, q.grid) if q.grid else default_grid(request.user, request)
    county = county_of(grid)
    if county is None:
        raise Http404
    year = q.year or timezone.localdate().year
    a = selectors.shown_assessment(request.user, county, year)
    if a is None:
        raise Http404
    own = selectors.grid_score(request.user, a, grid)
    if own is None:
        raise Http404
    return {
        "year": a.year,
        "county": county.code,
        "version": a.version,
        "status": a.status,
        "as_of": a.as_of,
        "computed_at": a.computed_at,
        "published_at": a.published_at,
        "indicators": a.indicator_list,
        "grid": _grid_out(a, own),
        "children": [_grid_out(a, s) for s in selectors.ranking(request.user, a, grid)],
    }
