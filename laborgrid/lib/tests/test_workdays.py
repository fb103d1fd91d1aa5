"""Tests for laborgrid.lib.workdays: plain pytest and hypothesis, no Django, no database.

The calendar under test is built from ``chinese-calendar`` itself (DOMAIN B7.2), and the counting
is checked against a day-by-day walk written here, not against the module's own shortcuts.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from chinese_calendar import constants
from hypothesis import given
from hypothesis import strategies as st

from laborgrid.lib.workdays import (
    MAX_WORKDAYS,
    Calendar,
    add_workdays,
    build,
    missing_years,
    weekdays_between,
    workdays_between,
)

CAL = build(
    range(2004, 2027),
    [(d, False) for d in constants.holidays] + [(d, True) for d in constants.workdays],
)
KNOWN = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
ANY = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


def walk(cal: Calendar, start: date, end: date) -> int:
    """Working days in (start, end], one day at a time."""
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        n += cal.is_workday(day)
    return n


def test_agrees_with_chinese_calendar_every_day() -> None:
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_issue_6_examples() -> None:
    # B7.2: the 5th working day after 2026-09-30 counts Oct 8, 9, 10 (Sat, 调休), 12, 13.
    assert add_workdays(CAL, date(2026, 9, 30), 5).date == date(2026, 10, 13)
    assert CAL.is_workday(date(2026, 10, 10))  # Saturday, 调休上班
    assert not CAL.is_workday(date(2026, 10, 5))  # Monday, 国庆
    assert not CAL.is_workday(date(2026, 10, 11))  # an ordinary Sunday
    assert workdays_between(CAL, date(2026, 9, 30), date(2026, 10, 13)) == 5


def test_start_day_is_not_counted() -> None:
    # 2026-10-12 is a Monday and a working day: one working day after it is Tuesday.
    assert add_workdays(CAL, date(2026, 10, 12), 1).date == date(2026, 10, 13)
    # From a Friday, the next working day is the Monday.
    assert add_workdays(CAL, date(2026, 11, 6), 1).date == date(2026, 11, 9)
    assert add_workdays(CAL, date(2026, 11, 6), 0).date == date(2026, 11, 6)


def test_spring_festival_2026_with_two_working_saturdays() -> None:
    # Feb 14 (Sat) and Feb 28 (Sat) are working days; Feb 15–23 are off (B7.1).
    assert add_workdays(CAL, date(2026, 2, 13), 1).date == date(2026, 2, 14)
    assert add_workdays(CAL, date(2026, 2, 14), 1).date == date(2026, 2, 24)
    assert workdays_between(CAL, date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24–27, 28


def test_missing_year_is_not_guessed() -> None:
    outcome = add_workdays(CAL, date(2026, 12, 20), 10)
    assert outcome.date is None
    assert outcome.missing_years == (2027,)
    assert workdays_between(CAL, date(2026, 12, 20), date(2027, 1, 5)) is None
    assert missing_years(CAL, date(2026, 12, 20), date(2027, 1, 5)) == (2027,)
    # A span that ends on 2026-12-31 needs no 2027 data.
    assert add_workdays(CAL, date(2026, 12, 24), 5).date == date(2026, 12, 31)
    assert workdays_between(CAL, date(2026, 12, 24), date(2026, 12, 31)) == 5


def test_a_long_span_names_every_missing_year() -> None:
    cal = build([2026], [])
    outcome = add_workdays(cal, date(2026, 12, 1), MAX_WORKDAYS)
    assert outcome.date is None
    assert outcome.missing_years == (2027, 2028)
    # Backwards into a missing year.
    assert add_workdays(cal, date(2026, 1, 2), -3).missing_years == (2025,)


def test_the_start_year_alone_is_not_needed() -> None:
    """The start day is not counted, so 2025-12-31 as a start needs only 2026."""
    cal = build([2026], [])
    assert add_workdays(cal, date(2025, 12, 31), 1).date == date(2026, 1, 1)
    assert workdays_between(cal, date(2025, 12, 31), date(2026, 1, 2)) == 2


def test_days_are_bounded() -> None:
    with pytest.raises(ValueError, match="days must be"):
        add_workdays(CAL, date(2026, 1, 1), MAX_WORKDAYS + 1)


@given(ANY, ANY)
def test_weekdays_between_counts_mondays_to_fridays(a: date, b: date) -> None:
    lo, hi = min(a, b), max(a, b)
    expected = sum(
        1 for i in range(1, (hi - lo).days + 1) if (lo + timedelta(days=i)).weekday() < 5
    )
    assert weekdays_between(lo, hi) == expected


@given(KNOWN, KNOWN)
def test_count_equals_a_day_by_day_walk(a: date, b: date) -> None:
    lo, hi = min(a, b), max(a, b)
    assert workdays_between(CAL, lo, hi) == walk(CAL, lo, hi)
    assert workdays_between(CAL, hi, lo) == -walk(CAL, lo - timedelta(days=1), hi - timedelta(1))


@given(st.dates(min_value=date(2004, 3, 1), max_value=date(2025, 10, 1)), st.integers(-60, 60))
def test_add_and_between_are_inverse(start: date, days: int) -> None:
    outcome = add_workdays(CAL, start, days)
    assert outcome.date is not None
    assert outcome.missing_years == ()
    assert workdays_between(CAL, start, outcome.date) == days
    if days:
        assert CAL.is_workday(outcome.date)  # a period always ends on a working day


@given(KNOWN, st.integers(1, 60))
def test_the_result_is_monotonic(start: date, days: int) -> None:
    first = add_workdays(CAL, start, days)
    second = add_workdays(CAL, start, days + 1)
    if first.date is not None and second.date is not None:
        assert second.date > first.date
