"""Storing the notice: the dry run, the confirmation, the audit, the recomputed deadlines, and
the page, the API and the command that do it."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.audit.models import AuditEvent
from laborgrid.deadlines import services as deadlines
from laborgrid.deadlines.tests.conftest import DAYS_KIND, test_kinds  # noqa: F401 (fixture)
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MAOCHANG, client_for
from laborgrid.workdays import services
from laborgrid.workdays.audit_actions import CalendarAction
from laborgrid.workdays.choices import DayKind, Holiday, YearSource
from laborgrid.workdays.models import CalendarDay, CalendarYear
from laborgrid.workdays.tests.test_notice import notice_text

pytestmark = pytest.mark.django_db

# Not a published notice (none for 2027 was at hand): a short arrangement in the published form.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕99号
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至11日（周四）放假调休，共7天。2月13日（周六）上班。
"""


def sysadmin() -> User:
    return User.objects.get(username="sysadmin")


def rows(year: int) -> list[tuple[dt.date, str, str]]:
    return sorted(
        CalendarDay.objects.filter(date__year=year).values_list("date", "kind", "holiday")
    )


def test_pasting_the_2026_notice_reproduces_the_2026_calendar_day_for_day() -> None:
    """The issue's check: with 2026 emptied, the 2026 notice stores exactly chinese-calendar's
    2026 — every rest day and 调休 working day, with its holiday."""
    _version, data = services.package_data()
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).update(is_complete=False)
    result = services.import_notice(actor=sysadmin(), text=notice_text(2026), confirm=True)
    assert result.stored
    assert rows(2026) == sorted(data[2026])
    year = CalendarYear.objects.get(year=2026)
    assert year.is_complete and year.notice == "国办发明电〔2025〕7号"
    assert year.source == YearSource.ADMINISTRATOR
    assert services.add_workdays(dt.date(2026, 9, 30), 5).date == dt.date(2026, 10, 13)


def test_the_2026_notice_over_the_seeded_2026_changes_nothing() -> None:
    result = services.import_notice(actor=sysadmin(), text=notice_text(2026))
    assert not result.stored and result.changes == () and result.unchanged == 39
    assert result.year_complete_before


def test_a_dry_run_stores_nothing() -> None:
    version = services.calendar_version()
    result = services.import_notice(actor=sysadmin(), text=NOTICE_2027)
    assert not result.stored
    assert [c.change for c in result.changes] == ["add"] * 11
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert services.calendar_version() == version
    assert not AuditEvent.objects.filter(action=CalendarAction.NOTICE_IMPORTED).exists()
    # The statutory holidays the short text leaves out are pointed out.
    assert any("2027-10-01" in w for w in result.notice.warnings)


@pytest.mark.usefixtures("test_kinds")
def test_confirming_stores_audits_and_recomputes_provisional_deadlines() -> None:
    grid = Grid.objects.get(code=MAOCHANG)
    d = deadlines.open_deadline(grid, DAYS_KIND, dt.date(2026, 12, 24), grid=grid)
    assert d.provisional and d.due == dt.date(2027, 3, 23)
    # A local holiday (放假办法 Art. 4) of 2027 entered before is kept.
    services.save_calendar_day(
        actor=sysadmin(), day=dt.date(2027, 3, 1), kind=DayKind.REST, holiday=Holiday.OTHER
    )
    result = services.import_notice(actor=sysadmin(), text=NOTICE_2027, confirm=True)
    assert result.stored and result.calendar_version == services.calendar_version()
    stored = rows(2027)
    assert (dt.date(2027, 2, 13), DayKind.WORK, Holiday.SPRING_FESTIVAL) in stored
    assert (dt.date(2027, 3, 1), DayKind.REST, Holiday.OTHER) in stored
    assert len(stored) == 12
    assert CalendarYear.objects.get(year=2027).is_complete
    event = AuditEvent.objects.get(action=CalendarAction.NOTICE_IMPORTED)
    assert event.username == "sysadmin" and event.object_id == "2027"
    assert event.detail["rest_days"] == 10 and event.detail["work_days"] == 1
    assert event.detail["text_sha256"] == hashlib.sha256(NOTICE_2027.encode()).hexdigest()
    assert event.detail["version"] == result.calendar_version
    d.refresh_from_db()
    # Now final: Feb 5–11 off (Feb 9–11 added), Sat Feb 13 worked, Mar 1 off (local day).
    assert not d.provisional and d.missing_years == []
    assert d.calendar_version == result.calendar_version
    assert d.due == dt.date(2027, 3, 26)


def test_importing_again_removes_what_the_new_text_drops() -> None:
    services.import_notice(actor=sysadmin(), text=NOTICE_2027, confirm=True)
    shorter = NOTICE_2027.split("二、")[0]
    result = services.import_notice(actor=sysadmin(), text=shorter, confirm=True)
    assert {c.change for c in result.changes} == {"remove"}
    assert [r[0] for r in rows(2027)] == [dt.date(2027, 1, d) for d in (1, 2, 3)]


def test_a_text_with_errors_is_never_stored() -> None:
    bad = NOTICE_2027.replace("（周五）至3日", "（周六）至3日")
    result = services.import_notice(actor=sysadmin(), text=bad, confirm=True)
    assert not result.stored and result.notice.errors
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize("username", ["county", "leader", "secadmin"])
def test_only_the_system_administrator_imports(username: str) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        services.import_notice(
            actor=User.objects.get(username=username), text=NOTICE_2027, confirm=True
        )


# --- the page ------------------------------------------------------------------------------------

URL = "/calendar/notices/"


