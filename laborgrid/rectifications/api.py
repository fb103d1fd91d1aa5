"""``/api/v1/rectifications``: orders of the caller's grids (scoped like the pages).

Lists through ``visible_to``; single orders through ``access_order`` (404 for missing and out of
scope alike, checked before the body is read); writes through the services (403 a step the
caller may not take, 409 one the order's state does not allow, 422 bad input). ``respond``
takes JSON, or ``multipart/form-data`` with ``note``, ``responded_on`` and ``files`` (evidence:
PDF, JPEG or PNG).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ValidationError as PydanticValidationError

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.models import Employer
from laborgrid.employers.schemas import request_body
from laborgrid.rectifications import clock, services
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.rectifications.permissions import access_order
from laborgrid.rectifications.schemas import (
    CloseIn,
    ErrorsOut,
    EscalateIn,
    IssueIn,
    Message,
    OrderFilters,
    OrderOut,
    OrderPage,
    RecheckIn,
    RespondIn,
)
from laborgrid.rectifications.selectors import filter_orders, source_of

SchemaT = TypeVar("SchemaT", bound=Schema)
router = Router(tags=["rectifications"])


def _errors(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {"detail": "；".join(exc.messages), "errors": exc.message_dict}
    return {"detail": "；".join(exc.messages), "errors": {"__all__": exc.messages}}


def _row(o: RectificationOrder) -> dict[str, Any]:
    return {
        "id": o.pk,
        "number": o.number,
        "state": o.state,
        "employer_id": o.employer_id,
        "employer_name": o.employer_name,
        "grid": {"code": o.grid.code, "name": o.grid.name},
        "issued_on": o.issued_on,
        "due": o.due,
        "overdue": o.is_overdue(clock.today()),
        "url": o.get_absolute_url(),
    }


def _detail(o: RectificationOrder) -> dict[str, Any]:
    source = source_of(o)
    return {
        **_row(o),
        "basis": o.basis,
        "source": {"label": source[0], "url": source[1]} if source else None,
        "items": [
            {
                "id": i.pk,
                "position": i.position,
                "text": i.text,
                "checklist_key": i.checklist_key,
                "violated": i.violated,
                "working_days": i.working_days,
                "due": i.due,
                "result": i.result,
                "result_note": i.result_note,
            }
            for i in o.items.all()
        ],
        "responded_on": o.responded_on,
        "response_note": o.response_note,
        "rechecked_on": o.rechecked_on,
        "recheck_note": o.recheck_note,
        "closed_on": o.closed_on,
        "escalated_on": o.escalated_on,
        "case_id": o.case_id,
        "files": [
            {
                "id": f.pk,
                "stage": f.stage,
                "name": f.name,
                "url": reverse("rectifications:order_file", args=[o.pk, f.pk]),
            }
            for f in o.files.all()
        ],
        "document_url": reverse("rectifications:document_file", args=[o.pk]),
    }


@router.get("", response={200: OrderPage}, summary="Rectification orders in the caller's grids")
def list_orders(request: AuthedRequest, query: Query[OrderFilters]) -> dict[str, Any]:
    require_capability(request.user, Cap.WORK_READ)
    qs = filter_orders(RectificationOrder.objects.visible_to(request.user), query.dict())
    rows = qs.select_related("grid").defer("grid__boundary", "grid__search_text")
    rows = rows.order_by("-issued_on", "-id")[query.offset : query.offset + query.limit]
    return {"count": qs.count(), "items": [_row(o) for o in rows]}


@router.post(
    "",
    response={201: OrderOut, 400: Message, 403: Message, 404: Message, 422: ErrorsOut},
    summary="Issue an order to correct (责令改正指令书) to an employer of the caller's grids",
    openapi_extra=request_body(IssueIn),
)
def issue(request: AuthedRequest) -> Status:
    require_capability(request.user, Cap.WORK_WRITE)
    payload = _body(request, IssueIn)
    if isinstance(payload, Status):
        return payload
    employer = (
        Employer.objects.visible_to(request.user)
        .current()
        .select_related("grid")
        .defer("grid__boundary", "grid__search_text")
        .filter(pk=payload.employer_id)
        .first()
    )
    if employer is None:
        return Status(404, {"detail": _("未找到")})
    items = [
        services.OrderItemInput(i.text, i.checklist_key, i.working_days) for i in payload.items
    ]
    try:
        order = services.issue_order(
            actor=request.user, employer=employer, items=items, request=request
        )
    except ValidationError as exc:
        return Status(422, _errors(exc))
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or _("无权执行此操作")})
    return Status(201, _detail(access_order(request.user, order.pk)))


@router.get("/{order_id}", response={200: OrderOut, 404: Message}, summary="One order")
def get_order(request: AuthedRequest, order_id: int) -> dict[str, Any]:
    return _detail(access_order(request.user, order_id))


@router.post(
    "/{order_id}/respond",
    response={
        200: OrderOut,
        400: Message,
        403: Message,
        404: Message,
        409: Message,
        422: ErrorsOut,
    },
    summary="Record the employer's response (JSON, or multipart with evidence `files`)",
    openapi_extra=request_body(RespondIn),
)
def respond(request: AuthedRequest, order_id: int) -> Status:
    order = access_order(request.user, order_id, Cap.WORK_WRITE)
    ctype = request.content_type or ""
    files: list[Any] = []
    if ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        data: Any = {
            k: request.POST.get(k) for k in ("note", "responded_on") if request.POST.get(k)
        }
        files = request.FILES.getlist("files")
        try:
            payload: Any = RespondIn.model_validate(data)
        except PydanticValidationError as exc:
            return Status(422, _pydantic(exc))
    else:
        payload = _body(request, RespondIn)
        if isinstance(payload, Status):
            return payload
    return _done(
        order_id,
        request,
        lambda: services.respond_order(
            actor=request.user,
            order=order,
            note=payload.note,
            responded_on=payload.responded_on,
            files=files,
            request=request,
        ),
    )


@router.post(
    "/{order_id}/recheck",
    response={
        200: OrderOut,
        400: Message,
        403: Message,
        404: Message,
        409: Message,
        422: ErrorsOut,
    },
    summary="Record the re-inspection (复查): each item corrected or not, two inspectors",
    openapi_extra=request_body(RecheckIn),
)
def recheck(request: AuthedRequest, order_id: int) -> Status:
    order = access_order(request.user, order_id, Cap.WORK_WRITE)
    payload = _body(request, RecheckIn)
    if isinstance(payload, Status):
        return payload
    second = User.objects.filter(username=payload.inspector_2, is_active=True).first()
    return _done(
        order_id,
        request,
        lambda: services.recheck_order(
            actor=request.user,
            order=order,
            inspector_2=second,
            findings=[
                services.ItemFinding(f.item_id, f.corrected, f.note) for f in payload.findings
            ],
            note=payload.note,
            rechecked_on=payload.rechecked_on,
            request=request,
        ),
    )


@router.post(
    "/{order_id}/close",
    response={
        200: OrderOut,
        400: Message,
        403: Message,
        404: Message,
        409: Message,
        422: ErrorsOut,
    },
    summary="Close an order the re-inspection found corrected (销号)",
    openapi_extra=request_body(CloseIn),
)
def close(request: AuthedRequest, order_id: int) -> Status:
    order = access_order(request.user, order_id, Cap.WORK_WRITE)
    payload = _body(request, CloseIn)
    if isinstance(payload, Status):
        return payload
    return _done(
        order_id,
        request,
        lambda: services.close_order(
            actor=request.user, order=order, note=payload.note, request=request
        ),
    )


@router.post(
    "/{order_id}/escalate",
    response={
        200: OrderOut,
        400: Message,
        403: Message,
        404: Message,
        409: Message,
        422: ErrorsOut,
    },
    summary="Escalate an order not corrected to a case (立案), with its evidence",
    openapi_extra=request_body(EscalateIn),
)
def escalate(request: AuthedRequest, order_id: int) -> Status:
    order = access_order(request.user, order_id, Cap.WORK_WRITE)
    payload = _body(request, EscalateIn)
    if isinstance(payload, Status):
        return payload
    return _done(
        order_id,
        request,
        lambda: services.escalate_order(
            actor=request.user, order=order, reason=payload.reason, request=request
        ),
    )


def _pydantic(exc: PydanticValidationError) -> dict[str, Any]:
    fields: dict[str, list[str]] = {}
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "__all__"
        fields.setdefault(name, []).append(str(error["msg"]))
    return {"detail": _("请检查填写的内容。"), "errors": fields}


def _body(request: AuthedRequest, schema: type[SchemaT]) -> SchemaT | Status:
    """The request's JSON body as ``schema`` (an empty body is ``{}``), or a 400 or 422."""
    try:
        raw = json.loads(request.body or b"{}")
    except ValueError:
        return Status(400, {"detail": _("请求体应为 JSON 对象")})
    if not isinstance(raw, dict):
        return Status(400, {"detail": _("请求体应为 JSON 对象")})
    try:
        return schema.model_validate(raw)
    except PydanticValidationError as exc:
        return Status(422, _pydantic(exc))


def _done(order_id: int, request: AuthedRequest, work: Callable[[], object]) -> Status:
    try:
        work()
    except services.StateRefused as exc:
        return Status(409, {"detail": "；".join(exc.messages)})
    except ValidationError as exc:
        return Status(422, _errors(exc))
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or _("无权执行此操作")})
    return Status(200, _detail(access_order(request.user, order_id)))


__all__ = ["router"]
