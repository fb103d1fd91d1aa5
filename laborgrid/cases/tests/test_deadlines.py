"""Deadline arithmetic across holidays and 调休 days, recomputation and the daily command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from laborgrid.cases.choices import DayType
from laborgrid.cases.services.deadlines import compute, recompute_pending
from laborgrid.deadlines.models import Deadline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (dt.date(2026, 9, 30), 5, dt.date(2026, 10, 13)),  # 国庆 Oct 1–7, Oct 10 (Sat) worked
        (dt.date(2026, 9, 18), 1, dt.date(2026, 9, 20)),  # Sunday Sep 20 is a 调休 working day
        (dt.date(2026, 2, 13), 1, dt.date(2026, 2, 14)),  # Saturday Feb 14 worked before 春节
        (dt.date(2026, 2, 14), 1, dt.date(2026, 2, 24)),  # 春节 Feb 15–23
        (dt.date(2026, 4, 30), 3, dt.date(2026, 5, 8)),  # 劳动节 May 1–5; May 6, 7, 8
        (dt.date(2026, 5, 8), 1, dt.date(2026, 5, 9)),  # Saturday May 9 worked
        (dt.date(2026, 1, 1), 1, dt.date(2026, 1, 4)),  # 元旦 Jan 1–3; Sunday Jan 4 worked
    ],
)
def test_working_days_across_holidays_and_make_up_days(
    start: dt.date, days: int, due: dt.date
) -> None:
    result = compute(start, days, DayType.WORKING)
    assert result.due == due and result.calendar_version and not result.missing_years


def test_calendar_days_and_missing_years() -> None:
    assert compute(dt.date(2026, 10, 9), 90, DayType.CALENDAR).due == dt.date(2027, 1, 7)
    # 2027 has no notice yet: provisional (暂定), from weekends and its statutory holidays.
    provisional = compute(dt.date(2026, 12, 24), 60, DayType.WORKING)
    assert provisional.due == dt.date(2027, 3, 23) and provisional.provisional
    assert provisional.missing_years == (2027,)


def test_daily_command_recomputes_and_escalates(on_day: object) -> None:
    from django.utils import timezone

    from laborgrid.cases.models import Case

    d = (
        Deadline.objects.pending()
        .filter(unit=DayType.WORKING, due__gte=timezone.localdate())
        .first()
    )
    assert d is not None
    Deadline.objects.filter(pk=d.pk).update(
        calendar_version="old", due=d.due + dt.timedelta(days=1) if d.due else None
    )
    out = StringIO()
    call_command("check_case_deadlines", stdout=out)
    d.refresh_from_db()
    assert d.calendar_version != "old"  # recomputed: a deadline not yet due follows the calendar
    assert d.due == compute(d.start, d.amount, d.unit).due
    assert "escalated" in out.getvalue()
    assert recompute_pending() == 0
    assert Case.objects.filter(escalated=True).exists()
