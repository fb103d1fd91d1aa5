"""The calendar service: the interface the case workflow uses, its cache, and the audited edits."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from laborgrid.accounts.models import User
from laborgrid.audit.models import AuditEvent
from laborgrid.workdays import services
from laborgrid.workdays.audit_actions import CalendarAction
from laborgrid.workdays.choices import DayKind, Holiday, YearSource
from laborgrid.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def sysadmin() -> User:
    return User.objects.get(username="sysadmin")


def test_seeded_from_chinese_calendar() -> None:
    years = CalendarYear.objects.filter(source=YearSource.PACKAGE, is_complete=True)
    assert set(years.values_list("year", flat=True)) >= set(range(2004, 2027))
    row = CalendarYear.objects.get(year=2026)
    assert row.source_version == "1.11.0"
    national = CalendarDay.objects.get(date=date(2026, 10, 1))
    assert (national.kind, national.holiday) == (DayKind.REST, Holiday.NATIONAL_DAY)
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).kind == DayKind.WORK
    assert services.seed_from_package() == []  # idempotent


def test_issue_6_checks() -> None:
    result = services.add_workdays(date(2026, 9, 30), 5)
    assert result.date == date(2026, 10, 13)
    assert result.missing_years == ()
    assert result.calendar_version == services.calendar_version()
    assert result.warning == ""
    assert services.is_workday(date(2026, 10, 10)) is True
    assert services.is_workday(date(2026, 10, 5)) is False
    assert services.is_workday(date(2027, 3, 1)) is None
    missing = services.add_workdays(date(2027, 1, 10), 5)
    assert missing.date is None
    assert missing.missing_years == (2027,)
    assert "2027" in missing.warning
    assert services.workdays_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert services.workdays_between(date(2026, 10, 13), date(2026, 9, 30)) == -5
    assert services.workdays_between(date(2026, 12, 1), date(2027, 1, 4)) is None


def test_hundreds_of_countdowns_cost_no_query_once_cached() -> None:
    services.calendar_version()
    with CaptureQueriesContext(connection) as ctx:
        for i in range(300):
            services.add_workdays(date(2026, 1, 1 + i % 28), 60)
            services.workdays_between(date(2026, 11, 28), date(2026, 12, 1 + i % 28))
    assert len(ctx.captured_queries) == 0


def test_stale_cache_is_noticed_through_the_version(settings: object) -> None:
    """Another process edited the calendar: once the check interval passes, one query finds the
    new version number and the rows are reloaded."""
    from laborgrid.workdays.models import CalendarRevision

    settings.LABORGRID_WORKDAYS_CACHE_SECONDS = 0  # type: ignore[attr-defined]
    before = services.calendar_version()
    CalendarYear.objects.create(year=2027, is_complete=True, source=YearSource.ADMINISTRATOR)
    CalendarRevision.objects.filter(pk=1).update(number=999)
    assert services.calendar_version() == "r999" != before
    assert services.add_workdays(date(2027, 1, 10), 5).date == date(2027, 1, 15)


def test_2027_entered_by_the_administrator() -> None:
    admin = sysadmin()
    v0 = services.calendar_version()
    services.save_calendar_year(actor=admin, year=2027, is_complete=False, notice="")
    assert services.add_workdays(date(2027, 1, 10), 5).date is None
    services.save_calendar_day(
        actor=admin, day=date(2027, 1, 1), kind=DayKind.REST, holiday=Holiday.NEW_YEARS_DAY
    )
    services.save_calendar_day(
        actor=admin, day=date(2027, 1, 4), kind=DayKind.REST, holiday=Holiday.NEW_YEARS_DAY
    )
    services.save_calendar_day(
        actor=admin,
        day=date(2027, 1, 9),
        kind=DayKind.WORK,
        holiday=Holiday.NEW_YEARS_DAY,
        note="调休",
    )
    row = services.save_calendar_year(
        actor=admin, year=2027, is_complete=True, notice="国办发明电〔2026〕X号"
    )
    assert row.source == YearSource.ADMINISTRATOR
    v1 = services.calendar_version()
    assert v1 != v0
    assert row.version == f"2027.{v1}"
    # 2026-12-31 (Thu) + 3: Jan 1 off, Jan 4 off, so Jan 5, 6, 7.
    assert services.add_workdays(date(2026, 12, 31), 3).date == date(2027, 1, 7)
    # Saturday Jan 9 is a working day.
    assert services.add_workdays(date(2027, 1, 8), 1).date == date(2027, 1, 9)
    services.remove_calendar_day(actor=admin, day=date(2027, 1, 4))
    assert services.add_workdays(date(2026, 12, 31), 3).date == date(2027, 1, 6)
    assert services.calendar_version() != v1
    events = AuditEvent.objects.filter(action=CalendarAction.CALENDAR_CHANGED).order_by("pk")
    ops = [e.detail["op"] for e in events]
    assert ops == ["save_year", "save_day", "save_day", "save_day", "save_year", "remove_day"]
    assert events.last().username == "sysadmin"  # type: ignore[union-attr]
    assert events.last().detail["before"]["holiday"] == Holiday.NEW_YEARS_DAY  # type: ignore[union-attr]


def test_editing_an_existing_day_and_a_package_year() -> None:
    admin = sysadmin()
    # A local holiday (放假办法 Art. 4) on a weekday of 2026.
    services.save_calendar_day(
        actor=admin, day=date(2026, 11, 30), kind=DayKind.REST, holiday=Holiday.OTHER, note="地方"
    )
    assert services.add_workdays(date(2026, 11, 27), 1).date == date(2026, 12, 1)
    services.save_calendar_day(
        actor=admin, day=date(2026, 11, 30), kind=DayKind.REST, holiday=Holiday.OTHER, note="改"
    )
    assert CalendarDay.objects.get(date=date(2026, 11, 30)).note == "改"
    assert CalendarYear.objects.get(year=2026).revision > 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"day": date(2026, 11, 25), "kind": DayKind.WORK, "holiday": Holiday.OTHER}, "day"),
        ({"day": date(2026, 11, 28), "kind": "holiday", "holiday": Holiday.OTHER}, "kind"),
        ({"day": date(2026, 11, 28), "kind": DayKind.REST, "holiday": "xmas"}, "holiday"),
        (
            {
                "day": date(2026, 11, 28),
                "kind": DayKind.REST,
                "holiday": Holiday.OTHER,
                "note": "长" * 101,
            },
            "note",
        ),
    ],
)
def test_bad_days_are_refused(kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.save_calendar_day(actor=sysadmin(), **kwargs)
    assert field in exc.value.message_dict


def test_removing_a_day_that_is_not_there() -> None:
    with pytest.raises(ValidationError):
        services.remove_calendar_day(actor=sysadmin(), day=date(2026, 11, 25))


@pytest.mark.parametrize("username", ["county", "leader", "maochang", "secadmin", "auditor"])
def test_only_the_system_administrator_edits(username: str) -> None:
    user = User.objects.get(username=username)
    with pytest.raises(Http404):
        services.save_calendar_year(actor=user, year=2027, is_complete=True)
    with pytest.raises(Http404):
        services.save_calendar_day(
            actor=user, day=date(2026, 11, 30), kind=DayKind.REST, holiday=Holiday.OTHER
        )
    with pytest.raises(Http404):
        services.remove_calendar_day(actor=user, day=date(2026, 10, 1))
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_rolled_back_edit_does_not_linger_in_the_cache() -> None:
    from django.db import transaction

    services.calendar_version()
    before = services.add_workdays(date(2026, 11, 27), 1).date
    assert before == date(2026, 11, 30)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.save_calendar_day(
            actor=sysadmin(), day=date(2026, 11, 30), kind=DayKind.REST, holiday=Holiday.OTHER
        )
        assert services.add_workdays(date(2026, 11, 27), 1).date == date(2026, 12, 1)
        raise RuntimeError("rolled back")
    assert services.add_workdays(date(2026, 11, 27), 1).date == before


def test_a_committed_edit_is_cached_again(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.save_calendar_day(
            actor=sysadmin(), day=date(2026, 11, 30), kind=DayKind.REST, holiday=Holiday.OTHER
        )
    services.calendar_version()
    with CaptureQueriesContext(connection) as ctx:
        assert services.add_workdays(date(2026, 11, 27), 1).date == date(2026, 12, 1)
    assert len(ctx.captured_queries) == 0


def test_the_next_year_is_flagged_from_october() -> None:
    assert services.upcoming_missing_year(date(2026, 9, 30)) is None
    assert services.upcoming_missing_year(date(2026, 10, 1)) == 2027
    assert services.upcoming_missing_year(date(2025, 11, 1)) is None  # 2026 is there
    services.save_calendar_year(actor=sysadmin(), year=2027, is_complete=True)
    assert services.upcoming_missing_year(date(2026, 11, 28)) is None
