"""The festivals' dates (农历 and 清明) and the statutory holidays of a year (DOMAIN B7.1)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from chinese_calendar import constants

from laborgrid.lib import lunar, statutory_holidays
from laborgrid.lib import workdays as lib

FESTIVALS = {
    "Spring Festival": lunar.spring_festival,
    "Tomb-sweeping Day": lunar.qingming,
    "Dragon Boat Festival": lunar.dragon_boat_festival,
    "Mid-autumn Festival": lunar.mid_autumn_festival,
}


@pytest.mark.parametrize("year", range(2008, 2027))
def test_every_festival_of_the_published_calendars_is_found(year: int) -> None:
    """2008–2026 (清明, 端午, 中秋 are holidays since 2008): each computed date is a holiday of
    that name in chinese-calendar's data (or of 国庆 when 中秋 falls in its week): a new moon
    or a solar term on the wrong side of midnight would show here."""
    for name, rule in FESTIVALS.items():
        day = rule(year)
        assert chinese_calendar.is_holiday(day), (year, name, day)
        # A weekend festival day is not always listed by name (2012-06-23, Saturday).
        named = constants.holidays.get(day) in (name, "National Day")
        assert named or day.weekday() >= 5, (year, name, day)


def test_the_first_day_of_each_spring_festival_holiday() -> None:
    """The published 春节 holidays of 2004–2026 contain 初一; and the day before it (除夕)."""
    for year in range(2004, 2027):
        first = lunar.spring_festival(year)
        assert constants.holidays.get(first) == "Spring Festival", year
        assert dt.date(year, 1, 21) <= first <= dt.date(year, 2, 20)


@pytest.mark.parametrize(
    ("year", "spring", "dragon_boat", "mid_autumn", "qingming"),
    [
        (2027, dt.date(2027, 2, 6), dt.date(2027, 6, 9), dt.date(2027, 9, 15), dt.date(2027, 4, 5)),
        (
            2028,
            dt.date(2028, 1, 26),
            dt.date(2028, 5, 28),
            dt.date(2028, 10, 3),
            dt.date(2028, 4, 4),
        ),
        (2033, dt.date(2033, 1, 31), dt.date(2033, 6, 1), dt.date(2033, 9, 8), dt.date(2033, 4, 4)),
        (
            2034,
            dt.date(2034, 2, 19),
            dt.date(2034, 6, 20),
            dt.date(2034, 9, 27),
            dt.date(2034, 4, 5),
        ),
    ],
)
def test_later_years(
    year: int, spring: dt.date, dragon_boat: dt.date, mid_autumn: dt.date, qingming: dt.date
) -> None:
    """Published almanac dates; 2033–2034 is the year with a leap eleventh month (闰十一月)."""
    assert lunar.spring_festival(year) == spring
    assert lunar.dragon_boat_festival(year) == dragon_boat
    assert lunar.mid_autumn_festival(year) == mid_autumn
    assert lunar.qingming(year) == qingming


def test_leap_months() -> None:
    leaps = {y: [m[0] for m in lunar.lunar_months(y) if m[1]] for y in (2025, 2028, 2031, 2034)}
    assert leaps == {2025: [6], 2028: [5], 2031: [3], 2034: [11]}
    assert not [m for m in lunar.lunar_months(2027) if m[1]]


def test_statutory_days_of_2027() -> None:
    """The 2024 revision: 13 days — 元旦 1, 春节 4 (除夕 to 初三), 清明 1, 劳动节 2, 端午 1,
    中秋 1, 国庆 3."""
    days = statutory_holidays.statutory_days(2027)
    assert days == {
        dt.date(2027, 1, 1): "new_years_day",
        dt.date(2027, 2, 5): "spring_festival",
        dt.date(2027, 2, 6): "spring_festival",
        dt.date(2027, 2, 7): "spring_festival",
        dt.date(2027, 2, 8): "spring_festival",
        dt.date(2027, 4, 5): "tomb_sweeping_day",
        dt.date(2027, 5, 1): "labour_day",
        dt.date(2027, 5, 2): "labour_day",
        dt.date(2027, 6, 9): "dragon_boat_festival",
        dt.date(2027, 9, 15): "mid_autumn_festival",
        dt.date(2027, 10, 1): "national_day",
        dt.date(2027, 10, 2): "national_day",
        dt.date(2027, 10, 3): "national_day",
    }


def test_statutory_days_when_mid_autumn_falls_on_national_day() -> None:
    days = statutory_holidays.statutory_days(2028)
    assert days is not None and len(days) == 12
    assert days[dt.date(2028, 10, 3)] == "mid_autumn_festival"


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_is_off_in_the_published_calendar(year: int) -> None:
    """The rule agrees with the notices of the years it governs."""
    days = statutory_holidays.statutory_days(year)
    assert days
    for day in days:
        assert chinese_calendar.is_holiday(day), day


def test_years_the_rule_does_not_govern() -> None:
    assert statutory_holidays.statutory_days(2024) is None
    assert statutory_holidays.statutory_rest_days(2003) is None


def test_provisional_arithmetic() -> None:
    calendar = lib.build(range(2004, 2027), [])
    rule = statutory_holidays.statutory_rest_days
    # Without the rule: unknown. With it: weekends and statutory days off, marked provisional.
    assert lib.add_workdays(calendar, dt.date(2027, 2, 3), 3) == lib.Outcome(None, (2027,))
    outcome = lib.add_workdays(calendar, dt.date(2027, 2, 3), 3, rule)
    assert outcome == lib.Outcome(dt.date(2027, 2, 10), (2027,), provisional=True)
    # Backwards over 元旦 2027 (Fri) into 2026 (complete).
    outcome = lib.add_workdays(calendar, dt.date(2027, 1, 4), -1, rule)
    assert outcome == lib.Outcome(dt.date(2026, 12, 31), (2027,), provisional=True)
    # Within a complete year: not provisional.
    assert lib.add_workdays(calendar, dt.date(2026, 9, 30), 5, rule).provisional is False
    # A year no rule covers stays unknown even with the rule.
    assert lib.add_workdays(calendar, dt.date(2003, 6, 2), 5, rule).date is None
