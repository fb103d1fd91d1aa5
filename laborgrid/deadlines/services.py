"""Every write to deadlines: open, meet, void, move, recompute after a calendar change, escalate.

Counting (DOMAIN A4, B1.10):

* the start day is not counted (民法典 Art. 201; 民事诉讼法 Art. 85);
* working days (工作日) count only the working days of the official calendar
  (``laborgrid.workdays``, B7), so a period never ends on a holiday; a period that runs into a
  year without official calendar data is computed **provisionally** (暂定: weekends and the
  statutory holidays of 全国年节及纪念日放假办法, ``provisional=True``, the years named), the
  system administrators are alerted, and it is recomputed when the year's notice is entered;
  only a year no rule covers leaves no due date (never a guess);
* calendar days (自然日): ``start + N`` days;
* hours (小时): ``start_at + N`` clock hours (``due_at``), holidays included; ``due`` is its local
  date.

Every due date is stored with the calendar version it was computed with; a working-day deadline
not yet due is recomputed when the calendar changes (``recompute_for_calendar_change``, called
by the calendar's edit services and by the daily run).

These functions are called by the services of the app that owns the object, inside that
service's transaction and after its permission check; the owning service writes the audit event
of the step (e.g. ``cases.services.common.transition``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.audit.services import record
from laborgrid.deadlines.audit_actions import DeadlineAction
from laborgrid.deadlines.choices import Unit
from laborgrid.deadlines.models import Deadline, DeadlineQuerySet
from laborgrid.deadlines.registry import get_rule, get_subject

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Computed:
    """A computed due date (``None``: a year of the span has no official calendar data)."""

    due: dt.date | None
    calendar_version: str
    missing_years: tuple[int, ...]
    due_at: dt.datetime | None = None
    provisional: bool = False


def compute(start: dt.date, amount: int, unit: str) -> Computed:
    """The last day of a period of ``amount`` days (``unit``) after ``start``, start not counted."""
    from laborgrid.workdays import services as workdays

    if unit == Unit.CALENDAR:
        return Computed(start + dt.timedelta(days=amount), workdays.calendar_version(), ())
    if unit == Unit.HOURS:
        raise ValueError("an hours deadline is computed from a moment: use compute_hours")
    result = workdays.add_workdays(start, amount, provisional=True)
    return Computed(
        result.date,
        result.calendar_version,
        tuple(result.missing_years),
        provisional=result.provisional,
    )


def compute_hours(start_at: dt.datetime, amount: int) -> Computed:
    """``start_at + amount`` clock hours (holidays included); ``due`` is the local date."""
    from laborgrid.workdays import services as workdays

    if timezone.is_naive(start_at):
        raise ValueError("start_at must be timezone-aware")
    due_at = start_at + dt.timedelta(hours=amount)
    return Computed(timezone.localdate(due_at), workdays.calendar_version(), (), due_at)


def _content_type(obj: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(obj)


def build(
    obj: models.Model,
    kind: str,
    start: dt.date | dt.datetime,
    *,
    grid: Any,
    amount: int | None = None,
    basis: str | None = None,
    computed: Computed | None = None,
) -> Deadline:
    """An unsaved deadline of ``obj`` (``open_deadline`` saves it; demo seeding bulk-inserts
    many). ``computed``: an already computed result for the same start, amount and unit."""
    rule = get_rule(kind)
    length = rule.amount if amount is None else amount
    start_at: dt.datetime | None = None
    if rule.unit == Unit.HOURS:
        if not isinstance(start, dt.datetime):
            raise ValueError(f"deadline kind {kind!r} counts hours: give the start as a datetime")
        start_at, start_day = start, timezone.localdate(start)
        c = computed or compute_hours(start, length)
    else:
        start_day = timezone.localdate(start) if isinstance(start, dt.datetime) else start
        c = computed or compute(start_day, length, rule.unit)
    return Deadline(
        content_type=_content_type(obj),
        object_id=obj.pk,
        kind=kind,
        grid=grid,
        grid_path=grid.path,
        start=start_day,
        start_at=start_at,
        amount=length,
        unit=rule.unit,
        due=c.due,
        due_at=c.due_at,
        calendar_version=c.calendar_version,
        missing_years=list(c.missing_years),
        provisional=c.provisional,
        basis=rule.basis if basis is None else basis,
    )


def pending_for(obj: models.Model, *kinds: str) -> DeadlineQuerySet:
    qs = Deadline.objects.for_object(obj).pending()
    return qs.filter(kind__in=kinds) if kinds else qs


@transaction.atomic
def open_deadline(
    obj: models.Model,
    kind: str,
    start: dt.date | dt.datetime,
    *,
    grid: Any,
    amount: int | None = None,
    basis: str | None = None,
    alert_missing: bool = True,
) -> Deadline:
    """Compute and store a deadline of ``obj``; an earlier pending one of the same kind is voided
    (a period restarts, e.g. acceptance after a correction). ``amount`` overrides the rule's
    length (an extension); ``grid``: the grid handling the object (the board it shows on).
    ``alert_missing``: alert the calendar administrators when a year is missing (an app that
    words its own alert passes False)."""
    pending_for(obj, kind).update(voided=True)
    deadline = build(obj, kind, start, grid=grid, amount=amount, basis=basis)
    deadline.save()
    if alert_missing and deadline.missing_years:
        alert_calendar_admins(list(deadline.missing_years), provisional=deadline.provisional)
    return deadline


@transaction.atomic
def replace(current: Deadline, **changes: Any) -> Deadline:
    """Void ``current`` and store a copy with ``changes`` (an extension, a resumed clock): the
    old computation stays on record."""
    Deadline.objects.filter(pk=current.pk).update(voided=True)
    current.voided = True
    fresh = Deadline(
        **{
            f.attname: getattr(current, f.attname)
            for f in Deadline._meta.concrete_fields
            if not f.primary_key
        }
    )
    fresh.voided = False
    fresh.escalation_level, fresh.escalated_at = 0, None  # a new period: escalated afresh
    fresh.created_at = timezone.now()
    for name, value in changes.items():
        setattr(fresh, name, value)
    fresh.save()
    return fresh


def add_pause(current: Deadline, since: dt.date, until: dt.date) -> Deadline:
    """The clock of a working-day period stood still from ``since`` to ``until`` (中止 and
    resumed): the working days between are added to the period and the due date moves. When a
    year of the pause has no calendar data yet, the pause is kept on the deadline, which has no
    due date until the calendar is entered; ``recompute_for_calendar_change`` then counts it, so
    the pause is never lost (A4: no guess)."""
    from laborgrid.workdays import services as workdays

    pauses = [*current.uncounted_pauses, [since.isoformat(), until.isoformat()]]
    counted = _count_pauses(pauses)
    if counted is None:
        missing = set(current.missing_years or [])
        for a, b in pauses:
            missing |= set(
                workdays.missing_years(dt.date.fromisoformat(a), dt.date.fromisoformat(b))
            )
        return replace(
            current,
            uncounted_pauses=pauses,
            due=None,
            provisional=False,
            missing_years=sorted(missing),
        )
    if counted <= 0:
        return current
    amount = current.amount + counted
    c = compute(current.start, amount, current.unit)
    return replace(
        current,
        amount=amount,
        uncounted_pauses=[],
        due=c.due,
        calendar_version=c.calendar_version,
        missing_years=list(c.missing_years),
        provisional=c.provisional,
    )


def _count_pauses(pauses: list[list[str]]) -> int | None:
    """Working days in the stopped-clock intervals; ``None`` while a year lacks calendar data."""
    from laborgrid.workdays import services as workdays

    total = 0
    for a, b in pauses:
        days = workdays.workdays_between(dt.date.fromisoformat(a), dt.date.fromisoformat(b))
        if days is None:
            return None
        total += max(days, 0)
    return total


def meet(obj: models.Model, kind: str, on: dt.date | dt.datetime) -> int:
    """The step the deadline was for was taken on ``on`` (a date, or a moment for hours)."""
    if isinstance(on, dt.datetime):
        return pending_for(obj, kind).update(met_on=timezone.localdate(on), met_at=on)
    return pending_for(obj, kind).update(met_on=on)


def void(obj: models.Model, *kinds: str) -> int:
    """The deadlines (all pending ones, or those of ``kinds``) no longer apply."""
    return pending_for(obj, *kinds).update(voided=True)


def move(obj: models.Model, grid: Any) -> int:
    """The object went to another grid (re-routing, merge): its deadlines follow it to that
    grid's board. The clock is not touched."""
    return Deadline.objects.for_object(obj).update(grid=grid, grid_path=grid.path)


