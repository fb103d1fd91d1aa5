"""The demo (issue 16 §7): orders in 猫场镇 in every state, due soon and overdue on the board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from laborgrid.cases.choices import CaseState, RecordKind
from laborgrid.deadlines.models import DUE_SOON_DAYS, Deadline
from laborgrid.notifications.models import Notification
from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.deadline_rules import ORDER_KIND
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.testing.personas import MAOCHANG

pytestmark = pytest.mark.django_db


def _maochang() -> list[RectificationOrder]:
    return list(RectificationOrder.objects.filter(grid_path__contains=f"/{MAOCHANG}/"))


def test_every_state_is_in_the_demo() -> None:
    states = {o.state for o in _maochang()}
    assert states == set(OrderState.values)


def test_open_orders_are_due_soon_overdue_and_running() -> None:
    today = timezone.localdate()
    open_orders = [o for o in _maochang() if o.state == OrderState.OPEN]
    assert any(o.due < today for o in open_orders)
    assert any(today <= o.due <= today + dt.timedelta(days=DUE_SOON_DAYS) for o in open_orders)
    assert any(o.due > today + dt.timedelta(days=DUE_SOON_DAYS) for o in open_orders)
    pending = Deadline.objects.pending().filter(kind=ORDER_KIND, grid_path__contains=MAOCHANG)
    assert pending.filter(due__lt=today).exists()
    assert pending.filter(due__gte=today, due__lte=today + dt.timedelta(days=3)).exists()


def test_the_escalated_order_opened_a_filed_case_with_the_evidence() -> None:
    order = next(o for o in _maochang() if o.state == OrderState.ESCALATED)
    case = order.case
    assert case is not None and case.state == CaseState.INVESTIGATING
    assert case.employer_id == order.employer_id and case.grid_path == order.grid_path
    assert order.number in case.facts and "未改正" in case.facts
    titles = list(case.records.filter(kind=RecordKind.EVIDENCE).values_list("title", flat=True))
    assert any(order.number in t for t in titles) and len(titles) >= 2


def test_the_overdue_order_told_its_staff() -> None:
    overdue = next(
        o for o in _maochang() if o.state == OrderState.OPEN and o.due < timezone.localdate()
    )
    told = Notification.objects.filter(title__contains=overdue.number)
    assert told.filter(user__username="maochang").exists()
    assert told.filter(user__username="county").exists()  # the issuing inspector
