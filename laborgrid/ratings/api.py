"""Grading and the public lists over the API (issue 18 §6).

- ``POST /api/v1/ratings/runs`` {year, grid?}: run the year's grading for the caller's county.
- ``GET /api/v1/ratings?year=&grid=&grade=``: grades in the caller's grids.
- ``GET /api/v1/public/violations``, ``GET /api/v1/public/blacklist``: no login, rate-limited;
  paged ``?limit=`` (1–100, default 50) ``&offset=`` (≥ 0) and searched ``?q=`` (name or USCC);
  ``{count, limit, offset, items}``; a value out of range answers 422.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import client_ip
from laborgrid.cases.services import Throttled
from laborgrid.cases.services.intake import throttle_ip
from laborgrid.core.paging import OffsetParams, offset_page
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.ratings import grading
from laborgrid.ratings.models import EmployerGrade
from laborgrid.ratings.publicity import published
from laborgrid.ratings.selectors import PUBLIC_SEARCH_MAX, public_listings, search_public

router = Router(tags=["ratings"])
PUBLIC_PAGE = 50
PUBLIC_PAGE_MAX = 100
public_router = Router(tags=["public"])


class Message(Schema):
    detail: str


class RunIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    grid: str = ""  # county grid code; default: the caller's county


class RunOut(Schema):
    id: int
    year: int
    grid: str
    state: str
    employers: int
    counts: dict[str, int]
    rules_version: str
    unknown_facts: list[str]
    seconds: float


class GradeFilters(OffsetParams):
    year: int | None = Field(None, ge=2000, le=2100)
    grid: str = ""
    grade: str = ""
    limit: int = Field(100, ge=1, le=500)


class GradeRow(Schema):
    id: int
    year: int
    employer_id: int
    employer: str
    uscc: str
    grid: str
    draft_grade: str
    grade: str
    state: str
    decisive_rule: str
    override_reason: str
    evidence: list[dict[str, Any]]


class GradePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[GradeRow]


@router.post(
    "/runs",
    response={201: RunOut, 400: Message, 403: Message, 404: Message, 422: Message},
    summary="Run a year's integrity grading (draft) for a county",
)
def create_run(request: AuthedRequest, payload: RunIn) -> Status:
    require_capability(request.user, Cap.WORK_WRITE)
    paths = get_scope(request.user).paths(Cap.WORK_WRITE)
    counties = [
        g
        for g in Grid.objects.filter(level=GridLevel.COUNTY).defer("boundary", "search_text")
        if any(g.path.startswith(p) for p in paths)
    ]
    if payload.grid:
        counties = [g for g in counties if g.code == payload.grid]
    if not counties:
        return Status(403, {"detail": "只有县级监察机构可以组织诚信等级评价"})
    try:
        run = grading.run_grading(
            actor=request.user, grid=counties[0], year=payload.year, request=request
        )
    except ValidationError as exc:
        return Status(422, {"detail": "；".join(exc.messages)})
    except PermissionDenied:
        return Status(403, {"detail": "无权执行此操作"})
    return Status(
        201,
        {
            "id": run.pk,
            "year": run.year,
            "grid": run.grid.code,
            "state": run.state,
            "employers": run.employers,
            "counts": run.counts,
            "rules_version": run.rules_version,
            "unknown_facts": run.unknown_facts,
            "seconds": run.seconds,
        },
    )


@router.get("", response={200: GradePage}, summary="Integrity grades in the caller's grids")
def list_grades(request: AuthedRequest, query: Query[GradeFilters]) -> dict[str, Any]:
    require_capability(request.user, Cap.WORK_READ)
    qs = EmployerGrade.objects.visible_to(request.user)
    if query.year:
        qs = qs.filter(year=query.year)
    if query.grade:
        qs = qs.filter(grade=query.grade.upper())
    if query.grid:
        g = Grid.objects.visible_to(request.user).filter(code=query.grid).only("path").first()
        qs = qs.filter(grid_path__under=g.path) if g else qs.none()
    rows = (
        qs.select_related("employer", "grid")
        .only(
            "id",
            "year",
            "employer_id",
            "employer__name",
            "employer__uscc",
            "grid__code",
            "draft_grade",
            "grade",
            "state",
            "decisive_rule",
            "override_reason",
            "evidence",
        )
        .order_by("grid_path", "employer_id")
    )
    return offset_page(
        rows,
        query,
        lambda g: {
            "id": g.pk,
            "year": g.year,
            "employer_id": g.employer_id,
            "employer": g.employer.name,
            "uscc": g.employer.uscc or "",
            "grid": g.grid.code,
            "draft_grade": g.draft_grade,
            "grade": g.grade,
            "state": g.state,
            "decisive_rule": g.decisive_rule,
            "override_reason": g.override_reason,
            "evidence": g.evidence,
        },
    )


class ViolationOut(Schema):
    name: str
    uscc: str
    address: str
    legal_rep: str
    category: str
    facts: str
    handling: str
    quarter: str
    published_on: str


class PersonOut(Schema):
    role: str
    name: str
    id_number: str


class BlacklistOut(Schema):
    name: str
    uscc: str
    condition: str
    listed_on: str
    expires_on: str
    persons: list[PersonOut]


class PublicQuery(OffsetParams):
    """Paging and search of the public lists: out-of-range values answer 422."""

    limit: int = Field(PUBLIC_PAGE, ge=1, le=PUBLIC_PAGE_MAX)
    offset: int = Field(0, ge=0, le=1_000_000)
    q: str = Field("", max_length=PUBLIC_SEARCH_MAX)


class ViolationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ViolationOut]


class BlacklistPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[BlacklistOut]


def _throttle(request: HttpRequest) -> Status | None:
    try:
        throttle_ip(client_ip(request), scope="lists")
    except Throttled as exc:
        return Status(429, {"detail": "；".join(exc.messages)})
    return None


@public_router.get(
    "/violations",
    auth=None,
    response={200: ViolationPage, 422: Message, 429: Message},
    summary="Published major labour-security violations (部令29号), paged",
)
def public_violations(request: HttpRequest, query: Query[PublicQuery]) -> Any:
    if (t := _throttle(request)) is not None:
        return t
    return offset_page(
        search_public(published(), query.q),
        query,
        lambda n: {
            "name": n.name,
            "uscc": n.uscc,
            "address": n.address,
            "legal_rep": n.legal_rep,
            "category": n.get_category_display(),
            "facts": n.facts,
            "handling": n.handling,
            "quarter": n.quarter,
            "published_on": n.published_on.isoformat() if n.published_on else "",
        },
    )


@public_router.get(
    "/blacklist",
    auth=None,
    response={200: BlacklistPage, 422: Message, 429: Message},
    summary="Wage-arrears joint-punishment list in force (部令45号), persons masked, paged",
)
def public_blacklist(request: HttpRequest, query: Query[PublicQuery]) -> Any:
    if (t := _throttle(request)) is not None:
        return t
    return offset_page(
        search_public(public_listings(timezone.localdate()), query.q),
        query,
        lambda li: {
            "name": li.name,
            "uscc": li.uscc,
            "condition": li.get_condition_display(),
            "listed_on": li.decided_on.isoformat() if li.decided_on else "",
            "expires_on": li.expires_on.isoformat() if li.expires_on else "",
            "persons": [
                {"role": p.get_role_display(), "name": p.name_masked, "id_number": p.id_masked}
                for p in li.persons.all()
            ],
        },
    )
