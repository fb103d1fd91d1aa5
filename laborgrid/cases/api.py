"""``/api/v1/public/complaints`` (no login) and ``/api/v1/cases`` (staff, scoped like the pages).

Public endpoints are explicitly ``auth=None``: they use no session or cookie, so CSRF does not
apply, and they go through the same intake service as the public page (sizes, types, rates per IP
and phone, idempotent ``submission_key``). A tracking code answers status and result only.

Staff endpoints use the API's token/session auth; lists through ``visible_to``, single cases
through ``access_case`` (404 for missing and out of scope alike), actions through the same
dispatch table as the case page (409 for a transition the state does not allow).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ValidationError as PydanticValidationError

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import client_ip
from laborgrid.cases import actions as case_actions
from laborgrid.cases import clock, services
from laborgrid.cases.choices import Action
from laborgrid.cases.models import Case, CaseQuerySet
from laborgrid.cases.permissions import access_case, may_see_identity
from laborgrid.cases.querysets import filter_cases, overdue_q
from laborgrid.cases.schemas import (
    ActionIn,
    CaseDetailOut,
    CaseFilters,
    CasePage,
    EmployerCandidateOut,
    ErrorsOut,
    MergeIn,
    Message,
    PublicComplaintIn,
    PublicStatusOut,
    RerouteIn,
    SubmittedOut,
)
from laborgrid.cases.services.common import is_handler
from laborgrid.cases.services.intake import normalise_tracking_code, throttle_ip
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.schemas import request_body
from laborgrid.grids.models import Grid

SchemaT = TypeVar("SchemaT", bound=Schema)

public_router = Router(tags=["public"])
router = Router(tags=["cases"])


def _errors(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {"detail": "；".join(exc.messages), "errors": exc.message_dict}
    return {"detail": "；".join(exc.messages), "errors": {"__all__": exc.messages}}


@public_router.post(
    "",
    auth=None,
    response={200: SubmittedOut, 201: SubmittedOut, 422: ErrorsOut, 429: Message},
    summary="File a complaint (投诉) or report (举报); returns the tracking code",
)
def submit_complaint(request: HttpRequest, payload: PublicComplaintIn) -> Status:
    data = payload.dict()
    data["complainants"] = [dict(p) for p in data.get("complainants") or []]
    try:
        result = services.submit_public(
            data=data,
            submission_key=payload.submission_key,
            ip=client_ip(request),
            request=request,
        )
    except services.Throttled as exc:
        return Status(429, {"detail": "；".join(exc.messages)})
    except ValidationError as exc:
        return Status(422, _errors(exc))
    case = result.case
    status = services.public_status(case)["status"]
    body = {"tracking_code": case.tracking_code, "created": result.created, "status": status}
    return Status(201 if result.created else 200, body)


@public_router.get(
    "/{tracking_code}",
    auth=None,
    response={200: PublicStatusOut, 404: Message, 429: Message},
    summary="Status and result of one's own complaint, by tracking code",
)
def complaint_status(request: HttpRequest, tracking_code: str) -> Status:
    try:
        throttle_ip(client_ip(request), scope="track")
    except services.Throttled as exc:
        return Status(429, {"detail": "；".join(exc.messages)})
    code = normalise_tracking_code(tracking_code)
    case = (
        Case.objects.filter(tracking_code=code).select_related("merged_into").first()
        if code
        else None
    )
    if case is None:
        return Status(404, {"detail": _("未找到")})
    return Status(200, services.public_status(case))


def _row(c: Case) -> dict[str, Any]:
    return {
        "id": c.pk,
        "reference": c.reference,
        "kind": c.kind,
        "channel": c.channel,
        "state": c.state,
        "category": c.category,
        "employer_name": c.employer_name,
        "employer_id": c.employer_id,
        "grid": {"code": c.grid.code, "name": c.grid.name},
        "received_on": c.received_on,
        "escalated": c.escalated,
        "overdue": bool(getattr(c, "is_overdue", False)),
        "url": c.get_absolute_url(),
    }


@router.get("", response={200: CasePage, 422: ErrorsOut}, summary="Cases in the caller's grids")
def list_cases(request: AuthedRequest, query: Query[CaseFilters]) -> dict[str, Any]:
    require_capability(request.user, Cap.WORK_READ)
    qs: CaseQuerySet = filter_cases(Case.objects.visible_to(request.user), query.dict())  # type: ignore[assignment]  # filter_cases keeps the queryset class
    total = qs.count()
    rows = (
        qs.with_list_related()
        .annotate(is_overdue=overdue_q())
        .order_by("-received_at", "-id")[query.offset : query.offset + query.limit]
    )
    return {"count": total, "items": [_row(c) for c in rows]}


def _detail(request: AuthedRequest, case: Case) -> dict[str, Any]:
    today = clock.today()
    out = _row(case)
    out["overdue"] = any(d.status(today) == "overdue" for d in case.deadlines.all())
    handler = get_scope(request.user).allows(Cap.WORK_WRITE, case.grid_path) and is_handler(
        request.user, case
    )
    show_identity = may_see_identity(request.user, case)
    out.update(
        platform_ref=case.platform_ref,
        platform_conclusion=case.platform_conclusion,
        facts=case.facts,
        request=case.request,
        employer_code=case.employer_code,
        employer_address=case.employer_address,
        work_address=case.work_address,
        amount_owed=str(case.amount_owed) if case.amount_owed is not None else None,
        months_owed=case.months_owed,
        workers_affected=case.workers_affected,
        filed_on=case.filed_on,
        decision_kind=case.decision_kind,
        closure_kind=case.closure_kind,
        amount_recovered=str(case.amount_recovered),
        workers_helped=case.workers_helped,
        penalty_amount=str(case.penalty_amount),
        public_result=case.public_result,
        calendar_warning=case.calendar_warning_text,
        merged_into=case.merged_into_id,
        employer_id=case.employer_id,
        handlers=[u.display_name for u in (case.handler_1, case.handler_2) if u is not None],
        complainants=[
            {
                "id": p.pk,
                "name": p.name if show_identity else p.name_masked,
                "id_number": p.id_masked,
                "phone": p.phone_masked,
                "is_representative": p.is_representative,
                "workers_represented": p.workers_represented,
            }
            for p in case.complainants.all()
        ],
        deadlines=[
            {
                "kind": d.kind,
                "label": d.get_kind_display(),
                "start": d.start,
                "days": d.amount,
                "day_type": d.unit,
                "due": d.due,
                "calendar_version": d.calendar_version,
                "missing_years": d.missing_years or [],
                "provisional": d.provisional,
                "met_on": d.met_on,
                "status": d.status(today),
                "days_left": d.days_left(today),
            }
            for d in case.deadlines.all()
        ],
        transitions=[
            {
                "action": t.action,
                "from_state": t.from_state,
                "to_state": t.to_state,
                "actor": t.actor.display_name if t.actor else None,
                "approver": t.approver.display_name if t.approver else None,
                "at": t.at,
                "reason": t.reason,
            }
            for t in case.transitions.select_related("actor", "approver")
        ],
        records=[
            {
                "id": r.pk,
                "kind": r.kind,
                "title": r.title,
                "occurred_on": r.occurred_on,
                "inspectors": [u.display_name for u in (r.inspector_1, r.inspector_2) if u],
                "has_file": bool(r.file),
            }
            for r in case.records.select_related("inspector_1", "inspector_2")
        ],
        documents=[
            {
                "id": d.pk,
                "doc_type": d.doc_type,
                "title": d.title,
                "number": d.number,
                "issued_at": d.issued_at,
                "served_on": d.served_on,
            }
            for d in case.documents.all()
        ],
        allowed_actions=[a for a in services.allowed_actions(case) if a in case_actions.PARAMS]
        if handler
        else [],
    )
    return out


@router.get(
    "/{case_id}", response={200: CaseDetailOut, 404: Message}, summary="One case with its deadlines"
)
def get_case(request: AuthedRequest, case_id: int) -> dict[str, Any]:
    return _detail(request, access_case(request.user, case_id))


@router.get(
    "/{case_id}/employer-candidates",
    response={200: list[EmployerCandidateOut], 404: Message},
    summary="Registered employers the case's employer may be (link with the link_employer action)",
)
def employer_candidates(request: AuthedRequest, case_id: int) -> list[dict[str, Any]]:
    """Same USCC, same or similar name and address, same name core, same legal representative,
    within the case's county and the caller's grids."""
    case = access_case(request.user, case_id)
    return [
        {
            "id": p.employer.pk,
            "name": p.employer.name,
            "uscc": p.employer.uscc,
            "address": p.employer.address,
            "legal_rep": p.employer.legal_rep,
            "reasons": list(p.reasons),
            "certain": p.certain,
        }
        for p in services.propose_employers(case, user=request.user)
    ]


@router.post(
    "/{case_id}/actions/{action}",
    response={
        200: CaseDetailOut,
        400: Message,
        403: Message,
        404: Message,
        409: Message,
        422: ErrorsOut,
    },
    summary="Take a procedure action (accept, refuse, file, extend, decide, close, ...)",
    openapi_extra=request_body(ActionIn),
)
def case_action(request: AuthedRequest, case_id: int, action: str) -> Status:
    """The body (``ActionIn``, may be empty) is read after the scope and capability checks: a
    case outside the caller's grids answers 404 and a leader 403 whatever the body says."""
    case = access_case(request.user, case_id, Cap.WORK_WRITE)
    if action not in case_actions.PARAMS:
        raise HttpError(404, _("未找到"))
    payload = _body(request, ActionIn)
    if isinstance(payload, Status):
        return payload
    return _done(
        request,
        case_id,
        lambda: case_actions.run(
            action, actor=request.user, case=case, params=payload.dict(), request=request
        ),
    )


