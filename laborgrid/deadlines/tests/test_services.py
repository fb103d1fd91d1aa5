"""The engine: units, the calendar (missing years, recomputation on edit), meet/void, escalation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditEvent
from laborgrid.deadlines import services
from laborgrid.deadlines.choices import Unit
from laborgrid.deadlines.models import Deadline
from laborgrid.deadlines.registry import get_rule, register_kind
from laborgrid.deadlines.tests.conftest import DAYS_KIND, HOURS_KIND
from laborgrid.grids.models import Grid
from laborgrid.notifications.models import Notification
from laborgrid.testing.personas import MAOCHANG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_kinds")]


def _grid() -> Grid:
    return Grid.objects.get(code=MAOCHANG)


def test_working_days_skip_holidays_and_start_day() -> None:
    grid = _grid()
    d = services.open_deadline(grid, DAYS_KIND, dt.date(2026, 9, 30), grid=grid, amount=5)
    # 国庆 Oct 1–7 rest, Saturday Oct 10 worked: the fifth working day after Sep 30 is Oct 13.
    assert d.due == dt.date(2026, 10, 13) and d.calendar_version and d.unit == Unit.WORKING
    assert d.grid_path == grid.path and d.basis == "测试" and d.due_at is None


def test_hours_count_clock_hours() -> None:
    grid = _grid()
    start = dt.datetime(2026, 10, 1, 9, 30, tzinfo=timezone.get_current_timezone())  # a holiday
    d = services.open_deadline(grid, HOURS_KIND, start, grid=grid)
    assert d.due_at == start + dt.timedelta(hours=24)
    assert d.due == dt.date(2026, 10, 2) and d.start == dt.date(2026, 10, 1)
    with pytest.raises(ValueError):
        services.open_deadline(grid, HOURS_KIND, dt.date(2026, 10, 1), grid=grid)


def test_missing_year_gives_a_provisional_due_date_then_recomputes_when_the_year_is_entered(
    django_capture_on_commit_callbacks: Any,
) -> None:
    grid = _grid()
    with django_capture_on_commit_callbacks(execute=True):
        d = services.open_deadline(grid, DAYS_KIND, dt.date(2026, 12, 24), grid=grid)
    # 60 working days: 2027 counted with its statutory holidays only (元旦 Jan 1; 春节 除夕 Feb 5
    # to 初三 Feb 8), weekends off: Tuesday 2027-03-23, provisional (暂定).
    assert d.due == dt.date(2027, 3, 23) and d.provisional and d.missing_years == [2027]
    assert d.status() == "open"
    assert Notification.objects.filter(
        user__username="sysadmin", title__contains="2027", title__icontains="暂定"
    ).exists()
    from laborgrid.workdays.services import save_calendar_year

    # The administrator enters 2027 (here: no holidays at all): recomputed at once, final.
    save_calendar_year(
        actor=User.objects.get(username="sysadmin"), year=2027, is_complete=True, notice="测试"
    )
    d.refresh_from_db()
    assert d.due == dt.date(2027, 3, 18) and not d.provisional and d.missing_years == []


def test_a_provisional_deadline_already_past_is_still_recomputed() -> None:
    from laborgrid.workdays import services as workdays
    from laborgrid.workdays.choices import YearSource
    from laborgrid.workdays.models import CalendarRevision, CalendarYear

    grid = _grid()
    d = services.open_deadline(grid, DAYS_KIND, dt.date(2026, 12, 24), grid=grid)
    # 2027 arrives (another process wrote it), read on 2027-04-01: the provisional due date
    # (03-23) has passed, the notice still moves it.
    CalendarYear.objects.create(year=2027, is_complete=True, source=YearSource.ADMINISTRATOR)
    CalendarRevision.objects.filter(pk=1).update(number=998)
    workdays.clear_cache()
    try:
        assert services.recompute_for_calendar_change(today=dt.date(2027, 4, 1)) >= 1
        d.refresh_from_db()
        assert d.due == dt.date(2027, 3, 18) and not d.provisional
        assert d.calendar_version == "r998"
    finally:
        workdays.clear_cache()  # the rows roll back with the test: the cache must not keep them


def test_a_year_no_rule_covers_gives_no_due_date(django_capture_on_commit_callbacks: Any) -> None:
    """Before 2004 there is no calendar data and the 2024 rule does not apply: never a guess."""
    grid = _grid()
    with django_capture_on_commit_callbacks(execute=True):
        d = services.open_deadline(grid, DAYS_KIND, dt.date(2003, 6, 2), grid=grid)
    assert d.due is None and d.missing_years == [2003] and not d.provisional
    assert d.status() == "unknown"
    assert (
        Notification.objects.filter(user__username="sysadmin", title__contains="2003")
        .filter(title__contains="无法计算")
        .exists()
    )


def test_reopening_voids_the_earlier_one_and_meet_and_void() -> None:
    grid = _grid()
    first = services.open_deadline(grid, DAYS_KIND, dt.date(2026, 3, 2), grid=grid)
    second = services.open_deadline(grid, DAYS_KIND, dt.date(2026, 3, 9), grid=grid)
    first.refresh_from_db()
    assert first.voided and not second.voided
    assert services.meet(grid, DAYS_KIND, dt.date(2026, 3, 10)) == 1
    second.refresh_from_db()
    assert second.met_on == dt.date(2026, 3, 10) and second.status() == "met"
    services.open_deadline(grid, DAYS_KIND, dt.date(2026, 3, 11), grid=grid)
    assert services.void(grid) == 1
    assert not services.pending_for(grid).exists()


def test_escalation_notifies_the_grid_above_once(django_capture_on_commit_callbacks: Any) -> None:
    grid = _grid()
    start = timezone.now() - dt.timedelta(hours=30)
    d = services.open_deadline(grid, HOURS_KIND, start, grid=grid)
    assert d.status() == "overdue"
    with django_capture_on_commit_callbacks(execute=True):
        done = services.escalate_overdue(model=Grid)
    assert [e.deadline.pk for e in done] == [d.pk]
    d.refresh_from_db()
    assert d.escalation_level == 1 and d.escalated_at is not None
    # The county is above the township: its inspector is told.
    assert Notification.objects.filter(
        user__username="county", title__contains="测试报告时限"
    ).exists()
    assert services.escalate_overdue(model=Grid) == []  # once
    event = AuditEvent.objects.filter(action="deadline_escalated").latest("id")
    assert event.object_id == str(d.pk) and event.detail["kind"] == HOURS_KIND
    assert str(get_rule(HOURS_KIND).label) in "".join(event.detail_items)
    assert event.action_label == "期限逾期督办"


def test_registry_refuses_a_second_definition() -> None:
    assert get_rule(HOURS_KIND).unit == Unit.HOURS
    with pytest.raises(ImproperlyConfigured):
        register_kind(HOURS_KIND, model=Grid, label="x", amount=48, unit=Unit.HOURS, basis="")
    with pytest.raises(LookupError):
        get_rule("no.such.kind")


def test_case_deadlines_live_in_the_engine_table() -> None:
    # The demo's case deadlines were written into this table, scoped by their case's grid.
    row = Deadline.objects.filter(content_type__app_label="cases").first()
    assert row is not None and row.grid_path and get_rule(row.kind).model == "cases.case"
