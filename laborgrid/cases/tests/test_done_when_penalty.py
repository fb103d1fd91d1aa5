"""Issue 15 "Done when": a new user takes a wage complaint from the public page to a served
penalty decision and a closed case, through the pages, and every step a legal reviewer stopped
is refused with a clear reason (the message the page shows) — nothing is changed by a refusal."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from laborgrid.accounts.models import User
from laborgrid.cases.models import Case
from laborgrid.cases.tests.conftest import complaint_data
from laborgrid.documents.models import DocumentSequence
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


def act(client: Client, case: Case, action: str, **data: Any) -> str:
    """Post a case action as the page's button does; the page the user lands on."""
    r = client.post(reverse("cases:case_action", args=[case.pk, action]), data, follow=True)
    assert r.status_code == 200
    return r.content.decode()


def issue(client: Client, case: Case, doc_type: str) -> str:
    r = client.post(
        reverse("cases:document_issue", args=[case.pk]), {"doc_type": doc_type}, follow=True
    )
    assert r.status_code == 200
    return r.content.decode()


def state(case: Case) -> str:
    case.refresh_from_db()
    return case.state


def numbers() -> list[tuple[str, int]]:
    return sorted(DocumentSequence.objects.values_list("doc_type", "last"))


def test_a_wage_complaint_to_a_served_penalty_and_a_closed_case(
    on_day: Any, client: Client
) -> None:
    # 1. The worker files on the public page.
    on_day(dt.date(2026, 9, 30))
    data = complaint_data()
    person = data.pop("complainants")[0]
    form = {**data, **person, "submission_key": str(uuid.uuid4()), "is_dispute": "no"}
    r = client.post(reverse("public:complaint_form"), form)
    assert r.status_code == 302
    code = client.get(r["Location"]).context["code"]
    case = Case.objects.get(tracking_code=code)
    assert case.employer is not None  # intake linked the registered employer

    maochang, county, assistant = (
        client_for("maochang"),
        client_for("county"),
        client_for("maochang-a1"),
    )
    # An assistant issues no numbered document in the bureau's name (受理通知书 on a case still
    # "received"), and no serial number is used up.
    before = numbers()
    page = issue(assistant, case, "acceptance_notice")
    assert "协管员不能作出案件处理决定" in page
    assert numbers() == before and not case.documents.exists()

    # 2. Accepted and filed the same day (D2).
    on_day(dt.date(2026, 10, 9))
    act(maochang, case, "accept")
    act(maochang, case, "file")
    assert state(case) == "investigating"

    # 3. Investigation: refused until the two 承办人 are named; then recorded by both.
    one, two = User.objects.get(username="county"), User.objects.get(username="brigade-1")
    record = {
        "kind": "interview",
        "title": "询问用人单位负责人",
        "content": "承认2026年6月至8月工资未发放。",
        "occurred_on": "2026-10-09",
        "inspector_1": one.pk,
        "inspector_2": two.pk,
    }
    r = county.post(reverse("cases:record_add", args=[case.pk]), record, follow=True)
    assert "请先指定两名持证监察员为本案承办人" in r.content.decode()
    assert not case.records.exists()
    act(maochang, case, "assign", handler_1=one.pk, handler_2=two.pk)
    r = county.post(reverse("cases:record_add", args=[case.pk]), record)
    assert r.status_code == 302 and case.records.count() == 1
    # The 不予受理通知书 on a case under investigation: refused before numbering.
    before = numbers()
    page = issue(county, case, "rejection_notice")
    assert "不能签发该文书" in page and numbers() == before
    county.post(
        reverse("cases:outcome_edit", args=[case.pk]),
        {"findings": "该单位拖欠张三2026年6月至8月工资18000元。", "violation": "wage_arrears"},
    )
    act(county, case, "complete_investigation")
    assert state(case) == "decision_pending"

    # 4. The prior notice of the penalty, served; refused without its method and proof.
    on_day(dt.date(2026, 10, 13))
    page = act(county, case, "notify_penalty", served_on="2026-10-13")
    assert "请选择送达方式" in page and "请填写送达凭证" in page
    assert state(case) == "decision_pending"
    act(
        county,
        case,
        "notify_penalty",
        served_on="2026-10-13",
        service_method="direct",
        service_proof="送达回证（负责人签收）",
    )
    assert state(case) == "penalty_notice"
    assert "行政处罚事先告知书" in issue(county, case, "penalty_prior_notice")

    # 5. A penalty on the day of the notice is refused: the party's window runs to 2026-10-20.
    penalty = {
        "decision_kind": "penalty",
        "summary": "罚款人民币五千元。",
        "penalty_amount": "5000",
    }
    page = act(county, case, "decide", **penalty)
    assert "2026-10-20" in page and "陈述申辩" in page
    assert state(case) == "penalty_notice"
    on_day(dt.date(2026, 10, 20))
    assert "2026-10-21" in act(county, case, "decide", **penalty)
    assert state(case) == "penalty_notice"
    # The window lapsed without a statement: the penalty may be decided.
    on_day(dt.date(2026, 10, 21))
    act(county, case, "decide", **penalty)
    assert state(case) == "decided" and case.decision_kind == "penalty"
    page = issue(county, case, "penalty_decision")
    doc = case.documents.get(doc_type="penalty_decision")
    assert doc.number in page

    # 6. Service: refused without a date and a method; then recorded with its proof.
    on_day(dt.date(2026, 10, 22))
    page = act(county, case, "serve", service_proof="送达回证")
    assert "请填写送达日期" in page and "请选择送达方式" in page
    assert state(case) == "decided"
    act(
        county,
        case,
        "serve",
        served_on="2026-10-22",
        service_method="direct",
        service_proof="送达回证（负责人签收）",
    )
    assert state(case) == "served" and case.served_on == dt.date(2026, 10, 22)
    # Court enforcement on the day of service: refused until the review and suit windows lapse.
    page = act(county, case, "enforce")
    assert "申请法院强制执行" in page and "届满" in page
    assert state(case) == "served"

    # 7. The fine is paid and the wages recovered: the case is closed, the worker is told.
    on_day(dt.date(2026, 11, 5))
    act(
        maochang,
        case,
        "close",
        closure_kind="performed",
        public_result="用人单位已支付拖欠工资并缴纳罚款。",
    )
    assert state(case) == "closed" and case.closure_kind == "performed"
    # An assistant cannot approve the closure either.
    before = numbers()
    assert "协管员不能作出案件处理决定" in issue(assistant, case, "closure_approval")
    assert numbers() == before
    status = client.post(reverse("public:track"), {"code": code}, follow=True)
    assert "用人单位已支付拖欠工资并缴纳罚款" in status.content.decode()
    # The employer's archive shows the case and its outcome.
    assert case.employer is not None
    archive = maochang.get(case.employer.get_absolute_url()).content.decode()
    assert case.reference in archive and "行政处罚决定" in archive
