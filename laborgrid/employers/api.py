"""``/api/v1/employers``: the registry, scoped exactly like the pages.

Every operation goes through the same gates and services as the pages: lists through
``laborgrid.employers.filters`` (the list page's FilterSet, search and keyset pagination), single
records through ``permissions.access_employer`` (404 for a record that is missing or outside the
user's grids — the two are indistinguishable), and every write through
``laborgrid.employers.services``.

Request bodies are validated here, after the scope and capability checks (see
``laborgrid.employers.schemas``): a 马场镇 key answers 404 and a read-only leader 403 whatever the
body says, so neither learns anything from validation messages. Errors are JSON:

* 400 — a body that is not JSON, a cursor that is not ours;
* 403 — the record is visible but the user may not change it (leaders), or may not see full
  personal numbers (assistants);
* 404 ``{"detail": "未找到"}`` — missing or out of scope;
* 409 — a duplicate employer (with the candidates) or a stale ``version`` (optimistic locking);
* 422 ``{"detail": ..., "errors": {field: [messages]}}`` — invalid data, each message naming its
  field (``__all__`` for the record as a whole).

Personal numbers are answered masked; the full value comes only from the reveal operation,
which needs ``pii.reveal`` and a reason and is audited by the service.
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.http import Http404, HttpResponse, QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from laborgrid.accounts.roles import Cap
from laborgrid.core.paging import offset_page
from laborgrid.core.scope import check_write, get_scope, require_capability
from laborgrid.core.text import clauses, enumeration, labelled
from laborgrid.core.types import AuthedRequest
from laborgrid.employers import filters, services
from laborgrid.employers.models import Employer, LabourSnapshot, Worker
from laborgrid.employers.permissions import access_employer, access_worker
from laborgrid.employers.schemas import (
    EMPLOYER_CONTROL_KEYS,
    ConflictOut,
    EmployerDetailOut,
    EmployerFilters,
    EmployerIn,
    EmployerPage,
    EmployerPatch,
    ErrorsOut,
    Message,
    RevealIn,
    RevealOut,
    SnapshotIn,
    SnapshotList,
    SnapshotOut,
    WorkerFilters,
    WorkerIn,
    WorkerOut,
    WorkerPage,
    request_body,
)
from laborgrid.grids.models import Grid
from laborgrid.lib.identifiers import normalise_code

router = Router(tags=["employers"])

_M = TypeVar("_M", bound=BaseModel)

#: The columns an ``EmployerOut`` row reads (one query per page with the grid joined).
#: ``EmployerQuerySet.with_list_related`` covers the list page's columns only.
_ROW_FIELDS = (
    "id",
    "uscc",
    "org_code",
    "reg_number",
    "name",
    "former_names",
    "employer_type",
    "industry",
    "status",
    "legal_rep",
    "contact_person",
    "contact_phone_masked",
    "address",
    "lat",
    "lng",
    "established_on",
    "registered_capital",
    "grid_path",
    "grid_method",
    "employees",
    "last_collected_on",
    "flag_no_contracts",
    "flag_arrears",
    "flag_below_min_wage",
    "flag_uninsured",
    "merged_into_id",
    "version",
    "grid__id",
    "grid__code",
    "grid__name",
    "grid__path",
)

_READ = {400: Message, 404: Message}
_WRITE = {400: Message, 403: Message, 404: Message, 413: Message, 422: ErrorsOut}


# --- helpers -----------------------------------------------------------------------------------


def _archive_url(pk: int) -> str | None:
    """The archive page of an employer (None while that page is not installed)."""
    try:
        return reverse("employers:employer_detail", args=[pk])
    except NoReverseMatch:
        return None


def _employer_out(e: Employer, today: date) -> dict[str, Any]:
    return {
        "id": e.pk,
        "uscc": e.uscc,
        "org_code": e.org_code,
        "reg_number": e.reg_number,
        "name": e.name,
        "former_names": e.former_name_list,
        "employer_type": e.employer_type,
        "industry": e.industry,
        "status": e.status,
        "legal_rep": e.legal_rep,
        "contact_person": e.contact_person,
        "contact_phone": e.contact_phone_masked,
        "address": e.address,
        "lat": e.lat,
        "lng": e.lng,
        "established_on": e.established_on,
        "registered_capital": e.registered_capital,
        "grid": e.grid.code,
        "grid_name": e.grid.name,
        "grid_method": e.grid_method,
        "employees": e.employees,
        "last_collected_on": e.last_collected_on,
        "stale": e.is_stale(today),
        "risk_flags": [str(f) for f in e.risk_flags],
        "merged_into": e.merged_into_id,
        "version": e.version,
        "url": _archive_url(e.pk),
    }


def _snapshot_out(s: LabourSnapshot) -> dict[str, Any]:
    out = {f: getattr(s, f) for f in services.SNAPSHOT_FIELDS}
    out.update(
        id=s.pk,
        method=s.method,
        source=s.source,
        standard=s.standard,
        collector_name=s.collector_name,
        minimum_wage=s.minimum_wage,
        contract_rate=s.contract_rate,
        insurance_rates=s.insurance_rates(),
        below_minimum_wage=s.below_minimum_wage,
        withdrawn=s.withdrawn_at is not None,
        withdraw_reason=s.withdraw_reason,
    )
    return out


def _detail_out(e: Employer) -> dict[str, Any]:
    current = (
        LabourSnapshot.objects.valid().filter(pk=e.current_snapshot_id).first()
        if e.current_snapshot_id
        else None
    )
    return {
        **_employer_out(e, timezone.localdate()),
        "business_scope": e.business_scope,
        "grid_note": e.grid_note,
        "current": _snapshot_out(current) if current else None,
        "sources": [
            {
                "source": s.source,
                "label": s.get_source_display(),
                "reference": s.reference,
                "registered_status": s.registered_status,
                "first_seen_on": s.first_seen_on,
                "last_seen_on": s.last_seen_on,
            }
            for s in e.sources.order_by("first_seen_on", "id")
        ],
    }


def _worker_out(w: Worker) -> dict[str, Any]:
    return {
        "id": w.pk,
        "name": w.name,
        "gender": w.gender,
        "id_kind": w.id_kind,
        "id_masked": w.id_masked,
        "phone_masked": w.phone_masked,
        "birth_year": w.birth_date.year if w.birth_date else None,  # never the full date
        "employment_form": w.employment_form,
        "is_migrant": w.is_migrant,
        "started_on": w.started_on,
        "contract_term": w.contract_term,
        "contract_end": w.contract_end,
        "left_on": w.left_on,
    }


def _employer(user: Any, key: str, capability: str = Cap.WORK_READ) -> Employer:
    """``access_employer`` for a key from the URL: a numeric id (full-width digits allowed), or a
    USCC typed any way (lower case, full-width, with spaces or dashes). Anything else is simply
    not found — without reaching the database."""
    text = unicodedata.normalize("NFKC", key).strip()
    if text.isascii() and text.isdigit() and len(text) < 18:
        return access_employer(user, text, capability)
    code = normalise_code(text)
    if len(code) != 18 or not code.isascii() or not code.isalnum():
        raise Http404
    return access_employer(user, code, capability)


def _parse(request: AuthedRequest, model: type[_M]) -> _M:
    """The JSON body validated by ``model``; errors as a field-keyed ``ValidationError``."""
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise HttpError(413, _("请求体过大。")) from exc
    if not body:
        raise ValidationError(_("请提供 JSON 格式的请求体。"))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise HttpError(400, _("请求体不是有效的 JSON。")) from exc
    try:
        return model.model_validate(data)
    except PydanticValidationError as exc:
        errors: dict[str, list[str]] = {}
        for e in exc.errors(include_url=False, include_input=False, include_context=False):
            field = ".".join(str(p) for p in e["loc"]) or NON_FIELD_ERRORS
            errors.setdefault(field, []).append(e["msg"])
        raise ValidationError(errors) from exc


def _invalid(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    else:
        errors = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    # The summary names each field too, for a person reading a log or a client's error toast.
    detail = clauses(
        m if field == NON_FIELD_ERRORS else labelled(field, m)
        for field, messages in errors.items()
        for m in messages
    )
    return {"detail": detail, "errors": errors}


def _conflict(user: Any, exc: services.DuplicateEmployer) -> dict[str, Any]:
    """The 409 body: the candidates the user may see, and, when a code is held by a record outside
    their grids, one sentence saying only that (``registered_elsewhere``: no id, name, place,
    count or which code; issue 21 item 10)."""
    ids = [d.employer.pk for d in exc.duplicates]
    visible = set(Employer.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    shown = [d for d in exc.duplicates if d.employer.pk in visible]
    parts = []
    if shown:
        parts.append(
            _("可能与已有单位重复：%(names)s")
            % {"names": enumeration([d.employer.name for d in shown])}
        )
    if exc.registered_elsewhere:
        parts.append(str(services.REGISTERED_ELSEWHERE))
    return {
        "detail": clauses(parts),
        "registered_elsewhere": exc.registered_elsewhere,
        "duplicates": [
            {
                "id": d.employer.pk,
                "name": d.employer.name,
                "reason": str(d.reason),
                "hard": d.hard,
                "url": _archive_url(d.employer.pk),
            }
            for d in shown
        ],
    }


def _unstorable_cursor(cursor: str) -> bool:
    """A cursor that decodes to text no database can compare against (NUL, lone surrogates).

    ``filters.paginate`` checks a cursor's shape but passes its text to the query, where such a
    value fails as a server error; it must be refused as a bad cursor instead (400).
    """
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=="))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False  # not a cursor at all: paginate refuses it itself
    for value in raw if isinstance(raw, list) else []:
        if isinstance(value, str):
            if "\x00" in value:
                return True
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def _grid(user: Any, code: str | None) -> Grid | None:
    """The grid a person chose by code: one they can see (422 on ``grid`` otherwise). Whether
    they may register employers there is the service's check (403)."""
    code = (code or "").strip()
    if not code:
        return None
    grid = Grid.objects.visible_to(user).filter(code=code, is_active=True).first()
    if grid is None:
        raise ValidationError({"grid": [_("未找到该网格，或该网格不在您的管辖范围内。")]})
    return grid


