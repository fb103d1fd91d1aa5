"""The calendar pages: read by staff, edited by the system administrator only (audited)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from laborgrid.audit.models import AuditEvent
from laborgrid.testing.personas import client_for
from laborgrid.workdays import services
from laborgrid.workdays.audit_actions import CalendarAction
from laborgrid.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

URL = "/calendar/"


def test_anonymous_goes_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("username", ["county", "leader", "maochang", "maochang-a1", "sysadmin"])
def test_staff_read_the_year(username: str) -> None:
    response = client_for(username).get(URL, {"year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert "国庆节" in body
    assert "调休上班" in body
    can_edit = username == "sysadmin"
    assert ('action="/calendar/days/save/"' in body) is can_edit


def test_the_auditor_has_no_calendar() -> None:
    assert client_for("auditor").get(URL).status_code == 404


def test_a_year_without_data_warns() -> None:
    body = client_for("county").get(URL, {"year": 2027}).content.decode()
    assert "尚未录入 2027 年" in body


@pytest.mark.parametrize("year", ["abc", "1800", "99999"])
def test_bad_year_is_404(year: str) -> None:
    assert client_for("county").get(URL, {"year": year}).status_code == 404


def test_query_count_does_not_grow_with_days() -> None:
    client = client_for("sysadmin")
    client.get(URL, {"year": 2026})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {"year": 2026}).status_code == 200
    assert len(ctx.captured_queries) <= 12, [q["sql"] for q in ctx.captured_queries]


def test_the_administrator_enters_2027() -> None:
    client = client_for("sysadmin")
    response = client.post(
        "/calendar/years/save/", {"year": 2027, "is_complete": "", "notice": "国办发明电"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/calendar/?year=2027"
    response = client.post(
        "/calendar/days/save/",
        {"day": "2027-01-01", "kind": "rest", "holiday": "new_years_day", "note": ""},
    )
    assert response.status_code == 302
    client.post("/calendar/years/save/", {"year": 2027, "is_complete": "on", "notice": "x"})
    assert CalendarYear.objects.get(year=2027).is_complete
    assert services.add_workdays(date(2026, 12, 31), 1).date == date(2027, 1, 4)
    response = client.post("/calendar/days/remove/", {"day": "2027-01-01"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()
    assert AuditEvent.objects.filter(action=CalendarAction.CALENDAR_CHANGED).count() == 4


def test_a_weekday_is_not_a_working_weekend() -> None:
    response = client_for("sysadmin").post(
        "/calendar/days/save/", {"day": "2026-11-25", "kind": "work", "holiday": "other"}
    )
    assert response.status_code == 422
    assert "只能是星期六或星期日" in response.content.decode()
    assert not CalendarDay.objects.filter(date=date(2026, 11, 25)).exists()


def test_script_in_a_note_is_text() -> None:
    client = client_for("sysadmin")
    client.post(
        "/calendar/days/save/",
        {"day": "2026-11-30", "kind": "rest", "holiday": "other", "note": "<script>x</script>"},
    )
    body = client.get(URL, {"year": 2026}).content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body


def test_removing_a_missing_day_is_404() -> None:
    assert (
        client_for("sysadmin").post("/calendar/days/remove/", {"day": "2026-11-25"}).status_code
        == 404
    )
    assert client_for("sysadmin").post("/calendar/days/remove/", {"day": "x"}).status_code == 404


@pytest.mark.parametrize("username", ["county", "leader", "maochang", "secadmin", "auditor"])
def test_others_cannot_edit(username: str) -> None:
    client = client_for(username)
    before = AuditEvent.objects.count()
    for url, data in (
        ("/calendar/years/save/", {"year": 2027, "is_complete": "on"}),
        ("/calendar/days/save/", {"day": "2026-11-30", "kind": "rest", "holiday": "other"}),
        ("/calendar/days/remove/", {"day": "2026-10-01"}),
    ):
        assert client.post(url, data).status_code == 404, url
    assert AuditEvent.objects.count() == before
    assert CalendarDay.objects.filter(date=date(2026, 10, 1)).exists()


def test_get_on_edit_urls_is_refused() -> None:
    assert client_for("sysadmin").get("/calendar/days/save/").status_code == 405


def test_the_day_form_starts_on_the_year_shown() -> None:
    body = client_for("sysadmin").get(URL, {"year": 2027}).content.decode()
    assert 'type="date"' in body
    assert 'value="2027-01-01"' in body


def test_the_missing_next_year_is_shown() -> None:
    from unittest import mock

    with mock.patch("laborgrid.workdays.views.timezone.localdate", return_value=date(2026, 11, 28)):
        body = client_for("county").get(URL, {"year": 2026}).content.decode()
    assert "2027 年的工作日历尚未录入完整" in body


def test_a_year_without_its_notice_shows_the_statutory_holidays_as_provisional() -> None:
    body = client_for("county").get("/calendar/", {"year": "2027"}).content.decode()
    assert "法定节假日（暂定计算）" in body
    assert body.count('class="provisional"') == 13  # 全国年节及纪念日放假办法: 13 days in 2027
    assert "暂按周末和法定节假日计算" in body
    body = client_for("county").get("/calendar/", {"year": "2026"}).content.decode()
    assert 'class="provisional"' not in body
