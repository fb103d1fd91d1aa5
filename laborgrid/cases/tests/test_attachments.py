"""A rejected attachment keeps what was typed and asks only for the file (issue 21 item 9).

A browser never keeps a chosen file across a page load, so a refused upload must give the page
back with every typed value and an error on the file field alone; nothing is saved half-way.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from laborgrid.cases import services
from laborgrid.cases.models import Case, CaseRecord
from laborgrid.cases.tests.conftest import complaint_data
from laborgrid.cases.tests.test_public import form_data
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db

ASK_AGAIN = "请重新选择文件"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _not_a_pdf(name: str = "工资条.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 not a pdf", content_type="application/pdf")


def _png(name: str = "照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")


def test_public_complaint_keeps_the_text_when_an_attachment_is_refused(client: Client) -> None:
    data = form_data(facts="二〇二六年六月至八月的工资一直没有发放，老板说等工程款到了再说。")
    response = client.post(reverse("public:complaint_form"), {**data, "attachments": _not_a_pdf()})
    body = response.content.decode()
    assert response.status_code == 400
    assert "不是 PDF" in body and ASK_AGAIN in body
    assert data["facts"] in body and data["employer_name"] in body and data["name"] in body
    assert f'value="{data["submission_key"]}"' in body  # the same submission, sent again
    assert not Case.objects.filter(submission_key=data["submission_key"]).exists()
    # Choosing a proper file and sending the kept form files the complaint once.
    again = client.post(reverse("public:complaint_form"), {**data, "attachments": _png()})
    assert again.status_code == 302
    case = Case.objects.get(submission_key=data["submission_key"])
    assert case.facts == data["facts"] and case.records.get().file_type == "image/png"


def test_staff_intake_keeps_the_text_when_an_attachment_is_refused() -> None:
    client = client_for("maochang")
    page = client.get(reverse("cases:case_create"))
    form = page.context["form"]
    data = {
        **{k: v for k, v in form_data().items() if k in form.fields},
        "received_on": form.initial["received_on"].isoformat(),
        "channel": "phone",
        "facts": "电话投诉：拖欠三个月工资，共十二人。",
    }
    before = Case.objects.count()
    response = client.post(reverse("cases:case_create"), {**data, "attachments": _not_a_pdf()})
    body = response.content.decode()
    assert response.status_code == 200
    assert "不是 PDF" in body and ASK_AGAIN in body and data["facts"] in body
    assert Case.objects.count() == before


def _investigating_case() -> Case:
    case = services.submit_public(
        data=complaint_data(), submission_key=uuid.uuid4(), ip="10.9.9.8"
    ).case
    maochang = client_for("maochang")
    for action in ("accept", "file"):
        r = maochang.post(reverse("cases:case_action", args=[case.pk, action]), {"reason": ""})
        assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "investigating"
    return case


def test_case_evidence_keeps_the_record_when_its_file_is_refused() -> None:
    case = _investigating_case()
    client = client_for("maochang")
    typed = {
        "kind": "evidence",
        "title": "工资表复印件",
        "content": "单位提供的二〇二六年六月工资表，显示应发未发。",
        "occurred_on": "2026-10-12",
    }
    url = reverse("cases:record_add", args=[case.pk])
    response = client.post(url, {**typed, "file": _not_a_pdf("工资表.pdf")})
    body = response.content.decode()
    # Before: a redirect to the case page with the message, and the typed record gone.
    assert response.status_code == 400
    assert "不是 PDF" in body and ASK_AGAIN in body
    assert typed["title"] in body and typed["content"] in body and 'value="2026-10-12"' in body
    assert not CaseRecord.objects.filter(case=case).exists()
    client.cookies["django_language"] = "en"
    english = client.post(url, {**typed, "file": _not_a_pdf("工资表.pdf")}).content.decode()
    assert "choose the file again" in english and "was not saved" in english
    client.cookies["django_language"] = "zh-hans"
    again = client.post(url, {**typed, "file": _png("工资表.png")})
    assert again.status_code == 302
    record = CaseRecord.objects.get(case=case)
    assert (record.title, record.file_type) == (typed["title"], "image/png")


def test_case_record_with_a_missing_field_keeps_the_rest() -> None:
    case = _investigating_case()
    client = client_for("maochang")
    url = reverse("cases:record_add", args=[case.pk])
    response = client.post(
        url, {"kind": "note", "title": "", "content": "电话联系单位负责人。", "file": _png()}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "电话联系单位负责人。" in body and ASK_AGAIN in body
    assert not CaseRecord.objects.filter(case=case).exists()
