"""The state machine (DOMAIN B9): every action through its service, illegal ones refused."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laborgrid.accounts.models import User
from laborgrid.cases import services
from laborgrid.cases.choices import TRANSITIONS, Action, CaseState, DeadlineKind, RecordKind
from laborgrid.cases.models import Case, CaseTransition
from laborgrid.cases.tests.conftest import complaint_data
from laborgrid.notifications.models import Notification
from laborgrid.testing.personas import MAOCHANG

pytestmark = pytest.mark.django_db

SEPT_30 = dt.date(2026, 9, 30)


def user(name: str) -> User:
    return User.objects.get(username=name)


def submit(on_day: Any, day: dt.date = SEPT_30, **over: Any) -> Case:
    on_day(day)
    return services.submit_public(
        data=complaint_data(**over), submission_key=uuid.uuid4(), ip="10.0.0.1"
    ).case


def assign(case: Case, one: str = "county", two: str = "brigade-1") -> Case:
    """Name the two handling inspectors (承办人), as the procedure requires before investigating."""
    return services.assign_handlers(
        actor=user("maochang"), case=case, handler_1=user(one), handler_2=user(two)
    )


def investigate(case: Case) -> None:
    case.refresh_from_db()
    if not case.handler_1_id:
        assign(case)
    services.add_record(
        actor=user("county"),
        case=case,
        data={
            "kind": RecordKind.SITE_INSPECTION,
            "title": "现场检查",
            "content": "查看工资台账。",
            "inspector_1": user("county"),
            "inspector_2": user("brigade-1"),
        },
    )


def test_complaint_lands_in_maochang_with_acceptance_deadline(
    on_day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(on_day)
    assert case.state == CaseState.RECEIVED
    assert case.grid_path.startswith(f"{case.grid_path.split(MAOCHANG)[0]}{MAOCHANG}/")
    assert case.route_method == "employer"
    acceptance = case.deadlines.get(kind=DeadlineKind.ACCEPTANCE)
    # 5 working days after 2026-09-30 across 国庆 (Oct 1–7) and the 调休 Saturday Oct 10 (B7.2).
    assert acceptance.due == dt.date(2026, 10, 13)
    assert acceptance.calendar_version
    assert Notification.objects.filter(
        user__username="maochang", url=case.get_absolute_url()
    ).exists()
    assert not Notification.objects.filter(user__username="machang").exists()
    assert case.transitions.get().action == Action.REGISTER


def test_full_procedure_to_archive(on_day: Any) -> None:
    case = submit(on_day)
    on_day(dt.date(2026, 10, 9))
    services.accept_case(actor=user("maochang"), case=case)
    services.file_case(actor=user("maochang"), case=case)
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING and case.filed_on == dt.date(2026, 10, 9)
    inv = case.deadlines.pending().get(kind=DeadlineKind.INVESTIGATION)
    assert inv.due == dt.date(2026, 12, 31)  # 60 working days (Oct 10 is a 调休 working Saturday)
    assert case.deadlines.get(kind=DeadlineKind.ACCEPTANCE).status() == "met"
    with pytest.raises(ValidationError):  # no two-inspector record yet
        services.complete_investigation(actor=user("county"), case=case)
    investigate(case)
    with pytest.raises(PermissionDenied):  # a squadron leader holds no certificate
        services.complete_investigation(actor=user("maochang"), case=case)
    services.complete_investigation(actor=user("county"), case=case)
    with pytest.raises(ValidationError):  # a penalty needs the prior notice first
        services.decide_case(
            actor=user("county"), case=case, decision_kind="penalty", summary="罚款"
        )
    services.decide_case(
        actor=user("county"),
        case=case,
        decision_kind="correction_order",
        summary="限期十日内支付拖欠工资。",
        rectification_due=dt.date(2026, 10, 23),
    )
    services.serve_case(
        actor=user("county"),
        case=case,
        served_on=dt.date(2026, 10, 9),
        service_method="direct",
        service_proof="送达回证（当事人签收）",
    )
    services.record_outcome(
        actor=user("maochang"),
        case=case,
        data={
            "amount_recovered": "18000",
            "workers_helped": 1,
            "public_result": "工资已足额支付。",
        },
    )
    services.close_case(actor=user("maochang"), case=case, closure_kind="performed")
    services.archive_case(actor=user("maochang"), case=case)
    case.refresh_from_db()
    assert case.state == CaseState.ARCHIVED
    assert case.amount_recovered == Decimal("18000.00")
    assert list(case.transitions.values_list("action", flat=True)) == [
        "register", "accept", "file", "assign", "complete_investigation", "decide", "serve",
        "close", "archive",
    ]  # fmt: skip
    assert case.transitions.exclude(action="register").filter(actor__isnull=True).count() == 0
    assert not case.deadlines.pending().exists()


@pytest.mark.parametrize("action", ["file", "decide", "serve", "close", "archive", "resume"])
def test_illegal_transitions_are_refused(on_day: Any, action: str) -> None:
    case = submit(on_day)
    fn: dict[str, Callable[..., Any]] = {
        "file": services.file_case,
        "serve": services.serve_case,
        "archive": services.archive_case,
    }
    before = CaseTransition.objects.count()
    with pytest.raises(ValidationError) as exc:
        if action == "decide":
            services.decide_case(
                actor=user("county"), case=case, decision_kind="correction_order", summary="改正"
            )
        elif action == "close":
            services.close_case(actor=user("county"), case=case, closure_kind="performed")
        elif action == "resume":
            services.resume_case(actor=user("county"), case=case, reason="恢复")
        else:
            fn[action](actor=user("county"), case=case)
    assert "待受理" in " ".join(exc.value.messages)
    assert CaseTransition.objects.count() == before
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_transition_table_covers_every_state_reachable() -> None:
    targets = {to for _src, to in TRANSITIONS.values() if to}
    unreachable = {str(s) for s in CaseState.values} - {str(t) for t in targets}
    assert unreachable == {"received"} - {str(t) for t in targets}


def test_assistant_and_leader_and_other_township_cannot_act(on_day: Any) -> None:
    case = submit(on_day)
    for name in ("maochang-a1", "leader", "machang"):
        with pytest.raises(PermissionDenied):
            services.accept_case(actor=user(name), case=case)


def test_extension_and_suspension_need_an_approver_and_keep_the_clock(on_day: Any) -> None:
    # Early in 2026, so that 60 + 30 working days stay within the calendar's years.
    case = submit(on_day, day=dt.date(2026, 3, 2), violation_start="2025-12-01")
    on_day(dt.date(2026, 3, 4))
    services.accept_case(actor=user("maochang"), case=case)
    services.file_case(actor=user("maochang"), case=case)
    due = case.deadlines.pending().get(kind=DeadlineKind.INVESTIGATION).due
    with pytest.raises(ValidationError):
        services.extend_case(actor=user("maochang"), case=case, approver=None, reason="案情复杂")
    with pytest.raises(ValidationError):  # not one's own approver
        services.extend_case(
            actor=user("maochang"), case=case, approver=user("maochang"), reason="案情复杂"
        )
    with pytest.raises(ValidationError):  # an assistant approves nothing
        services.extend_case(
            actor=user("maochang"), case=case, approver=user("maochang-a1"), reason="复杂"
        )
    services.extend_case(
        actor=user("maochang"), case=case, approver=user("county"), reason="案情复杂"
    )
    extended = case.deadlines.pending().get(kind=DeadlineKind.INVESTIGATION)
    assert (
        extended.amount == 90
        and extended.due is not None
        and due is not None
        and extended.due > due
    )
    with pytest.raises(ValidationError):
        services.extend_case(
            actor=user("maochang"), case=case, approver=user("county"), reason="再延"
        )
    step = case.transitions.get(action="extend")
    assert step.approver == user("county") and step.reason == "案情复杂"
    # Suspension: the working days spent suspended are added on resumption.
    on_day(dt.date(2026, 3, 16))  # Monday
    services.suspend_case(
        actor=user("maochang"), case=case, approver=user("county"), reason="当事人下落不明"
    )
    on_day(dt.date(2026, 3, 23))  # next Monday: 5 working days later
    services.resume_case(actor=user("maochang"), case=case, reason="已找到当事人")
    resumed = case.deadlines.pending().get(kind=DeadlineKind.INVESTIGATION)
    assert resumed.amount == 95
    assert resumed.due is not None and extended.due is not None and resumed.due > extended.due


def test_refusal_notifies_the_complainant(
    on_day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from laborgrid.cases.notifier import LoggingNotifier

    case = submit(on_day)
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_case(
            actor=user("maochang"), case=case, ground="out_of_scope", reason="不属于监察范围"
        )
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED
    assert LoggingNotifier.sent[-1][0] == case.reference
    assert "*" in LoggingNotifier.sent[-1][1]  # masked phone only


def test_correction_restarts_the_acceptance_clock(on_day: Any) -> None:
    case = submit(on_day)
    on_day(dt.date(2026, 10, 9))
    services.request_correction(actor=user("maochang"), case=case, reason="请提供单位准确名称")
    assert case.deadlines.pending().get().kind == DeadlineKind.CORRECTION
    on_day(dt.date(2026, 10, 20))
    services.receive_correction(actor=user("maochang"), case=case)
    acceptance = case.deadlines.pending().get(kind=DeadlineKind.ACCEPTANCE)
    assert acceptance.start == dt.date(2026, 10, 20) and acceptance.due == dt.date(2026, 10, 27)


def test_overdue_cases_are_escalated_to_the_level_above(on_day: Any) -> None:
    from laborgrid.cases.services.deadlines import escalate_overdue

    case = submit(on_day)
    on_day(dt.date(2026, 10, 20))
    flagged = escalate_overdue(today=dt.date(2026, 10, 20))
    assert case.pk in flagged
    case.refresh_from_db()
    assert case.escalated
    assert Notification.objects.filter(user__username="county", title__contains="挂牌督办").exists()
    assert escalate_overdue(today=dt.date(2026, 10, 20)) == []  # idempotent


def test_missing_calendar_year_gives_a_provisional_date_and_a_warning(
    on_day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    case = submit(on_day, day=dt.date(2026, 12, 24))
    on_day(dt.date(2026, 12, 24))
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_case(actor=user("maochang"), case=case)
        services.file_case(actor=user("maochang"), case=case)
    inv = case.deadlines.pending().get(kind=DeadlineKind.INVESTIGATION)
    # 2027 without its notice: weekends and statutory holidays only, marked provisional (暂定).
    assert inv.due == dt.date(2027, 3, 23) and inv.provisional and inv.missing_years == [2027]
    case.refresh_from_db()
    assert case.calendar_warning == "provisional:2027"
    assert "2027" in case.calendar_warning_text and "暂定" in case.calendar_warning_text
    # Administrators are alerted, once (the demo's own 2027 deadlines may have done it already;
    # other deadlines than cases' alert under their own title).
    alerts = Notification.objects.filter(user__username="sysadmin", title__contains="2027")
    assert alerts.filter(title__contains="案件期限暂定").count() == 1


class _Abandoned(Exception):
    pass


def test_a_rolled_back_decision_notifies_nobody(
    on_day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Staff notices and the complainant's SMS go out after commit (transaction.on_commit)."""
    from django.db import transaction

    from laborgrid.cases.notifier import LoggingNotifier

    with django_capture_on_commit_callbacks(execute=True):
        case = submit(on_day)
    sms_before = list(LoggingNotifier.sent)
    notices_before = Notification.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(_Abandoned),
        transaction.atomic(),
    ):
        services.refuse_case(
            actor=user("maochang"), case=case, ground="out_of_scope", reason="不属于监察范围"
        )
        raise _Abandoned
    assert callbacks == []
    assert LoggingNotifier.sent == sms_before
    assert Notification.objects.count() == notices_before
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    # the same decision, committed, does reach the complainant
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_case(
            actor=user("maochang"), case=case, ground="out_of_scope", reason="不属于监察范围"
        )
    assert LoggingNotifier.sent[-1][0] == case.reference


def test_a_rolled_back_complaint_alerts_no_staff(
    on_day: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    before = Notification.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(_Abandoned),
        transaction.atomic(),
    ):
        submit(on_day)
        raise _Abandoned
    assert callbacks == [] and Notification.objects.count() == before
    with django_capture_on_commit_callbacks(execute=True):
        submit(on_day)
    assert Notification.objects.filter(user__username="maochang").count() > 0
    assert Notification.objects.count() > before
