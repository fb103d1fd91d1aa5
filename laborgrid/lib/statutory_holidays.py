"""The statutory holidays of 全国年节及纪念日放假办法 (DOMAIN B7.1) for a year — no Django.

The State Council's yearly notice (国务院办公厅关于20XX年部分节假日安排的通知) arranges the days
off around these holidays (调休: weekend days worked, weekdays off, make-up days for a holiday on a
weekend, Art. 6–7). Until a year's notice is entered, a deadline that reaches the year is computed
**provisionally** (暂定) from weekends and these days alone (DOMAIN A4): their dates are fixed by the
rule; only the swaps are unknown.

The rule in force is the 2024 revision (国务院令第 793 号, in force 2025-01-01), Art. 2: 元旦 1 day
(1 January); 春节 4 days (农历除夕, 正月初一 to 初三); 清明节 1 day (the 清明 term); 劳动节 2 days
(1–2 May); 端午节 1 day (农历端午); 中秋节 1 day (农历中秋); 国庆节 3 days (1–3 October). Years
before 2025 answer ``None``: the earlier text gave other days, and every such year is in the
calendar from ``chinese-calendar`` anyway.

The keys are the calendar's holiday codes (``laborgrid.workdays.choices.Holiday``).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from laborgrid.lib import lunar

#: The first year the 2024 revision governs.
RULE_SINCE = 2025
#: The last year the lunar computation covers (``chinese-calendar``'s solar terms end in 2100).
RULE_UNTIL = 2099


@lru_cache(maxsize=64)
def _days(year: int) -> tuple[tuple[dt.date, str], ...]:
    spring = lunar.spring_festival(year)
    days = [
        (dt.date(year, 1, 1), "new_years_day"),
        *((spring + dt.timedelta(days=i), "spring_festival") for i in range(-1, 3)),
        (lunar.qingming(year), "tomb_sweeping_day"),
        (dt.date(year, 5, 1), "labour_day"),
        (dt.date(year, 5, 2), "labour_day"),
        (lunar.dragon_boat_festival(year), "dragon_boat_festival"),
        (lunar.mid_autumn_festival(year), "mid_autumn_festival"),
        (dt.date(year, 10, 1), "national_day"),
        (dt.date(year, 10, 2), "national_day"),
        (dt.date(year, 10, 3), "national_day"),
    ]
    # 春节 falls between 21 January and 20 February: 除夕 is always in the same year.
    return tuple(days)


def statutory_days(year: int) -> dict[dt.date, str] | None:
    """{date: holiday code} of the statutory holidays of ``year`` under the rule in force; ``None``
    for a year the rule does not govern. 中秋 may fall within 国庆 (e.g. 2028-10-03, 2031-10-01):
    the date is then one day off, named 中秋节."""
    if not RULE_SINCE <= year <= RULE_UNTIL:
        return None
    out: dict[dt.date, str] = {}
    for day, code in _days(year):
        if code == "national_day" and out.get(day) == "mid_autumn_festival":
            continue
        out[day] = code
    return out


def statutory_rest_days(year: int) -> frozenset[dt.date] | None:
    """The statutory holidays of ``year`` as a set (for the provisional arithmetic)."""
    days = statutory_days(year)
    return None if days is None else frozenset(days)
