"""Deadlines reaching a year whose holiday notice is not entered yet show a date marked 暂定 on
every page and in the API (DOMAIN A4), and become final when the notice is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.cases import services
from laborgrid.cases.choices import DeadlineKind
from laborgrid.cases.models import Case
from laborgrid.cases.services import deadlines
from laborgrid.testing.personas import MAOCHANG, client_for
from laborgrid.workdays import services as workdays

pytestmark = pytest.mark.django_db

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至11日（周四）放假调休，共7天。2月13日（周六）上班。
"""


@pytest.fixture
def case() -> Case:
    case = Case.objects.filter(grid_path__contains=MAOCHANG).order_by("pk").first()
    assert case is not None
    deadlines.open_deadline(case, DeadlineKind.INVESTIGATION, dt.date(2026, 12, 24))
    return case


def test_the_case_page_the_list_and_the_board_say_provisional(case: Case) -> None:
    client = client_for("county")
    detail = client.get(case.get_absolute_url()).content.decode()
    assert "2027-03-23" in detail and "暂定" in detail
    assert "暂按周末和法定节假日计算" in detail  # the case's calendar warning
    board = client.get("/deadlines/").content.decode()
    assert "暂定期限" in board and case.reference in board


def test_the_api_says_provisional_then_final(case: Case) -> None:
    raw, _token = issue_token(user=User.objects.get(username="county"))
    url = f"/api/v1/cases/{case.pk}"
    data = client_for("county").__class__().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    row = next(
        d for d in data["deadlines"] if d["kind"] == "investigation" and d["start"] == "2026-12-24"
    )
    assert row == row | {"due": "2027-03-23", "provisional": True, "missing_years": [2027]}
    workdays.import_notice(
        actor=User.objects.get(username="sysadmin"), text=NOTICE_2027, confirm=True
    )
    data = client_for("county").__class__().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    row = next(
        d
        for d in data["deadlines"]
        if d["kind"] == "investigation" and d["start"] == "2026-12-24" and d["status"] != "void"
    )
    assert row["provisional"] is False and row["missing_years"] == []
    assert row["due"] == "2027-03-25"  # Feb 9–11 off, Saturday Feb 13 worked
    case.refresh_from_db()
    assert case.calendar_warning == ""


def _provisional_hearing_window(on_day: Any) -> tuple[Case, Any]:
    """A prior notice whose 5-working-day hearing window (D8) is provisional (its year's notice
    not entered): the window row as the engine writes it then."""
    from laborgrid.cases.tests.test_procedure_refusals import at_notice
    from laborgrid.deadlines.models import Deadline

    case = at_notice(on_day)
    window = case.deadlines.pending().get(kind=DeadlineKind.HEARING_REQUEST)
    Deadline.objects.filter(pk=window.pk).update(provisional=True, missing_years=[2027])
    window.refresh_from_db()
    return case, window


def test_a_penalty_is_not_decided_on_a_provisional_lapse(on_day: Any) -> None:
    from django.core.exceptions import ValidationError

    from laborgrid.cases.tests.test_procedure_refusals import decide_penalty

    case, window = _provisional_hearing_window(on_day)
    on_day(window.due + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        decide_penalty(case)
    assert "暂定" in " ".join(exc.value.messages) and "2027" in " ".join(exc.value.messages)


def test_a_provisional_lapse_never_refuses_a_hearing_request(on_day: Any) -> None:
    from laborgrid.cases.tests.test_procedure import user

    case, window = _provisional_hearing_window(on_day)
    late = window.due + dt.timedelta(days=1)
    on_day(late)
    services.record_defence(
        actor=user("county"),
        case=case,
        defence="hearing_requested",
        on=late,
        hearing_on=dt.date(2026, 12, 1),
    )
    case.refresh_from_db()
    assert case.defence == "hearing_requested"


def test_a_suspension_into_a_year_without_calendar_is_counted_once_the_notice_is_in(
    case: Case,
) -> None:
    """中止 from 28 Dec 2026 to 11 Jan 2027 before 2027's notice is entered: the working days of
    the pause cannot be counted, so the investigation has no due date (never a guess) and the case
    says so; once the notice is stored, the pause is counted and the date comes back moved."""
    deadlines.resume_investigation(case, dt.date(2026, 12, 28), dt.date(2027, 1, 11))
    inv = case.deadlines.pending().get(kind=DeadlineKind.INVESTIGATION)
    assert inv.due is None and inv.amount == 60 and inv.missing_years == [2027]
    page = client_for("county").get(case.get_absolute_url()).content.decode()
    assert "期限无法计算" in page
    english = client_for("county")
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = english.get(case.get_absolute_url()).content.decode()
    assert "the deadline cannot be" in page and "期限无法计算" not in page
    workdays.import_notice(
        actor=User.objects.get(username="sysadmin"), text=NOTICE_2027, confirm=True
    )
    inv = case.deadlines.pending().get(kind=DeadlineKind.INVESTIGATION)
    # 9 working days paused (29–31 Dec, 4–8 Jan, 11 Jan): 60 + 9 after 24 Dec 2026.
    assert inv.amount == 69 and inv.uncounted_pauses == []
    assert inv.due == dt.date(2027, 4, 7) and not inv.provisional
    case.refresh_from_db()
    assert case.calendar_warning == ""


def test_warnings_stored_as_text_before_become_data(case: Case) -> None:
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("laborgrid.cases.migrations.0009_calendar_warning_as_data")
    old = {
        "provisional:2027": "日历缺少 2027 年的官方数据，期限暂按周末和法定节假日计算（暂定），管理员录入节假日安排后重新计算。",
        "missing:2027,2028": "日历缺少 2027、2028 年的官方数据，期限无法计算，请管理员补充节假日安排。",
    }  # fmt: skip
    for expected, text in old.items():
        Case.objects.filter(pk=case.pk).update(calendar_warning=text)
        migration.to_data(apps, type("Editor", (), {"connection": connection})())
        case.refresh_from_db()
        assert case.calendar_warning == expected
