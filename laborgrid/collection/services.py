"""Every write of field collection (ARCHITECTURE rule 1): rounds, reassignment, submissions,
photos and review. Each function checks the actor's duty on the grid path, runs inside one
transaction and writes an audit event.

The collection standard's rules (DOMAIN A3) are not repeated here: a submission is checked by
``laborgrid.employers.services.coerce_into`` + ``validate_snapshot`` on an unsaved
``LabourSnapshot``, and an approved one is recorded by ``employers.services.record_snapshot`` —
so it is the employer's new snapshot, on its archive timeline, with its risk flags refreshed.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.collection.audit_actions import CollectionAudit
from laborgrid.collection.choices import (
    Outcome,
    RoundKind,
    RoundStatus,
    SubmissionStatus,
    TaskStatus,
)
from laborgrid.collection.models import (
    CollectionRound,
    CollectionTask,
    Submission,
)
from laborgrid.collection.permissions import (
    COLLECTOR_ROLES,
    can_manage,
    can_reassign,
    can_review,
    holds,
)
from laborgrid.core.jobs import start_job
from laborgrid.core.scope import check_write
from laborgrid.employers import services as employers
from laborgrid.employers.choices import CollectionMethod
from laborgrid.employers.models import Employer, LabourSnapshot
from laborgrid.grids.models import Grid

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: The A3 items a submission carries (the snapshot's fields; GPS travels beside them).
A3_FIELDS: tuple[str, ...] = tuple(
    f for f in employers.SNAPSHOT_FIELDS if f not in ("gps_lat", "gps_lng", "gps_accuracy")
)
#: Warn the reviewer (and the phone) when the visit was this far from the registered location.
FAR_METRES = 500.0
GENERATE_JOB = "collection.generate"


# --- values ----------------------------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A field value as JSON keeps it (dates ISO, decimals as text)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


def field_label(name: str) -> str:
    """The snapshot field's label (the registry's own wording)."""
    return str(cast(models.Field, LabourSnapshot._meta.get_field(name)).verbose_name)


def display_value(name: str, value: Any) -> Any:
    """A JSON value as a person reads it: the choice's label where the field has choices."""
    f = cast(models.Field, LabourSnapshot._meta.get_field(name))
    if f.choices and value not in (None, ""):
        return str(dict(f.flatchoices).get(value, value))
    return value


