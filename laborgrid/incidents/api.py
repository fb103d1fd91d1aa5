"""``/api/v1/incidents`` and ``/api/v1/warnings`` (issue 19 §5): the rapid report (idempotent on
``client_key``), the list, the handling log, the early warnings. Same gates and services as the
pages. Errors are JSON ``{"detail": ...}``; 422 carries ``errors`` per field; 409 a step the
incident's state does not allow.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap
from laborgrid.core.paging import OffsetParams, offset_page
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.api import _invalid, _parse
from laborgrid.employers.schemas import ErrorsOut, Message
from laborgrid.grids.models import Grid
from laborgrid.incidents import services
from laborgrid.incidents.choices import (
    STANDING_WARNING,
    Act,
    Department,
    IncidentStatus,
    UpdateKind,
    WarningStatus,
)
from laborgrid.incidents.models import EarlyWarning, Incident, IncidentUpdate
from laborgrid.incidents.permissions import access_incident
from laborgrid.incidents.warning_rules import rule_label

router = Router(tags=["incidents"])
warnings_router = Router(tags=["incidents"])


class IncidentIn(Schema):
    client_key: uuid.UUID = Field(description="generated on the phone before the first attempt")
    grid: str = Field("", max_length=32, description="grid code (used when GPS does not decide)")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    gps_accuracy: float | None = Field(None, ge=0, le=100000)
    place: str = Field("", max_length=200)
    employer: int | None = Field(None, description="registry id (from the employer search)")
    employer_name: str = Field("", max_length=200, description="free text when not in registry")
    project_name: str = Field("", max_length=200)
    people: int = Field(..., ge=1, le=1_000_000)
    amount_claimed: Decimal | None = Field(None, ge=0, le=Decimal("9999999999.99"))
    demands: str = Field("", max_length=2000)
    acts: list[Act] = Field(default_factory=list)
    actions_taken: str = Field("", max_length=2000)
    occurred_at: datetime | None = None


class LevelOut(Schema):
    code: str
    name: str
    rank: int


class IncidentOut(Schema):
    id: int
    reference: str
    client_key: uuid.UUID
    status: str
    level: LevelOut
    level_reasons: list[str]
    escalated: bool
    grid: dict[str, str]
    located_by: str
    place: str
    employer: int | None
    employer_name: str
    project_name: str
    people: int
    amount_claimed: str | None
    acts: list[str]
    demands: str
    actions_taken: str
    occurred_at: datetime
    reported_at: datetime
    reported_by: str
    wages_paid: str
    workers_paid: int
    case: int | None
    url: str


class IncidentPage(Schema):
    count: int
    items: list[IncidentOut]


class IncidentFilters(OffsetParams):
    status: str = Field("", description="active, settled, closed, or open (not closed)")
    level: str = Field("", max_length=16, description="a level code")


class UpdateIn(Schema):
    kind: UpdateKind
    text: str = Field("", max_length=2000)
    at: datetime | None = None
    people_present: int | None = Field(None, ge=0, le=1_000_000)
    staff: list[str] = Field(default_factory=list, description="usernames of staff who went")
    departments: list[Department] = Field(default_factory=list)
    amount_paid: Decimal | None = Field(None, ge=0, le=Decimal("9999999999.99"))
    workers_paid: int | None = Field(None, ge=0, le=1_000_000)


class UpdateOut(Schema):
    id: int
    incident: int
    kind: str
    at: datetime
    text: str
    people_present: int | None
    staff: list[str]
    departments: list[str]
    amount_paid: str | None
    workers_paid: int | None
    created_by: str
    level: LevelOut


class WarningOut(Schema):
    id: int
    rule: str
    rule_label: str
    subject: str
    employer: int | None
    grid: dict[str, str]
    count: int
    status: str
    raised_at: datetime
    last_seen_at: datetime
    evidence: dict[str, Any]


class WarningPage(Schema):
    count: int
    items: list[WarningOut]


class WarningFilters(OffsetParams):
    status: str = Field("standing", description="standing (open or acknowledged), all, or one")
    rule: str = Field("", max_length=40)


def incident_out(i: Incident) -> dict[str, Any]:
    return {
        "id": i.pk,
        "reference": i.reference,
        "client_key": i.client_key,
        "status": i.status,
        "level": {"code": i.level.code, "name": i.level.name, "rank": i.level.rank},
        "level_reasons": i.level_reasons,
        "escalated": i.escalated,
        "grid": {"code": i.grid.code, "name": i.grid.name},
        "located_by": i.located_by,
        "place": i.place,
        "employer": i.employer_id,
        "employer_name": i.employer_name,
        "project_name": i.project_name,
        "people": i.people,
        "amount_claimed": str(i.amount_claimed) if i.amount_claimed is not None else None,
        "acts": i.acts,
        "demands": i.demands,
        "actions_taken": i.actions_taken,
        "occurred_at": i.occurred_at,
        "reported_at": i.reported_at,
        "reported_by": i.reported_by.display_name,
        "wages_paid": str(i.wages_paid),
        "workers_paid": i.workers_paid,
        "case": i.case_id,
        "url": i.get_absolute_url(),
    }


@router.post(
    "",
    response={200: IncidentOut, 201: IncidentOut, 400: Message, 413: Message, 422: ErrorsOut},
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": IncidentIn.model_json_schema()}},
            "required": True,
        }
    },
    summary="Report a mass incident (rapid report)",
)
def create_incident(request: AuthedRequest) -> Status[dict[str, Any]]:
    """The rapid report. Idempotent on `client_key`: sending it again answers 200 with the first
    report (a phone retrying after a lost connection), never a second incident. The grid comes
    from `lat`/`lng` when they fall in a grid the reporter covers, else from `grid`."""
    require_capability(request.user, Cap.WORK_WRITE)
    try:
        payload = _parse(request, IncidentIn)
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    grid = None
    if payload.grid:
        grid = (
            Grid.objects.visible_to(request.user, Cap.WORK_WRITE).filter(code=payload.grid).first()
        )
        if grid is None:
            return Status(
                422, _invalid(ValidationError({"grid": [_("只能报告您负责网格内的事件。")]}))
            )
    try:
        incident, created = services.report_incident(
            actor=request.user,
            client_key=payload.client_key,
            grid=grid,
            lat=payload.lat,
            lng=payload.lng,
            gps_accuracy=payload.gps_accuracy,
            place=payload.place,
            employer_id=payload.employer,
            employer_name=payload.employer_name,
            project_name=payload.project_name,
            people=payload.people,
            amount_claimed=payload.amount_claimed,
            demands=payload.demands,
            acts=[a.value for a in payload.acts],
            actions_taken=payload.actions_taken,
            occurred_at=payload.occurred_at,
            request=request,
        )
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    incident = access_incident(request.user, incident.pk)
    return Status(201 if created else 200, incident_out(incident))


@router.get("", response={200: IncidentPage}, summary="Incidents in the caller's grids")
def list_incidents(request: AuthedRequest, query: Query[IncidentFilters]) -> dict[str, Any]:
    require_capability(request.user, Cap.WORK_READ)
    qs = Incident.objects.visible_to(request.user).with_list_related()
    if query.status == "open":
        qs = qs.exclude(status=IncidentStatus.CLOSED)
    elif query.status in IncidentStatus.values:
        qs = qs.filter(status=query.status)
    if query.level:
        qs = qs.filter(level__code=query.level)
    return offset_page(qs.order_by("-reported_at", "-id"), query, incident_out)


@router.post(
    "/{incident_id}/updates",
    response={
        201: UpdateOut,
        400: Message,
        403: Message,
        404: Message,
        409: Message,
        413: Message,
        422: ErrorsOut,
    },
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": UpdateIn.model_json_schema()}},
            "required": True,
        }
    },
    summary="Add an entry to an incident's handling log",
)
def create_update(request: AuthedRequest, incident_id: int) -> Status[dict[str, Any]]:
    """Reports (`initial_report`, `continuing_report`, `final_report`) meet their deadlines;
    `wages_paid` needs `amount_paid` and `workers_paid`; `situation` with more `people_present`
    may raise the level (and alert the chain again). 409 when the incident's state does not
    allow the entry (closed; a final report before it settled...)."""
    incident = access_incident(request.user, incident_id, Cap.WORK_WRITE)
    try:
        payload = _parse(request, UpdateIn)
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    staff = list(User.objects.filter(username__in=payload.staff, is_active=True))
    if len(staff) != len(set(payload.staff)):
        return Status(422, _invalid(ValidationError({"staff": [_("有人员账号不存在。")]})))
    try:
        update = services.add_update(
            actor=request.user,
            incident=incident,
            kind=payload.kind.value,
            text=payload.text,
            at=payload.at,
            people_present=payload.people_present,
            staff=staff,
            departments=[d.value for d in payload.departments],
            amount_paid=payload.amount_paid,
            workers_paid=payload.workers_paid,
            request=request,
        )
    except services.Refused as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    incident = access_incident(request.user, incident_id)
    return Status(201, update_out(update, incident))


def update_out(u: IncidentUpdate, incident: Incident) -> dict[str, Any]:
    return {
        "id": u.pk,
        "incident": incident.pk,
        "kind": u.kind,
        "at": u.at,
        "text": u.text,
        "people_present": u.people_present,
        "staff": sorted(u.staff.values_list("username", flat=True)),
        "departments": u.departments,
        "amount_paid": str(u.amount_paid) if u.amount_paid is not None else None,
        "workers_paid": u.workers_paid,
        "created_by": u.created_by.display_name,
        "level": {
            "code": incident.level.code,
            "name": incident.level.name,
            "rank": incident.level.rank,
        },
    }


def warning_out(w: EarlyWarning) -> dict[str, Any]:
    return {
        "id": w.pk,
        "rule": w.rule.key,
        "rule_label": rule_label(w.rule.key),
        "subject": w.subject_name,
        "employer": w.employer_id,
        "grid": {"code": w.grid.code, "name": w.grid.name},
        "count": w.count,
        "status": w.status,
        "raised_at": w.raised_at,
        "last_seen_at": w.last_seen_at,
        "evidence": w.evidence,
    }


@warnings_router.get(
    "", response={200: WarningPage}, summary="Early warnings in the caller's grids"
)
def list_warnings(request: AuthedRequest, query: Query[WarningFilters]) -> dict[str, Any]:
    require_capability(request.user, Cap.WORK_READ)
    qs = EarlyWarning.objects.visible_to(request.user).select_related("rule", "grid")
    if query.status == "standing":
        qs = qs.filter(status__in=STANDING_WARNING)
    elif query.status in WarningStatus.values:
        qs = qs.filter(status=query.status)
    if query.rule:
        qs = qs.filter(rule__key=query.rule)
    return offset_page(qs.order_by("-raised_at", "-id"), query, warning_out)
