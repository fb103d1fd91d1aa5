"""``/api/v1/collection``: the assignee's tasks and the submissions a phone syncs (issue 5 §8).

Same gates and services as the pages. A submission names a client-generated UUID: sending it
again (a retried sync) answers 200 with the first submission, never a second row. It also names
the employer's snapshot (``base_snapshot``) and version the phone downloaded; if the employer's
current snapshot is another one now, the answer is 409 with both versions field by field, and
nothing is stored — the person chooses per field and sends again on the new base.

Errors are JSON ``{"detail": ...}``; 422 carries ``errors`` per field.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from laborgrid.accounts.roles import Cap
from laborgrid.collection import photos, services
from laborgrid.collection.choices import Outcome, PhotoKind
from laborgrid.collection.models import MAX_PHOTO_BYTES, CollectionTask, Submission
from laborgrid.collection.permissions import access_submission, access_task
from laborgrid.collection.selectors import my_tasks
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.api import _invalid, _parse
from laborgrid.employers.models import LabourSnapshot
from laborgrid.employers.schemas import ErrorsOut, Message

router = Router(tags=["collection"])


class TaskFilters(Schema):
    mine: bool = Field(True, description="only my tasks (the only listing offered)")
    lat: float | None = Field(None, ge=-90, le=90, description="the phone's position")
    lng: float | None = Field(None, ge=-180, le=180)


class TaskOut(Schema):
    id: int
    round: int
    round_name: str
    status: str
    priority: int
    due_on: date
    overdue: bool
    distance_m: float | None
    employer: int
    employer_name: str
    uscc: str | None
    address: str
    lat: float | None
    lng: float | None
    grid: str
    grid_name: str
    base_snapshot: int | None
    base_version: int
    last_collected_on: date | None
    review_comment: str
    form_url: str
    prefill: dict[str, Any] = Field(
        default_factory=dict,
        description="the A3 items of the employer's current snapshot (base_snapshot), to prefill",
    )


class TaskList(Schema):
    count: int
    items: list[TaskOut]


class SubmissionIn(Schema):
    client_uuid: uuid.UUID
    task: int
    outcome: Outcome = Outcome.COLLECTED
    data: dict[str, Any] = Field(default_factory=dict, description="the A3 items")
    outcome_note: str = Field("", max_length=300)
    base_snapshot: int | None = None
    base_version: int = 0
    gps_lat: float | None = None
    gps_lng: float | None = None
    gps_accuracy: float | None = None
    contact_name: str = Field("", max_length=60)
    contact_confirmed: bool = False
    visited_at: datetime | None = None


class SubmissionOut(Schema):
    id: uuid.UUID
    client_uuid: uuid.UUID
    task: int
    status: str
    outcome: str
    submitted_at: datetime
    gps_distance: float | None
    problems: list[str]
    photos: list[str]


class ConflictField(Schema):
    field: str
    label: str
    base: Any = None
    mine: Any = None
    server: Any = None
    changed_on_server: bool


class ConflictServer(Schema):
    snapshot: int | None
    collected_on: date | None
    collector_name: str
    values: dict[str, Any]


class SubmissionConflict(Schema):
    detail: str
    task: int
    server: ConflictServer
    mine: dict[str, Any]
    fields: list[ConflictField]


class PhotoOut(Schema):
    kind: str
    size: int
    content_type: str
    sha256: str


def _task_out(m: Any, today: date, prefill: dict[int, dict[str, Any]]) -> dict[str, Any]:
    t = m.task
    e = t.employer
    return {
        "id": t.pk,
        "round": t.round_id,
        "round_name": t.round.name,
        "status": t.status,
        "priority": t.priority,
        "due_on": t.due_on,
        "overdue": t.is_overdue(today),
        "distance_m": round(m.distance, 1) if m.distance is not None else None,
        "employer": e.pk,
        "employer_name": e.name,
        "uscc": e.uscc,
        "address": e.address,
        "lat": e.lat,
        "lng": e.lng,
        "grid": t.grid.code,
        "grid_name": t.grid.name,
        "base_snapshot": e.current_snapshot_id,
        "base_version": e.version,
        "last_collected_on": e.last_collected_on,
        "review_comment": m.returned.review_comment
        if m.returned and t.status == "returned"
        else "",
        "form_url": t.get_absolute_url(),
        "prefill": prefill.get(e.current_snapshot_id or 0, {}),
    }


def submission_out(s: Submission) -> dict[str, Any]:
    return {
        "id": s.pk,
        "client_uuid": s.client_uuid,
        "task": s.task_id,
        "status": s.status,
        "outcome": s.outcome,
        "submitted_at": s.submitted_at,
        "gps_distance": s.gps_distance,
        "problems": s.problems,
        "photos": sorted(s.photos.values_list("kind", flat=True)),
    }


def conflict_out(exc: services.Conflict) -> dict[str, Any]:
    server = exc.server
    return {
        "detail": _("该单位的劳动用工信息在您下载后已被更新，请逐项选择保留哪一方的数据。"),
        "task": exc.task.pk,
        "server": {
            "snapshot": server.pk if server else None,
            "collected_on": server.collected_on if server else None,
            "collector_name": server.collector_name if server else "",
            "values": services.snapshot_values(server),
        },
        "mine": exc.mine,
        "fields": exc.fields,
    }


@router.get("/tasks", response={200: TaskList})
def list_tasks(request: AuthedRequest, filters: Query[TaskFilters]) -> dict[str, Any]:
    """My collection tasks in open rounds (not done), by due date, then distance from `lat`/`lng`
    when given, then priority (never-collected employers first)."""
    from django.utils import timezone

    require_capability(request.user, Cap.WORK_READ)
    items = my_tasks(request.user, lat=filters.lat, lng=filters.lng)
    today = timezone.localdate()
    ids = {m.task.employer.current_snapshot_id for m in items} - {None}
    prefill = {s.pk: services.snapshot_values(s) for s in LabourSnapshot.objects.filter(pk__in=ids)}
    return {"count": len(items), "items": [_task_out(m, today, prefill) for m in items]}


@router.post(
    "/submissions",
    response={
        200: SubmissionOut,
        201: SubmissionOut,
        400: Message,
        403: Message,
        404: Message,
        409: SubmissionConflict | Message,
        413: Message,
        422: ErrorsOut,
    },
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": SubmissionIn.model_json_schema()}},
            "required": True,
        }
    },
)
def create_submission(request: AuthedRequest) -> Status[dict[str, Any]]:
    """File a visit's result. Idempotent by `client_uuid` (200 with the first submission when
    sent again). 409 when the employer's facts changed since `base_snapshot` was downloaded (with
    both versions, field by field) or when the task already awaits review."""
    require_capability(request.user, Cap.WORK_READ)
    payload = _parse(request, SubmissionIn)
    task: CollectionTask = access_task(request.user, payload.task, Cap.WORK_WRITE)
    try:
        sub, created = services.submit(
            actor=request.user,
            task=task,
            client_uuid=payload.client_uuid,
            outcome=payload.outcome.value,
            data=payload.data,
            base_snapshot_id=payload.base_snapshot,
            base_version=payload.base_version,
            gps_lat=payload.gps_lat,
            gps_lng=payload.gps_lng,
            gps_accuracy=payload.gps_accuracy,
            contact_name=payload.contact_name,
            contact_confirmed=payload.contact_confirmed,
            outcome_note=payload.outcome_note,
            visited_at=payload.visited_at,
            request=request,
        )
    except services.Conflict as exc:
        return Status(409, conflict_out(exc))
    except services.AlreadySubmitted as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    return Status(201 if created else 200, submission_out(sub))


@router.post(
    "/submissions/{submission_id}/photos/{kind}",
    response={200: PhotoOut, 201: PhotoOut, 403: Message, 404: Message, 422: ErrorsOut},
)
def upload_photo(
    request: AuthedRequest,
    submission_id: uuid.UUID,
    kind: str,
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja reads the marker
) -> Status[dict[str, Any]]:
    """Attach a photo (`licence`, `rights_board`, `roster`) to my pending submission, as a
    multipart `file`. JPEG, PNG or WebP by content (not by name), at most 2 MB. Sending the
    same bytes again changes nothing (200)."""
    sub = access_submission(request.user, submission_id)
    if kind not in PhotoKind.values:
        raise Http404
    if file is None:  # checked after the gate: another grid's id answers 404 whatever is sent
        return Status(422, _invalid(ValidationError({"file": [_("请上传照片文件。")]})))
    if file.size is not None and file.size > MAX_PHOTO_BYTES:
        return Status(422, _invalid(ValidationError({"file": [_("照片过大。")]})))
    try:
        photo, created = photos.add_photo(
            actor=request.user,
            submission=sub,
            kind=kind,
            content=file.read(MAX_PHOTO_BYTES + 1),
            content_type=file.content_type or "",
            request=request,
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        return Status(422, _invalid(exc))
    return Status(
        201 if created else 200,
        {
            "kind": photo.kind,
            "size": photo.size,
            "content_type": photo.content_type,
            "sha256": photo.sha256,
        },
    )