def _employer_data(payload: BaseModel) -> dict[str, Any]:
    """The employer fields present in the body, as the services take them."""
    data = payload.model_dump(mode="json", exclude_unset=True)
    for key in EMPLOYER_CONTROL_KEYS:
        data.pop(key, None)
    if "former_names" in data:
        data["former_names"] = "\n".join(data["former_names"] or [])
    return data


# --- employers ---------------------------------------------------------------------------------


@router.get("", response={200: EmployerPage, 400: Message, 422: ErrorsOut})
def list_employers(
    request: AuthedRequest, query: Query[EmployerFilters]
) -> dict[str, Any] | Status[dict[str, Any]]:
    """Employers in your grids (current records, merged ones excluded), filtered like the list
    page, in keyset pages: pass `next_cursor` back as `cursor` for the next page."""
    require_capability(request.user, Cap.WORK_READ)  # the 三员: 404, not an empty list
    params = QueryDict(mutable=True)
    for name in ("q", "grid", "employer_type", "industry", "status"):
        value = getattr(query, name)
        if value is not None:
            params[name] = str(value.value if hasattr(value, "value") else value)
    params.setlist("flag", [f.value for f in query.flag])
    fs, qs = filters.filtered(request.user, params)
    if not fs.is_valid():
        return Status(
            422,
            {
                "detail": _("筛选条件无效"),
                "errors": {k: [str(m) for m in v] for k, v in fs.errors.items()},
            },
        )
    if query.cursor and _unstorable_cursor(query.cursor):
        return Status(400, {"detail": _("翻页参数无效，请从第一页重新开始。")})
    try:
        page = filters.paginate(
            qs.select_related("grid").only(*_ROW_FIELDS),
            sort=query.sort,
            cursor=query.cursor,
            size=query.limit,
            in_order=fs.plan.in_order,
            count_cap=fs.plan.count_cap,
        )
    except filters.BadCursor as exc:
        return Status(400, {"detail": str(exc)})
    today = timezone.localdate()
    return {
        "count": page.count_display,
        "count_capped": page.count_capped,
        "next_cursor": page.next_cursor,
        "items": [_employer_out(e, today) for e in page.items],
    }


