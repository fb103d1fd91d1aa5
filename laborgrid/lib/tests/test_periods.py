"""Tests for laborgrid.lib.periods: plain pytest, no Django."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborgrid.lib.periods import MONTH, QUARTER, YEAR, containing, parse


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_parse(key: str, start: date, end: date) -> None:
    p = parse(key)
    assert p is not None and (p.start, p.end) == (start, end)
    assert parse(p.key) == p


@pytest.mark.parametrize(
    "bad", ["", "2026-13", "2026-00", "2026-Q5", "26-11", "1900", "2026-11-01", None]
)
def test_parse_refuses(bad: str | None) -> None:
    assert parse(bad) is None


@given(
    st.dates(min_value=date(1991, 1, 1), max_value=date(2199, 12, 31)),
    st.sampled_from([MONTH, QUARTER, YEAR]),
)
def test_periods_tile_the_calendar(day: date, kind: str) -> None:
    p = containing(day, kind)
    assert p.contains(day)
    assert p.next().start == p.end + timedelta(days=1)
    assert p.previous().end == p.start - timedelta(days=1)
    assert p.previous().next() == p
    assert sum(m.end.toordinal() - m.start.toordinal() + 1 for m in p.month_periods()) == (
        p.end.toordinal() - p.start.toordinal() + 1
    )