def snapshot_values(snap: LabourSnapshot | None) -> dict[str, Any]:
    return {f: (json_value(getattr(snap, f)) if snap else None) for f in A3_FIELDS}


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine; plenty for "is the phone at the place")."""
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


# --- rounds ----------------------------------------------------------------------------------


def open_round(
    *,
    actor: User,
    name: str,
    kind: str,
    grid: Grid,
    starts_on: date,
    ends_on: date,
    grid_codes: list[str] | None = None,
    filters: Mapping[str, Any] | None = None,
    note: str = "",
    request: Any = None,
) -> CollectionRound:
    """Open a round on ``grid``'s subtree and queue the generation of its tasks (a job).

    Only the county brigade or a township squadron leader at or above ``grid`` opens rounds. A
    targeted round lists its employers (ids within the grid); the others select by kind.
    """
    if not can_manage(actor, grid.path):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append(_("请填写轮次名称。"))
    if kind not in RoundKind.values:
        errors.setdefault("kind", []).append(_("请选择轮次类型。"))
    if ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("截止日期不能早于开始日期。"))
    codes = sorted(set(grid_codes or []))
    if codes:
        found = set(
            Grid.objects.filter(code__in=codes, path__under=grid.path).values_list(
                "code", flat=True
            )
        )
        if found != set(codes):
            errors.setdefault("grid_codes", []).append(_("所选网格须在范围网格之内。"))
    flt = dict(filters or {})
    if kind == RoundKind.TARGETED:
        ids = [int(i) for i in flt.get("employer_ids") or []]
        visible = set(
            Employer.objects.current()
            .filter(pk__in=ids, grid_path__under=grid.path)
            .values_list("pk", flat=True)
        )
        if not ids:
            errors.setdefault("employer_ids", []).append(_("指定名单轮次须列出单位。"))
        elif visible != set(ids):
            errors.setdefault("employer_ids", []).append(
                _("名单中有 %(n)s 家单位不在范围网格内或已合并。") % {"n": len(set(ids) - visible)}
            )
        flt["employer_ids"] = sorted(visible)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rnd = CollectionRound.objects.create(
            name=name.strip()[:100],
            kind=kind,
            grid=grid,
            grid_path=grid.path,
            grid_codes=codes,
            filters=flt,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
            opened_by=actor,
        )
        job = start_job(
            kind=GENERATE_JOB,
            title=_("生成采集任务：%(name)s") % {"name": rnd.name},
            actor=actor,
            params={"round": rnd.pk},
        )
        rnd.job = job
        rnd.save(update_fields=["job"])
        record(
            CollectionAudit.ROUND_OPENED,
            actor=actor,
            request=request,
            obj=rnd,
            detail={"grid": grid.code, "kind": kind, "grids": codes, "filters": flt},
        )
    return rnd


def close_round(*, actor: User, rnd: CollectionRound, request: Any = None) -> CollectionRound:
    """End a round: its open tasks leave the assignees' lists (progress keeps them)."""
    if not can_manage(actor, rnd.grid_path):
        raise PermissionDenied
    if rnd.status != RoundStatus.OPEN:
        raise ValidationError(_("只有进行中的轮次可以结束。"))
    with transaction.atomic():
        CollectionRound.objects.filter(pk=rnd.pk).update(status=RoundStatus.CLOSED)
        rnd.status = RoundStatus.CLOSED
        record(CollectionAudit.ROUND_CLOSED, actor=actor, request=request, obj=rnd)
    return rnd


# --- tasks -----------------------------------------------------------------------------------


def reassign_task(
    *,
    actor: User,
    task: CollectionTask,
    assignee: Any,
    due_on: date | None = None,
    reason: str = "",
    request: Any = None,
) -> CollectionTask:
    """Give a task to another collector of its grid (and/or move its due date); audited."""
    if not can_reassign(actor, task.grid_path):
        raise PermissionDenied
    if task.status == TaskStatus.DONE:
        raise ValidationError(_("已完成的任务不能改派。"))
    if assignee is not None and not holds(assignee, COLLECTOR_ROLES, task.grid_path):
        raise ValidationError({"assignee": [_("该人员不是此网格的协管员或专职工作人员。")]})
    before = {"assignee": task.assignee_id, "due_on": task.due_on.isoformat()}
    with transaction.atomic():
        task.assignee = assignee
        if due_on is not None:
            task.due_on = due_on
        task.save(update_fields=["assignee", "due_on", "updated_at"])
        record(
            CollectionAudit.TASK_REASSIGNED,
            actor=actor,
            request=request,
            obj=task,
            detail={
                "before": before,
                "after": {"assignee": task.assignee_id, "due_on": task.due_on.isoformat()},
                "reason": reason[:200],
            },
        )
    return task


def add_field_task(
    *, actor: User, employer: Employer, request: Any = None
) -> CollectionTask | None:
    """A new employer found in the field joins the finder's open round that covers its grid, as
    the finder's own task (never collected: first priority). None when no such round is open."""
    from laborgrid.collection.choices import Priority

    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    rounds = [
        r
        for r in CollectionRound.objects.visible_to(actor)
        .filter(status=RoundStatus.OPEN)
        .order_by("-opened_at")
        if employer.grid_path.startswith(r.grid_path)
    ]
    if not rounds:
        return None
    rnd = rounds[0]
    with transaction.atomic():
        task, created = CollectionTask.objects.get_or_create(
            round=rnd,
            employer=employer,
            defaults={
                "grid_id": employer.grid_id,
                "grid_path": employer.grid_path,
                "assignee": actor,
                "due_on": rnd.ends_on,
                "priority": Priority.NEVER,
            },
        )
        if created:
            CollectionRound.objects.filter(pk=rnd.pk).update(
                tasks_created=models.F("tasks_created") + 1
            )
            record(
                CollectionAudit.FIELD_TASK_ADDED,
                actor=actor,
                request=request,
                obj=task,
                detail={"employer": employer.pk, "round": rnd.pk},
            )
    return task


