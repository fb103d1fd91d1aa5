"""The portal's API (issue 17 §6).

* ``POST /api/v1/employers/{id}/portal-invites`` (staff): issue a letter; the code is in the
  answer, once (print it or hand it over; it is not stored);
* ``POST /api/v1/portal/activate`` (no sign-in): ``{uscc, code, password}``;
* ``GET /api/v1/portal/me``, ``GET/PUT /api/v1/portal/reviews/{year}``,
  ``POST /api/v1/portal/reviews/{year}/submit`` (employer accounts; staff get 404 here, and an
  employer account gets 403 on every other endpoint: ``laborgrid.api.auth``).

Attachments are uploaded on the page (multipart); the API reads them back as a list.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ValidationError as PydanticValidationError

from laborgrid.core.types import AuthedRequest
from laborgrid.employers.models import Employer
from laborgrid.employers.schemas import request_body
from laborgrid.portal import services
from laborgrid.portal.permissions import own_target
from laborgrid.reviews import services as reviews
from laborgrid.reviews.models import ReviewSubmission

router = Router(tags=["portal"])
staff_router = Router(tags=["portal"])


class Message(Schema):
    detail: str


class ErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]]


SchemaT = TypeVar("SchemaT", bound=Schema)


def _body(request: HttpRequest, schema: type[SchemaT]) -> SchemaT | Status:
    """The JSON body as ``schema``, read after the object check (a 404 comes first)."""
    try:
        raw = json.loads(request.body or b"{}")
    except ValueError:
        return Status(400, {"detail": _("请求体应为 JSON 对象")})
    if not isinstance(raw, dict):
        return Status(400, {"detail": _("请求体应为 JSON 对象")})
    try:
        return schema.model_validate(raw)
    except PydanticValidationError as exc:
        errors: dict[str, list[str]] = {}
        for e in exc.errors():
            errors.setdefault(".".join(str(p) for p in e["loc"]) or "__all__", []).append(e["msg"])
        return Status(422, {"detail": _("请求参数无效"), "errors": errors})


def _errors(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {"detail": "；".join(exc.messages), "errors": exc.message_dict}
    return {"detail": "；".join(exc.messages), "errors": {"__all__": exc.messages}}


class InviteIn(Schema):
    person_name: str
    person_position: str = ""


class InviteOut(Schema):
    id: int
    employer_id: int
    username: str
    code: str
    expires_at: dt.datetime


@staff_router.post(
    "/{employer_id}/portal-invites",
    response={201: InviteOut, 400: Message, 403: Message, 404: Message, 422: ErrorsOut},
    summary="Issue an activation letter for a named person of the employer",
    openapi_extra=request_body(InviteIn),
)
def create_invite(request: AuthedRequest, employer_id: int) -> Status[Any]:
    employer = Employer.objects.visible_to(request.user).filter(pk=employer_id).first()
    if employer is None:
        return Status(404, {"detail": _("未找到")})
    payload = _body(request, InviteIn)
    if isinstance(payload, Status):
        return payload
    try:
        invite, code = services.issue_invite(
            actor=request.user,
            employer=employer,
            person_name=payload.person_name,
            person_position=payload.person_position,
            request=request,
        )
    except ValidationError as exc:
        return Status(422, _errors(exc))
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or _("无权执行此操作")})
    return Status(
        201,
        {
            "id": invite.pk,
            "employer_id": employer.pk,
            "username": invite.username,
            "code": services.format_code(code),
            "expires_at": invite.expires_at,
        },
    )


class ActivateIn(Schema):
    uscc: str
    code: str
    password: str


class ActivateOut(Schema):
    username: str


@router.post(
    "/activate",
    auth=None,
    response={201: ActivateOut, 422: ErrorsOut},
    summary="Activate an employer account with the USCC and the letter's one-time code",
)
def activate(request: HttpRequest, payload: ActivateIn) -> Status[dict[str, Any]]:
    try:
        user = services.activate(
            uscc=payload.uscc[:40],
            code=payload.code[:40],
            password=payload.password[:256],
            request=request,
        )
    except ValidationError as exc:
        return Status(422, _errors(exc))
    return Status(201, {"username": user.username})


class MeOut(Schema):
    username: str
    full_name: str
    employer_id: int | None  # None: a staff account (not an employer account)
    employer_name: str
    uscc: str
    review_years: list[int]


@router.get("/me", response={200: MeOut}, summary="The employer account")
def me(request: AuthedRequest) -> dict[str, Any]:
    from laborgrid.reviews.selectors import open_targets_for_employer

    employer = request.user.employer
    if employer is None:
        return {
            "username": request.user.username,
            "full_name": request.user.full_name,
            "employer_id": None,
            "employer_name": "",
            "uscc": "",
            "review_years": [],
        }
    return {
        "username": request.user.username,
        "full_name": request.user.full_name,
        "employer_id": employer.pk,
        "employer_name": employer.name,
        "uscc": employer.uscc or "",
        "review_years": [t.review_year.year for t in open_targets_for_employer(employer)],
    }


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    version: int | None


class VersionOut(Schema):
    number: int
    submitted_at: dt.datetime
    channel: str
    data: dict[str, Any]


class ReviewOut(Schema):
    year: int
    opens_on: dt.date
    closes_on: dt.date
    form_version: str
    state: str
    late: bool
    current_version: int
    decision_reason: str
    draft: dict[str, Any]
    flags: list[str]
    missing: list[str]
    attachments: list[AttachmentOut]
    versions: list[VersionOut]


def _review(target: Any) -> dict[str, Any]:
    sub = ReviewSubmission.objects.filter(target=target).first()
    year = target.review_year
    draft = sub.draft if sub else {}
    return {
        "year": year.year,
        "opens_on": year.opens_on,
        "closes_on": year.closes_on,
        "form_version": year.form_version,
        "state": sub.state if sub else "not_filed",
        "late": bool(sub and sub.late),
        "current_version": sub.current_version if sub else 0,
        "decision_reason": sub.decision_reason if sub else "",
        "draft": draft,
        "flags": reviews.form_flags(draft, target.employer, year) if draft else [],
        "missing": [str(k) for k in reviews.missing_kinds(sub)],
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "name": a.name,
                "size": a.size,
                "version": a.version.number if a.version else None,
            }
            for a in (sub.attachments.select_related("version") if sub else [])
        ],
        "versions": [
            {
                "number": v.number,
                "submitted_at": v.submitted_at,
                "channel": v.channel,
                "data": v.data,
            }
            for v in (sub.versions.all() if sub else [])
        ],
    }


@router.get("/reviews/{year}", response={200: ReviewOut, 404: Message}, summary="The year's filing")
def get_review(request: AuthedRequest, year: int) -> dict[str, Any]:
    return _review(own_target(request.user, year))


class ReviewIn(Schema):
    employees: int | None = None
    contracts_signed: int | None = None
    migrant_workers: int | None = None
    women: int | None = None
    juveniles: int | None = None
    dispatched: int | None = None
    roster_kept: bool | None = None
    insured_pension: int | None = None
    insured_medical: int | None = None
    insured_unemployment: int | None = None
    insured_injury: int | None = None
    insured_maternity: int | None = None
    pay_day: int | None = None
    pay_method: str | None = None
    lowest_monthly_wage: str | None = None
    hours_system: str | None = None
    hours_approval_no: str | None = None
    rules_filed: bool | None = None
    arrears: bool | None = None
    arrears_amount: str | None = None
    arrears_workers: int | None = None
    arrears_months: int | None = None


@router.put(
    "/reviews/{year}",
    response={200: ReviewOut, 400: Message, 404: Message, 422: ErrorsOut},
    summary="Save the form (a draft; submit checks every rule)",
    openapi_extra=request_body(ReviewIn),
)
def put_review(request: AuthedRequest, year: int) -> Status[Any]:
    target = own_target(request.user, year)
    payload = _body(request, ReviewIn)
    if isinstance(payload, Status):
        return payload
    try:
        reviews.save_draft(
            actor=request.user, target=target, data=payload.dict(exclude_none=True), request=request
        )
    except ValidationError as exc:
        return Status(422, _errors(exc))
    return Status(200, _review(target))


@router.post(
    "/reviews/{year}/submit",
    response={200: ReviewOut, 404: Message, 422: ErrorsOut},
    summary="Submit (or resubmit after a return) the saved form",
)
def submit_review(request: AuthedRequest, year: int) -> Status[dict[str, Any]]:
    target = own_target(request.user, year)
    try:
        reviews.submit(actor=request.user, target=target, request=request)
    except ValidationError as exc:
        return Status(422, _errors(exc))
    return Status(200, _review(target))
