"""Staff API: list (filters, scope, query count), detail with deadlines, actions."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.cases import services
from laborgrid.cases.tests.conftest import complaint_data
from laborgrid.testing.employers import make_ric
from laborgrid.testing.personas import MACHANG, MAOCHANG

pytestmark = pytest.mark.django_db


def api(username: str) -> tuple[Client, dict[str, str]]:
    raw, _t = issue_token(user=User.objects.get(username=username))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), {}


def test_list_is_scoped_filtered_and_flat_in_queries() -> None:
    client, _auth = api("maochang")
    body = client.get("/api/v1/cases", {"limit": "200"}).json()
    assert body["count"] and all(
        item["grid"]["code"].startswith(MAOCHANG) for item in body["items"]
    )
    county, _c = api("county")
    county.get("/api/v1/cases", {"limit": "1"})  # warm up (token lookup)
    with CaptureQueriesContext(connection) as q:
        big = county.get("/api/v1/cases", {"limit": "200"}).json()
    assert len(big["items"]) == 200 and len(q) <= 8
    overdue = county.get("/api/v1/cases", {"overdue": "true", "limit": "200"}).json()
    assert overdue["count"] and all(i["overdue"] for i in overdue["items"])
    machang = county.get("/api/v1/cases", {"grid": MACHANG}).json()
    assert machang["count"] and all(i["grid"]["code"].startswith(MACHANG) for i in machang["items"])
    assert client.get("/api/v1/cases", {"grid": MACHANG}).json()["count"] == 0


def test_detail_has_deadlines_and_actions_work() -> None:
    case = services.submit_public(
        data=complaint_data(), submission_key=uuid.uuid4(), ip="10.2.2.2"
    ).case
    client, _auth = api("maochang")
    detail = client.get(f"/api/v1/cases/{case.pk}").json()
    assert (
        detail["deadlines"][0]["kind"] == "acceptance"
        and detail["deadlines"][0]["calendar_version"]
    )
    assert detail["complainants"][0]["phone"] == "139****0001"
    assert detail["allowed_actions"] == [
        "accept",
        "refuse",
        "request_correction",
        "redirect",
        "link_employer",
    ]

    def post(action: str, body: dict[str, str] | None = None) -> Any:
        return client.post(
            f"/api/v1/cases/{case.pk}/actions/{action}",
            json.dumps(body or {}),
            content_type="application/json",
        )

    assert post("file").status_code == 409
    assert post("refuse", {"ground": "nonsense", "reason": "x理由"}).status_code == 422
    assert post("bogus").status_code == 404
    ok = post("accept")
    assert ok.status_code == 200 and ok.json()["state"] == "accepted"
    leader, _l = api("leader")
    assert (
        leader.post(
            f"/api/v1/cases/{case.pk}/actions/file", "{}", content_type="application/json"
        ).status_code
        == 403
    )
    assistant, _a = api("maochang-a1")
    r = assistant.post(
        f"/api/v1/cases/{case.pk}/actions/file", "{}", content_type="application/json"
    )
    assert r.status_code == 403
    assert (
        client.post(
            f"/api/v1/cases/{case.pk}/actions/file", "[1,", content_type="application/json"
        ).status_code
        == 400
    )


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_reroute_through_the_api_keeps_the_deadlines() -> None:
    case = services.submit_public(
        data=complaint_data(), submission_key=uuid.uuid4(), ip="10.2.2.3"
    ).case
    url = f"/api/v1/cases/{case.pk}/reroute"
    township, _t = api("maochang")
    # A township sees no other township's grid: it cannot push a case sideways.
    assert _post(township, url, {"grid": MACHANG, "reason": "不属本镇"}).status_code == 404
    county, _c = api("county")
    before = county.get(f"/api/v1/cases/{case.pk}").json()["deadlines"]
    assert _post(county, url, {"grid": MACHANG}).status_code == 422  # a reason is required
    assert _post(county, url, {"grid": "520521999999", "reason": "x"}).status_code == 404
    assert _post(county, url, ["not", "an", "object"]).status_code == 400
    done = _post(county, url, {"grid": MACHANG, "reason": "用工地点在马场镇"})
    assert done.status_code == 200 and done.json()["grid"]["code"] == MACHANG
    assert done.json()["deadlines"] == before  # the clock runs on
    assert township.get(f"/api/v1/cases/{case.pk}").status_code == 404  # gone from Maochang


def test_merge_through_the_api_moves_the_complainants() -> None:
    first, second = (
        services.submit_public(
            data=complaint_data(
                complainants=[{"name": name, "id_number": make_ric(n), "phone": phone}]
            ),
            submission_key=uuid.uuid4(),
            ip="10.2.2.4",
        ).case
        for n, name, phone in ((31, "李四", "13985710031"), (32, "王五", "13985710032"))
    )
    client, _auth = api("maochang")
    url = f"/api/v1/cases/{first.pk}/merge"
    assert _post(client, url, {"into": first.pk, "reason": "同一事项"}).status_code == 422
    assert _post(client, url, {"into": 10**12, "reason": "同一事项"}).status_code == 404
    assert _post(client, url, {"into": "x", "reason": "同一事项"}).status_code == 422
    done = _post(client, url, {"into": second.pk, "reason": "同一用人单位同一事项"})
    assert done.status_code == 200 and done.json()["id"] == second.pk
    # Masked: maochang is not one of the case's two handling inspectors (承办人).
    assert sorted(p["name"] for p in done.json()["complainants"]) == ["李*", "王*"]
    merged = client.get(f"/api/v1/cases/{first.pk}").json()
    assert merged["merged_into"] == second.pk
