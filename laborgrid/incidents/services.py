"""Every write to incidents (ARCHITECTURE rule 1): the rapid report, the handling log, settling
and closing, linking or opening a case, the report deadlines' escalation, the configuration.

Keyword-only ``actor``; atomic; audited inside the transaction; notifications and the external
alerter after commit. Early warnings are written by ``laborgrid.incidents.early_warning``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core.scope import check_write, get_scope
from laborgrid.deadlines import services as deadlines
from laborgrid.incidents import photos as photo_store
from laborgrid.incidents.audit_actions import IncidentAction
from laborgrid.incidents.chain import chain_for
from laborgrid.incidents.choices import (
    REPORT_KINDS,
    Act,
    Department,
    IncidentStatus,
    LocateBy,
    UpdateKind,
)
from laborgrid.incidents.deadline_rules import CONTINUING, FINAL, INITIAL
from laborgrid.incidents.levels import grade
from laborgrid.incidents.models import (
    MAX_AMOUNT,
    MAX_PEOPLE,
    Incident,
    IncidentLevel,
    IncidentUpdate,
    WarningRule,
)
from laborgrid.incidents.notifier import get_alerter
from laborgrid.notifications.services import notify

if TYPE_CHECKING:
    from laborgrid.accounts.models import User
    from laborgrid.grids.models import Grid

#: A report may say the incident began up to this long ago (a phone offline for a day or two).
MAX_AGE = dt.timedelta(days=7)
#: Clock skew tolerated on a phone's time.
SKEW = dt.timedelta(minutes=10)
MAX_TEXT = 2000


class Refused(ValidationError):
    """The step is not allowed in the incident's state (409 on the API)."""


Photo = tuple[bytes, str]  # (content, declared content type)


# --- cleaning -----------------------------------------------------------------------------------


def _text(value: Any, field: str, errors: dict[str, list[str]], limit: int = MAX_TEXT) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > limit:
        errors.setdefault(field, []).append(_("不能超过 %(n)d 个字。") % {"n": limit})
    return text[:limit]


def _amount(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("请输入金额（元）。"))
        return None
    if amount < 0 or amount > MAX_AMOUNT or not amount.is_finite():
        errors.setdefault(field, []).append(_("金额超出范围。"))
        return None
    return amount


def _count(
    value: Any, field: str, errors: dict[str, list[str]], *, required: bool = False, low: int = 0
) -> int | None:
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append(_("请填写人数。"))
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        errors.setdefault(field, []).append(_("请输入整数。"))
        return None
    if n < low or n > MAX_PEOPLE:
        errors.setdefault(field, []).append(
            _("人数应在 %(low)d 至 %(high)d 之间。") % {"low": low, "high": MAX_PEOPLE}
        )
        return None
    return n


def _codes(values: Any, allowed: Sequence[str], field: str, errors: dict[str, list[str]]) -> list:
    values = [str(v) for v in (values or [])]
    bad = [v for v in values if v not in allowed]
    if bad:
        errors.setdefault(field, []).append(_("选项无效。"))
    return [v for v in allowed if v in values]  # in the vocabulary's order, each once


def _moment(value: Any, field: str, errors: dict[str, list[str]], now: dt.datetime) -> dt.datetime:
    if value in (None, ""):
        return now
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            errors.setdefault(field, []).append(_("时间格式无效。"))
            return now
    if not isinstance(value, dt.datetime):
        errors.setdefault(field, []).append(_("时间格式无效。"))
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + SKEW:
        errors.setdefault(field, []).append(_("时间不能晚于现在。"))
    elif value < now - MAX_AGE:
        errors.setdefault(field, []).append(_("只能报告 7 日内发生的事件。"))
    return value


def _point(lat: Any, lng: Any) -> tuple[float, float] | None:
    try:
        la, ln = float(lat), float(lng)
    except (TypeError, ValueError):
        return None
    if not (-90 <= la <= 90 and -180 <= ln <= 180) or la != la or ln != ln:
        return None
    return la, ln


