"""``/api/v1/projects``: list, register, obligations, pay-sheet upload; scope and bad input."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from laborgrid.projects import services
from laborgrid.projects.models import Project
from laborgrid.projects.samples import paysheet_xlsx
from laborgrid.projects.tests.conftest import employers_in
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def test_register_list_obligations_and_paysheet(make_project: Callable[..., Project]) -> None:
    gc, sub = employers_in(MAOCHANG, 2)
    client = client_for("maochang")
    body = {
        "name": "接口登记的项目",
        "grid": gc.grid.code,
        "client_name": "建设单位甲",
        "general_contractor": gc.pk,
        "subcontractors": [{"employer": sub.pk, "scope": "劳务"}],
        "contract_sum": "2500000",
        "starts_on": (timezone.localdate() - dt.timedelta(days=60)).isoformat(),
        "labour_officer_phone": "13985710000",
    }
    r = client.post("/api/v1/projects", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["labour_officer_phone"] != "13985710000" and "*" in data["labour_officer_phone"]
    pid = data["id"]
    bad = client.post(
        "/api/v1/projects",
        json.dumps({**body, "contract_sum": "-5"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    listed = client.get("/api/v1/projects", {"q": "接口登记"}).json()
    assert [p["id"] for p in listed["items"]] == [pid]
    assert client_for("machang").get("/api/v1/projects", {"q": "接口登记"}).json()["count"] == 0
    obs = client.get(f"/api/v1/projects/{pid}/obligations").json()
    assert {"wage_deposit", "rights_board"} <= set(obs["missing"])
    assert any(o["article"].endswith("第三十二条") for o in obs["items"])
    assert client_for("machang").get(f"/api/v1/projects/{pid}/obligations").status_code == 404
    month = services.month_start(timezone.localdate()).strftime("%Y-%m")
    up = client.post(
        f"/api/v1/projects/{pid}/paysheets",
        {"month": month, "file": SimpleUploadedFile("p.xlsx", paysheet_xlsx())},
    )
    assert up.status_code == 201, up.content
    assert len(up.json()["not_in_roster"]) == 7  # no roster uploaded yet
    leader = client_for("leader").post(
        f"/api/v1/projects/{pid}/paysheets",
        {"month": month, "file": SimpleUploadedFile("p.xlsx", paysheet_xlsx())},
    )
    assert leader.status_code == 403
    junk = client.post(
        f"/api/v1/projects/{pid}/paysheets",
        {"month": month, "file": SimpleUploadedFile("p.xlsx", b"not a workbook")},
    )
    assert junk.status_code == 422
    other = employers_in(MACHANG, 1)[0]
    r = client.post(
        "/api/v1/projects",
        json.dumps({**body, "general_contractor": other.pk}),
        content_type="application/json",
    )
    assert r.status_code == 422
