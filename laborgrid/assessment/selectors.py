"""Reading assessments: which version a person is shown, rankings, evidence."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from laborgrid.assessment.choices import AssessmentStatus
from laborgrid.assessment.models import Assessment, Evidence, GridScore
from laborgrid.assessment.permissions import is_county_user
from laborgrid.grids.models import Grid


def years(county: Grid) -> list[int]:
    """The years offered: those computed, and the current one."""
    found = set(Assessment.objects.filter(grid=county).values_list("year", flat=True).distinct())
    found.add(timezone.localdate().year)
    return sorted(found, reverse=True)


def shown_assessment(
    user: Any, county: Grid, year: int, version: int | None = None
) -> Assessment | None:
    """The version a person is shown: the published one; the county may also see (or choose)
    drafts and earlier versions — the latest when none is published."""
    qs = Assessment.objects.filter(grid=county, year=year)
    if is_county_user(user, county):
        if version is not None:
            return qs.filter(version=version).first()
        return (
            qs.filter(status=AssessmentStatus.PUBLISHED).first() or qs.order_by("-version").first()
        )
    return qs.filter(status=AssessmentStatus.PUBLISHED).first()


def grid_score(user: Any, assessment: Assessment, grid: Grid) -> GridScore | None:
    return (
        GridScore.objects.visible_to(user)
        .filter(assessment=assessment, grid=grid)
        .select_related("grid")
        .first()
    )


def ranking(user: Any, assessment: Assessment, grid: Grid) -> list[GridScore]:
    """The grids directly below ``grid``, best first (unscored last)."""
    rows = list(
        GridScore.objects.visible_to(user)
        .filter(assessment=assessment, parent_path=grid.path)
        .select_related("grid")
    )
    rows.sort(key=lambda s: (s.rank is None, s.rank or 0, s.grid.code))
    return rows


def sibling_count(assessment: Assessment, score: GridScore) -> int:
    return GridScore.objects.filter(
        assessment=assessment, parent_path=score.parent_path, score__isnull=False
    ).count()


def evidence(
    user: Any,
    assessment: Assessment,
    key: str,
    *,
    under: str | None = None,
    person_id: int | None = None,
    outcome: str = "",
) -> QuerySet[Evidence]:
    qs = Evidence.objects.visible_to(user).filter(assessment=assessment, indicator=key)
    qs = qs.filter(user_id=person_id) if person_id is not None else qs.filter(user__isnull=True)
    if under is not None:
        qs = qs.filter(grid_path__under=under)
    if outcome == "against":
        qs = qs.filter(good=False)
    elif outcome == "for":
        qs = qs.filter(good=True)
    return qs.order_by("grid_path", "id")
