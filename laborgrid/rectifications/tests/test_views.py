"""The order pages as each persona sees them: scope, the forms offered, bad input kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.rectifications.tests.matrix_rectifications import maochang_order
from laborgrid.testing.personas import MACHANG, client_for

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_state_and_overdue() -> None:
    client = client_for("maochang")
    url = reverse("rectifications:order_list")
    everything = client.get(url).content.decode()
    closed = RectificationOrder.objects.filter(state=OrderState.CLOSED).first()
    assert closed is not None and closed.number in everything
    only_overdue = client.get(url, {"overdue": "on"}).content.decode()
    assert closed.number not in only_overdue
    late = RectificationOrder.objects.overdue().filter(grid_path__contains="520521102").first()
    assert late is not None and late.number in only_overdue
    only_closed = client.get(url, {"state": "closed"}).content.decode()
    assert closed.number in only_closed and late.number not in only_closed
    assert "马场镇" not in everything and MACHANG not in everything


def test_the_list_runs_a_bounded_number_of_queries(django_assert_max_num_queries: Any) -> None:
    client = client_for("county")
    client.get(reverse("rectifications:order_list"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("rectifications:order_list")).status_code == 200


def test_the_assistant_may_record_a_response_but_not_recheck() -> None:
    pk = maochang_order()
    page = client_for("maochang-a1").get(reverse("rectifications:order_detail", args=[pk]))
    body = page.content.decode()
    assert 'id="respond"' in body and 'id="recheck"' not in body
    county = client_for("county").get(reverse("rectifications:order_detail", args=[pk]))
    assert 'id="recheck"' in county.content.decode()
    # The uncertified squadron leader decides nothing either (A1: certified inspectors only).
    leader = client_for("maochang").get(reverse("rectifications:order_detail", args=[pk]))
    assert 'id="recheck"' not in leader.content.decode()
    r = client_for("maochang-a1").post(reverse("rectifications:order_escalate", args=[pk]))
    assert r.status_code == 302
    assert RectificationOrder.objects.get(pk=pk).state == OrderState.OPEN


def test_respond_through_the_page_with_a_file(django_capture_on_commit_callbacks: Any) -> None:
    pk = maochang_order()
    client = client_for("maochang-a1")
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    r = client.post(
        reverse("rectifications:order_respond", args=[pk]),
        {
            "responded_on": timezone.localdate().isoformat(),
            "note": "已整改完毕",
            "attachments": [pdf],
        },
    )
    assert r.status_code == 302
    order = RectificationOrder.objects.get(pk=pk)
    assert order.state == OrderState.RESPONDED and order.files.get().name == "report.pdf"
    detail = client.get(order.get_absolute_url()).content.decode()
    assert "report.pdf" in detail and "已整改完毕" in detail
    download = client.get(reverse("rectifications:order_file", args=[pk, order.files.get().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_a_bad_response_is_answered_with_the_form_and_nothing_lost() -> None:
    pk = maochang_order()
    client = client_for("maochang-a1")
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    r = client.post(
        reverse("rectifications:order_respond", args=[pk]),
        {"responded_on": "2099-01-01", "note": "已经整改完毕的情况说明", "attachments": [bad]},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "已经整改完毕的情况说明" in body  # what was typed is still there
    assert "日期不能晚于今天" in body
    assert RectificationOrder.objects.get(pk=pk).state == OrderState.OPEN


def test_issue_form_for_an_employer_without_a_visit(employer: Any) -> None:
    client = client_for("county")
    url = reverse("rectifications:order_create")
    assert client.get(url, {"employer": employer.pk}).status_code == 200
    r = client.post(
        url,
        {
            "employer": employer.uscc,
            "text_1": "与全部在岗劳动者订立书面劳动合同",
            "key_1": "no_written_contract",
            "days_1": "10",
        },
    )
    assert r.status_code == 302
    order = RectificationOrder.objects.filter(employer=employer).order_by("-id").first()
    assert order is not None and order.source_type is None
    assert order.items.get().violated == "《中华人民共和国劳动合同法》第十条"
    assert "《劳动保障监察条例》第十八条" in order.basis and "第二十四条" in order.basis
    pdf = client.get(reverse("rectifications:document_file", args=[order.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_issue_form_refuses_an_item_without_a_violation(employer: Any) -> None:
    r = client_for("county").post(
        reverse("rectifications:order_create"),
        {"employer": employer.uscc, "text_1": "改正违法行为", "days_1": "10"},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "请选择违法行为" in body and "改正违法行为" in body


def test_an_unknown_employer_is_refused_with_the_form_kept() -> None:
    r = client_for("county").post(
        reverse("rectifications:order_create"),
        {"employer": "没有这家单位", "text_1": "建立职工名册", "key_1": "no_staff_roster"},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "找不到该用人单位" in body and "建立职工名册" in body


def test_the_employer_archive_shows_the_orders(employer: Any, order_for: Any) -> None:
    order = order_for(employer, 10)
    page = client_for("maochang").get(employer.get_absolute_url()).content.decode()
    assert order.number in page and order.get_absolute_url() in page


def test_the_audit_log_reads_the_order_steps() -> None:
    """Each step is one audit event whose detail reads as names (codes stored)."""
    from laborgrid.audit.models import AuditEvent

    events = AuditEvent.objects.filter(object_type="rectifications.rectificationorder")
    assert events.filter(detail__action="escalate").exists()
    page = client_for("auditor").get(reverse("audit:event_list"), {"action": "rectification_step"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "复查未改正" in body and "立案查处" in body
    assert "not_corrected" not in body and "：escalate" not in body


def test_only_certified_inspectors_reach_the_issue_form() -> None:
    url = reverse("rectifications:order_create")
    assert client_for("county").get(url).status_code == 200
    for name in ("maochang-a1", "maochang", "leader"):
        assert client_for(name).get(url).status_code == 404, name
    listing = client_for("maochang-a1").get(reverse("rectifications:order_list")).content.decode()
    assert url not in listing