def _writable_grid(actor: User, grid: Grid | None) -> bool:
    return grid is not None and get_scope(actor).allows(Cap.WORK_WRITE, grid.path)


def _place(
    actor: User,
    *,
    grid: Grid | None,
    point: tuple[float, float] | None,
    errors: dict[str, list[str]],
) -> tuple[Grid | None, str]:
    """The incident's grid: located from the phone's position when that falls in a grid the
    reporter covers, else the grid chosen in the form (GPS off, indoors, another grid)."""
    from laborgrid.grids.locate import locate
    from laborgrid.grids.models import Grid as GridModel
    from laborgrid.grids.selectors import user_grids

    if point is not None:
        for root in user_grids(actor):
            located = locate(root=root, lat=point[0], lng=point[1], address=None)
            if located.method == "location":
                fresh = GridModel.objects.filter(pk=located.grid.pk).first()
                if _writable_grid(actor, fresh):
                    return fresh, LocateBy.GPS
    if grid is None:
        errors.setdefault("grid", []).append(_("请选择事件发生的网格（未能根据定位确定网格）。"))
        return None, LocateBy.GRID
    if not _writable_grid(actor, grid):
        errors.setdefault("grid", []).append(_("只能报告您负责网格内的事件。"))
        return None, LocateBy.GRID
    return grid, LocateBy.GRID


# --- alerts -------------------------------------------------------------------------------------


def alert_chain(incident: Incident, *, title: str, body: str = "") -> int:
    """Tell the chain the incident's level asks for, in the app and through the alerter, once the
    transaction commits."""
    level = incident.level
    chain = chain_for(incident.grid_path, brigade=level.alert_brigade, bureau=level.alert_bureau)
    users = chain.everyone()
    sent = notify(users, title=title, body=body, url=incident.get_absolute_url())
    if users:
        alerter = get_alerter()
        transaction.on_commit(partial(alerter.send, incident=incident, users=users, message=title))
    return sent


def _summary(incident: Incident) -> str:
    acts = "、".join(incident.act_labels())
    return _("%(place)s，%(who)s，约 %(n)d 人%(acts)s") % {
        "place": incident.place or incident.grid.name,
        "who": incident.employer_name,
        "n": incident.people,
        "acts": f"（{acts}）" if acts else "",
    }


# --- the rapid report ---------------------------------------------------------------------------


def report_incident(
    *,
    actor: User,
    client_key: uuid.UUID | str | None,
    grid: Grid | None = None,
    lat: Any = None,
    lng: Any = None,
    gps_accuracy: Any = None,
    place: str = "",
    employer_id: Any = None,
    employer_name: str = "",
    project_name: str = "",
    people: Any = None,
    amount_claimed: Any = None,
    demands: str = "",
    acts: Sequence[str] = (),
    actions_taken: str = "",
    occurred_at: Any = None,
    photos: Sequence[Photo] = (),
    request: Any = None,
) -> tuple[Incident, bool]:
    """The rapid report (速报) of a mass incident by any grid staff (assistants included).

    Idempotent on ``client_key`` (generated by the phone or the form before the first attempt):
    the same key again answers the first report, never a second incident. Graded from the
    configured levels; the chain is alerted after commit; the initial report's deadline opens in
    the level's hours. Returns ``(incident, created)``.
    """
    if not get_scope(actor).has(Cap.WORK_WRITE):
        raise PermissionDenied
    try:
        key = uuid.UUID(str(client_key))
    except (TypeError, ValueError):
        raise ValidationError({"client_key": _("提交编号无效，请刷新页面后重试。")}) from None
    existing = Incident.objects.filter(client_key=key).first()
    if existing is not None:
        return _same_report(actor, existing), False
    try:
        with transaction.atomic():
            incident = _report(
                actor=actor,
                key=key,
                grid=grid,
                lat=lat,
                lng=lng,
                gps_accuracy=gps_accuracy,
                place=place,
                employer_id=employer_id,
                employer_name=employer_name,
                project_name=project_name,
                people=people,
                amount_claimed=amount_claimed,
                demands=demands,
                acts=acts,
                actions_taken=actions_taken,
                occurred_at=occurred_at,
                photos=photos,
                request=request,
            )
    except IntegrityError:
        existing = Incident.objects.filter(client_key=key).first()
        if existing is None:
            raise
        return _same_report(actor, existing), False
    return incident, True


