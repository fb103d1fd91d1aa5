"""Deadlines of B1.10: computed in working days through ``laborgrid.workdays``, stored with the
calendar version, closed when the step is taken, escalated when missed (DOMAIN A4).

The start day is not counted. A working-day period that runs into a year without official
calendar data gets no due date: the case shows "calendar missing for YEAR" (never a guess).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.cases import clock
from laborgrid.cases.choices import DayType, DeadlineKind
from laborgrid.cases.models import Case, Deadline

#: kind → (length, day type, legal basis) (B1.10; D-numbers in comments).
RULES: dict[str, tuple[int, str, str]] = {
    DeadlineKind.ACCEPTANCE: (5, DayType.WORKING, "若干规定第十八条"),  # D1
    DeadlineKind.CORRECTION: (15, DayType.WORKING, "补正答复期限（地方规定）"),  # D20
    DeadlineKind.INVESTIGATION: (60, DayType.WORKING, "劳动保障监察条例第十七条"),  # D3
    DeadlineKind.DECISION: (15, DayType.WORKING, "若干规定；青岛条例第三十一条"),  # D5
    DeadlineKind.PENALTY_CAP: (90, DayType.CALENDAR, "行政处罚法第六十条"),  # D10
    DeadlineKind.HEARING_REQUEST: (5, DayType.WORKING, "行政处罚法第六十四条、第八十五条"),  # D8
    DeadlineKind.SERVICE: (7, DayType.WORKING, "行政处罚法第六十一条、第八十五条"),  # D6
    DeadlineKind.NOTIFY_COMPLAINANT: (3, DayType.CALENDAR, "浙江条例第三十条（地方）"),  # D17
    DeadlineKind.FINE_PAYMENT: (15, DayType.CALENDAR, "行政处罚法第六十七条"),  # D11
}
#: Extension of the investigation period (D4): +30 working days.
EXTENSION_DAYS = 30
#: A deadline this close (calendar days) is "due soon" on the boards.
DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class Computed:
    due: dt.date | None
    calendar_version: str
    missing_years: tuple[int, ...]


def compute(start: dt.date, days: int, day_type: str) -> Computed:
    """The due date of a period of ``days`` after ``start`` (start day not counted)."""
    from laborgrid.workdays import services as workdays

    if day_type == DayType.CALENDAR:
        return Computed(start + dt.timedelta(days=days), workdays.calendar_version(), ())
    result = workdays.add_workdays(start, days)
    return Computed(result.date, result.calendar_version, tuple(result.missing_years))


def refresh_warning(case: Case) -> None:
    years = sorted({y for d in case.deadlines.pending() for y in (d.missing_years or [])})
    text = (
        _("日历缺少 %(years)s 年的官方数据，期限无法计算，请管理员补充节假日安排。")
        % {"years": "、".join(str(y) for y in years)}
        if years
        else ""
    )
    if text != case.calendar_warning:
        case.calendar_warning = text[:200]
        Case.objects.filter(pk=case.pk).update(calendar_warning=case.calendar_warning)
        if years:
            alert_calendar_admins(years)


def alert_calendar_admins(years: list[int]) -> None:
    """Tell the system administrators that deadlines wait for a year's official calendar (A4),
    once: no second unread notification for the same years."""
    from laborgrid.accounts.models import GridAssignment, User
    from laborgrid.accounts.roles import Role
    from laborgrid.notifications.services import notify

    title = _("日历缺少 %(years)s 年的官方数据：案件期限无法计算") % {
        "years": "、".join(str(y) for y in years)
    }
    admins = User.objects.filter(
        pk__in=GridAssignment.objects.current().filter(role=Role.SYSADMIN).values("user_id"),
        is_active=True,
    )
    try:
        url = reverse("workdays:calendar_year")
    except NoReverseMatch:
        url = ""
    notify(
        admins,
        title=title,
        body=_("请按国务院办公厅通知补充该年度的节假日安排。"),
        url=url,
        once=True,
    )


def open_deadline(case: Case, kind: str, start: dt.date, *, days: int | None = None) -> Deadline:
    """Compute and store a deadline (an earlier pending one of the same kind is voided)."""
    length, day_type, basis = RULES[kind]
    length = days if days is not None else length
    case.deadlines.pending().filter(kind=kind).update(voided=True)
    c = compute(start, length, day_type)
    deadline = Deadline.objects.create(
        case=case,
        kind=kind,
        start=start,
        days=length,
        day_type=day_type,
        due=c.due,
        calendar_version=c.calendar_version,
        missing_years=list(c.missing_years),
        basis=basis,
    )
    refresh_warning(case)
    return deadline


def meet(case: Case, kind: str, on: dt.date) -> None:
    """The step the deadline was for has been taken on ``on``."""
    case.deadlines.pending().filter(kind=kind).update(met_on=on)
    refresh_warning(case)


def void(case: Case, *kinds: str) -> None:
    qs = case.deadlines.pending()
    if kinds:
        qs = qs.filter(kind__in=kinds)
    qs.update(voided=True)
    refresh_warning(case)


def extend_investigation(case: Case) -> Deadline | None:
    """+30 working days from the current investigation due date (条例 Art. 17, D4)."""
    current = case.deadlines.pending().filter(kind=DeadlineKind.INVESTIGATION).first()
    if current is None:
        return None
    base = current.due or current.start
    c = compute(base, EXTENSION_DAYS, DayType.WORKING)
    current.voided = True
    current.save(update_fields=["voided"])
    deadline = Deadline.objects.create(
        case=case,
        kind=DeadlineKind.INVESTIGATION,
        start=current.start,
        days=current.days + EXTENSION_DAYS,
        day_type=DayType.WORKING,
        due=c.due if current.due is not None else None,
        calendar_version=c.calendar_version,
        missing_years=sorted(set(current.missing_years or []) | set(c.missing_years)),
        basis=_("劳动保障监察条例第十七条（经批准延长 30 个工作日）"),
    )
    refresh_warning(case)
    return deadline


def resume_investigation(case: Case, suspended_since: dt.date, resumed_on: dt.date) -> None:
    """After a suspension (中止) the clock resumes: the due date moves by the working days the
    case spent suspended (B1.5, 浙江 Art. 30)."""
    from laborgrid.workdays import services as workdays

    current = case.deadlines.pending().filter(kind=DeadlineKind.INVESTIGATION).first()
    if current is None or current.due is None:
        return
    paused = workdays.workdays_between(suspended_since, resumed_on)
    if paused is None:  # a year without calendar data: say so rather than guess
        current.missing_years = sorted(set(current.missing_years or []) | {resumed_on.year})
        current.due = None
        current.save(update_fields=["missing_years", "due"])
        refresh_warning(case)
        return
    if paused <= 0:
        return
    c = compute(current.due, paused, DayType.WORKING)
    current.voided = True
    current.save(update_fields=["voided"])
    Deadline.objects.create(
        case=case,
        kind=DeadlineKind.INVESTIGATION,
        start=current.start,
        days=current.days + paused,
        day_type=DayType.WORKING,
        due=c.due,
        calendar_version=c.calendar_version,
        missing_years=list(c.missing_years),
        basis=current.basis,
    )
    refresh_warning(case)


def recompute_pending(*, since_version: str | None = None) -> int:
    """Recompute pending working-day deadlines not yet due (the calendar changed; A4). Returns
    how many due dates moved."""
    today = clock.today()
    moved = 0
    qs = (
        Deadline.objects.pending()
        .filter(day_type=DayType.WORKING)
        .filter(Q(due__gte=today) | Q(due__isnull=True))
    )
    if since_version:
        qs = qs.exclude(calendar_version=since_version)
    for d in qs.select_related("case").iterator():
        c = compute(d.start, d.days, d.day_type)
        if (c.due, c.calendar_version) != (d.due, d.calendar_version):
            moved += int(c.due != d.due)
            Deadline.objects.filter(pk=d.pk).update(
                due=c.due, calendar_version=c.calendar_version, missing_years=list(c.missing_years)
            )
            refresh_warning(d.case)
    return moved


def escalate_overdue(*, today: dt.date | None = None) -> list[int]:
    """Flag cases with an overdue deadline for supervision by the level above (挂牌督办) and
    notify the staff of the parent grid. Idempotent; returns the ids newly flagged."""
    from laborgrid.cases.services.routing import notify_staff

    today = today or clock.today()
    ids = list(
        Case.objects.filter(escalated=False, deadlines__in=Deadline.objects.overdue(today))
        .values_list("pk", flat=True)
        .distinct()
    )
    flagged: list[int] = []
    for pk in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("grid").get(pk=pk)
            if case.escalated:
                continue
            _flag(case, today)
            flagged.append(pk)
            notify_staff(
                supervising_grid(case),
                title=_("挂牌督办：案件 %(ref)s 已超期") % {"ref": case.reference},
                url=case.get_absolute_url(),
                exact=True,
            )
    return flagged


def supervising_grid(case: Case) -> Any:
    """The level above the squadron that handles the case: a village or park case is handled by
    its township squadron, so the county supervises; a township case, the county; a county
    case, the county itself (or the level above where there is one)."""
    from laborgrid.core.paths import path_codes
    from laborgrid.grids.choices import GridLevel
    from laborgrid.grids.models import Grid

    chain = list(
        Grid.objects.filter(code__in=path_codes(case.grid_path)).defer("boundary").order_by("depth")
    )
    squadron = next((g for g in reversed(chain) if g.level == GridLevel.TOWNSHIP), chain[-1])
    index = chain.index(squadron)
    return chain[index - 1] if index > 0 else squadron


def _flag(case: Case, today: dt.date) -> None:
    from laborgrid.cases.choices import Action, CaseState
    from laborgrid.cases.models import CaseTransition

    case.escalated = True
    case.escalated_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(escalated=True, escalated_at=case.escalated_at)
    CaseTransition.objects.create(
        case=case,
        action=Action.ESCALATE,
        from_state=case.state,
        to_state=CaseState(case.state),
        reason=_("期限已届满未办结，提请上级挂牌督办。"),
        detail={"on": today.isoformat()},
    )


def countdown(deadline: Deadline, today: dt.date | None = None) -> dict[str, Any]:
    """What a page shows for a deadline: status, days left, the warning when uncomputable."""
    return {
        "deadline": deadline,
        "status": deadline.status(today),
        "days_left": deadline.days_left(today),
    }
