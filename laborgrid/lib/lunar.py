"""The dates of the statutory holidays that move with the sun and moon (DOMAIN B7.1), computed —
no Django, no tables.

全国年节及纪念日放假办法 fixes three holidays by the Chinese calendar (农历): 春节 (除夕 and 正月初一
to 初三), 端午节 (五月初五) and 中秋节 (八月十五), and one by the solar terms: 清明节 (the day of the
清明 term). The Chinese calendar is defined astronomically (GB/T 33661-2017 《农历的编算和颁行》):

* a month begins on the day (Beijing time, UTC+8) of a new moon;
* the month containing the winter solstice (冬至) is the eleventh month;
* when thirteen months run from one eleventh month to the next, the first of them that contains
  no principal term (中气: 冬至, 大寒, 雨水 … every 30° of the sun's longitude from 270°) is a leap
  month and repeats the previous month's number.

The moon's phases follow Meeus, *Astronomical Algorithms* (2nd ed.), ch. 49 (error of a few
seconds in this century; ΔT = TT − UT from Espenak–Meeus' polynomials); the dates of the solar
terms come from ``chinese-calendar`` (already a dependency: it seeds the calendar). A new moon
within seconds of midnight could land on the wrong day; the tests check every festival of
2008–2026 against the published calendars (``chinese-calendar``'s holiday data) and known dates
of later years.

Valid for 1901–2100 (the solar terms ``chinese-calendar`` computes).
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

#: Beijing time (the Chinese calendar's meridian, 120°E).
_BEIJING_HOURS = 8
_J2000 = 2451545.0
_SYNODIC = 29.530588861


def _jd_to_beijing_date(jd_ut: float) -> dt.date:
    """The Beijing civil date of a Julian day (UT)."""
    # JD 2440587.5 is 1970-01-01 00:00 UT.
    seconds = (jd_ut - 2440587.5) * 86400 + _BEIJING_HOURS * 3600
    return dt.date(1970, 1, 1) + dt.timedelta(days=math.floor(seconds / 86400))


def _delta_t_days(year: float) -> float:
    """ΔT = TT − UT in days (Espenak & Meeus 2006 polynomials, 1986–2150; beyond, the long-term
    parabola)."""
    if 1986 <= year < 2005:
        t = year - 2000
        seconds = (
            63.86
            + 0.3345 * t
            - 0.060374 * t**2
            + 0.0017275 * t**3
            + 0.000651814 * t**4
            + 0.00002373599 * t**5
        )
    elif 2005 <= year < 2050:
        t = year - 2000
        seconds = 62.92 + 0.32217 * t + 0.005589 * t**2
    elif 2050 <= year < 2150:
        seconds = -20 + 32 * ((year - 1820) / 100) ** 2 - 0.5628 * (2150 - year)
    else:
        u = (year - 1820) / 100
        seconds = -20 + 32 * u**2
    return seconds / 86400


def _sin(degrees: float) -> float:
    return math.sin(math.radians(degrees))


def new_moon_jde(k: int) -> float:
    """The moment (JDE, dynamical time) of new moon number ``k`` (k = 0: 2000-01-06)."""
    t = k / 1236.85
    jde = (
        2451550.09766 + _SYNODIC * k + 0.00015437 * t**2 - 0.000000150 * t**3 + 0.00000000073 * t**4
    )
    e = 1 - 0.002516 * t - 0.0000074 * t**2
    m = 2.5534 + 29.10535670 * k - 0.0000014 * t**2 - 0.00000011 * t**3
    mp = 201.5643 + 385.81693528 * k + 0.0107582 * t**2 + 0.00001238 * t**3 - 0.000000058 * t**4
    f = 160.7108 + 390.67050284 * k - 0.0016118 * t**2 - 0.00000227 * t**3 + 0.000000011 * t**4
    om = 124.7746 - 1.56375588 * k + 0.0020672 * t**2 + 0.00000215 * t**3
    jde += (
        -0.40720 * _sin(mp)
        + 0.17241 * e * _sin(m)
        + 0.01608 * _sin(2 * mp)
        + 0.01039 * _sin(2 * f)
        + 0.00739 * e * _sin(mp - m)
        - 0.00514 * e * _sin(mp + m)
        + 0.00208 * e * e * _sin(2 * m)
        - 0.00111 * _sin(mp - 2 * f)
        - 0.00057 * _sin(mp + 2 * f)
        + 0.00056 * e * _sin(2 * mp + m)
        - 0.00042 * _sin(3 * mp)
        + 0.00042 * e * _sin(m + 2 * f)
        + 0.00038 * e * _sin(m - 2 * f)
        - 0.00024 * e * _sin(2 * mp - m)
        - 0.00017 * _sin(om)
        - 0.00007 * _sin(mp + 2 * m)
        + 0.00004 * _sin(2 * mp - 2 * f)
        + 0.00004 * _sin(3 * m)
        + 0.00003 * _sin(mp + m - 2 * f)
        + 0.00003 * _sin(2 * mp + 2 * f)
        - 0.00003 * _sin(mp + m + 2 * f)
        + 0.00003 * _sin(mp - m + 2 * f)
        - 0.00002 * _sin(mp - m - 2 * f)
        - 0.00002 * _sin(3 * mp + m)
        + 0.00002 * _sin(4 * mp)
    )
    additional = (
        (0.000325, 299.77 + 0.107408 * k - 0.009173 * t**2),
        (0.000165, 251.88 + 0.016321 * k),
        (0.000164, 251.83 + 26.651886 * k),
        (0.000126, 349.42 + 36.412478 * k),
        (0.000110, 84.66 + 18.206239 * k),
        (0.000062, 141.74 + 53.303771 * k),
        (0.000060, 207.14 + 2.453732 * k),
        (0.000056, 154.84 + 7.306860 * k),
        (0.000047, 34.52 + 27.261239 * k),
        (0.000042, 207.19 + 0.121824 * k),
        (0.000040, 291.34 + 1.844379 * k),
        (0.000037, 161.72 + 24.198154 * k),
        (0.000035, 239.56 + 25.513099 * k),
        (0.000023, 331.55 + 3.592518 * k),
    )
    return jde + sum(c * _sin(a) for c, a in additional)


def _year_of_jd(jd: float) -> float:
    return 2000 + (jd - _J2000) / 365.25


def new_moon_date(k: int) -> dt.date:
    """The Beijing date of new moon ``k``."""
    jde = new_moon_jde(k)
    return _jd_to_beijing_date(jde - _delta_t_days(_year_of_jd(jde)))


#: The 24 solar terms by the sun's longitude (0° = 春分, every 15°), as ``chinese-calendar`` names
#: them.
_TERMS = [
    "春分",
    "清明",
    "谷雨",
    "立夏",
    "小满",
    "芒种",
    "夏至",
    "小暑",
    "大暑",
    "立秋",
    "处暑",
    "白露",
    "秋分",
    "寒露",
    "霜降",
    "立冬",
    "小雪",
    "大雪",
    "冬至",
    "小寒",
    "大寒",
    "立春",
    "雨水",
    "惊蛰",
]


@lru_cache(maxsize=256)
def _terms_of(year: int) -> dict[int, dt.date]:
    from chinese_calendar import get_solar_terms

    found = get_solar_terms(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return {_TERMS.index(name) * 15: day for day, name in found}


def solar_term_date(year: int, longitude: int) -> dt.date:
    """The Beijing date in ``year`` on which the sun reaches ``longitude`` (a multiple of 15°:
    15° = 清明 in April, 270° = 冬至 in December, 300° = 大寒 in January).

    From ``chinese-calendar`` (1900–2100): its formula with the published corrections (e.g.
    2008 小满, 2082 大寒), which a low-precision solar theory misses by minutes near midnight."""
    return _terms_of(year)[longitude % 360]


def _k_near(day: dt.date) -> int:
    """The number of a new moon near ``day``."""
    return round(((day - dt.date(2000, 1, 6)).days) / _SYNODIC)


def _month_start_on_or_before(day: dt.date) -> tuple[int, dt.date]:
    k = _k_near(day) + 1
    while new_moon_date(k) > day:
        k -= 1
    return k, new_moon_date(k)


@lru_cache(maxsize=64)
def lunar_months(year: int) -> tuple[tuple[int, bool, dt.date], ...]:
    """The months from the eleventh month of the Chinese year before ``year`` up to (not
    including) the next eleventh month: ``(number, is_leap, first_day)``. The first of the Chinese
    year ``year`` (正月初一) is the first month numbered 1 in it."""
    solstice_before = solar_term_date(year - 1, 270)
    solstice = solar_term_date(year, 270)
    k0, _first = _month_start_on_or_before(solstice_before)
    k_end, _last = _month_start_on_or_before(solstice)
    starts = [new_moon_date(k) for k in range(k0, k_end + 1)]
    leap_index = -1
    if k_end - k0 == 13:
        # The principal terms (every 30° from 270°) between the two solstices.
        terms = sorted(solar_term_date(year, lon) for lon in range(0, 360, 30) if lon != 270)
        for i in range(1, 13):
            if not any(starts[i] <= t < starts[i + 1] for t in terms):
                leap_index = i
                break
    months: list[tuple[int, bool, dt.date]] = []
    number = 11
    for i, start in enumerate(starts[:-1]):
        if i == leap_index:
            months.append((number, True, start))
            continue
        if i > 0:
            number = number % 12 + 1
        months.append((number, False, start))
    return tuple(months)


def lunar_date(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of day ``day`` of (non-leap) month ``month`` of the Chinese year that
    begins in Gregorian ``year``. Months 11 and 12 belong to the Chinese year ``year`` (they fall
    in the next Gregorian year's January or in December)."""
    months = lunar_months(year + 1) if month >= 11 else lunar_months(year)
    for number, leap, start in months:
        if number == month and not leap:
            return start + dt.timedelta(days=day - 1)
    raise ValueError(f"no month {month} in the Chinese year {year}")


def spring_festival(year: int) -> dt.date:
    """正月初一 of ``year``."""
    return lunar_date(year, 1, 1)


def dragon_boat_festival(year: int) -> dt.date:
    """端午: 五月初五."""
    return lunar_date(year, 5, 5)


def mid_autumn_festival(year: int) -> dt.date:
    """中秋: 八月十五."""
    return lunar_date(year, 8, 15)


def qingming(year: int) -> dt.date:
    """清明: the day the sun reaches 15°."""
    return solar_term_date(year, 15)