def _same_report(actor: User, incident: Incident) -> Incident:
    if incident.reported_by_id != actor.pk:
        raise ValidationError({"client_key": _("提交编号已被使用，请刷新页面后重试。")})
    return incident


def _report(
    *, actor: User, key: uuid.UUID, photos: Sequence[Photo], request: Any, **data: Any
) -> Incident:
    from laborgrid.employers.models import Employer

    errors: dict[str, list[str]] = {}
    now = timezone.now()
    people = _count(data["people"], "people", errors, required=True, low=1)
    amount = _amount(data["amount_claimed"], "amount_claimed", errors)
    acts = _codes(data["acts"], Act.values, "acts", errors)
    occurred_at = _moment(data["occurred_at"], "occurred_at", errors, now)
    point = _point(data["lat"], data["lng"])
    grid, located_by = _place(actor, grid=data["grid"], point=point, errors=errors)
    employer = None
    if data["employer_id"] not in (None, ""):
        try:
            employer = (
                Employer.objects.visible_to(actor).filter(pk=int(data["employer_id"])).first()
            )
        except (TypeError, ValueError):
            employer = None
        if employer is None:
            errors.setdefault("employer", []).append(_("请从名录中选择用人单位，或直接填写名称。"))
    name = _text(data["employer_name"], "employer_name", errors, limit=200)
    project = _text(data["project_name"], "project_name", errors, limit=200)
    if employer is not None:
        name = employer.name
    elif not name and project:
        name = project
    if not name:
        errors.setdefault("employer_name", []).append(_("请填写用人单位或工程项目。"))
    place = _text(data["place"], "place", errors, limit=200)
    demands = _text(data["demands"], "demands", errors)
    actions = _text(data["actions_taken"], "actions_taken", errors)
    if len(photos) > photo_store.MAX_PHOTOS:
        errors.setdefault("photos", []).append(
            _("每起事件最多 %(n)d 张照片。") % {"n": photo_store.MAX_PHOTOS}
        )
    for content, ctype in photos:
        try:
            photo_store.check_photo(content, ctype)
        except ValidationError as exc:
            for msg in exc.message_dict.get("photos", exc.messages):
                if msg not in errors.get("photos", []):
                    errors.setdefault("photos", []).append(msg)
    if errors:
        raise ValidationError(errors)
    assert grid is not None and people is not None  # noqa: S101 - errors above otherwise
    graded = grade(people, amount, acts)
    accuracy = None
    try:
        accuracy = float(data["gps_accuracy"]) if point and data["gps_accuracy"] else None
    except (TypeError, ValueError):
        accuracy = None
    incident = Incident(
        client_key=key,
        grid=grid,
        grid_path=grid.path,
        located_by=located_by,
        place=place,
        lat=point[0] if point else None,
        lng=point[1] if point else None,
        gps_accuracy=accuracy,
        employer=employer,
        employer_name=name,
        project_name=project,
        people=people,
        amount_claimed=amount,
        demands=demands,
        acts=acts,
        actions_taken=actions,
        occurred_at=occurred_at,
        reported_at=now,
        reported_by=actor,
        level=graded.level,
        level_reasons=graded.reasons,
    )
    incident.full_clean(exclude=["grid_path", "client_key"])
    incident.save()
    for content, ctype in photos:
        photo_store.store_photo(actor=actor, incident=incident, content=content, content_type=ctype)
    record(
        IncidentAction.REPORTED,
        actor=actor,
        request=request,
        obj=incident,
        detail={
            "level": graded.level.code,
            "people": people,
            "acts": acts,
            "grid": grid.code,
            "photo_count": len(photos),
        },
    )
    deadlines.open_deadline(
        incident, INITIAL, now, grid=grid, amount=graded.level.initial_report_hours
    )
    alert_chain(
        incident,
        title=_("群体性事件（%(level)s）：%(who)s")
        % {"level": graded.level.display_name, "who": name},
        body=_summary(incident),
    )
    return incident


