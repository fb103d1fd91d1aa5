"""Reads of grades, publications and listings for the pages, the API and other apps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from laborgrid.core.paths import path_codes
from laborgrid.ratings.choices import GradeState, ListingState


def county_path(path: str) -> str:
    """The path of the county grid above (or at) ``path`` (the path itself when none is)."""
    from laborgrid.grids.choices import GridLevel
    from laborgrid.grids.models import Grid

    county = (
        Grid.objects.filter(level=GridLevel.COUNTY, code__in=path_codes(path))
        .values_list("path", flat=True)
        .first()
    )
    return county or path


def distribution(run: Any) -> list[dict[str, Any]]:
    """Grades by township (the grids one level below the run's county), one query."""
    from laborgrid.grids.models import Grid

    depth = len(path_codes(run.grid_path))
    children = {
        g.path: g
        for g in Grid.objects.filter(parent__path=run.grid_path).only("id", "name", "code", "path")
    }
    rows: dict[str, dict[str, Any]] = {
        p: {"grid": g, "A": 0, "B": 0, "C": 0, "total": 0, "draft": 0} for p, g in children.items()
    }
    agg = (
        run.grades.values("grid_path", "grade")
        .annotate(n=Count("pk"), draft=Count("pk", filter=Q(state=GradeState.DRAFT)))
        .order_by()
    )
    for r in agg:
        codes = path_codes(r["grid_path"])
        key = "".join(f"{c}/" for c in codes[: depth + 1]) if len(codes) > depth else run.grid_path
        row = rows.setdefault(key, {"grid": None, "A": 0, "B": 0, "C": 0, "total": 0, "draft": 0})
        row[r["grade"]] += r["n"]
        row["total"] += r["n"]
        row["draft"] += r["draft"]
    return sorted(
        rows.values(), key=lambda r: (r["grid"] is None, r["grid"].code if r["grid"] else "")
    )


def latest_grade(employer_id: int) -> Any:
    """The employer's most recent approved grade (the archive and the employer page)."""
    from laborgrid.ratings.models import EmployerGrade

    return (
        EmployerGrade.objects.filter(employer_id=employer_id, state=GradeState.APPROVED)
        .order_by("-year")
        .first()
    )


def public_listings(today: dt.date | None = None) -> Any:
    """What the public blacklist shows: published and within the 3-year term (an entry past its
    term never shows, even before the daily run marks it expired)."""
    from laborgrid.ratings.models import ArrearsListing

    today = today or timezone.localdate()
    return (
        ArrearsListing.objects.filter(state=ListingState.PUBLISHED, expires_on__gte=today)
        .prefetch_related("persons")
        .order_by("-published_on", "-id")
    )


def approved_grades(year: int) -> Any:
    """The grades of ``year`` approved by their county (``GradeState.APPROVED``): what the
    dashboard's and the returns' grade figures count, and the list behind them."""
    from laborgrid.ratings.models import EmployerGrade

    return EmployerGrade.objects.filter(year=year, state=GradeState.APPROVED)


def approved_summary(root_path: str, year: int) -> dict[str, dict[str, int]]:
    """Per grid path under ``root_path`` (grades attached to it directly): approved A, B and C
    of ``year``; one grouped query."""
    rows = (
        approved_grades(year)
        .filter(grid_path__under=root_path)
        .order_by()
        .values("grid_path")
        .annotate(**{g: Count("pk", filter=Q(grade=g)) for g in ("A", "B", "C")})
    )
    return {r["grid_path"]: {g: r[g] for g in ("A", "B", "C")} for r in rows}


#: Longest search text the public lists accept (a name or a USCC).
PUBLIC_SEARCH_MAX = 100


def search_public(qs: Any, q: str) -> Any:
    """Narrow a public list by the unit's name (any part) or its USCC (from its start; letters
    in either case). Both fields are the published ones, so searching reveals nothing more."""
    q = (q or "").strip()[:PUBLIC_SEARCH_MAX]
    if not q:
        return qs
    return qs.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
