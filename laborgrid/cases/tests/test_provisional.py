"""Deadlines reaching a year whose holiday notice is not entered yet show a date marked 暂定 on
every page and in the API (DOMAIN A4), and become final when the notice is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

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