# --- the handling log ---------------------------------------------------------------------------


def _locked(incident: Incident) -> Incident:
    fresh = Incident.objects.select_for_update().get(pk=incident.pk)
    # keep the related objects already loaded by the gate
    fresh.grid = incident.grid
    fresh.level = IncidentLevel.objects.get(pk=fresh.level_id)
    return fresh


def _check_open(incident: Incident) -> None:
    if incident.status == IncidentStatus.CLOSED:
        raise Refused(_("事件已办结，不能再记录。"))


@transaction.atomic
def add_update(
    *,
    actor: User,
    incident: Incident,
    kind: str,
    text: str = "",
    at: Any = None,
    people_present: Any = None,
    staff: Sequence[Any] = (),
    departments: Sequence[str] = (),
    amount_paid: Any = None,
    workers_paid: Any = None,
    request: Any = None,
) -> IncidentUpdate:
    """One entry of the handling log. The reports meet their deadlines: the initial report opens
    the first continuing report (if the level asks for them), each continuing report the next;
    the final report is made once the incident has settled. A situation update with more people
    regrades the incident (never down) and alerts the chain again if its level rose. Wages paid
    on the spot add to the incident's totals."""
    check_write(actor, Cap.WORK_WRITE, incident.grid_path)
    incident = _locked(incident)
    _check_open(incident)
    errors: dict[str, list[str]] = {}
    if kind not in UpdateKind.values:
        errors.setdefault("kind", []).append(_("请选择记录类型。"))
    now = timezone.now()
    when = _moment(at, "at", errors, now)
    if when < incident.occurred_at - SKEW:
        errors.setdefault("at", []).append(_("时间不能早于事件发生时间。"))
    body = _text(text, "text", errors)
    present = _count(people_present, "people_present", errors)
    depts = _codes(departments, Department.values, "departments", errors)
    paid = _amount(amount_paid, "amount_paid", errors)
    paid_workers = _count(workers_paid, "workers_paid", errors)
    staff_users = list(staff)
    if kind == UpdateKind.WAGES_PAID and not paid:
        errors.setdefault("amount_paid", []).append(_("请填写现场支付的工资金额。"))
    if kind == UpdateKind.WAGES_PAID and not paid_workers:
        errors.setdefault("workers_paid", []).append(_("请填写获付工资的人数。"))
    if kind == UpdateKind.DEPARTMENTS and not depts:
        errors.setdefault("departments", []).append(_("请选择参与处置的部门。"))
    if kind == UpdateKind.ARRIVAL and not staff_users and not body:
        errors.setdefault("staff", []).append(_("请选择到场人员或写明到场情况。"))
    if kind in (UpdateKind.SITUATION, UpdateKind.NOTE) and not body and present is None:
        errors.setdefault("text", []).append(_("请填写情况。"))
    if kind in REPORT_KINDS and not body:
        errors.setdefault("text", []).append(_("请填写报告内容。"))
    for user in staff_users:
        if not get_scope(user).allows(Cap.WORK_READ, incident.grid_path):
            errors.setdefault("staff", []).append(_("到场人员应为负责该网格的工作人员。"))
            break
    if errors:
        raise ValidationError(errors)
    done = set(incident.updates.values_list("kind", flat=True))
    if kind == UpdateKind.INITIAL_REPORT and UpdateKind.INITIAL_REPORT in done:
        raise Refused(_("首报已经报送，请报送续报。"))
    if kind == UpdateKind.CONTINUING_REPORT and UpdateKind.INITIAL_REPORT not in done:
        raise Refused(_("请先报送首报。"))
    if kind == UpdateKind.FINAL_REPORT and incident.status != IncidentStatus.SETTLED:
        raise Refused(_("事件平息后才能报送终报。"))
    if kind == UpdateKind.FINAL_REPORT and UpdateKind.FINAL_REPORT in done:
        raise Refused(_("终报已经报送。"))
    update = IncidentUpdate.objects.create(
        incident=incident,
        kind=kind,
        at=when,
        text=body,
        people_present=present,
        departments=depts,
        amount_paid=paid,
        workers_paid=paid_workers,
        created_by=actor,
    )
    if staff_users:
        update.staff.set(staff_users)
    record(
        IncidentAction.UPDATE_ADDED,
        actor=actor,
        request=request,
        obj=incident,
        detail={"kind": kind, "update": update.pk},
    )
    level = incident.level
    if kind == UpdateKind.INITIAL_REPORT:
        deadlines.meet(incident, INITIAL, now)
    if kind in (UpdateKind.INITIAL_REPORT, UpdateKind.CONTINUING_REPORT):
        deadlines.meet(incident, CONTINUING, now)
        if incident.status == IncidentStatus.ACTIVE and level.continuing_report_hours:
            deadlines.open_deadline(
                incident,
                CONTINUING,
                now,
                grid=incident.grid,
                amount=level.continuing_report_hours,
            )
    if kind == UpdateKind.FINAL_REPORT:
        deadlines.meet(incident, FINAL, now)
        # The final report covers the earlier ones: nothing else is owed.
        deadlines.void(incident, INITIAL, CONTINUING)
    if kind == UpdateKind.WAGES_PAID:
        Incident.objects.filter(pk=incident.pk).update(
            wages_paid=F("wages_paid") + paid, workers_paid=F("workers_paid") + paid_workers
        )
    if present is not None and present > incident.people:
        _regrade(actor, incident, present, request)
    return update


