"""``/api/v1/inspections``: plans, campaigns and visits (issue 16 §6), scoped like the pages.

Lists go through ``visible_to`` (campaigns: those reaching into the caller's grids); writes go
through the same services as the pages, with the same roles (plans: squadron leader or county
inspector; campaigns: county inspector; visits: anyone with ``work.write`` on the employer's grid,
two certified inspectors named). ``POST /visits`` is idempotent on ``client_key`` (200 with the
first visit when sent again). Errors are JSON ``{"detail": ...}``; 422 carries ``errors`` per field.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap
from laborgrid.core.paging import OffsetParams
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.api import _invalid, _parse
from laborgrid.employers.models import Employer
from laborgrid.employers.schemas import ErrorsOut, Message
from laborgrid.grids.models import Grid
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections import services
from laborgrid.inspections.models import Campaign, PatrolPlan, Visit
from laborgrid.inspections.permissions import access_campaign
from laborgrid.inspections.selectors import campaigns_for

router = Router(tags=["inspections"])

WRITE_ERRORS: dict[int, Any] = {
    400: Message,
    403: Message,
    404: Message,
    413: Message,
    422: ErrorsOut,
}


def _body_doc(model: type[Schema]) -> dict[str, Any]:
    return {
        "requestBody": {
            "content": {"application/json": {"schema": model.model_json_schema()}},
            "required": True,
        }
    }


def _grid(user: Any, code: str) -> Grid:
    grid = Grid.objects.visible_to(user).filter(code=code.strip()).defer("boundary").first()
    if grid is None:
        raise ValidationError({"grid": [_("找不到该网格。")]})
    return grid


# --- plans --------------------------------------------------------------------------------------


class PlanFilters(OffsetParams):
    grid: str | None = Field(None, description="a grid code: plans of its subtree")
    month: date | None = Field(None, description="any day of the month")


class PlanOut(Schema):
    id: int
    title: str
    grid: str
    grid_name: str
    month: date
    status: str
    targets: int
    visited: int
    url: str


class PlanPage(Schema):
    count: int
    items: list[PlanOut]


class PlanIn(Schema):
    grid: str = Field(description="the grid code")
    month: date = Field(description="any day of the month planned")
    title: str = ""
    note: str = ""
    employers: list[int] = Field(default_factory=list, description="employer ids to plan")
    planned_on: date | None = None


def _plan_row(p: PatrolPlan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "grid": p.grid.code,
        "grid_name": p.grid.name,
        "month": p.month,
        "status": p.status,
        "targets": getattr(p, "n_targets", 0),
        "visited": getattr(p, "n_visited", 0),
        "url": p.get_absolute_url(),
    }


def _plans(user: Any) -> Any:
    from django.db.models import Count, Q

    return (
        PatrolPlan.objects.visible_to(user)
        .select_related("grid")
        .defer("grid__boundary")
        .annotate(
            n_targets=Count("targets"),
            n_visited=Count("targets", filter=Q(targets__visit__isnull=False)),
        )
    )


@router.get(
    "/plans", response={200: PlanPage, 422: ErrorsOut}, summary="Patrol plans in the caller's grids"
)
def list_plans(request: AuthedRequest, query: Query[PlanFilters]) -> dict[str, Any]:
    require_capability(request.user, Cap.WORK_READ)
    qs = _plans(request.user)
    if query.grid:
        grid = Grid.objects.visible_to(request.user).filter(code=query.grid).first()
        qs = qs.filter(grid_path__under=grid.path) if grid else qs.none()
    if query.month:
        qs = qs.filter(month=query.month.replace(day=1))
    total = qs.count()
    rows = qs.order_by("-month", "grid_path", "id")[query.offset : query.offset + query.limit]
    return {"count": total, "items": [_plan_row(p) for p in rows]}


@router.post("/plans", response={201: PlanOut, **WRITE_ERRORS}, openapi_extra=_body_doc(PlanIn))
def create_plan(request: AuthedRequest) -> Status[dict[str, Any]]:
    """Plan a month's patrols on a grid (squadron leader or county inspector), optionally with
    the employers to visit (ids from the proposals or the registry)."""
    require_capability(request.user, Cap.WORK_WRITE)
    try:
        payload = _parse(request, PlanIn)
        grid = _grid(request.user, payload.grid)
        plan = services.create_plan(
            actor=request.user,
            grid=grid,
            month=payload.month,
            title=payload.title,
            note=payload.note,
            request=request,
        )
        if payload.employers:
            services.add_plan_targets(
                actor=request.user,
                plan=plan,
                employer_ids=payload.employers,
                planned_on=payload.planned_on,
                request=request,
            )
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    except PermissionDenied:
        return Status(403, {"detail": _("无权编制该网格的巡查计划。")})
    return Status(201, _plan_row(_plans(request.user).get(pk=plan.pk)))


# --- campaigns ----------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    name: str
    theme: str
    grid: str
    grid_name: str
    starts_on: date
    ends_on: date
    status: str
    rules: dict[str, Any]
    checklist: list[dict[str, str]]
    url: str


class CampaignPage(Schema):
    count: int
    items: list[CampaignOut]


class CampaignFilters(OffsetParams):
    status: str | None = None


class RulesIn(Schema):
    industries: list[str] = Field(default_factory=list, description="GB/T 4754 sections")
    types: list[str] = Field(default_factory=list)
    grids: list[str] = Field(default_factory=list, description="grid codes (subtrees)")
    flags: list[str] = Field(
        default_factory=list, description="arrears, no_contracts, below_min_wage, uninsured (any)"
    )
    min_employees: int | None = Field(None, ge=0)
    max_employees: int | None = Field(None, ge=0)


class CampaignIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    theme: str = ""
    grid: str
    starts_on: date
    ends_on: date
    rules: RulesIn = Field(default_factory=lambda: RulesIn(min_employees=None, max_employees=None))
    checklist: list[str] = Field(description="checklist item keys (see the catalogue)")
    extra_items: list[str] = Field(default_factory=list, description="free-text items")
    employers: list[int] = Field(default_factory=list, description="manual additions")
    note: str = ""


def _campaign_row(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "theme": c.theme,
        "grid": c.grid.code,
        "grid_name": c.grid.name,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "status": c.status,
        "rules": c.rules,
        "checklist": c.checklist,
        "url": c.get_absolute_url(),
    }


@router.get(
    "/campaigns",
    response={200: CampaignPage, 422: ErrorsOut},
    summary="Campaigns reaching the caller's grids",
)
def list_campaigns(request: AuthedRequest, query: Query[CampaignFilters]) -> dict[str, Any]:
    require_capability(request.user, Cap.WORK_READ)
    qs = campaigns_for(request.user).select_related("grid").defer("grid__boundary")
    if query.status:
        qs = qs.filter(status=query.status)
    total = qs.count()
    rows = qs.order_by("-starts_on", "-id")[query.offset : query.offset + query.limit]
    return {"count": total, "items": [_campaign_row(c) for c in rows]}


@router.post(
    "/campaigns", response={201: CampaignOut, **WRITE_ERRORS}, openapi_extra=_body_doc(CampaignIn)
)
def create_campaign(request: AuthedRequest) -> Status[dict[str, Any]]:
    """Set a campaign (county inspector): targets selected by the rules, manual additions."""
    require_capability(request.user, Cap.WORK_WRITE)
    try:
        payload = _parse(request, CampaignIn)
        grid = _grid(request.user, payload.grid)
        template = checklists.build_template(payload.checklist, payload.extra_items)
        campaign = services.create_campaign(
            actor=request.user,
            name=payload.name,
            theme=payload.theme,
            grid=grid,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            rules=payload.rules.dict(),
            checklist=template,
            note=payload.note,
            request=request,
        )
        if payload.employers:
            services.add_campaign_targets(
                actor=request.user,
                campaign=campaign,
                employer_ids=payload.employers,
                request=request,
            )
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    except PermissionDenied:
        return Status(403, {"detail": _("只有县监察大队可以发起专项检查。")})
    return Status(201, _campaign_row(campaign))


# --- visits -------------------------------------------------------------------------------------


class VisitFilters(OffsetParams):
    status: str | None = None
    employer: int | None = None
    campaign: int | None = None


class FindingOut(Schema):
    key: str
    label: str
    result: str
    note: str
    to_order: bool
    working_days: int


class VisitOut(Schema):
    id: int
    client_key: uuid.UUID
    employer: int
    employer_name: str
    grid: str
    campaign: int | None
    status: str
    outcome: str
    visited_on: date
    inspectors: list[str]
    recorded_by: str
    gps_distance: float | None
    record_number: str
    wages_recovered: Decimal
    workers_concerned: int
    findings: list[FindingOut] = Field(default_factory=list)
    url: str


class VisitPage(Schema):
    count: int
    items: list[VisitOut]


class FindingIn(Schema):
    key: str
    result: str = Field(description="compliant, violation, na, unchecked")
    note: str = ""


class GpsIn(Schema):
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    accuracy: float | None = Field(None, ge=0)


class VisitIn(Schema):
    client_key: uuid.UUID = Field(description="generated by the client; a retry sends the same")
    employer: int
    campaign: int | None = None
    outcome: str = Field(description="inspected, not_found, closed, obstructed")
    started_at: datetime
    ended_at: datetime | None = None
    place: str = ""
    inspector_1: int = Field(description="user id of a certified inspector")
    inspector_2: int
    assistants: list[int] = Field(default_factory=list)
    findings: list[FindingIn] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict, description="labour-use facts observed")
    present: str = ""
    note: str = ""
    gps: GpsIn | None = None


def _visit_row(v: Visit, findings: bool = False) -> dict[str, Any]:
    return {
        "id": v.pk,
        "client_key": v.client_key,
        "employer": v.employer_id,
        "employer_name": v.employer.name,
        "grid": v.grid.code,
        "campaign": v.campaign_id,
        "status": v.status,
        "outcome": v.outcome,
        "visited_on": v.visited_on,
        "inspectors": [v.inspector_1.username, v.inspector_2.username],
        "recorded_by": v.recorded_by.username,
        "gps_distance": v.gps_distance,
        "record_number": v.record_number,
        "wages_recovered": v.wages_recovered,
        "workers_concerned": v.workers_concerned,
        "findings": [
            {
                "key": f.key,
                "label": f.label,
                "result": f.result,
                "note": f.note,
                "to_order": f.to_order,
                "working_days": f.working_days,
            }
            for f in v.findings.all()
        ]
        if findings
        else [],
        "url": v.get_absolute_url(),
    }


@router.get(
    "/visits",
    response={200: VisitPage, 422: ErrorsOut},
    summary="On-site visits in the caller's grids",
)
def list_visits(request: AuthedRequest, query: Query[VisitFilters]) -> dict[str, Any]:
    require_capability(request.user, Cap.WORK_READ)
    qs = Visit.objects.visible_to(request.user).with_list_related().select_related("recorded_by")
    if query.status:
        qs = qs.filter(status=query.status)
    if query.employer:
        qs = qs.filter(employer_id=query.employer)
    if query.campaign:
        qs = qs.filter(campaign_id=query.campaign)
    total = qs.count()
    rows = qs.order_by("-visited_on", "-id")[query.offset : query.offset + query.limit]
    return {"count": total, "items": [_visit_row(v) for v in rows]}


@router.post(
    "/visits",
    response={200: VisitOut, 201: VisitOut, **WRITE_ERRORS},
    openapi_extra=_body_doc(VisitIn),
)
def create_visit(request: AuthedRequest) -> Status[dict[str, Any]]:
    """Record an on-site visit (two certified inspectors named; an assistant may record it).
    Idempotent on `client_key`: 200 with the visit already recorded."""
    require_capability(request.user, Cap.WORK_WRITE)
    try:
        payload = _parse(request, VisitIn)
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    employer = (
        Employer.objects.visible_to(request.user, Cap.WORK_WRITE)
        .select_related("grid")
        .filter(pk=payload.employer)
        .first()
    )
    if employer is None:
        return Status(404, {"detail": _("找不到该单位。")})
    try:
        campaign = access_campaign(request.user, payload.campaign) if payload.campaign else None
    except Http404:
        return Status(404, {"detail": _("找不到该专项检查。")})
    ids = {payload.inspector_1, payload.inspector_2, *payload.assistants}
    people = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    try:
        visit, created = services.record_visit(
            actor=request.user,
            employer=employer,
            client_key=payload.client_key,
            outcome=payload.outcome,
            started_at=payload.started_at,
            ended_at=payload.ended_at,
            place=payload.place,
            inspector_1=people.get(payload.inspector_1),
            inspector_2=people.get(payload.inspector_2),
            assistants=[people[i] for i in payload.assistants if i in people],
            campaign=campaign,
            findings=[services.FindingInput(f.key, f.result, f.note) for f in payload.findings],
            facts=payload.facts,
            present=payload.present,
            note=payload.note,
            gps=(payload.gps.lat, payload.gps.lng, payload.gps.accuracy) if payload.gps else None,
            request=request,
        )
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    except PermissionDenied:
        return Status(403, {"detail": _("无权记录该检查。")})
    visit = Visit.objects.with_list_related().select_related("recorded_by").get(pk=visit.pk)
    return Status(201 if created else 200, _visit_row(visit, findings=True))


class OrderLineIn(Schema):
    key: str = Field(
        max_length=40, description="the checklist key of a finding ticked for rectification"
    )
    text: str = Field("", max_length=2000, description="what to correct (default: proposed)")
    violation: str = Field(
        "", max_length=100, description="a key of the violations table (default: the item's)"
    )
    working_days: int | None = Field(None, ge=-1000, le=1000)


class VisitOrderIn(Schema):
    items: list[OrderLineIn] | None = Field(
        None, max_length=100, description="omitted: every finding ticked, as proposed"
    )


class VisitOrderOut(Schema):
    id: int
    number: str
    state: str
    issued_on: date
    due: date
    url: str


@router.post(
    "/visits/{visit_id}/order",
    response={201: VisitOrderOut, **WRITE_ERRORS},
    summary="Issue the order to correct (责令改正指令书) from a concluded visit's findings",
    openapi_extra=_body_doc(VisitOrderIn),
)
def issue_visit_order(request: AuthedRequest, visit_id: int) -> Status[dict[str, Any]]:
    """A certified inspector (not an assistant) turns the findings ticked for rectification into
    an order; each item cites a violation of the legal-basis table. One order per visit."""
    from laborgrid.inspections.permissions import access_visit

    require_capability(request.user, Cap.WORK_WRITE)
    visit = access_visit(request.user, visit_id, Cap.WORK_WRITE)
    try:
        payload = _parse(request, VisitOrderIn) if request.body else VisitOrderIn(items=None)
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    proposed = {x.key: x for x in services.proposed_lines(visit)}
    if payload.items is None:
        lines = list(proposed.values())
    else:
        lines = []
        for it in payload.items:
            base = proposed.get(it.key)
            lines.append(
                services.OrderLine(
                    it.key,
                    it.text or (base.text if base else ""),
                    it.violation or (base.violation if base else ""),
                    it.working_days
                    if it.working_days is not None
                    else (base.working_days if base else 10),
                )
            )
    try:
        order = services.issue_visit_order(
            actor=request.user, visit=visit, lines=lines, request=request
        )
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or _("无权执行此操作")})
    return Status(
        201,
        {
            "id": order.pk,
            "number": order.number,
            "state": order.state,
            "issued_on": order.issued_on,
            "due": order.due,
            "url": order.get_absolute_url(),
        },
    )
