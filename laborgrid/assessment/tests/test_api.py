"""``GET /api/v1/assessment``: the county's ranking of its townships, a township's own score
and its villages, scoped like the pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from laborgrid.assessment.models import Evidence
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def test_the_county_gets_the_40_townships_ranked_with_links_to_the_evidence() -> None:
    body = (
        client_for("county").get("/api/v1/assessment", {"year": timezone.localdate().year}).json()
    )
    assert body["status"] == "published" and body["grid"]["level"] == "county"
    children = body["children"]
    assert len([c for c in children if c["level"] == "township"]) == 40
    ranks = [c["rank"] for c in children if c["rank"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    keys = [i["key"] for i in body["indicators"]]
    assert sum(i["weight"] for i in body["indicators"]) == 100
    first = children[0]
    assert [f["key"] for f in first["figures"]] == keys
    assert round(sum(f["points"] for f in first["figures"]), 1) == round(first["score"], 1)
    fig = first["figures"][0]
    assert fig["evidence_url"].startswith(f"/assessment/grid/{first['code']}/evidence/")
    assert Evidence.objects.filter(indicator=fig["key"], grid_path__contains=first["code"]).exists()


def test_a_township_gets_its_own_score_and_villages_and_404_for_another() -> None:
    client = client_for("maochang")
    body = client.get("/api/v1/assessment").json()
    assert body["grid"]["code"] == MAOCHANG
    assert body["children"] and all(c["level"] in ("village", "park") for c in body["children"])
    response = client.get("/api/v1/assessment", {"grid": MACHANG})
    assert response.status_code == 404 and response.json() == {"detail": "未找到"}


def test_a_year_without_a_published_assessment_is_404() -> None:
    response = client_for("maochang").get("/api/v1/assessment", {"year": 2001})
    assert response.status_code == 404
