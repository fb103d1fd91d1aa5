"""``/api/v1/projects``: construction projects of the caller's grids (scoped like the pages).

``GET ""`` lists, ``POST ""`` registers (JSON), ``GET /{id}/obligations`` lists the duties with
their state, ``POST /{id}/paysheets`` uploads a month's pay sheet (multipart: ``month`` as
``YYYY-MM`` and ``file``) and answers the check. Single projects through ``access_project`` (404
for missing and out of scope alike, before the body is read); writes through the services
(403 / 422 by the API's handlers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.projects import services
from laborgrid.projects.choices import ARTICLE
from laborgrid.projects.models import Project
from laborgrid.projects.permissions import access_project
from laborgrid.projects.selectors import projects_for

router = Router(tags=["projects"])


class ProjectFilters(Schema):
    q: str = ""
    status: str = ""
    offset: int = 0
    limit: int = 50


class SubIn(Schema):
    employer: int
    scope: str = ""


class ProjectIn(Schema):
    name: str
    code: str = ""
    department: str = "housing"
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    grid: str = ""
    client_name: str = ""
    client: int | None = None
    general_contractor: int
    subcontractors: list[SubIn] = []
    contract_sum: Decimal
    starts_on: dt.date
    ends_on: dt.date | None = None
    labour_officer: str = ""
    labour_officer_phone: str = ""
    status: str = "building"


def _row(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "code": p.code,
        "status": p.status,
        "grid": {"code": p.grid.code, "name": p.grid.name},
        "client_name": p.client_name,
        "general_contractor": {"id": p.general_contractor_id, "name": p.general_contractor.name},
        "contract_sum": str(p.contract_sum),
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "labour_officer": p.labour_officer,
        "labour_officer_phone": p.labour_officer_phone_masked,
        "url": p.get_absolute_url(),
    }


@router.get("", summary="Construction projects in the caller's grids")
def list_projects(request: AuthedRequest, query: Query[ProjectFilters]) -> dict[str, Any]:
    require_capability(request.user, Cap.WORK_READ)
    qs = projects_for(request.user, query.q[:50], query.status)
    limit = max(1, min(query.limit, 200))
    rows = qs[max(query.offset, 0) : max(query.offset, 0) + limit]
    return {"count": qs.count(), "items": [_row(p) for p in rows]}


@router.post("", response={201: dict}, summary="Register a construction project")
def create_project(request: AuthedRequest, payload: ProjectIn) -> Status:
    require_capability(request.user, Cap.WORK_WRITE)
    data = payload.dict()
    project = services.register_project(actor=request.user, data=data, request=request)
    project = access_project(request.user, project.pk)
    return Status(201, _row(project))


@router.get("/{project_id}/obligations", summary="The project's obligations and their state")
def obligations(request: AuthedRequest, project_id: int) -> dict[str, Any]:
    project = access_project(request.user, project_id)
    today = timezone.localdate()
    return {
        "project": project.pk,
        "missing": services.missing_kinds(project, today),
        "items": [
            {
                "id": o.pk,
                "kind": o.kind,
                "label": str(o.get_kind_display()),
                "article": ARTICLE[o.kind],
                "month": o.month.strftime("%Y-%m") if o.month else None,
                "due": o.due,
                "met_on": o.met_on,
                "state": o.state(today),
                "amount": str(o.amount) if o.amount is not None else None,
                "term_end": o.term_end,
                "has_photo": bool(o.photo),
            }
            for o in project.obligations.all()
        ],
    }


PAYSHEET_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["month", "file"],
                    "properties": {
                        "month": {"type": "string", "pattern": "^\\d{4}-\\d{2}$"},
                        "file": {"type": "string", "format": "binary"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/{project_id}/paysheets",
    response={201: dict},
    summary="Upload a month's pay sheet (multipart: month YYYY-MM, file XLSX) and check it",
    openapi_extra=PAYSHEET_BODY,
)
def upload_paysheet(request: AuthedRequest, project_id: int) -> Status:
    # the project first (404 out of scope, 403 read-only), then the body
    project = access_project(request.user, project_id, Cap.WORK_WRITE)
    upload = request.FILES.get("file")
    month = (request.POST.get("month") or "").strip()
    errors: dict[str, list[str]] = {}
    first = None
    try:
        first = dt.date.fromisoformat(month[:7] + "-01") if len(month) == 7 else None
    except ValueError:
        first = None
    if first is None:
        errors["month"] = [_("月份格式应为 YYYY-MM。")]
    if upload is None:
        errors["file"] = [_("请选择 Excel 文件。")]
    if errors or first is None or upload is None:
        raise ValidationError(errors)
    sheet = services.upload_paysheet(
        actor=request.user,
        project=project,
        month=first,
        content=upload.read(),
        filename=upload.name or "",
        request=request,
    )
    check = services.check_sheet(sheet)
    return Status(
        201,
        {
            "id": sheet.pk,
            "month": sheet.month.strftime("%Y-%m"),
            "lines": sheet.lines,
            "total_due": str(sheet.total_due),
            "total_paid": str(sheet.total_paid),
            "shortfall": str(sheet.shortfall),
            "not_in_roster": [
                {"row": ln.row, "name": ln.name, "id_number": ln.id_masked}
                for ln in check.not_in_roster
            ],
            "roster_missing": [
                {"name": w.name, "id_number": w.id_masked} for w in check.roster_missing
            ],
            "short": [
                {"row": ln.row, "name": ln.name, "short": str(ln.short)} for ln in check.short
            ],
            "url": sheet.get_absolute_url(),
        },
    )
