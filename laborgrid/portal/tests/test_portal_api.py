"""The portal API as an employer's client uses it (issue 17 §6): attachments uploaded, listed,
downloaded (audited) and removed with the page's checks; the employer's orders read and answered
with evidence."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.audit.models import AuditAction, AuditEvent
from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.rectifications.services import OrderItemInput, issue_order
from laborgrid.reviews.models import ReviewAttachment
from laborgrid.reviews.services import MAX_ATTACHMENT_BYTES
from laborgrid.reviews.tests import fixtures as f
from laborgrid.reviews.tests.helpers import PDF, PNG, review_year, user, valid_form, xlsx

pytestmark = pytest.mark.django_db


def _api() -> tuple[Client, User]:
    account = User.objects.get(username="xingwang")
    raw, _token = issue_token(user=account)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), account


def _upload(api: Client, year: int, kind: str, name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.post(
        f"/api/v1/portal/reviews/{year}/attachments",
        {"kind": kind, "file": SimpleUploadedFile(name, content, "application/octet-stream")},
    )


def test_attachments_upload_list_download_and_remove_through_the_api() -> None:
    api, account = _api()
    year = review_year().year
    base = f"/api/v1/portal/reviews/{year}"

    r = _upload(api, year, "payroll", "12月工资表.pdf", PDF)
    assert r.status_code == 201, r.content
    pdf = r.json()
    assert pdf["kind"] == "payroll" and pdf["size"] == len(PDF) and pdf["version"] is None
    assert pdf["content_type"] == "application/pdf"
    r = _upload(api, year, "roster", "名册.xlsx", xlsx())
    assert r.status_code == 201 and r.json()["content_type"].endswith("spreadsheetml.sheet")

    # Encrypted at rest: the stored bytes are not the file's.
    row = ReviewAttachment.objects.get(pk=pdf["id"])
    with open(row.file.path, "rb") as fh:  # the raw file on disk
        assert b"%PDF" not in fh.read()

    listed = api.get(f"{base}/attachments").json()
    assert {a["name"] for a in listed} >= {"12月工资表.pdf", "名册.xlsx"}
    assert {a["id"] for a in api.get(base).json()["attachments"]} == {a["id"] for a in listed}

    before = AuditEvent.objects.filter(action=AuditAction.FILE_DOWNLOADED).count()
    r = api.get(f"{base}/attachments/{pdf['id']}")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF  # type: ignore[attr-defined]
    assert r["Content-Type"] == "application/pdf" and "attachment" in r["Content-Disposition"]
    event = AuditEvent.objects.filter(action=AuditAction.FILE_DOWNLOADED).order_by("-id").first()
    assert AuditEvent.objects.filter(action=AuditAction.FILE_DOWNLOADED).count() == before + 1
    assert event is not None and event.actor_id == account.pk

    # Refused: too large (413, before it is read), not a PDF/xlsx/image (422), no kind (422),
    # not multipart (400); none of them stores anything.
    count = ReviewAttachment.objects.count()
    big = b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES
    r = _upload(api, year, "payroll", "big.pdf", big)
    assert r.status_code == 413 and "10 MB" in r.json()["detail"]
    r = _upload(api, year, "payroll", "notes.txt", b"just some text")
    assert r.status_code == 422 and "file" in r.json()["errors"]
    r = _upload(api, year, "selfie", "a.png", PNG)
    assert r.status_code == 422 and "kind" in r.json()["errors"]
    r = api.post(f"{base}/attachments", {"kind": "payroll"}, content_type="application/json")
    assert r.status_code == 400
    assert ReviewAttachment.objects.count() == count

    # Removed before submitting; once submitted, kept with its version.
    assert api.delete(f"{base}/attachments/{listed[-1]['id']}").status_code == 204
    assert api.put(base, valid_form(), content_type="application/json").status_code == 200
    r = api.post(f"{base}/submit")
    assert r.status_code == 200, r.content
    assert {a["version"] for a in r.json()["attachments"]} == {1}
    r = api.delete(f"{base}/attachments/{pdf['id']}")
    assert r.status_code == 422 and "不能修改" in r.json()["detail"]

    # Another employer's attachment, or a year it is not listed for: 404.
    other = f.machang_attachment()
    assert api.get(f"{base}/attachments/{other}").status_code == 404
    assert api.get("/api/v1/portal/reviews/1999/attachments").status_code == 404


def test_orders_read_and_answered_with_evidence_through_the_api() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    api, account = _api()
    order = issue_order(
        actor=user("county"),
        employer=account.employer,  # type: ignore[arg-type]
        items=[OrderItemInput("足额支付拖欠的农民工工资", "wage_arrears", 10)],
    )
    rows = api.get("/api/v1/portal/orders").json()
    assert order.number in {o["number"] for o in rows}
    assert all(
        RectificationOrder.objects.get(pk=o["id"]).employer_id == account.employer_id for o in rows
    )
    detail = api.get(f"/api/v1/portal/orders/{order.pk}").json()
    assert detail["state"] == OrderState.OPEN and detail["items"][0]["text"].startswith("足额支付")
    r = api.get(f"/api/v1/portal/orders/{order.pk}/document")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]

    path = f"/api/v1/portal/orders/{order.pk}/answer"
    bad = api.post(path, {"note": "已付清", "files": [SimpleUploadedFile("a.txt", b"plain text")]})
    assert bad.status_code == 422 and "files" in bad.json()["errors"]
    assert api.post(path, {}, content_type="application/json").status_code == 422
    r = api.post(
        path,
        {
            "note": "已于本月足额支付拖欠工资，附银行代发凭证。",
            "files": [SimpleUploadedFile("凭证.pdf", PDF, "application/pdf")],
        },
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == OrderState.RESPONDED and body["response_note"].startswith("已于本月")
    assert [x["name"] for x in body["files"]] == ["凭证.pdf"]
    order.refresh_from_db()
    assert order.response_by_id == account.pk
    again = api.post(path, {"note": "再次答复"}, content_type="application/json")
    assert again.status_code == 409

    # Another employer's order: 404, nothing answered.
    other = f.machang_order()
    r = api.post(
        f"/api/v1/portal/orders/{other}/answer", {"note": "x" * 5}, content_type="application/json"
    )
    assert r.status_code == 404
    assert RectificationOrder.objects.get(pk=other).state == OrderState.OPEN


def test_the_employer_is_told_of_an_order_issued_to_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.urls import reverse

    from laborgrid.notifications.models import Notification

    account = User.objects.get(username="xingwang")
    with django_capture_on_commit_callbacks(execute=True):
        order = issue_order(
            actor=user("county"),
            employer=account.employer,  # type: ignore[arg-type]
            items=[OrderItemInput("足额支付拖欠的农民工工资", "wage_arrears", 10)],
        )
    told = Notification.objects.get(user=account, title__contains=order.number)
    assert told.url == reverse("portal:order_detail", args=[order.pk])
    assert order.due.isoformat() in told.body
    # Nobody else's account hears of it.
    assert not Notification.objects.filter(title__contains=order.number).exclude(user=account)
