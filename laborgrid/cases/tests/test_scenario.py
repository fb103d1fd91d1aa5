"""Issue 6 "Done when": a worker files a wage complaint on the public page about an employer in
猫场镇 on 2026-09-30; it lands in 猫场镇's queue with an acceptance deadline of 2026-10-13;
``maochang`` accepts and files it; an inspector records the investigation and issues a correction
order PDF; the worker sees progress with the tracking code."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from laborgrid.cases.models import Case
from laborgrid.cases.tests.conftest import complaint_data
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def test_done_when(on_day: Any, client: Client) -> None:
    on_day(dt.date(2026, 9, 30))
    # 1. The worker files on the public page (phone browser, no login).
    data = complaint_data()
    person = data.pop("complainants")[0]
    form = {**data, **person, "submission_key": str(uuid.uuid4()), "is_dispute": "no"}
    response = client.post(reverse("public:complaint_form"), form)
    assert response.status_code == 302
    code = client.get(response["Location"]).context["code"]
    case = Case.objects.get(tracking_code=code)
    assert case.received_on == dt.date(2026, 9, 30)

    # 2. It is in 猫场镇's queue (and not in 马场镇's), with the acceptance deadline 2026-10-13.
    maochang = client_for("maochang")
    queue = maochang.get(reverse("cases:case_list"), {"state": "open"})
    assert case.reference in queue.content.decode()
    assert (
        case.reference not in client_for("machang").get(reverse("cases:case_list")).content.decode()
    )
    assert f"/{MAOCHANG}/" in case.grid_path and f"/{MACHANG}/" not in case.grid_path
    page = maochang.get(case.get_absolute_url()).content.decode()
    assert "2026-10-13" in page

    # 3. maochang accepts and files it (buttons on the case page post to the actions).
    on_day(dt.date(2026, 10, 9))
    for action in ("accept", "file"):
        r = maochang.post(reverse("cases:case_action", args=[case.pk, action]), {"reason": ""})
        assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "investigating" and case.filed_on == dt.date(2026, 10, 9)

    # 4. An inspector records the investigation (two certified inspectors) and decides.
    county = client_for("county")
    from laborgrid.accounts.models import User

    one, two = User.objects.get(username="county"), User.objects.get(username="brigade-1")
    # The two handling inspectors (承办人) are named first (条例 Art. 16).
    r = maochang.post(
        reverse("cases:case_action", args=[case.pk, "assign"]),
        {"handler_1": one.pk, "handler_2": two.pk},
    )
    assert r.status_code == 302
    r = county.post(
        reverse("cases:record_add", args=[case.pk]),
        {
            "kind": "site_inspection",
            "title": "现场检查",
            "content": "查看工资台账，2026年6月至8月工资未发放。",
            "occurred_on": "2026-10-12",
            "inspector_1": one.pk,
            "inspector_2": two.pk,
        },
    )
    assert r.status_code == 302 and case.records.count() == 1
    # The findings and the violation they amount to, which the decision documents print
    # (issue 15: never the complaint's own text, never the bureau's handling clauses).
    r = county.post(
        reverse("cases:outcome_edit", args=[case.pk]),
        {
            "findings": "经调查，该单位2026年6月至8月未支付劳动者工资共计18000元。",
            "violation": "wage_arrears",
        },
    )
    assert r.status_code == 302
    on_day(dt.date(2026, 10, 14))
    county.post(reverse("cases:case_action", args=[case.pk, "complete_investigation"]), {})
    county.post(
        reverse("cases:case_action", args=[case.pk, "decide"]),
        {
            "decision_kind": "correction_order",
            "summary": "限你单位于2026年10月24日前支付拖欠的工资18000元。",
            "rectification_due": "2026-10-24",
        },
    )
    case.refresh_from_db()
    assert case.state == "decided"

    # 5. ...and issues the correction order (PDF, numbered, stored on the case).
    r = county.post(
        reverse("cases:document_issue", args=[case.pk]), {"doc_type": "correction_order"}
    )
    assert r.status_code == 302
    doc = case.documents.get()
    assert "责改" in doc.number and doc.issued_by == one
    pdf = county.get(reverse("cases:document_file", args=[case.pk, doc.pk]))
    content = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    assert content.startswith(b"%PDF-")
    from laborgrid.audit.models import AuditAction, AuditEvent

    assert AuditEvent.objects.filter(  # downloads of case files are audited (issue 21 item 7)
        action=AuditAction.FILE_DOWNLOADED, username="county", object_id=str(doc.pk)
    ).exists()
    # A squadron leader holds no certificate: cannot sign a decision document.
    maochang.post(reverse("cases:document_issue", args=[case.pk]), {"doc_type": "correction_order"})
    assert case.documents.count() == 1

    # 6. The worker sees progress with the tracking code (status and result only).
    status = client.get(f"/api/v1/public/complaints/{code}").json()
    assert status["state"] == "decided"
    labels = [s["label"] for s in status["steps"]]
    assert labels[:3] == ["已收到", "已受理", "已立案调查"] and "已作出处理决定" in labels
    page = client.post(reverse("public:track"), {"code": code}).content.decode()
    assert "已作出决定" in page and "王建国" not in page
