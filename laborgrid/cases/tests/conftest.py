"""Case test helpers: a movable clock and a ready complaint payload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from laborgrid.cases import clock
from laborgrid.testing.employers import make_ric

MAOCHANG_EMPLOYER = "大方县猫场镇兴旺建筑劳务有限公司"


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """Set the procedure's "today" (services read ``laborgrid.cases.clock.today``)."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    return set_day


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()  # cached figures do not leak between tests
    yield
    cache.clear()


def complaint_data(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "complaint",
        "employer_name": MAOCHANG_EMPLOYER,
        "employer_address": "大方县猫场镇建设路18号",
        "work_address": "猫场镇猫场社区工地",
        "category": "wages",
        "facts": "2026年6月至8月三个月工资未发放，多次催要未果。",
        "request": "要求支付拖欠工资。",
        "amount_owed": "18000",
        "months_owed": "3",
        "violation_start": "2026-06-01",
        "is_continuing": "on",
        "complainants": [
            {"name": "张三", "id_number": make_ric(7, birth="19880101"), "phone": "13985710001"}
        ],
    }
    data.update(over)
    return data
