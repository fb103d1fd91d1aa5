"""Deadlines of B1.10 for cases, kept by the deadline engine (``laborgrid.deadlines``): computed
in working days through ``laborgrid.workdays``, stored with the calendar version, closed when the
step is taken, escalated when missed (DOMAIN A4). The kinds and their lengths are registered in
``laborgrid.cases.deadline_rules``.

The start day is not counted. A working-day period that runs into a year without official
calendar data gets no due date: the case shows "calendar missing for YEAR" (never a guess).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.cases import clock
from laborgrid.cases.choices import DayType, DeadlineKind
from laborgrid.cases.deadline_rules import RULES
from laborgrid.cases.models import Case
from laborgrid.deadlines import services as engine
from laborgrid.deadlines.models import DUE_SOON_DAYS, Deadline
from laborgrid.deadlines.services import Computed

__all__ = [
    "DUE_SOON_DAYS",
    "EXTENSION_DAYS",
    "RULES",
    "Computed",
    "compute",
    "countdown",
    "escalate_overdue",
    "extend_investigation",
    "meet",
    "open_deadline",
    "recompute_pending",
    "refresh_warning",
    "resume_investigation",
    "void",
]

#: Extension of the investigation period (D4): +30 working days.
EXTENSION_DAYS = 30


def compute(start: dt.date, days: int, day_type: str) -> Computed:
    """The due date of a period of ``days`` after ``start`` (start day not counted)."""
    return engine.compute(start, days, day_type)


def refresh_warning(case: Case) -> None:
    """Store which years the case's pending deadlines wait for (``Case.calendar_warning``, as
    data) and alert the administrators when that changes."""
    pending = [d for d in case.deadlines.pending() if d.missing_years]
    years = sorted({y for d in pending for y in d.missing_years})
    provisional = all(d.provisional for d in pending)
    code = ""
    if years:
        code = f"{'provisional' if provisional else 'missing'}:{','.join(map(str, years))}"
    if code != case.calendar_warning:
        case.calendar_warning = code[:200]
        Case.objects.filter(pk=case.pk).update(calendar_warning=case.calendar_warning)
        if years:
            alert_calendar_admins(years, provisional=provisional)


def warning_text(code: str) -> str:
    """The case's calendar warning in the reader's language ("" when none)."""
    kind, _sep, listed = code.partition(":")
    if not listed:
        return ""
    named = {"years": "、".join(listed.split(","))}
    if kind == "provisional":
        return (
            _(
                "日历缺少 %(years)s 年的官方数据，期限暂按周末和法定节假日计算（暂定），"
                "管理员录入节假日安排后重新计算。"
            )
            % named
        )
    return _("日历缺少 %(years)s 年的官方数据，期限无法计算，请管理员补充节假日安排。") % named


def alert_calendar_admins(years: list[int], *, provisional: bool = False) -> None:
    """Tell the system administrators that case deadlines wait for a year's official calendar
    (A4), once: no second unread notification for the same years."""
    named = {"years": "、".join(str(y) for y in years)}
    if provisional:
        title = _("日历缺少 %(years)s 年的官方数据：案件期限暂定") % named
    else:
        title = _("日历缺少 %(years)s 年的官方数据：案件期限无法计算") % named
    engine.alert_calendar_admins(years, title=title)


def open_deadline(
    case: Case, kind: str, start: dt.date, *, days: int | None = None, basis: str | None = None
) -> Deadline:
    """Compute and store a deadline (an earlier pending one of the same kind is voided)."""
    deadline = engine.open_deadline(
        case, kind, start, grid=case.grid, amount=days, basis=basis, alert_missing=False
    )
    refresh_warning(case)
    return deadline


def meet(case: Case, kind: str, on: dt.date) -> None:
    """The step the deadline was for has been taken on ``on``."""
    engine.meet(case, kind, on)
    refresh_warning(case)


def void(case: Case, *kinds: str) -> None:
    engine.void(case, *kinds)
    refresh_warning(case)


def extend_investigation(case: Case) -> Deadline | None:
    """+30 working days from the current investigation due date (条例 Art. 17, D4)."""
    current = case.deadlines.pending().filter(kind=DeadlineKind.INVESTIGATION).first()
    if current is None:
        return None
    base = current.due or current.start
    c = compute(base, EXTENSION_DAYS, DayType.WORKING)
    deadline = engine.replace(
        current,
        amount=current.amount + EXTENSION_DAYS,
        unit=DayType.WORKING,
        due=c.due if current.due is not None else None,
        calendar_version=c.calendar_version,
        missing_years=sorted(set(current.missing_years or []) | set(c.missing_years)),
        provisional=current.provisional or c.provisional,
        basis=_("劳动保障监察条例第十七条（经批准延长 30 个工作日）"),
    )
    refresh_warning(case)
    return deadline


def resume_investigation(case: Case, suspended_since: dt.date, resumed_on: dt.date) -> None:
    """After a suspension (中止) the clock resumes: the due date moves by the working days the
    case spent suspended (B1.5, 浙江 Art. 30). A pause in a year without calendar data is kept
    and counted when the calendar is entered (``engine.add_pause``)."""
    current = case.deadlines.pending().filter(kind=DeadlineKind.INVESTIGATION).first()
    if current is None:
        return
    engine.add_pause(current, suspended_since, resumed_on)
    refresh_warning(case)


def recompute_pending(*, since_version: str | None = None) -> int:
    """Recompute pending working-day deadlines not yet due (the calendar changed; A4). Returns
    how many due dates moved. The engine recomputes every object's deadlines; for cases it then
    refreshes the calendar warning (``deadline_rules``)."""
    return engine.recompute_for_calendar_change(today=clock.today(), since_version=since_version)


def escalate_overdue(*, today: dt.date | None = None) -> list[int]:
    """Flag cases with an overdue deadline for supervision by the level above (挂牌督办) and
    notify the staff of the parent grid. Idempotent; returns the ids newly flagged."""
    today = today or clock.today()
    done = engine.escalate_overdue(today=today, model=Case)
    return [e.result for e in done if e.result]


def escalate_case(deadline: Deadline, today: dt.date) -> int | None:
    """The escalation of a missed case deadline (registered in ``deadline_rules``; run by the
    engine inside its transaction): the case is flagged once, whatever deadline is missed."""
    return _escalate_case(deadline.object_id, today)


def escalate_case_of_record(deadline: Deadline, today: dt.date) -> int | None:
    """A missed deadline of an investigation record (D7) escalates the record's case."""
    from laborgrid.cases.models import CaseRecord

    case_id = CaseRecord.objects.filter(pk=deadline.object_id).values_list("case_id", flat=True)
    return _escalate_case(case_id.get(), today)


def _escalate_case(case_id: Any, today: dt.date) -> int | None:
    from laborgrid.cases.services.routing import notify_staff

    case = Case.objects.select_for_update().select_related("grid").get(pk=case_id)
    if case.escalated:
        return None
    _flag(case, today)
    notify_staff(
        supervising_grid(case),
        title=_("挂牌督办：案件 %(ref)s 已超期") % {"ref": case.reference},
        url=case.get_absolute_url(),
        exact=True,
    )
    return case.pk


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
    from laborgrid.cases.choices import Action
    from laborgrid.cases.services.common import transition

    case.escalated = True
    case.escalated_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(escalated=True, escalated_at=case.escalated_at)
    transition(
        case,
        Action.ESCALATE,
        actor=None,
        reason=_("期限已届满未办结，提请上级挂牌督办。"),
        detail={"on": today.isoformat()},
    )


def countdown(deadline: Deadline, today: dt.date | None = None) -> dict[str, Any]:
    """What a page shows for a deadline: status, days left, the warning when uncomputable."""
    return {
        "deadline": deadline,
        "status": deadline.status(today or clock.today()),
        "days_left": deadline.days_left(today or clock.today()),
    }
