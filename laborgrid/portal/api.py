"""The portal's API (issue 17 §6).

* ``POST /api/v1/employers/{id}/portal-invites`` (staff): issue a letter; the code is in the
  answer, once (print it or hand it over; it is not stored);
* ``POST /api/v1/portal/activate`` (no sign-in): ``{uscc, code, password}``;
* ``GET /api/v1/portal/me``, ``GET/PUT /api/v1/portal/reviews/{year}``,
  ``POST /api/v1/portal/reviews/{year}/submit`` (employer accounts; staff get 404 here, and an
  employer account gets 403 on every other endpoint: ``laborgrid.api.auth``);
* ``GET/POST /api/v1/portal/reviews/{year}/attachments`` (list; upload, multipart ``kind`` +
  ``file``: the page's checks — by the bytes PDF, xlsx, JPEG or PNG, stored encrypted — 413 over
  10 MB, 422 another type), ``GET/DELETE .../attachments/{id}`` (download, audited; remove one
  not yet submitted);
* ``GET /api/v1/portal/orders``, ``GET /api/v1/portal/orders/{id}``,
  ``GET /api/v1/portal/orders/{id}/document`` (the order's PDF, audited) and
  ``POST /api/v1/portal/orders/{id}/answer`` (JSON ``{note}``, or multipart ``note`` + evidence
  ``files``: the rectifications app's respond step, as on the page).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ValidationError as PydanticValidationError

from laborgrid.core.types import AuthedRequest
from laborgrid.employers.models import Employer
from laborgrid.employers.schemas import request_body
from laborgrid.portal import services
from laborgrid.portal.permissions import employer_id_of, own_order, own_target
from laborgrid.reviews import services as reviews
from laborgrid.reviews.choices import AttachmentKind
from laborgrid.reviews.models import ReviewAttachment, ReviewSubmission
from laborgrid.reviews.permissions import access_attachment

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


# --- attachments ----------------------------------------------------------------------------

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["kind", "file"],
                    "properties": {
                        "kind": {"type": "string", "enum": list(AttachmentKind.values)},
                        "file": {"type": "string", "format": "binary"},
                    },
                }
            }
        },
    }
}


def _attachment(a: ReviewAttachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "name": a.name,
        "size": a.size,
        "version": a.version.number if a.version else None,
    }


def _own_submission(target: Any) -> ReviewSubmission:
    from django.http import Http404

    sub = ReviewSubmission.objects.filter(target=target).first()
    if sub is None:
        raise Http404
    return sub


class AttachmentDetailOut(AttachmentOut):
    content_type: str
    sha256: str
    uploaded_at: dt.datetime


def _attachment_detail(a: ReviewAttachment) -> dict[str, Any]:
    return {
        **_attachment(a),
        "content_type": a.content_type,
        "sha256": a.sha256,
        "uploaded_at": a.uploaded_at,
    }


@router.get(
    "/reviews/{year}/attachments",
    response={200: list[AttachmentDetailOut], 404: Message},
    summary="The filing's attachments (every version's)",
)
def list_attachments(request: AuthedRequest, year: int) -> list[dict[str, Any]]:
    target = own_target(request.user, year)
    sub = ReviewSubmission.objects.filter(target=target).first()
    if sub is None:
        return []
    return [_attachment_detail(a) for a in sub.attachments.select_related("version")]


@router.post(
    "/reviews/{year}/attachments",
    response={201: AttachmentDetailOut, 400: Message, 404: Message, 413: Message, 422: ErrorsOut},
    summary="Upload an attachment (multipart: kind, file — PDF, xlsx, JPEG or PNG, ≤ 10 MB)",
    openapi_extra=UPLOAD_BODY,
)
def upload_attachment(request: AuthedRequest, year: int) -> Status[dict[str, Any]]:
    target = own_target(request.user, year)  # the year first (404), then the body
    if not (request.content_type or "").startswith("multipart/form-data"):
        return Status(400, {"detail": _("请以 multipart/form-data 上传文件。")})
    upload = request.FILES.get("file")
    kind = (request.POST.get("kind") or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in AttachmentKind.values:
        errors["kind"] = [_("请选择材料类别。")]
    if upload is None:
        errors["file"] = [_("请选择文件。")]
    if errors or upload is None:
        return Status(422, {"detail": _("请求参数无效"), "errors": errors})
    if (upload.size or 0) > reviews.MAX_ATTACHMENT_BYTES:  # refused before it is read
        return Status(413, {"detail": _("文件不能超过 10 MB。")})
    try:
        row = reviews.add_attachment(
            actor=request.user,
            target=target,
            kind=kind,
            name=upload.name or "",
            content=upload.read(),
            request=request,
        )
    except ValidationError as exc:
        return Status(422, _errors(exc))
    return Status(201, _attachment_detail(row))


def _download(request: AuthedRequest, fh: Any, name: str, ctype: str, obj: Any, kind: str) -> Any:
    from laborgrid.audit.models import AuditAction
    from laborgrid.audit.services import record

    response = FileResponse(fh, as_attachment=True, filename=name, content_type=ctype)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,
        request=request,
        obj=obj,
        detail={"kind": kind, "file": name},
    )
    return response


@router.get(
    "/reviews/{year}/attachments/{attachment_id}",
    response={200: None, 404: Message},
    summary="Download one of the filing's attachments (decrypted; audited)",
    openapi_extra={"responses": {"200": {"content": {"application/octet-stream": {}}}}},
)
def download_attachment(request: AuthedRequest, year: int, attachment_id: int) -> HttpResponse:
    row = access_attachment(_own_submission(own_target(request.user, year)), attachment_id)
    return _download(
        request, row.file.open("rb"), row.name, row.content_type, row.submission, "attachment"
    )


@router.delete(
    "/reviews/{year}/attachments/{attachment_id}",
    response={204: None, 404: Message, 422: ErrorsOut},
    summary="Remove an attachment not yet submitted (submitted ones are kept with their version)",
)
def delete_attachment(request: AuthedRequest, year: int, attachment_id: int) -> Status[Any]:
    row = access_attachment(_own_submission(own_target(request.user, year)), attachment_id)
    try:
        reviews.remove_attachment(actor=request.user, attachment=row, request=request)
    except ValidationError as exc:
        return Status(422, _errors(exc))
    return Status(204, None)


# --- the employer's rectification orders -------------------------------------------------------


class OrderItemOut(Schema):
    position: int
    text: str
    violated: str
    due: dt.date | None
    result: str


class OrderFileOut(Schema):
    id: int
    stage: str
    name: str
    uploaded_at: dt.datetime


class OrderRowOut(Schema):
    id: int
    number: str
    state: str
    issued_on: dt.date
    due: dt.date | None


class OrderDetailOut(OrderRowOut):
    basis: str
    items: list[OrderItemOut]
    responded_on: dt.date | None
    response_note: str
    rechecked_on: dt.date | None
    recheck_note: str
    files: list[OrderFileOut]


def _order_row(o: Any) -> dict[str, Any]:
    return {
        "id": o.pk,
        "number": o.number,
        "state": o.state,
        "issued_on": o.issued_on,
        "due": o.due,
    }


def _order_detail(o: Any) -> dict[str, Any]:
    return {
        **_order_row(o),
        "basis": o.basis,
        "items": [
            {
                "position": i.position,
                "text": i.text,
                "violated": i.violated,
                "due": i.due,
                "result": i.result or "",
            }
            for i in o.items.all()
        ],
        "responded_on": o.responded_on,
        "response_note": o.response_note,
        "rechecked_on": o.rechecked_on,
        "recheck_note": o.recheck_note,
        "files": [
            {"id": f.pk, "stage": f.stage, "name": f.name, "uploaded_at": f.uploaded_at}
            for f in o.files.all()
        ],
    }


@router.get("/orders", response={200: list[OrderRowOut]}, summary="The employer's orders")
def list_orders(request: AuthedRequest) -> list[dict[str, Any]]:
    from laborgrid.rectifications.models import RectificationOrder

    if request.user.employer_id is None:  # a staff account: no orders of its own (as ``/me``)
        return []
    rows = RectificationOrder.objects.filter(employer_id=employer_id_of(request.user))
    return [_order_row(o) for o in rows.order_by("-issued_on", "-id")[:200]]


@router.get("/orders/{order_id}", response={200: OrderDetailOut, 404: Message}, summary="One order")
def get_order(request: AuthedRequest, order_id: int) -> dict[str, Any]:
    return _order_detail(own_order(request.user, order_id))


@router.get(
    "/orders/{order_id}/document",
    response={200: None, 404: Message},
    summary="The 责令改正指令书 as issued (PDF; audited)",
    openapi_extra={"responses": {"200": {"content": {"application/pdf": {}}}}},
)
def order_document(request: AuthedRequest, order_id: int) -> HttpResponse:
    from django.http import Http404

    order = own_order(request.user, order_id)
    if not order.document:
        raise Http404
    return _download(
        request,
        order.document.open("rb"),
        f"{order.number}.pdf",
        "application/pdf",
        order,
        "document",
    )


class AnswerIn(Schema):
    note: str


ANSWER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": AnswerIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["note"],
                    "properties": {
                        "note": {"type": "string"},
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                    },
                }
            },
        },
    }
}


@router.post(
    "/orders/{order_id}/answer",
    response={200: OrderDetailOut, 400: Message, 404: Message, 409: Message, 422: ErrorsOut},
    summary="Answer an order: what was corrected (JSON, or multipart with evidence `files`)",
    openapi_extra=ANSWER_BODY,
)
def answer_order(request: AuthedRequest, order_id: int) -> Status[Any]:
    from laborgrid.rectifications.services import StateRefused

    order = own_order(request.user, order_id)  # the order first (404), then the body
    files: list[Any] = []
    if (request.content_type or "").startswith("multipart/form-data"):
        note = request.POST.get("note") or ""
        files = request.FILES.getlist("files")
    else:
        payload = _body(request, AnswerIn)
        if isinstance(payload, Status):
            return payload
        note = payload.note
    try:
        services.answer_order(
            actor=request.user, order=order, note=note, files=files, request=request
        )
    except StateRefused as exc:
        return Status(409, {"detail": "；".join(exc.messages)})
    except ValidationError as exc:
        return Status(422, _errors(exc))
    return Status(200, _order_detail(own_order(request.user, order_id)))