def alert_calendar_admins(
    years: list[int], *, title: str | None = None, provisional: bool = False
) -> int:
    """Tell the system administrators that deadlines wait for a year's official calendar (A4),
    once: no second unread notification with the same title. ``provisional``: the deadlines were
    computed provisionally (暂定) meanwhile."""
    from laborgrid.accounts.models import GridAssignment, User
    from laborgrid.accounts.roles import Role
    from laborgrid.notifications.services import notify

    named = {"years": "、".join(str(y) for y in sorted(years))}
    if title is None and provisional:
        title = _("日历缺少 %(years)s 年的官方数据：期限暂按法定节假日计算（暂定）") % named
    title = title or _("日历缺少 %(years)s 年的官方数据：期限无法计算") % named
    admins = User.objects.filter(
        pk__in=GridAssignment.objects.current().filter(role=Role.SYSADMIN).values("user_id"),
        is_active=True,
    )
    try:
        url = reverse("workdays:calendar_year")
    except NoReverseMatch:
        url = ""
    return notify(
        admins,
        title=title,
        body=_("请按国务院办公厅通知补充该年度的节假日安排（可粘贴通知全文导入）。"),
        url=url,
        once=True,
    )


def recompute_for_calendar_change(
    *, today: dt.date | None = None, since_version: str | None = None
) -> int:
    """Recompute pending working-day deadlines not yet due, without a due date, or provisional
    (暂定, even past due: the notice may move them) after the calendar changed (A4);
    ``since_version``: only those computed with another version. Tells each registered subject
    which of its objects moved. Returns how many due dates moved."""
    today = today or timezone.localdate()
    qs = (
        Deadline.objects.pending()
        .filter(unit=Unit.WORKING)
        .filter(Q(due__gte=today) | Q(due__isnull=True) | Q(provisional=True))
    )
    if since_version:
        qs = qs.exclude(calendar_version=since_version)
    moved = 0
    touched: dict[int, set[int]] = {}
    for d in qs.iterator():
        amount = d.amount
        if d.uncounted_pauses:
            paused = _count_pauses(d.uncounted_pauses)
            if paused is None:  # the calendar still lacks a year of the pause
                continue
            amount += paused
        c = compute(d.start, amount, d.unit)
        if (amount, c.due, c.calendar_version, c.provisional) != (
            d.amount,
            d.due,
            d.calendar_version,
            d.provisional,
        ):
            moved += int(c.due != d.due)
            Deadline.objects.filter(pk=d.pk).update(
                amount=amount,
                uncounted_pauses=[],
                due=c.due,
                calendar_version=c.calendar_version,
                missing_years=list(c.missing_years),
                provisional=c.provisional,
            )
            touched.setdefault(d.content_type_id, set()).add(d.object_id)
    for ct_id, ids in touched.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        subject = get_subject(model._meta.label_lower) if model is not None else None
        if subject is not None and subject.on_recomputed is not None:
            subject.on_recomputed(sorted(ids))
    return moved