# --- submissions -----------------------------------------------------------------------------


@dataclass
class Conflict(Exception):
    """The employer's record changed on the server since the phone downloaded it."""

    task: CollectionTask
    server: LabourSnapshot | None
    base: LabourSnapshot | None
    mine: dict[str, Any]
    fields: list[dict[str, Any]] = field(default_factory=list)


class AlreadySubmitted(ValidationError):
    """The task already has a submission awaiting review, or is done."""


def _conflict_fields(
    mine: Mapping[str, Any], base: LabourSnapshot | None, server: LabourSnapshot | None
) -> list[dict[str, Any]]:
    """Field by field: the items where my value differs from the server's current one."""
    probe = LabourSnapshot()
    try:
        employers.coerce_into(probe, mine, A3_FIELDS)
        typed = snapshot_values(probe)
    except ValidationError:
        typed = {f: mine.get(f) for f in A3_FIELDS}
    base_values, server_values = snapshot_values(base), snapshot_values(server)
    out = []
    for name in A3_FIELDS:
        if name not in mine:
            continue
        if typed.get(name) != server_values[name]:
            out.append(
                {
                    "field": name,
                    "label": field_label(name),
                    "base": base_values[name],
                    "mine": typed.get(name),
                    "server": server_values[name],
                    "changed_on_server": base_values[name] != server_values[name],
                }
            )
    return out


def _checked_facts(
    employer: Employer, data: Mapping[str, Any]
) -> tuple[dict[str, Any], LabourSnapshot]:
    """The A3 items checked by the registry's own rules (DOMAIN A3), as JSON values, and the
    unsaved snapshot they make (for the problem flags)."""
    snap = LabourSnapshot(employer=employer, method=CollectionMethod.FIELD_VISIT)
    errors: dict[str, list[str]] = {}
    try:
        employers.coerce_into(snap, data, A3_FIELDS)
    except ValidationError as exc:
        errors = dict(exc.message_dict)
    if snap.collected_on is None:
        snap.collected_on = timezone.localdate()
    if snap.arrears is None:
        snap.arrears = False
    if snap.is_construction is None:
        snap.is_construction = False
    if snap.employees is None and "employees" not in errors:
        errors["employees"] = [_("请填写职工总数。")]
    if snap.contracts_signed is None and "contracts_signed" not in errors:
        errors["contracts_signed"] = [_("请填写已签劳动合同人数。")]
    try:
        employers.validate_snapshot(snap, skip=set(errors))
    except ValidationError as exc:
        for k, msgs in exc.message_dict.items():
            errors.setdefault(k, []).extend(m for m in msgs if m not in errors.get(k, []))
    if errors:
        raise ValidationError(errors)
    mw = employers.minimum_wage_for(employer.grid_path, snap.collected_on)
    snap.minimum_wage = mw.monthly if mw else None
    return snapshot_values(snap), snap