def _regrade(actor: User, incident: Incident, people: int, request: Any) -> None:
    graded = grade(people, incident.amount_claimed, incident.acts)
    fields: dict[str, Any] = {"people": people}
    raised = graded.level.rank > incident.level.rank
    if raised:
        fields.update(level=graded.level, level_reasons=graded.reasons)
    Incident.objects.filter(pk=incident.pk).update(**fields)
    if raised:
        before = incident.level
        incident.level, incident.level_reasons, incident.people = (
            graded.level,
            graded.reasons,
            people,
        )
        record(
            IncidentAction.LEVEL_RAISED,
            actor=actor,
            request=request,
            obj=incident,
            detail={"level": graded.level.code, "from": before.code, "people": people},
        )
        alert_chain(
            incident,
            title=_("群体性事件升级为%(level)s：%(who)s")
            % {"level": graded.level.display_name, "who": incident.employer_name},
            body=_summary(incident),
        )


@transaction.atomic
def add_photos(
    *, actor: User, incident: Incident, photos: Sequence[Photo], request: Any = None
) -> int:
    """Scene photos added after the report (by anyone who may handle it)."""
    check_write(actor, Cap.WORK_WRITE, incident.grid_path)
    _check_open(incident)
    added = 0
    for content, ctype in photos:
        _photo, created = photo_store.store_photo(
            actor=actor, incident=incident, content=content, content_type=ctype
        )
        added += int(created)
    if added:
        record(
            IncidentAction.PHOTO_ADDED,
            actor=actor,
            request=request,
            obj=incident,
            detail={"n": added},
        )
    return added


