"""Working-day arithmetic over the official calendar (DOMAIN B7, B1.10) — no Django, no database.

A working day (工作日) is a Monday–Friday that is not an official rest day, or a weekend day the
State Council's 调休 notice makes a working day (上班). The calendar is known only for the years
whose notice has been entered (``complete_years``); arithmetic that needs any other year answers
"unknown" and names the years, it never guesses — unless the caller asks for a **provisional**
answer (DOMAIN A4): then a year without official data counts weekends and the statutory holidays
of 全国年节及纪念日放假办法 (``laborgrid.lib.statutory_holidays``) as rest days, and the answer says
it is provisional (暂定) and names the years it assumed.

Day counting follows 民法典 Art. 201 / 民事诉讼法 Art. 85: the start day is not counted, so "5
working days after 2026-09-30" counts the working days from 2026-10-01 on and lands on the fifth
(2026-10-13 under the 2026 国庆 arrangement). A period that ends on a holiday moves past it by
construction, because only working days are counted (B1.10, [inferred]).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

SATURDAY = 5  # date.weekday(): Monday is 0

# Largest span (in working days, either direction) the arithmetic accepts: the longest statutory
# working-day period is 60 + 30 (B1.10 D3 + D4); a year and a half of working days is generous.
MAX_WORKDAYS = 400


def is_weekend(day: date) -> bool:
    return day.weekday() >= SATURDAY


@dataclass(frozen=True)
class Calendar:
    """The official calendar: the years it is complete for, and the exceptions to Mon–Fri.

    ``rest_days``: official rest days (a holiday or a 调休 day off); they may fall on a weekend
    (kept for the holiday's name), which changes nothing. ``working_days``: weekend days that are
    working days (调休上班). A date in both is a working day (the notice wins).
    """

    complete_years: frozenset[int] = frozenset()
    rest_days: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    # Sorted exceptions that change the Mon–Fri count, for counting a range without a loop.
    _weekday_rest: tuple[date, ...] = field(default=(), init=False, repr=False, compare=False)
    _weekend_work: tuple[date, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "_weekday_rest",
            tuple(
                sorted(
                    d for d in self.rest_days if not is_weekend(d) and d not in self.working_days
                )
            ),
        )
        object.__setattr__(
            self, "_weekend_work", tuple(sorted(d for d in self.working_days if is_weekend(d)))
        )

    def covers(self, day: date) -> bool:
        return day.year in self.complete_years

    def is_workday(self, day: date) -> bool:
        """Working day or not, as the calendar says (the caller checks ``covers`` first)."""
        if day in self.working_days:
            return True
        if day in self.rest_days:
            return False
        return not is_weekend(day)

    def count(self, start: date, end: date) -> int:
        """Working days in ``(start, end]`` (start not counted), ``end >= start``; no year check."""
        return (
            weekdays_between(start, end)
            - _count_in(self._weekday_rest, start, end)
            + _count_in(self._weekend_work, start, end)
        )


def _count_in(sorted_days: tuple[date, ...], start: date, end: date) -> int:
    """How many of ``sorted_days`` fall in ``(start, end]``."""
    return bisect.bisect_right(sorted_days, end) - bisect.bisect_right(sorted_days, start)


def weekdays_between(start: date, end: date) -> int:
    """Mondays to Fridays in ``(start, end]`` (``end >= start``), by arithmetic."""
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    wd = start.weekday()
    for i in range(1, rest + 1):
        if (wd + i) % 7 < SATURDAY:
            count += 1
    return count


def years_of(start: date, end: date) -> range:
    lo, hi = min(start, end), max(start, end)
    return range(lo.year, hi.year + 1)


@dataclass(frozen=True)
class Outcome:
    """The answer to "N working days after D": the date, or ``None`` and the years missing.

    ``provisional``: the date was computed through years without official data (named in
    ``missing_years``) from weekends and their statutory holidays; the notice may move it."""

    date: date | None
    missing_years: tuple[int, ...] = ()
    provisional: bool = False


#: A year's statutory rest days for a provisional answer, or ``None`` when no rule covers it.
ProvisionalRule = Callable[[int], Collection[date] | None]


def add_workdays(
    calendar: Calendar, start: date, days: int, provisional: ProvisionalRule | None = None
) -> Outcome:
    """The ``days``-th working day after ``start`` (before it when ``days`` is negative).

    The start day is not counted; ``days == 0`` answers ``start`` itself. When the count runs
    through a year the calendar lacks, the answer is ``None`` with every such year the span needs:
    to find where the span would end, unknown years are walked as plain Mon–Fri weeks — only to
    name the years, never to answer a date. With ``provisional`` (a year → its statutory rest
    days), such a year counts weekends and those days as rest and the answer is the date, marked
    provisional, with the years it assumed; a year the rule does not cover still answers ``None``.
    """
    if abs(days) > MAX_WORKDAYS:
        raise ValueError(f"days must be between -{MAX_WORKDAYS} and {MAX_WORKDAYS}")
    if days == 0:
        return Outcome(start)
    step = timedelta(days=1 if days > 0 else -1)
    remaining = abs(days)
    missing: list[int] = []
    unruled = False
    rules: dict[int, Collection[date] | None] = {}
    day = start
    while remaining:
        day += step
        if calendar.covers(day):
            working = calendar.is_workday(day)
        else:
            if day.year not in missing:
                missing.append(day.year)
                rules[day.year] = provisional(day.year) if provisional is not None else None
                unruled = unruled or rules[day.year] is None
            rest = rules[day.year]
            working = not is_weekend(day) and (rest is None or day not in rest)
        if working:
            remaining -= 1
    if unruled:
        return Outcome(None, tuple(sorted(missing)))
    if missing:
        return Outcome(day, tuple(sorted(missing)), provisional=True)
    return Outcome(day)


def missing_years(calendar: Calendar, start: date, end: date) -> tuple[int, ...]:
    """Years the span between two dates needs (start excluded) that the calendar lacks."""
    if start == end:
        return ()
    lo, hi = (start, end) if start < end else (end, start)
    first = lo + timedelta(days=1) if start < end else lo
    last = hi if start < end else hi - timedelta(days=1)
    return tuple(y for y in range(first.year, last.year + 1) if y not in calendar.complete_years)


def workdays_between(calendar: Calendar, start: date, end: date) -> int | None:
    """Working days after ``start`` up to and including ``end``; negative when ``end < start``
    (then it counts the working days from ``end`` up to the day before ``start``, so that
    ``add_workdays(start, -n)`` and ``workdays_between(start, result) == -n`` agree).

    ``None`` when a year of the span is missing from the calendar. As a countdown from today to
    a deadline: ``0`` means the deadline is today, a negative number the working days overdue.
    """
    if missing_years(calendar, start, end):
        return None
    if end >= start:
        return calendar.count(start, end)
    # Days in [end, start): working days in (end - 1, start - 1].
    return -calendar.count(end - timedelta(days=1), start - timedelta(days=1))


def build(
    complete_years: Iterable[int],
    exceptions: Iterable[tuple[date, bool]],
) -> Calendar:
    """A calendar from rows ``(date, is_working_day)``."""
    rest: set[date] = set()
    work: set[date] = set()
    for day, working in exceptions:
        (work if working else rest).add(day)
    return Calendar(frozenset(complete_years), frozenset(rest), frozenset(work))
