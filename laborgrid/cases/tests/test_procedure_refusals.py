"""The steps a legal reviewer stops first (issue 15 item 1): a penalty only after the party was
heard (行政处罚法 Art. 44–45, 62–64; D8, D9), service with date, method and proof (Art. 61), court
enforcement only after the remedy windows and the 催告 period (行政强制法 Art. 53–54; D13–D15),
and the filing deadline of an accepted complaint on the boards (若干规定 Art. 18; D2)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.cases import services
from laborgrid.cases.choices import CaseState, DeadlineKind
from laborgrid.cases.models import Case
from laborgrid.cases.tests.test_procedure import investigate, submit, user
from laborgrid.deadlines.models import Deadline
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

NOTICE_DAY = dt.date(2026, 10, 12)
PROOF = "送达回证（当事人签收）"


def at_notice(on_day: Any) -> Case:
    """A complaint investigated by two inspectors; the prior notice of a penalty on Oct 12."""
    case = submit(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    services.file_case(actor=user("maochang"), case=case)
    investigate(case)
    services.complete_investigation(actor=user("county"), case=case)
    on_day(NOTICE_DAY)
    services.notify_penalty(
        actor=user("county"),
        case=case,
        served_on=NOTICE_DAY,
        service_method="direct",
        service_proof="送达回证（当事人签收）",
    )
    return case


def decide_penalty(case: Case) -> Case:
    return services.decide_case(
        actor=user("county"),
        case=case,
        decision_kind="penalty",
        summary="罚款人民币五千元。",
        penalty_amount=Decimal("5000"),
    )


def decided(on_day: Any) -> Case:
    case = at_notice(on_day)
    services.record_defence(
        actor=user("county"), case=case, defence="waived", on=NOTICE_DAY, outcome="书面放弃"
    )
    return decide_penalty(case)


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- 陈述申辩 and 听证 before a penalty (D8, D9) -------------------------------------------------


def test_a_penalty_waits_until_the_hearing_window_lapses(on_day: Any) -> None:
    case = at_notice(on_day)
    window = case.deadlines.pending().get(kind=DeadlineKind.HEARING_REQUEST)
    assert window.due is not None and window.due > NOTICE_DAY
    for day in (NOTICE_DAY, window.due):
        on_day(day)
        with pytest.raises(ValidationError) as exc:
            decide_penalty(case)
        text = messages_of(exc)
        assert window.due.isoformat() in text and "第六十四条" in text
        assert (window.due + dt.timedelta(days=1)).isoformat() in text
    case.refresh_from_db()
    assert case.state == CaseState.PENALTY_NOTICE
    on_day(window.due + dt.timedelta(days=1))
    decide_penalty(case)
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED


@pytest.mark.parametrize(
    ("defence", "outcome"),
    [("waived", ""), ("statement", "当事人称资金周转困难，未提出新的事实，不予采纳。")],
)
def test_a_waiver_or_an_answered_statement_allows_the_penalty(
    on_day: Any, defence: str, outcome: str
) -> None:
    case = at_notice(on_day)
    services.record_defence(
        actor=user("county"), case=case, defence=defence, on=NOTICE_DAY, outcome=outcome
    )
    decide_penalty(case)
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and case.defence == defence
    assert list(case.transitions.values_list("action", flat=True))[-2:] == [
        "record_defence",
        "decide",
    ]


def test_a_statement_without_its_outcome_is_refused(on_day: Any) -> None:
    case = at_notice(on_day)
    with pytest.raises(ValidationError) as exc:
        services.record_defence(actor=user("county"), case=case, defence="statement", on=NOTICE_DAY)
    assert "defence_outcome" in exc.value.message_dict
    with pytest.raises(ValidationError):  # not in the future
        services.record_defence(
            actor=user("county"),
            case=case,
            defence="waived",
            on=NOTICE_DAY + dt.timedelta(days=1),
        )


def test_a_requested_hearing_is_notified_seven_working_days_ahead_and_held_first(
    on_day: Any,
) -> None:
    case = at_notice(on_day)
    with pytest.raises(ValidationError) as exc:
        services.record_defence(
            actor=user("county"),
            case=case,
            defence="hearing_requested",
            on=NOTICE_DAY,
            hearing_on=NOTICE_DAY + dt.timedelta(days=3),
        )
    assert "hearing_on" in exc.value.message_dict and "七个工作日" in messages_of(exc)
    services.record_defence(
        actor=user("county"),
        case=case,
        defence="hearing_requested",
        on=NOTICE_DAY,
        hearing_on=dt.date(2026, 10, 30),
    )
    window = case.deadlines.get(kind=DeadlineKind.HEARING_REQUEST)
    assert window.due is not None
    on_day(window.due + dt.timedelta(days=5))
    with pytest.raises(ValidationError) as exc:
        decide_penalty(case)
    assert "听证" in messages_of(exc)
    on_day(dt.date(2026, 10, 30))
    services.record_defence(
        actor=user("county"),
        case=case,
        defence="hearing",
        on=dt.date(2026, 10, 30),
        outcome="听证认定拖欠事实清楚，维持拟处罚意见。",
    )
    decide_penalty(case)


def test_a_late_hearing_request_is_refused(on_day: Any) -> None:
    case = at_notice(on_day)
    window = case.deadlines.get(kind=DeadlineKind.HEARING_REQUEST)
    assert window.due is not None
    late = window.due + dt.timedelta(days=1)
    on_day(late)
    with pytest.raises(ValidationError) as exc:
        services.record_defence(
            actor=user("county"),
            case=case,
            defence="hearing_requested",
            on=late,
            hearing_on=dt.date(2026, 12, 1),
        )
    assert window.due.isoformat() in messages_of(exc)


def test_the_api_refuses_a_penalty_on_the_day_of_the_notice(on_day: Any) -> None:
    case = at_notice(on_day)
    raw, _t = issue_token(user=User.objects.get(username="county"))
    from django.test import Client

    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        f"/api/v1/cases/{case.pk}/actions/decide",
        json.dumps({"decision_kind": "penalty", "summary": "罚款五千元"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "第六十四条" in response.json()["detail"]
    case.refresh_from_db()
    assert case.state == CaseState.PENALTY_NOTICE


# --- 送达 with date, method and proof --------------------------------------------------------


def test_service_needs_a_date_a_method_and_proof(on_day: Any) -> None:
    case = decided(on_day)
    on_day(dt.date(2026, 10, 20))
    with pytest.raises(ValidationError) as exc:
        services.serve_case(actor=user("county"), case=case)
    assert set(exc.value.message_dict) == {"served_on", "service_method", "service_proof"}
    for bad in (dt.date(2026, 10, 21), dt.date(2026, 10, 11)):  # future; before the decision
        with pytest.raises(ValidationError) as exc:
            services.serve_case(
                actor=user("county"),
                case=case,
                served_on=bad,
                service_method="direct",
                service_proof=PROOF,
            )
        assert "served_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.serve_case(
            actor=user("county"),
            case=case,
            served_on=dt.date(2026, 10, 14),
            service_method="pigeon",
            service_proof=PROOF,
        )
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED


def test_the_clocks_start_from_the_recorded_service_date(on_day: Any) -> None:
    case = decided(on_day)
    on_day(dt.date(2026, 10, 20))
    services.serve_case(
        actor=user("county"),
        case=case,
        served_on=dt.date(2026, 10, 14),
        service_method="post",
        service_proof="EMS 1234567890123",
    )
    case.refresh_from_db()
    assert (case.served_on, case.service_method) == (dt.date(2026, 10, 14), "post")
    fine = case.deadlines.pending().get(kind=DeadlineKind.FINE_PAYMENT)
    assert (fine.start, fine.due) == (dt.date(2026, 10, 14), dt.date(2026, 10, 29))  # D11
    app = case.deadlines.pending().get(kind=DeadlineKind.ENFORCEMENT_APPLICATION)
    # 6 months after service (D14, longer than the 60 days of D13), then 3 months (D15).
    assert (app.start, app.due) == (dt.date(2027, 4, 14), dt.date(2027, 7, 14))
    assert "2026-12-14" in app.basis  # 60 days end on Sunday Dec 13: the next working day


def test_service_by_public_notice_takes_effect_after_the_notice_period(
    on_day: Any, settings: Any
) -> None:
    settings.LABORGRID_PUBLIC_NOTICE_SERVICE_DAYS = 60
    case = decided(on_day)
    on_day(dt.date(2026, 10, 20))
    services.serve_case(
        actor=user("county"),
        case=case,
        served_on=dt.date(2026, 10, 14),
        service_method="public_notice",
        service_proof="大方县人社局公告栏及门户网站公告",
    )
    fine = case.deadlines.pending().get(kind=DeadlineKind.FINE_PAYMENT)
    assert fine.start == dt.date(2026, 12, 13)


def test_the_public_notice_period_is_a_setting_defaulting_to_60_days(settings: Any) -> None:
    from django.conf import settings as live

    from laborgrid.cases.services.procedure import effective_service_date

    assert live.LABORGRID_PUBLIC_NOTICE_SERVICE_DAYS == 60  # config/settings.py (D19)
    day = dt.date(2026, 10, 14)
    assert effective_service_date(day, "public_notice") == dt.date(2026, 12, 13)
    settings.LABORGRID_PUBLIC_NOTICE_SERVICE_DAYS = 30  # another province's rule
    assert effective_service_date(day, "public_notice") == dt.date(2026, 11, 13)
    assert effective_service_date(day, "post") == day


def test_the_case_page_refuses_service_without_a_method(on_day: Any) -> None:
    case = decided(on_day)
    response = client_for("county").post(
        reverse("cases:case_action", args=[case.pk, "serve"]),
        {"served_on": "2026-10-12", "service_proof": PROOF},
        follow=True,
    )
    assert "请选择送达方式" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED


# --- court enforcement (D12–D15) -------------------------------------------------------------


def test_court_enforcement_waits_for_the_windows_and_ten_days_after_the_demand(
    on_day: Any,
) -> None:
    case = decided(on_day)
    on_day(dt.date(2026, 10, 20))
    services.serve_case(
        actor=user("county"),
        case=case,
        served_on=dt.date(2026, 10, 14),
        service_method="direct",
        service_proof=PROOF,
    )
    with pytest.raises(ValidationError) as exc:
        services.enforce_case(actor=user("county"), case=case)
    assert "2027-04-14" in messages_of(exc) and "2027-04-15" in messages_of(exc)
    on_day(dt.date(2027, 4, 15))
    with pytest.raises(ValidationError) as exc:
        services.enforce_case(actor=user("county"), case=case)
    assert "催告书" in messages_of(exc)
    services.serve_demand(
        actor=user("county"),
        case=case,
        served_on=dt.date(2027, 4, 15),
        service_method="direct",
        service_proof="催告书送达回证",
    )
    on_day(dt.date(2027, 4, 25))
    with pytest.raises(ValidationError) as exc:
        services.enforce_case(actor=user("county"), case=case)
    assert "2027-04-26" in messages_of(exc)
    on_day(dt.date(2027, 4, 26))
    services.enforce_case(actor=user("county"), case=case)
    case.refresh_from_db()
    assert case.state == CaseState.ENFORCEMENT
    assert case.deadlines.get(kind=DeadlineKind.ENFORCEMENT_APPLICATION).met_on == dt.date(
        2027, 4, 26
    )


def test_a_correction_order_is_not_sent_to_court(on_day: Any) -> None:
    case = at_notice(on_day)
    services.record_defence(actor=user("county"), case=case, defence="waived", on=NOTICE_DAY)
    services.decide_case(
        actor=user("county"), case=case, decision_kind="correction_order", summary="限期改正"
    )
    services.serve_case(
        actor=user("county"),
        case=case,
        served_on=NOTICE_DAY,
        service_method="direct",
        service_proof=PROOF,
    )
    on_day(dt.date(2027, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.enforce_case(actor=user("county"), case=case)
    assert "第五十三条" in messages_of(exc)


# --- the filing deadline of an accepted complaint (D2) ---------------------------------------


def test_an_accepted_complaint_is_due_for_filing_the_same_day(on_day: Any) -> None:
    case = submit(on_day)
    accepted = dt.date(2026, 10, 9)
    on_day(accepted)
    services.accept_case(actor=user("maochang"), case=case)
    filing = case.deadlines.pending().get(kind=DeadlineKind.FILING)
    assert filing.due == accepted
    assert not Deadline.objects.overdue(accepted).filter(pk=filing.pk).exists()
    assert Deadline.objects.overdue(dt.date(2026, 10, 12)).filter(pk=filing.pk).exists()
    board = client_for("maochang").get(reverse("deadlines:board")).content.decode()
    assert case.reference in board
    services.file_case(actor=user("maochang"), case=case)
    assert case.deadlines.get(kind=DeadlineKind.FILING).met_on == accepted


def test_the_demo_puts_every_accepted_unfiled_case_on_the_boards() -> None:
    accepted = set(Case.objects.filter(state=CaseState.ACCEPTED).values_list("pk", flat=True))
    assert accepted
    on_board = set(
        Deadline.objects.for_model(Case)
        .pending()
        .filter(kind=DeadlineKind.FILING)
        .values_list("object_id", flat=True)
    )
    assert accepted <= on_board


def test_a_lapsed_party_period_does_not_put_the_case_under_supervision(on_day: Any) -> None:
    case = at_notice(on_day)
    window = case.deadlines.get(kind=DeadlineKind.HEARING_REQUEST)
    assert window.due is not None
    services.deadlines.escalate_overdue(today=window.due + dt.timedelta(days=1))
    case.refresh_from_db()
    assert not case.escalated


def test_the_prior_notice_is_served_and_the_hearing_window_runs_from_its_service(
    on_day: Any,
) -> None:
    case = submit(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    services.file_case(actor=user("maochang"), case=case)
    investigate(case)
    services.complete_investigation(actor=user("county"), case=case)
    on_day(dt.date(2026, 10, 16))
    with pytest.raises(ValidationError) as exc:
        services.notify_penalty(actor=user("county"), case=case)
    assert set(exc.value.message_dict) == {"served_on", "service_method", "service_proof"}
    services.notify_penalty(
        actor=user("county"),
        case=case,
        served_on=NOTICE_DAY,
        service_method="post",
        service_proof="EMS 9876543210",
    )
    window = case.deadlines.pending().get(kind=DeadlineKind.HEARING_REQUEST)
    assert window.start == NOTICE_DAY


def test_filing_on_the_recorded_approval_date(on_day: Any) -> None:
    case = submit(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    on_day(dt.date(2026, 10, 13))
    for bad in (dt.date(2026, 10, 8), dt.date(2026, 10, 14)):  # before acceptance; future
        with pytest.raises(ValidationError) as exc:
            services.file_case(actor=user("maochang"), case=case, filed_on=bad)
        assert "filed_on" in exc.value.message_dict
    services.file_case(actor=user("maochang"), case=case, filed_on=dt.date(2026, 10, 12))
    case.refresh_from_db()
    assert case.filed_on == dt.date(2026, 10, 12)
    filing = case.deadlines.get(kind=DeadlineKind.FILING)
    assert (filing.due, filing.met_on) == (dt.date(2026, 10, 9), dt.date(2026, 10, 12))
    assert case.deadlines.pending().get(kind=DeadlineKind.INVESTIGATION).start == dt.date(
        2026, 10, 12
    )