def test_the_page_previews_then_stores() -> None:
    assert reverse("workdays:notice_import") == URL
    client = client_for("sysadmin")
    page = client.get(URL)
    assert page.status_code == 200 and "通知全文" in page.content.decode()
    preview = client.post(URL, {"text": NOTICE_2027, "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "2027-02-13" in body and "确认导入 2027 年安排" in body and "请核对" in body
    assert not CalendarYear.objects.filter(year=2027).exists()
    # The form strips the text (a trailing newline) before it is read and hashed.
    digest = hashlib.sha256(NOTICE_2027.strip().encode()).hexdigest()
    assert digest in body
    stored = client.post(URL, {"text": NOTICE_2027, "digest": digest, "confirm": "1"})
    assert stored.status_code == 302 and stored["Location"].endswith("?year=2027")
    assert len(rows(2027)) == 11


def test_a_text_changed_after_the_preview_is_previewed_again() -> None:
    client = client_for("sysadmin")
    stale = hashlib.sha256(b"something else").hexdigest()
    response = client.post(URL, {"text": NOTICE_2027, "digest": stale, "confirm": "1"})
    assert response.status_code == 200
    assert "改动过" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_errors_are_shown_and_the_text_is_kept() -> None:
    bad = NOTICE_2027.replace("（周五）至3日", "（周六）至3日")
    response = client_for("sysadmin").post(URL, {"text": bad, "confirm": "1"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "无法导入" in body and "星期五" in body
    assert "2月13日（周六）上班" in body  # the pasted text is still in the form
    assert "确认导入 2027 年安排" not in body


def test_an_empty_form_is_refused() -> None:
    response = client_for("sysadmin").post(URL, {"text": ""})
    assert response.status_code == 422


@pytest.mark.parametrize("username", ["county", "leader", "maochang"])
def test_the_page_is_the_system_administrators(username: str) -> None:
    client = client_for(username)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"text": NOTICE_2027, "confirm": "1"}).status_code == 404


def test_the_calendar_page_links_to_it_for_the_administrator_only() -> None:
    assert URL in client_for("sysadmin").get("/calendar/?year=2027").content.decode()
    assert URL not in client_for("county").get("/calendar/?year=2027").content.decode()


# --- the API -------------------------------------------------------------------------------------

API = "/api/v1/calendar/notices"


def post(username: str | None, payload: dict[str, Any]) -> Any:
    headers: dict[str, Any] = {}
    if username:
        raw, _token = issue_token(user=User.objects.get(username=username))
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return Client().post(API, payload, content_type="application/json", **headers)


def test_api_dry_run_then_confirm() -> None:
    response = post("sysadmin", {"text": NOTICE_2027})
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == 2027 and data["ok"] and not data["stored"]
    assert data["number"] == "国办发明电〔2026〕99号"
    assert data["workdays"] == [
        {"date": "2027-02-13", "festival": "spring_festival", "festival_label": "春节"}
    ]
    assert len(data["holidays"]) == 10
    assert data["sections"][1]["festivals"] == ["spring_festival"]
    assert data["changes"][0] == {
        "date": "2027-01-01",
        "change": "add",
        "before": None,
        "after": {"kind": "rest", "festival": "new_years_day"},
    }
    assert data["warnings"] and data["errors"] == []
    assert not CalendarYear.objects.filter(year=2027).exists()
    data = post("sysadmin", {"text": NOTICE_2027, "confirm": True}).json()
    assert data["stored"] and data["calendar_version"] == services.calendar_version()
    assert len(rows(2027)) == 11


def test_api_errors_are_422_with_the_reasons() -> None:
    bad = NOTICE_2027.replace("（周五）至3日", "（周六）至3日")
    response = post("sysadmin", {"text": bad, "confirm": True})
    assert response.status_code == 422
    assert response.json()["errors"] and not response.json()["stored"]
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert post("sysadmin", {"confirm": True}).status_code == 422  # no text


def test_api_others_403_anonymous_401() -> None:
    response = post("county", {"text": NOTICE_2027, "confirm": True})
    assert response.status_code == 403 and response.json()["detail"]
    assert post(None, {"text": NOTICE_2027}).status_code == 401
    assert not CalendarYear.objects.filter(year=2027).exists()


# --- the command ---------------------------------------------------------------------------------


def test_command_dry_run_and_confirm(tmp_path: Any) -> None:
    path = tmp_path / "2027.txt"
    path.write_text(NOTICE_2027, encoding="gb18030")
    out = StringIO()
    call_command("import_holiday_notice", str(path), "--user", "sysadmin", stdout=out)
    assert "2027-02-13" in out.getvalue() and "dry run" in out.getvalue()
    assert not CalendarYear.objects.filter(year=2027).exists()
    out = StringIO()
    call_command("import_holiday_notice", str(path), "--confirm", stdout=out)  # the only admin
    assert "stored" in out.getvalue()
    assert len(rows(2027)) == 11


def test_command_refuses_a_bad_text(tmp_path: Any) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("一、元旦：1月1日放假。", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "import_holiday_notice", str(path), "--confirm", stdout=StringIO(), stderr=StringIO()
        )
    with pytest.raises(CommandError):
        call_command("import_holiday_notice", str(path), "--user", "nobody", stdout=StringIO())


def test_the_audit_log_shows_the_import() -> None:
    services.import_notice(actor=sysadmin(), text=NOTICE_2027, confirm=True)
    response = client_for("auditor").get(reverse("audit:event_list"))
    assert response.status_code == 200
    assert "导入国务院节假日安排通知" in response.content.decode()