@transaction.atomic
def settle_incident(
    *, actor: User, incident: Incident, outcome: str, at: Any = None, request: Any = None
) -> Incident:
    """The incident has ended (平息): the outcome is recorded, continuing reports stop and the
    final report falls due in the level's hours."""
    check_write(actor, Cap.WORK_WRITE, incident.grid_path)
    incident = _locked(incident)
    if incident.status != IncidentStatus.ACTIVE:
        raise Refused(_("只有处置中的事件可以登记平息。"))
    errors: dict[str, list[str]] = {}
    text = _text(outcome, "outcome", errors)
    if not text:
        errors.setdefault("outcome", []).append(_("请填写处置结果。"))
    now = timezone.now()
    when = _moment(at, "at", errors, now)
    if errors:
        raise ValidationError(errors)
    incident.status = IncidentStatus.SETTLED
    incident.outcome = text
    incident.settled_at = when
    incident.save(update_fields=["status", "outcome", "settled_at"])
    deadlines.void(incident, CONTINUING)
    deadlines.open_deadline(
        incident, FINAL, now, grid=incident.grid, amount=incident.level.final_report_hours
    )
    record(
        IncidentAction.SETTLED,
        actor=actor,
        request=request,
        obj=incident,
        detail={"status": incident.status},
    )
    return incident


@transaction.atomic
def close_incident(*, actor: User, incident: Incident, request: Any = None) -> Incident:
    """办结: after the final report. Nothing more is owed; the closing report can be printed."""
    check_write(actor, Cap.WORK_WRITE, incident.grid_path)
    incident = _locked(incident)
    if incident.status != IncidentStatus.SETTLED:
        raise Refused(_("事件平息并报送终报后才能办结。"))
    if not incident.updates.filter(kind=UpdateKind.FINAL_REPORT).exists():
        raise Refused(_("请先报送终报。"))
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = timezone.now()
    incident.closed_by = actor
    incident.save(update_fields=["status", "closed_at", "closed_by"])
    deadlines.void(incident)
    record(
        IncidentAction.CLOSED,
        actor=actor,
        request=request,
        obj=incident,
        detail={"status": incident.status},
    )
    return incident


# --- cases --------------------------------------------------------------------------------------


@transaction.atomic
def link_case(*, actor: User, incident: Incident, case: Any, request: Any = None) -> Incident:
    """Link an existing case (the caller found it through ``Case.objects.visible_to(actor)``)."""
    check_write(actor, Cap.WORK_WRITE, incident.grid_path)
    incident = _locked(incident)
    Incident.objects.filter(pk=incident.pk).update(case=case)
    incident.case = case
    record(
        IncidentAction.CASE_LINKED,
        actor=actor,
        request=request,
        obj=incident,
        detail={"case": case.pk, "opened": False},
    )
    return incident


@transaction.atomic
def open_case(*, actor: User, incident: Incident, request: Any = None) -> Any:
    """Open an arrears case from the incident (检查发现, wages) through the cases app's staff
    intake (``cases.services.register_complaint``: routing, deadlines, audit are its own), and
    link it."""
    from laborgrid.cases import services as cases
    from laborgrid.cases.choices import CaseKind, Category, Channel

    check_write(actor, Cap.WORK_WRITE, incident.grid_path)
    incident = _locked(incident)
    if incident.case_id:
        raise Refused(_("已关联案件。"))
    employer = incident.employer
    facts = _("群体性事件 %(ref)s：%(summary)s。诉求：%(demands)s") % {
        "ref": incident.reference,
        "summary": _summary(incident),
        "demands": incident.demands or "—",
    }
    case = cases.register_complaint(
        actor=actor,
        data={
            "kind": CaseKind.INSPECTION,
            "channel": Channel.INSPECTION,
            "category": Category.WAGES,
            "employer_name": incident.employer_name,
            "employer_code": (employer.uscc or "") if employer is not None else "",
            "employer_address": employer.address if employer is not None else "",
            # Routed like any case; the township's name in the address keeps it in the grid.
            "work_address": f"{incident.grid.name}{incident.place}"[:200],
            "work_lat": incident.lat,
            "work_lng": incident.lng,
            "facts": facts,
            "amount_owed": incident.amount_claimed,
            "workers_affected": incident.people,
            "is_continuing": True,
        },
        request=request,
    )
    Incident.objects.filter(pk=incident.pk).update(case=case)
    incident.case = case
    record(
        IncidentAction.CASE_LINKED,
        actor=actor,
        request=request,
        obj=incident,
        detail={"case": case.pk, "opened": True},
    )
    return case


