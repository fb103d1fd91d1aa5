"""Reporting periods: a month (``2026-11``), a quarter (``2026-Q4``) or a year (``2026``).

Framework-free, so that a flow's list filter (cases: ``received=2026-11``) and the statistical
returns read a period the same way. A period is a closed range of days ``start..end``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
KINDS = (MONTH, QUARTER, YEAR)

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER_RE = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR_RE = re.compile(r"^(\d{4})$")
#: Years a period may name: far enough back for archives, never year 0 or 9999 arithmetic.
MIN_YEAR, MAX_YEAR = 1990, 2200


@dataclass(frozen=True, order=True)
class Period:
    start: date
    kind: str

    @property
    def end(self) -> date:
        """The last day of the period."""
        return self.next().start - timedelta(days=1)

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def months(self) -> int:
        return {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        return Period(_add_months(self.start, self.months), self.kind)

    def previous(self) -> Period:
        return Period(_add_months(self.start, -self.months), self.kind)

    def month_periods(self) -> list[Period]:
        """The months of the period, in order."""
        return [Period(_add_months(self.start, i), MONTH) for i in range(self.months)]

    def __str__(self) -> str:
        return self.key


def _add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse(value: str | None) -> Period | None:
    """The period a key names, or None for anything else (no exception: a filter ignores it)."""
    text = (value or "").strip()
    if m := _MONTH_RE.match(text):
        year, month = int(m[1]), int(m[2])
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
            return Period(date(year, month, 1), MONTH)
    elif m := _QUARTER_RE.match(text):
        year, quarter = int(m[1]), int(m[2])
        if MIN_YEAR <= year <= MAX_YEAR:
            return Period(date(year, 3 * quarter - 2, 1), QUARTER)
    elif m := _YEAR_RE.match(text):
        year = int(m[1])
        if MIN_YEAR <= year <= MAX_YEAR:
            return Period(date(year, 1, 1), YEAR)
    return None


def containing(day: date, kind: str = MONTH) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind == MONTH:
        return Period(date(day.year, day.month, 1), MONTH)
    if kind == QUARTER:
        return Period(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), QUARTER)
    if kind == YEAR:
        return Period(date(day.year, 1, 1), YEAR)
    raise ValueError(kind)
