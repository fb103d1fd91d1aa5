"""The deadline board: login, scope (another township sees nothing), filters, query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laborgrid.deadlines import services
from laborgrid.deadlines.tests.conftest import HOURS_KIND
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_kinds")]


def _overdue_on(code: str) -> None:
    grid = Grid.objects.get(code=code)
    services.open_deadline(grid, HOURS_KIND, timezone.now() - dt.timedelta(hours=30), grid=grid)


def test_anonymous_is_sent_to_login() -> None:
    from django.test import Client

    response = Client().get(reverse("deadlines:board"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_each_township_sees_its_own_deadlines_only() -> None:
    _overdue_on(MAOCHANG)
    own = client_for("maochang").get(reverse("deadlines:board"))
    assert own.status_code == 200
    body = own.content.decode()
    assert "测试对象 猫场镇" in body and "测试报告时限" in body
    other = client_for("machang").get(reverse("deadlines:board")).content.decode()
    assert "测试对象 猫场镇" not in other
    # Asking for the other township's grid shows nothing either.
    asked = client_for("machang").get(reverse("deadlines:board"), {"grid": MAOCHANG})
    assert "测试对象 猫场镇" not in asked.content.decode()


def test_filters_by_grid_and_kind() -> None:
    _overdue_on(MAOCHANG)
    _overdue_on(MACHANG)
    county = client_for("county")
    body = county.get(reverse("deadlines:board"), {"kind": HOURS_KIND}).content.decode()
    assert "测试对象 猫场镇" in body and "测试对象 马场镇" in body
    body = county.get(reverse("deadlines:board"), {"grid": MACHANG}).content.decode()
    assert "测试对象 马场镇" in body and "测试对象 猫场镇" not in body
    body = county.get(reverse("deadlines:board"), {"kind": "acceptance"}).content.decode()
    assert "测试对象" not in body


def test_case_rows_link_to_their_case_and_queries_are_bounded() -> None:
    _overdue_on(MAOCHANG)
    county = client_for("county")
    county.get(reverse("deadlines:board"))  # warm up (session, scope, content types)
    with CaptureQueriesContext(connection) as q:
        response = county.get(reverse("deadlines:board"))
    assert response.status_code == 200
    assert "/cases/" in response.content.decode()  # the demo's overdue case deadlines
    # Session, user, scope, 3 sections, one query per object type and section: bounded by the
    # kinds of object with deadlines (cases, orders, incidents, project duties...), not their number.
    from laborgrid.deadlines.registry import _subjects

    assert len(q) <= 14 + len(_subjects), [x["sql"] for x in q]