# --- escalation (the deadline engine calls it) ---------------------------------------------------


def escalate_report(deadline: Any) -> int:
    """A report was not made in time: the incident is flagged (督办) and the whole chain —
    squadron, brigade and bureau leaders, whatever the level — is told. Runs inside the
    engine's transaction, once per deadline."""
    incident = (
        Incident.objects.select_related("grid", "level").filter(pk=deadline.object_id).first()
    )
    if incident is None:
        return 0
    Incident.objects.filter(pk=incident.pk).update(escalated=True)
    record(
        IncidentAction.REPORT_OVERDUE,
        username="system",
        obj=incident,
        detail={"kind": deadline.kind},
    )
    chain = chain_for(incident.grid_path, brigade=True, bureau=True)
    users = chain.everyone()
    title = _("群体性事件报告超时：%(kind)s %(ref)s · %(who)s") % {
        "kind": deadline.get_kind_display(),
        "ref": incident.reference,
        "who": incident.employer_name,
    }
    sent = notify(users, title=title, url=incident.get_absolute_url())
    if users:
        alerter = get_alerter()
        transaction.on_commit(partial(alerter.send, incident=incident, users=users, message=title))
    return sent


# --- configuration ------------------------------------------------------------------------------


def _require_configure(actor: User) -> None:
    from laborgrid.incidents.permissions import can_configure

    if not can_configure(actor):
        raise PermissionDenied


LEVEL_FIELDS = (
    "code",
    "name",
    "rank",
    "min_people",
    "min_amount",
    "trigger_acts",
    "alert_brigade",
    "alert_bureau",
    "initial_report_hours",
    "continuing_report_hours",
    "final_report_hours",
    "is_active",
)


@transaction.atomic
def save_level(
    *, actor: User, level: IncidentLevel | None, data: dict[str, Any], request: Any = None
) -> IncidentLevel:
    """Create or change a level of the emergency plan (the county brigade). Incidents already
    graded keep their level; new reports use the new thresholds."""
    _require_configure(actor)
    level = level or IncidentLevel()
    before = {f: getattr(level, f) for f in LEVEL_FIELDS} if level.pk else {}
    for f in LEVEL_FIELDS:
        if f in data:
            setattr(level, f, data[f])
    level.full_clean()
    others = IncidentLevel.objects.filter(is_active=True).exclude(pk=level.pk)
    if not level.is_active and not others.exists():
        raise ValidationError({"is_active": _("至少需要启用一个等级。")})
    level.save()
    changed = sorted(f for f in LEVEL_FIELDS if before.get(f) != getattr(level, f))
    record(
        IncidentAction.LEVEL_CONFIGURED,
        actor=actor,
        request=request,
        obj=level,
        detail={"level": level.code, "fields": changed},
    )
    return level


RULE_FIELDS = ("is_active", "window_days", "threshold", "weeks_before")


@transaction.atomic
def save_rule(
    *, actor: User, rule: WarningRule, data: dict[str, Any], request: Any = None
) -> WarningRule:
    _require_configure(actor)
    before = {f: getattr(rule, f) for f in RULE_FIELDS}
    for f in RULE_FIELDS:
        if f in data:
            setattr(rule, f, data[f])
    rule.full_clean()
    rule.save()
    record(
        IncidentAction.RULE_CONFIGURED,
        actor=actor,
        request=request,
        obj=rule,
        detail={
            "rule": rule.key,
            "fields": sorted(f for f in RULE_FIELDS if before[f] != getattr(rule, f)),
        },
    )
    return rule