def submit(
    *,
    actor: User,
    task: CollectionTask,
    client_uuid: uuid.UUID,
    outcome: str,
    data: Mapping[str, Any],
    base_snapshot_id: int | None,
    base_version: int = 0,
    gps_lat: float | None = None,
    gps_lng: float | None = None,
    gps_accuracy: float | None = None,
    contact_name: str = "",
    contact_confirmed: bool = False,
    outcome_note: str = "",
    visited_at: datetime | None = None,
    request: Any = None,
) -> tuple[Submission, bool]:
    """File what the assignee found at the visit; returns (submission, created).

    Idempotent by ``client_uuid``: the same submission sent again (a retried sync) returns the
    first one, never a second row. Refused with :class:`Conflict` when the employer's current
    snapshot is not the one the phone downloaded (``base_snapshot_id``) — the person resolves
    it field by field and sends again on the new base; nothing is overwritten silently.
    """
    existing = Submission.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.task_id != task.pk or existing.submitted_by_id != actor.pk:
            raise ValidationError({"client_uuid": [_("该提交编号已被使用。")]})
        return existing, False
    check_write(actor, Cap.WORK_WRITE, task.grid_path)
    if task.assignee_id != actor.pk:
        raise PermissionDenied
    if task.round.status != RoundStatus.OPEN:
        raise AlreadySubmitted(_("该采集轮次已结束。"))
    if task.status == TaskStatus.SUBMITTED:
        raise AlreadySubmitted(_("该任务已提交，正在等待审核。"))
    if task.status == TaskStatus.DONE:
        raise AlreadySubmitted(_("该任务已完成。"))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("请选择采集结果。")]})
    employer = Employer.objects.select_related("current_snapshot").get(pk=task.employer_id)
    errors: dict[str, list[str]] = {}
    facts: dict[str, Any] = {}
    flags: dict[str, bool] = {}
    if outcome == Outcome.COLLECTED:
        if (employer.current_snapshot_id or None) != (base_snapshot_id or None):
            base = (
                LabourSnapshot.objects.filter(pk=base_snapshot_id, employer=employer).first()
                if base_snapshot_id
                else None
            )
            server = employer.current_snapshot
            raise Conflict(
                task=task,
                server=server,
                base=base,
                mine=dict(data),
                fields=_conflict_fields(data, base, server),
            )
        try:
            facts, snap = _checked_facts(employer, data)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            flags = {
                "flag_arrears": bool(snap.arrears),
                "flag_no_contracts": snap.has_no_contracts,
                "flag_below_min_wage": snap.below_minimum_wage,
                "flag_uninsured": snap.uninsured,
            }
        if not contact_confirmed or not contact_name.strip():
            errors.setdefault("contact_name", []).append(
                _("请单位联系人核对后填写姓名并勾选确认。")
            )
    elif outcome == Outcome.MOVED and not outcome_note.strip():
        errors.setdefault("outcome_note", []).append(_("请填写单位的新地址或去向。"))
    if (gps_lat is None) != (gps_lng is None):
        errors.setdefault("gps_lat", []).append(_("定位的经度和纬度须同时提供。"))
    elif (
        gps_lat is not None
        and gps_lng is not None
        and not (-90 <= gps_lat <= 90 and -180 <= gps_lng <= 180)
    ):
        errors.setdefault("gps_lat", []).append(_("定位坐标无效。"))
    if gps_accuracy is not None and gps_accuracy < 0:
        errors.setdefault("gps_accuracy", []).append(_("定位精度无效。"))
    if errors:
        raise ValidationError(errors)
    distance = None
    if None not in (gps_lat, gps_lng, employer.lat, employer.lng):
        distance = round(distance_m(gps_lat, gps_lng, employer.lat, employer.lng), 1)  # type: ignore[arg-type]
    sub = Submission(
        client_uuid=client_uuid,
        task=task,
        employer=employer,
        grid_path=task.grid_path,
        outcome=outcome,
        data=facts,
        outcome_note=outcome_note.strip()[:300],
        base_snapshot_id=base_snapshot_id,
        base_version=base_version,
        gps_lat=gps_lat,
        gps_lng=gps_lng,
        gps_accuracy=gps_accuracy,
        gps_distance=distance,
        contact_name=contact_name.strip()[:60],
        contact_confirmed=contact_confirmed,
        visited_at=visited_at or timezone.now(),
        submitted_by=actor,
        **flags,
    )
    try:
        with transaction.atomic():
            sub.save(force_insert=True)
            CollectionTask.objects.filter(pk=task.pk).update(
                status=TaskStatus.SUBMITTED, updated_at=timezone.now()
            )
            record(
                CollectionAudit.SUBMITTED,
                actor=actor,
                request=request,
                obj=sub,
                detail={"task": task.pk, "employer": employer.pk, "outcome": outcome},
            )
    except IntegrityError:
        # A concurrent retry of the same submission won the insert: answer with its row.
        existing = Submission.objects.filter(client_uuid=client_uuid, task=task).first()
        if existing is None:
            raise AlreadySubmitted(_("该任务已提交，正在等待审核。")) from None
        return existing, False
    task.status = TaskStatus.SUBMITTED
    return sub, True


