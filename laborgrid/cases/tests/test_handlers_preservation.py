"""承办人 assignment and 先行登记保存 (issue 15 item 1): two certified inspectors named as a
recorded, audited step before the investigation acts that need them; evidence registered and
preserved with the head's approval and its decision within 7 working days (行政处罚法 Art. 56,
85; D7), tracked by the deadline engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from laborgrid.audit.models import AuditEvent
from laborgrid.cases import services
from laborgrid.cases.choices import DeadlineKind, RecordKind
from laborgrid.cases.models import Case, CaseRecord
from laborgrid.cases.tests.test_procedure import assign, submit, user
from laborgrid.deadlines.models import Deadline
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

FILED = dt.date(2026, 10, 9)  # a Friday


def filed(on_day: Any) -> Case:
    case = submit(on_day)
    on_day(FILED)
    services.accept_case(actor=user("maochang"), case=case)
    return services.file_case(actor=user("maochang"), case=case)


def interview(case: Case, **over: Any) -> CaseRecord:
    data = {
        "kind": RecordKind.INTERVIEW,
        "title": "询问用人单位负责人",
        "content": "承认拖欠工资。",
        "inspector_1": user("county"),
        "inspector_2": user("brigade-1"),
        **over,
    }
    return services.add_record(actor=user("county"), case=case, data=data)


def preserve(case: Case, **over: Any) -> CaseRecord:
    data = {
        "kind": RecordKind.PRESERVATION,
        "title": "先行登记保存工资台账",
        "content": "2026年6月至8月工资台账3册，存放于大队档案室。",
        "inspector_1": user("county"),
        "inspector_2": user("brigade-1"),
        "approver": user("maochang"),
        **over,
    }
    return services.add_record(actor=user("county"), case=case, data=data)


# --- 承办人 -----------------------------------------------------------------------------------


def test_investigation_records_wait_for_the_two_handlers(on_day: Any) -> None:
    case = filed(on_day)
    with pytest.raises(ValidationError, match="承办人"):
        interview(case)
    assign(case)
    assert interview(case).inspector_2 == user("brigade-1")


def test_the_investigation_cannot_end_without_handlers(on_day: Any) -> None:
    case = filed(on_day)
    with pytest.raises(ValidationError, match="承办人"):
        services.complete_investigation(actor=user("county"), case=case)


@pytest.mark.parametrize(
    ("one", "two", "field", "why"),
    [
        ("county", "county", "handler_2", "不同"),
        ("county", "maochang-a1", "handler_2", "执法证"),  # an assistant holds no certificate
        ("county", "machang", "handler_2", "执法证"),  # another township's officer
    ],
)
def test_handlers_are_two_distinct_certified_inspectors_of_the_case(
    on_day: Any, one: str, two: str, field: str, why: str
) -> None:
    case = filed(on_day)
    with pytest.raises(ValidationError) as exc:
        services.assign_handlers(
            actor=user("maochang"), case=case, handler_1=user(one), handler_2=user(two)
        )
    assert why in " ".join(exc.value.message_dict[field])
    case.refresh_from_db()
    assert case.handler_1_id is None


def test_an_assistant_cannot_assign(on_day: Any) -> None:
    case = filed(on_day)
    with pytest.raises(PermissionDenied):
        services.assign_handlers(
            actor=user("maochang-a1"),
            case=case,
            handler_1=user("county"),
            handler_2=user("brigade-1"),
        )


def test_assignment_is_a_recorded_audited_step_and_a_change_needs_a_reason(on_day: Any) -> None:
    case = filed(on_day)
    client = client_for("maochang")
    url = reverse("cases:case_action", args=[case.pk, "assign"])
    client.post(url, {"handler_1": user("county").pk, "handler_2": user("brigade-1").pk})
    case.refresh_from_db()
    assert case.handler_ids == {user("county").pk, user("brigade-1").pk}
    assert case.handlers_assigned_on == FILED
    step = case.transitions.get(action="assign")
    assert step.actor == user("maochang") and step.detail["handlers"] == [
        user("county").pk,
        user("brigade-1").pk,
    ]
    assert AuditEvent.objects.filter(
        action="case_action", object_id=str(case.pk), detail__action="assign"
    ).exists()
    page = client.get(case.get_absolute_url()).content.decode()
    assert user("brigade-1").display_name in page
    # A change without a reason is refused, with the reason it is recorded.
    r = client.post(
        url, {"handler_1": user("county").pk, "handler_2": user("brigade-2").pk}, follow=True
    )
    assert "请填写理由" in r.content.decode()
    client.post(
        url,
        {
            "handler_1": user("county").pk,
            "handler_2": user("brigade-2").pk,
            "reason": "原承办人回避",
        },
    )
    case.refresh_from_db()
    assert case.handler_2 == user("brigade-2")
    assert case.transitions.filter(action="assign").count() == 2


def test_assignment_through_the_api(on_day: Any) -> None:
    from django.test import Client

    from laborgrid.accounts.services import issue_token

    case = filed(on_day)
    raw, _t = issue_token(user=user("maochang"))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/cases/{case.pk}/actions/assign"
    bad = api.post(url, {"handler_1": "county"}, content_type="application/json")
    assert bad.status_code == 422 and "handler_2" in bad.json()["errors"]
    ok = api.post(
        url, {"handler_1": "county", "handler_2": "brigade-1"}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["handlers"] == [user("county").display_name, user("brigade-1").display_name]
    case.refresh_from_db()
    assert case.handler_1 == user("county")


# --- 先行登记保存 (D7) ------------------------------------------------------------------------


def test_preservation_needs_approval_and_a_list_of_the_evidence(on_day: Any) -> None:
    case = filed(on_day)
    assign(case)
    with pytest.raises(ValidationError) as exc:
        preserve(case, approver=None)
    assert "approver" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        preserve(case, approver=user("county"))  # the inspector who asks cannot approve
    assert "approver" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        preserve(case, content="")
    assert "content" in exc.value.message_dict
    assert not case.records.filter(kind=RecordKind.PRESERVATION).exists()


def test_preservation_opens_the_seven_working_day_decision_and_blocks_the_end(
    on_day: Any,
) -> None:
    case = filed(on_day)
    assign(case)
    interview(case)
    on_day(dt.date(2026, 10, 12))
    rec = preserve(case, occurred_on=dt.date(2026, 10, 12))
    d7 = Deadline.objects.for_object(rec).get(kind=DeadlineKind.EVIDENCE_DECISION)
    # 7 working days from Monday 12 October 2026: Wednesday 21 October.
    assert d7.start == dt.date(2026, 10, 12) and d7.due == dt.date(2026, 10, 21)
    assert d7.grid_id == case.grid_id  # on the township's deadline board
    page = client_for("county").get(case.get_absolute_url()).content.decode()
    assert "待作出处理决定" in page and "2026-10-21" in page
    with pytest.raises(ValidationError, match="先行登记保存"):
        services.complete_investigation(actor=user("county"), case=case)
    with pytest.raises(ValidationError, match="先行登记保存"):
        services.transfer_case(actor=user("county"), case=case, reason="涉嫌拒不支付劳动报酬罪")

    on_day(dt.date(2026, 10, 16))
    r = client_for("county").post(
        reverse("cases:preservation_decide", args=[case.pk, rec.pk]),
        {"decision": "copy_release", "decided_on": "2026-10-16", "note": "复印后退还"},
    )
    assert r.status_code == 302
    rec.refresh_from_db()
    assert rec.preservation_decision == "copy_release"
    assert rec.preservation_decided_on == dt.date(2026, 10, 16)
    d7.refresh_from_db()
    assert d7.met_on == dt.date(2026, 10, 16)
    assert AuditEvent.objects.filter(detail__action="preservation_decision").exists()
    with pytest.raises(ValidationError, match="已作出处理决定"):
        services.decide_preservation(actor=user("county"), record=rec, decision="release")
    services.complete_investigation(actor=user("county"), case=case)


def test_an_assistant_cannot_decide_on_preserved_evidence(on_day: Any) -> None:
    case = filed(on_day)
    assign(case)
    rec = preserve(case)
    with pytest.raises(PermissionDenied):
        services.decide_preservation(actor=user("maochang-a1"), record=rec, decision="release")
    with pytest.raises(ValidationError) as exc:
        services.decide_preservation(
            actor=user("county"), record=rec, decision="release", on=FILED - dt.timedelta(days=1)
        )
    assert "decided_on" in exc.value.message_dict


def test_a_missed_evidence_decision_puts_the_case_under_supervision(on_day: Any) -> None:
    from laborgrid.deadlines.services import escalate_overdue

    case = filed(on_day)
    assign(case)
    rec = preserve(case)
    d7 = Deadline.objects.for_object(rec).get()
    assert d7.due is not None
    escalate_overdue(today=d7.due + dt.timedelta(days=1))
    case.refresh_from_db()
    assert case.escalated
