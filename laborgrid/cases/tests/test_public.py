"""The public intake and tracking pages and API: no login, and the abuse cases of the issue."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from laborgrid.cases.choices import CaseState
from laborgrid.cases.models import Case, CaseRecord, IntakeCount
from laborgrid.cases.services import limits
from laborgrid.cases.services.intake import TRACKING_ALPHABET, TRACKING_LENGTH
from laborgrid.cases.tests.conftest import complaint_data
from laborgrid.testing.employers import make_ric

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script><b>粗体</b>"


def form_data(**over: Any) -> dict[str, Any]:
    data = complaint_data()
    person = data.pop("complainants")[0]
    data.update(person)
    data["submission_key"] = str(uuid.uuid4())
    data["is_dispute"] = "no"
    data.update(over)
    return data


def api_post(client: Client, payload: dict[str, Any], **extra: Any) -> Any:
    return client.post(
        "/api/v1/public/complaints", json.dumps(payload), content_type="application/json", **extra
    )


def test_public_page_files_a_complaint_and_tracks_it(client: Client) -> None:
    assert client.get(reverse("public:complaint_form")).status_code == 200
    response = client.post(reverse("public:complaint_form"), form_data())
    assert response.status_code == 302
    done = client.get(response["Location"])
    code = done.context["code"]
    assert len(code) == TRACKING_LENGTH and set(code) <= set(TRACKING_ALPHABET)
    case = Case.objects.get(tracking_code=code)
    assert case.complainants.get().id_masked.startswith("5205*")
    page = client.post(reverse("public:track"), {"code": code.lower()})
    assert page.status_code == 200 and "待受理" in page.content.decode()


def test_retried_submission_returns_the_same_case(client: Client) -> None:
    data = form_data()
    client.post(reverse("public:complaint_form"), data)
    client.post(reverse("public:complaint_form"), data)  # the connection dropped: resubmitted
    assert Case.objects.filter(submission_key=data["submission_key"]).count() == 1
    payload = {**complaint_data(), "submission_key": str(uuid.uuid4())}
    first, second = api_post(client, payload), api_post(client, payload)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["tracking_code"] == second.json()["tracking_code"]


def test_script_in_any_field_is_shown_as_text(client: Client) -> None:
    data = form_data(facts=SCRIPT, employer_name=SCRIPT, name="李四")
    client.post(reverse("public:complaint_form"), data)
    case = Case.objects.get(submission_key=data["submission_key"])
    from laborgrid.testing.personas import client_for

    body = client_for("county").get(case.get_absolute_url()).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_oversized_input_is_refused_with_a_message(client: Client) -> None:
    response = client.post(reverse("public:complaint_form"), form_data(facts="欠" * 5001))
    assert response.status_code == 400
    assert "5000" in response.content.decode()
    api = api_post(
        client, {**complaint_data(facts="欠" * 5001), "submission_key": str(uuid.uuid4())}
    )
    assert api.status_code == 422 and "5000" in api.json()["detail"]
    assert not Case.objects.filter(facts__startswith="欠欠欠").exists()


def test_files_are_checked_by_content_not_name(client: Client) -> None:
    fake = SimpleUploadedFile("工资条.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("public:complaint_form"), {**form_data(), "attachments": fake})
    assert response.status_code == 400 and "不是 PDF" in response.content.decode()
    png = SimpleUploadedFile("x.txt", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="text/plain")
    data = form_data()
    response = client.post(reverse("public:complaint_form"), {**data, "attachments": png})
    assert response.status_code == 302
    rec = CaseRecord.objects.get(case__submission_key=data["submission_key"])
    assert rec.file_type == "image/png" and rec.from_public


def test_big_files_are_refused(client: Client, settings: Any) -> None:
    settings.LABORGRID_INTAKE_MAX_FILE_MB = 1
    big = SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 10))
    response = client.post(reverse("public:complaint_form"), {**form_data(), "attachments": big})
    assert response.status_code == 400 and "超过 1 MB" in response.content.decode()


def test_floods_from_one_ip_are_throttled(client: Client, settings: Any) -> None:
    settings.LABORGRID_INTAKE_PER_IP_PER_HOUR = 3
    codes = []
    for n in range(4):
        payload = {
            **complaint_data(
                complainants=[
                    {"name": "王五", "id_number": make_ric(100 + n), "phone": f"1398571{n:04d}"}
                ]
            ),
            "submission_key": str(uuid.uuid4()),
        }
        codes.append(api_post(client, payload).status_code)
    assert codes == [201, 201, 201, 429]
    page = client.post(reverse("public:complaint_form"), form_data())
    assert page.status_code == 429


def test_floods_from_one_phone_are_throttled(client: Client, settings: Any) -> None:
    settings.LABORGRID_INTAKE_PER_PHONE_PER_DAY = 2
    statuses = []
    for n in range(3):
        payload = {**complaint_data(), "submission_key": str(uuid.uuid4())}
        statuses.append(api_post(client, payload, REMOTE_ADDR=f"10.1.0.{n}").status_code)
    assert statuses == [201, 201, 429]


def test_flood_counts_are_per_window_and_forgotten_after_it(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LABORGRID_INTAKE_PER_IP_PER_HOUR = 2
    start = dt.datetime(2026, 11, 28, 10, 0, 5, tzinfo=dt.UTC)
    monkeypatch.setattr(limits, "timezone", SimpleNamespace(now=lambda: start))
    limits.throttle_ip("10.9.9.9")
    limits.throttle_ip("10.9.9.9")
    with pytest.raises(limits.Throttled):
        limits.throttle_ip("10.9.9.9")
    limits.throttle_ip("10.9.9.8")  # another address counts on its own
    assert sorted(IntakeCount.objects.values_list("count", flat=True)) == [1, 3]
    later = start + dt.timedelta(hours=1)
    monkeypatch.setattr(limits, "timezone", SimpleNamespace(now=lambda: later))
    limits.throttle_ip("10.9.9.9")  # the next hour starts afresh
    assert list(IntakeCount.objects.values_list("count", flat=True)) == [1]  # the past forgotten


def test_tracking_code_is_unguessable_and_queries_are_throttled(
    client: Client, settings: Any
) -> None:
    settings.LABORGRID_TRACKING_PER_IP_PER_HOUR = 5
    assert len(TRACKING_ALPHABET) ** TRACKING_LENGTH > 10**17
    for guess in ("AAAAAAAAAAAA", "222222222222", "1", "' OR 1=1 --"):
        assert client.get(f"/api/v1/public/complaints/{guess}").status_code == 404
    assert client.get("/api/v1/public/complaints/ZZZZZZZZZZZZ").status_code == 404
    assert client.get("/api/v1/public/complaints/ZZZZZZZZZZZZ").status_code == 429


def test_public_query_reveals_only_status_and_result(client: Client, on_day: Any) -> None:
    from laborgrid.accounts.models import User
    from laborgrid.cases import services

    response = api_post(client, {**complaint_data(), "submission_key": str(uuid.uuid4())})
    code = response.json()["tracking_code"]
    case = Case.objects.get(tracking_code=code)
    services.accept_case(actor=User.objects.get(username="maochang"), case=case)
    body = client.get(f"/api/v1/public/complaints/{code}").json()
    assert set(body) == {"kind", "received_on", "status", "state", "steps", "result"}
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("陈志刚", "maochang", "猫场", "兴旺", "张三", "1398", case.facts[:6]):
        assert secret not in text
    assert body["state"] == CaseState.ACCEPTED


def test_limitation_and_dispute_screening(client: Client) -> None:
    old = form_data(violation_start="2023-01-01", violation_end="2023-06-30", is_continuing="")
    response = client.post(reverse("public:complaint_form"), old)
    assert response.status_code == 400 and "两年" in response.content.decode()
    dispute = form_data(is_dispute="yes")
    client.post(reverse("public:complaint_form"), dispute)
    case = Case.objects.get(submission_key=dispute["submission_key"])
    assert case.state == CaseState.REDIRECTED and case.redirect_kind == "arbitration"


def test_a_complaint_needs_a_real_name_a_report_does_not(client: Client) -> None:
    anon = {**complaint_data(complainants=[]), "submission_key": str(uuid.uuid4())}
    assert api_post(client, anon).status_code == 422
    report = api_post(client, {**anon, "kind": "report"})
    assert report.status_code == 201
    assert Case.objects.get(tracking_code=report.json()["tracking_code"]).anonymous


def test_at_most_five_representatives(client: Client) -> None:
    people = [
        {"name": f"代表{n}", "id_number": make_ric(200 + n), "phone": f"1398572{n:04d}"}
        for n in range(6)
    ]
    response = api_post(
        client, {**complaint_data(complainants=people), "submission_key": str(uuid.uuid4())}
    )
    assert response.status_code == 422 and "5" in response.json()["detail"]


def test_public_api_needs_no_csrf_or_session() -> None:
    client = Client(enforce_csrf_checks=True)
    response = api_post(client, {**complaint_data(), "submission_key": str(uuid.uuid4())})
    assert response.status_code == 201


def test_public_pages_work_without_login_and_leak_no_staff_page(client: Client) -> None:
    for name in ("public:complaint_form", "public:track"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("public:complaint_done")).status_code == 302


_ = (dt, io)


def test_unknown_employer_is_routed_by_the_work_location(client: Client) -> None:
    from laborgrid.grids.models import Grid
    from laborgrid.testing.personas import MACHANG_VILLAGE

    village = Grid.objects.get(code=MACHANG_VILLAGE)
    payload = {
        **complaint_data(employer_name="无名小作坊", employer_address="", work_address=""),
        "work_lat": village.centroid_lat,
        "work_lng": village.centroid_lng,
        "submission_key": str(uuid.uuid4()),
    }
    code = api_post(client, payload).json()["tracking_code"]
    case = Case.objects.get(tracking_code=code)
    assert case.route_method == "location" and case.grid == village


def test_nothing_to_route_by_lands_in_the_county_queue(client: Client) -> None:
    payload = {
        **complaint_data(employer_name="无名小作坊", employer_address="", work_address="某地"),
        "submission_key": str(uuid.uuid4()),
    }
    code = api_post(client, payload).json()["tracking_code"]
    case = Case.objects.get(tracking_code=code)
    assert case.route_method == "unassigned" and case.grid.code == "520521"


def test_a_huge_body_is_refused_before_it_is_read(client: Client) -> None:
    payload = {**complaint_data(facts="欠" * 1_000_000), "submission_key": str(uuid.uuid4())}
    response = api_post(client, payload)  # > DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    assert response.status_code == 413 and response.json()["detail"]  # Payload Too Large
    assert not Case.objects.filter(submission_key=payload["submission_key"]).exists()