# --- review ----------------------------------------------------------------------------------


def _pending(submission: Submission) -> Submission:
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if current.status != SubmissionStatus.PENDING:
        raise ValidationError(_("该提交已审核。"))
    return current


def approve(
    *, actor: User, submission: Submission, comment: str = "", request: Any = None
) -> Submission:
    """The squadron accepts a submission: collected facts become the employer's new labour-use
    snapshot (``employers.services.record_snapshot``: method 实地采集, the assignee as collector);
    the task is done. Refused if the employer's facts changed after the phone downloaded them
    (the reviewer returns it instead, and the assignee resolves the conflict)."""
    if not can_review(actor, submission):
        raise PermissionDenied
    with transaction.atomic():
        sub = _pending(submission)
        employer = Employer.objects.select_for_update().get(pk=sub.employer_id)
        snapshot = None
        if sub.outcome == Outcome.COLLECTED:
            if (employer.current_snapshot_id or None) != (sub.base_snapshot_id or None):
                raise ValidationError(
                    _("提交后该单位的劳动用工信息已被更新，请退回采集人核对冲突项后重新提交。")
                )
            task = sub.task
            snapshot = employers.record_snapshot(
                actor=actor,
                employer=employer,
                data={
                    **sub.data,
                    "gps_lat": sub.gps_lat,
                    "gps_lng": sub.gps_lng,
                    "gps_accuracy": sub.gps_accuracy,
                },
                method=CollectionMethod.FIELD_VISIT,
                source=_("采集任务：%(round)s") % {"round": task.round.name},
                collector=sub.submitted_by,
            )
        sub.status = SubmissionStatus.APPROVED
        sub.reviewed_by = actor
        sub.reviewed_at = timezone.now()
        sub.review_comment = comment.strip()[:500]
        sub.snapshot = snapshot
        sub.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "snapshot"]
        )
        CollectionTask.objects.filter(pk=sub.task_id).update(
            status=TaskStatus.DONE, outcome=sub.outcome, updated_at=timezone.now()
        )
        record(
            CollectionAudit.APPROVED,
            actor=actor,
            request=request,
            obj=sub,
            detail={"snapshot": snapshot.pk if snapshot else None, "outcome": sub.outcome},
        )
    return sub


def return_submission(
    *, actor: User, submission: Submission, comment: str, request: Any = None
) -> Submission:
    """Send a submission back to its assignee with what to fix; they correct and resubmit."""
    if not can_review(actor, submission):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError({"comment": [_("请写明退回原因和需要修改的内容。")]})
    with transaction.atomic():
        sub = _pending(submission)
        sub.status = SubmissionStatus.RETURNED
        sub.reviewed_by = actor
        sub.reviewed_at = timezone.now()
        sub.review_comment = comment.strip()[:500]
        sub.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        CollectionTask.objects.filter(pk=sub.task_id).update(
            status=TaskStatus.RETURNED, updated_at=timezone.now()
        )
        record(CollectionAudit.RETURNED, actor=actor, request=request, obj=sub)
    return sub
