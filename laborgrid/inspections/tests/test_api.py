"""``/api/v1/inspections``: plans, campaigns, visits — scope, roles, idempotency, errors."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from laborgrid.accounts.services import issue_token
from laborgrid.inspections.models import Campaign, CampaignTarget, PatrolPlan, Visit
from laborgrid.inspections.tests.helpers import employer_in, make_visit, user
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, username: str) -> None:
        raw, _token = issue_token(user=user(username))
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1/inspections{path}", params)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(f"/api/v1/inspections{path}", body, content_type="application/json")


def _visit_body(employer_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "client_key": str(uuid.uuid4()),
        "employer": employer_id,
        "outcome": "inspected",
        "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "inspector_1": user("county").pk,
        "inspector_2": user("brigade-1").pk,
        "assistants": [user("maochang-a1").pk],
        "findings": [
            {"key": "contracts", "result": "violation", "note": "未签合同"},
            {"key": "wages", "result": "compliant"},
        ],
        "facts": {"employees": 12, "contracts_signed": 8},
        "gps": {"lat": 27.1, "lng": 105.6, "accuracy": 8},
        **extra,
    }


def test_assistant_posts_a_visit_once_whatever_the_retries() -> None:
    api = Api("maochang-a1")
    body = _visit_body(employer_in(MAOCHANG, 5).pk)
    first = api.post("/visits", body)
    assert first.status_code == 201, first.json()
    data = first.json()
    assert data["status"] == "recorded" and data["inspectors"] == ["county", "brigade-1"]
    assert {f["key"]: f["result"] for f in data["findings"]}["contracts"] == "violation"
    again = api.post("/visits", body)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Visit.objects.filter(client_key=body["client_key"]).count() == 1
    listed = api.get("/visits", employer=body["employer"]).json()
    assert data["id"] in [v["id"] for v in listed["items"]]


def test_visit_errors_are_per_field_and_store_nothing() -> None:
    api = Api("maochang-a1")
    body = _visit_body(
        employer_in(MAOCHANG, 5).pk,
        inspector_2=user("maochang").pk,  # no certificate
        facts={"employees": 3, "contracts_signed": 9},
    )
    response = api.post("/visits", body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "inspector_2" in errors and "contracts_signed" in errors
    assert not Visit.objects.filter(client_key=body["client_key"]).exists()
    assert api.post("/visits", {"employer": 1}).status_code == 422


def test_another_townships_employer_is_not_found() -> None:
    response = Api("maochang-a1").post("/visits", _visit_body(employer_in(MACHANG).pk))
    assert response.status_code == 404
    assert Api("leader").post("/visits", _visit_body(employer_in(MAOCHANG).pk)).status_code == 404


def test_lists_are_scoped() -> None:
    make_visit(MACHANG)
    own = make_visit(MAOCHANG)
    items = Api("maochang").get("/visits").json()["items"]
    assert own.pk in [v["id"] for v in items]
    assert all(v["grid"].startswith(MAOCHANG) for v in items)
    plans = Api("maochang").get("/plans").json()["items"]
    assert plans and all(p["grid"].startswith(MAOCHANG) for p in plans)
    campaigns = Api("machang").get("/campaigns").json()["items"]
    assert campaigns and all(c["grid"] in (COUNTY, MACHANG) for c in campaigns)


def test_squadron_posts_a_plan_with_employers() -> None:
    month = (timezone.localdate().replace(day=1) + timedelta(days=70)).replace(day=1)
    employers = [employer_in(MAOCHANG, n).pk for n in (6, 7)]
    response = Api("maochang").post(
        "/plans", {"grid": MAOCHANG, "month": month.isoformat(), "employers": employers}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["targets"] == 2
    plan = PatrolPlan.objects.get(pk=response.json()["id"])
    assert sorted(plan.targets.values_list("employer_id", flat=True)) == sorted(employers)
    assert (
        Api("maochang-a1")
        .post("/plans", {"grid": MAOCHANG, "month": month.isoformat()})
        .status_code
        == 403
    )
    assert (
        Api("maochang").post("/plans", {"grid": MACHANG, "month": month.isoformat()}).status_code
        == 422
    )


def test_only_the_county_posts_a_campaign() -> None:
    today = timezone.localdate()
    body = {
        "name": "API 专项",
        "grid": COUNTY,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=10)).isoformat(),
        "rules": {"grids": [MAOCHANG], "flags": ["arrears"]},
        "checklist": ["wages", "minimum_wage"],
    }
    assert Api("maochang").post("/campaigns", {**body, "grid": MAOCHANG}).status_code == 403
    response = Api("county").post("/campaigns", body)
    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get(pk=response.json()["id"])
    employers = CampaignTarget.objects.filter(campaign=campaign).select_related("employer")
    assert all(
        t.employer.flag_arrears and t.grid_path.startswith(t.squadron.path) for t in employers
    )
    bad = Api("county").post("/campaigns", {**body, "checklist": ["nope"]})
    assert bad.status_code == 422 and "checklist" in bad.json()["errors"]