@router.post(
    "",
    response={201: EmployerDetailOut, 409: ConflictOut, **_WRITE},
    openapi_extra=request_body(EmployerIn),
)
def create_employer(request: AuthedRequest) -> Status[dict[str, Any]]:
    """Register an employer. Refused (409) when one with the same code exists, or when a
    probable duplicate exists (same name in the county, similar name and address) unless
    `confirm_not_duplicate` is true. Without `grid` it is placed by location, then address."""
    require_capability(request.user, Cap.WORK_READ)
    if not get_scope(request.user).has(Cap.WORK_WRITE):
        raise PermissionDenied
    try:
        payload = _parse(request, EmployerIn)
        employer = services.create_employer(
            actor=request.user,
            data=_employer_data(payload),
            grid=_grid(request.user, payload.grid),
            grid_reason=payload.grid_reason,
            confirm_not_duplicate=payload.confirm_not_duplicate,
            request=request,
        )
    except services.DuplicateEmployer as exc:
        return Status(409, _conflict(request.user, exc))
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    return Status(201, _detail_out(access_employer(request.user, employer.pk)))


@router.get("/{key}", response={200: EmployerDetailOut, **_READ})
def get_employer(request: AuthedRequest, key: str) -> dict[str, Any]:
    """One employer by id or USCC, with its current labour-use facts and register sources."""
    return _detail_out(_employer(request.user, key))


