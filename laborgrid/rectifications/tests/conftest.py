"""Rectification test helpers: a movable clock, a 猫场镇 employer, the certified inspectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from laborgrid.accounts.models import User
from laborgrid.cases import clock as case_clock
from laborgrid.employers.models import Employer
from laborgrid.rectifications import clock
from laborgrid.rectifications.services import OrderItemInput, issue_order
from laborgrid.testing.personas import MACHANG, MAOCHANG


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """Set "today" for orders and for the cases they escalate to."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)
        monkeypatch.setattr(case_clock, "today", lambda: day)

    return set_day


def employer_in(code: str) -> Employer:
    employer = (
        Employer.objects.current()
        .filter(grid_path__contains=f"/{code}/")
        .exclude(uscc__isnull=True)
        .order_by("id")
        .first()
    )
    assert employer is not None
    return employer


@pytest.fixture
def employer(db: Any) -> Employer:
    return employer_in(MAOCHANG)


@pytest.fixture
def other_employer(db: Any) -> Employer:
    return employer_in(MACHANG)


@pytest.fixture
def inspector(db: Any) -> User:
    return User.objects.get(username="county")


@pytest.fixture
def second(db: Any) -> User:
    return User.objects.get(username="brigade-1")


def items(*days: int) -> list[OrderItemInput]:
    keys = ["no_written_contract", "wage_arrears", "no_staff_roster"]
    texts = ["与全部在岗劳动者订立书面劳动合同", "足额支付拖欠的工资", "建立职工名册"]
    return [OrderItemInput(texts[i % 3], keys[i % 3], working_days=d) for i, d in enumerate(days)]


@pytest.fixture
def order_for(inspector: User) -> Callable[..., Any]:
    def make(employer: Employer, *days: int, **kw: Any) -> Any:
        return issue_order(actor=inspector, employer=employer, items=items(*(days or (10,))), **kw)

    return make
