"""``/api/v1/rectifications``: list, issue, respond (JSON and multipart), recheck, close,
escalate; the status codes of refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.rectifications.choices import OrderState
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.testing.personas import MACHANG

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rectifications"


def api(username: str) -> Client:
    raw, _token = issue_token(user=User.objects.get(username=username))
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_list_is_scoped_and_filters_overdue() -> None:
    client = api("maochang")
    body = client.get(BASE, {"limit": 200}).json()
    assert body["count"] >= 8
    assert all(MACHANG not in str(row["grid"]) for row in body["items"])
    overdue = client.get(BASE, {"overdue": "true"}).json()
    assert overdue["count"] >= 1 and all(r["overdue"] for r in overdue["items"])
    closed = client.get(BASE, {"state": "closed"}).json()
    assert {r["state"] for r in closed["items"]} == {"closed"}


def test_issue_respond_recheck_close_through_the_api(on_day: Any, employer: Any) -> None:
    on_day(dt.date(2026, 11, 2))
    client = api("county")
    r = client.post(
        BASE,
        {
            "employer_id": employer.pk,
            "items": [
                {"text": "建立职工名册", "checklist_key": "no_staff_roster", "working_days": 5}
            ],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    order = r.json()
    assert order["due"] == "2026-11-09" and order["items"][0]["violated"].startswith("《")
    oid = order["id"]
    # The assistant records the response with its evidence (multipart).
    helper = api("maochang-a1")
    on_day(dt.date(2026, 11, 6))
    r = helper.post(
        f"{BASE}/{oid}/respond",
        {
            "note": "已建立职工名册",
            "files": [SimpleUploadedFile("roster.png", b"\x89PNG\r\n\x1a\nxx")],
        },
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "responded" and r.json()["files"][0]["name"] == "roster.png"
    # The assistant may not recheck; the same step twice is refused by the state (409).
    finding = {"item_id": order["items"][0]["id"], "corrected": True}
    body = {"inspector_2": "brigade-1", "findings": [finding], "note": "现场核对名册"}
    r = helper.post(f"{BASE}/{oid}/recheck", body, content_type="application/json")
    assert r.status_code == 403
    r = client.post(f"{BASE}/{oid}/recheck", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "corrected"
    r = client.post(f"{BASE}/{oid}/escalate", {}, content_type="application/json")
    assert r.status_code == 409
    r = client.post(f"{BASE}/{oid}/close", {"note": "销号"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "closed"


def test_bad_input_is_422_and_changes_nothing(employer: Any) -> None:
    client = api("county")
    before = RectificationOrder.objects.count()
    r = client.post(
        BASE,
        {"employer_id": employer.pk, "items": [{"text": "x", "checklist_key": "nope"}]},
        content_type="application/json",
    )
    assert r.status_code == 422 and "items" in r.json()["errors"]
    r = client.post(BASE, "not json", content_type="application/json")
    assert r.status_code == 400
    assert RectificationOrder.objects.count() == before


def test_an_employer_out_of_scope_is_404(other_employer: Any) -> None:
    client = api("maochang")
    r = client.post(
        BASE,
        {
            "employer_id": other_employer.pk,
            "items": [{"text": "建立职工名册", "checklist_key": "no_staff_roster"}],
        },
        content_type="application/json",
    )
    assert r.status_code == 404


def test_the_uncertified_squadron_leader_may_not_issue(employer: Any) -> None:
    client = api("maochang")
    r = client.post(
        BASE,
        {
            "employer_id": employer.pk,
            "items": [{"text": "建立职工名册", "checklist_key": "no_staff_roster"}],
        },
        content_type="application/json",
    )
    assert r.status_code == 403 and "执法证" in r.json()["detail"]


def test_escalate_through_the_api(on_day: Any, employer: Any, order_for: Any) -> None:
    on_day(dt.date(2026, 11, 2))
    order = order_for(employer, 10)
    on_day(dt.date(2026, 11, 20))
    client = api("county")
    item = order.items.get()
    finding = {"item_id": item.pk, "corrected": False, "note": "仍未签订"}
    body = {"inspector_2": "brigade-2", "findings": [finding], "note": "复查"}
    r = client.post(f"{BASE}/{order.pk}/recheck", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == OrderState.NOT_CORRECTED
    r = client.post(
        f"{BASE}/{order.pk}/escalate",
        {"reason": "逾期未改正"},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["state"] == "escalated" and r.json()["case_id"]