@router.patch(
    "/{key}",
    response={200: EmployerDetailOut, 409: ConflictOut, **_WRITE},
    openapi_extra=request_body(EmployerPatch),
)
def update_employer(request: AuthedRequest, key: str) -> dict[str, Any] | Status[dict[str, Any]]:
    """Change the fields present in the body (and only those). `version` must be the one the
    change was made on: if someone saved in between, 409 says who and when."""
    employer = _employer(request.user, key, Cap.WORK_WRITE)
    try:
        payload = _parse(request, EmployerPatch)
        employer = services.update_employer(
            actor=request.user,
            employer=employer,
            data=_employer_data(payload),
            expected_version=payload.version,
            grid=_grid(request.user, payload.grid),
            grid_reason=payload.grid_reason,
            reason=payload.reason,
            confirm_not_duplicate=payload.confirm_not_duplicate,
            request=request,
        )
    except services.ConcurrentEdit as exc:
        return Status(409, {"detail": clauses(exc.messages), "duplicates": []})
    except services.DuplicateEmployer as exc:
        return Status(409, _conflict(request.user, exc))
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    return _detail_out(access_employer(request.user, employer.pk))


# --- labour-use snapshots ----------------------------------------------------------------------


@router.get("/{key}/snapshots", response={200: SnapshotList, **_READ})
def list_snapshots(request: AuthedRequest, key: str) -> dict[str, Any]:
    """Every labour-use snapshot of the employer, newest first (withdrawn ones marked)."""
    employer = _employer(request.user, key)
    snaps = list(LabourSnapshot.objects.filter(employer=employer).order_by("-collected_on", "-id"))
    return {"count": len(snaps), "items": [_snapshot_out(s) for s in snaps]}


@router.post(
    "/{key}/snapshots",
    response={201: SnapshotOut, **_WRITE},
    openapi_extra=request_body(SnapshotIn),
)
def record_snapshot(request: AuthedRequest, key: str) -> Status[dict[str, Any]]:
    """Record the employer's labour-use facts (a new snapshot; it becomes the current one if it
    is the latest). Counts are checked against each other; errors name the field."""
    employer = _employer(request.user, key, Cap.WORK_WRITE)
    try:
        payload = _parse(request, SnapshotIn)
        data = payload.model_dump(mode="json", exclude={"method", "source"})
        snap = services.record_snapshot(
            actor=request.user,
            employer=employer,
            data=data,
            method=payload.method,
            source=payload.source,
        )
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    return Status(201, _snapshot_out(snap))


# --- roster ------------------------------------------------------------------------------------


@router.get("/{key}/workers", response={200: WorkerPage, 422: ErrorsOut, **_READ})
def list_workers(request: AuthedRequest, key: str, params: Query[WorkerFilters]) -> dict[str, Any]:
    """The employer's roster (职工名册) with masked ID and phone numbers."""
    employer = _employer(request.user, key)
    qs = Worker.objects.filter(employer=employer).defer("id_enc", "phone_enc", "id_index")
    if params.current:
        qs = qs.current()
    qs = qs.order_by("name", "id")
    return offset_page(qs, params, _worker_out)


@router.post(
    "/{key}/workers",
    response={201: WorkerOut, **_WRITE},
    openapi_extra=request_body(WorkerIn),
)
def add_worker(request: AuthedRequest, key: str) -> Status[dict[str, Any]]:
    """Add a person to the roster. The answer carries the numbers masked, never in full."""
    employer = _employer(request.user, key, Cap.WORK_WRITE)
    try:
        payload = _parse(request, WorkerIn)
        worker = services.add_worker(
            actor=request.user, employer=employer, data=payload.model_dump(mode="json")
        )
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    return Status(201, _worker_out(worker))


@router.post(
    "/{key}/workers/{worker_id}/reveal",
    response={200: RevealOut, **_WRITE},
    openapi_extra=request_body(RevealIn),
)
def reveal_worker_number(
    request: AuthedRequest, key: str, worker_id: int, response: HttpResponse
) -> dict[str, Any] | Status[dict[str, Any]]:
    """The full ID or phone number of a roster line. Needs the `pii.reveal` capability and a
    reason; every reveal is an audit event."""
    employer = _employer(request.user, key)
    check_write(request.user, Cap.PII_REVEAL, employer.grid_path)
    worker = access_worker(request.user, employer, worker_id)
    response["Cache-Control"] = "no-store"
    try:
        payload = _parse(request, RevealIn)
        value = services.reveal_worker_number(
            actor=request.user,
            worker=worker,
            field=payload.field,
            reason=payload.reason,
            request=request,
        )
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    return {"value": value}