@dataclass(frozen=True)
class Escalation:
    """One deadline escalated by ``escalate_overdue`` and what its handler answered."""

    deadline: Deadline
    result: Any


def escalate_overdue(
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    model: type[models.Model] | None = None,
) -> list[Escalation]:
    """Escalate every pending overdue deadline not escalated yet (级别 0 → 1), once: each in its
    own transaction, the row locked, then the kind's ``escalate`` handler (e.g. 挂牌督办 of a
    case) or, without one, a notification to the staff of the grid above. Idempotent."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    qs = Deadline.objects.overdue(today, now).filter(escalation_level=0)
    if model is not None:
        qs = qs.for_model(model)
    done: list[Escalation] = []
    for pk in list(qs.order_by("due", "id").values_list("pk", flat=True)):
        with transaction.atomic():
            d = (
                Deadline.objects.select_for_update()
                .filter(pk=pk, escalation_level=0, met_on__isnull=True, voided=False)
                .first()
            )
            if d is None:
                continue
            d.escalation_level = 1
            d.escalated_at = now
            d.save(update_fields=["escalation_level", "escalated_at"])
            handler = _escalation_handler(d.kind)
            result = handler(d, today) if handler is not None else notify_grid_above(d)
            # The system escalates (no actor); the kind's handler may record its own step too.
            record(
                DeadlineAction.DEADLINE_ESCALATED,
                username="system",
                obj=d,
                # Codes, read on the log page in the reader's language (registered in apps.py).
                detail={"kind": d.kind, "due": str(d.due)},
            )
            done.append(Escalation(d, result))
    return done


def kind_label(kind: str) -> str | None:
    """A kind's name in the active language; None for a kind no app registers (any more)."""
    try:
        return str(get_rule(kind).label)
    except LookupError:
        return None


def _escalation_handler(kind: str) -> Any:
    """The kind's handler; a kind no app registers any more falls back to the default."""
    try:
        return get_rule(kind).escalate
    except LookupError:
        log.warning("escalating a deadline of unregistered kind %r", kind)
        return None


def notify_grid_above(deadline: Deadline) -> int:
    """The default escalation: the handling staff of the grid above the deadline's grid (the
    county for a township, the township for a village) are told, after commit."""
    from laborgrid.accounts.models import GridAssignment, User
    from laborgrid.accounts.roles import Role
    from laborgrid.core.paths import path_codes
    from laborgrid.notifications.services import notify

    codes = path_codes(deadline.grid_path)
    above = codes[-2] if len(codes) > 1 else codes[-1]
    ids = (
        GridAssignment.objects.current()
        .filter(
            grid__code=above,
            role__in=[Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER, Role.GRID_OFFICER],
        )
        .values("user_id")
    )
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    model = deadline.content_type.model_class()
    subject = get_subject(model) if model is not None else None
    obj = deadline.subject
    text = subject.describe(obj) if subject is not None and obj is not None else ""
    url = (
        subject.url(obj) if subject is not None and obj is not None else reverse("deadlines:board")
    )
    title = _("期限已超期：%(kind)s %(what)s") % {"kind": deadline.get_kind_display(), "what": text}
    return notify(users, title=title, url=url)