@router.post(
    "/{case_id}/reroute",
    response={200: CaseDetailOut, 400: Message, 403: Message, 404: Message, 422: ErrorsOut},
    summary="Send the case to another grid (改派); its deadlines run on",
    openapi_extra=request_body(RerouteIn),
)
def case_reroute(request: AuthedRequest, case_id: int) -> Status:
    """Only a person above both grids re-routes; the grid is named by its code and must be one
    the caller sees (else 404, as for a case)."""
    case = access_case(request.user, case_id, Cap.WORK_WRITE)
    payload = _body(request, RerouteIn)
    if isinstance(payload, Status):
        return payload
    grid = Grid.objects.visible_to(request.user).filter(code=payload.grid.strip()).first()
    if grid is None:
        return Status(404, {"detail": _("找不到该网格。")})
    return _done(
        request,
        case_id,
        lambda: services.reroute_case(
            actor=request.user, case=case, grid=grid, reason=payload.reason, request=request
        ),
    )


@router.post(
    "/{case_id}/merge",
    response={200: CaseDetailOut, 400: Message, 403: Message, 404: Message, 422: ErrorsOut},
    summary="Merge this duplicate into another open case (并案); answers the case merged into",
    openapi_extra=request_body(MergeIn),
)
def case_merge(request: AuthedRequest, case_id: int) -> Status:
    case = access_case(request.user, case_id, Cap.WORK_WRITE)
    payload = _body(request, MergeIn)
    if isinstance(payload, Status):
        return payload
    target = access_case(request.user, payload.into, Cap.WORK_WRITE)
    return _done(
        request,
        target.pk,
        lambda: services.merge_cases(
            actor=request.user, source=case, target=target, reason=payload.reason, request=request
        ),
    )


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
        fields: dict[str, list[str]] = {}
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "__all__"
            fields.setdefault(name, []).append(str(error["msg"]))
        return Status(422, {"detail": _("请检查填写的内容。"), "errors": fields})


def _done(request: AuthedRequest, case_id: int, work: Callable[[], object]) -> Status:
    """Run a service on a case and answer the case as it is then: a refused step 409, bad
    input 422, a step the caller may not take 403."""
    try:
        work()
    except services.TransitionRefused as exc:
        return Status(409, {"detail": "；".join(exc.messages)})
    except ValidationError as exc:
        return Status(422, _errors(exc))
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or _("无权执行此操作")})
    return Status(200, _detail(request, access_case(request.user, case_id)))


__all__ = ["Action", "public_router", "router"]
