"""``/api/v1/reviews`` (staff): the filings of a year in the caller's grids (issue 17 §6)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from ninja import Query, Router, Schema

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.reviews.models import ReviewTarget

router = Router(tags=["reviews"])
MAX_ROWS = 200


class ReviewFilters(Schema):
    year: int
    grid: str = ""  # a grid code: only targets under it
    state: str = ""  # submitted, returned, passed, failed, not_filed
    offset: int = 0


class ReviewRow(Schema):
    target_id: int
    employer_id: int
    employer_name: str
    grid: str
    state: str
    late: bool
    version: int
    submission_id: int | None
    sampled: bool


class ReviewPage(Schema):
    count: int
    results: list[ReviewRow]


@router.get("", response=ReviewPage, summary="Targets and filings of a year (caller's grids)")
def list_reviews(request: AuthedRequest, filters: Query[ReviewFilters]) -> dict[str, Any]:
    from laborgrid.reviews.choices import FILED

    require_capability(request.user, Cap.WORK_READ)
    qs = (
        ReviewTarget.objects.visible_to(request.user)
        .filter(review_year__year=filters.year, excluded_reason="")
        .select_related("employer", "grid", "submission")
        .only(
            "id",
            "employer_id",
            "employer__name",
            "grid__code",
            "grid_path",
            "submission__id",
            "submission__state",
            "submission__late",
            "submission__current_version",
            "submission__sample_target_id",
        )
    )
    grid = filters.grid.strip()
    if grid:
        if not grid.isdigit() or len(grid) > 20:
            raise Http404
        qs = qs.filter(grid_path__contains=f"/{grid}/")
    if filters.state == "not_filed":
        qs = qs.exclude(submission__state__in=FILED)
    elif filters.state:
        qs = qs.filter(submission__state=filters.state)
    count = qs.count()
    offset = max(0, filters.offset)
    rows = []
    for t in qs.order_by("grid_path", "employer_id")[offset : offset + MAX_ROWS]:
        sub = getattr(t, "submission", None)
        filed = sub is not None and sub.state in FILED
        rows.append(
            {
                "target_id": t.pk,
                "employer_id": t.employer_id,
                "employer_name": t.employer.name,
                "grid": t.grid.code,
                "state": sub.state if (sub is not None and filed) else "not_filed",
                "late": bool(sub and sub.late and filed),
                "version": sub.current_version if sub else 0,
                "submission_id": sub.pk if sub else None,
                "sampled": bool(sub and sub.sample_target_id),
            }
        )
    return {"count": count, "results": rows}
