"""``GET /api/v1/coverage``: the page's figures as JSON, scoped; 404 JSON for any grid the caller
may not see; documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.coverage import services
from laborgrid.coverage.tests.world import World, build
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import COUNTY, MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/coverage"
NOT_FOUND = {"detail": "未找到"}


def bearer(username: str) -> str:
    raw, _token = issue_token(user=User.objects.get(username=username))
    return f"Bearer {raw}"


def get(username: str, **params: str) -> Any:
    return Client().get(URL, params, HTTP_AUTHORIZATION=bearer(username))


def test_a_grid_and_its_children_with_every_figure() -> None:
    world: World = build()
    response = get("maochang", grid=world.parent.code)
    assert response.status_code == 200
    data = response.json()
    assert data["stale_after_days"] == 183
    assert data["as_of"] == world.today.isoformat()
    grid = data["grid"]
    assert (grid["code"], grid["level"], grid["parent"]) == (world.parent.code, "custom", MAOCHANG)
    assert grid["figures"] == {
        "total": 11,
        "registered": 7,
        "registers": {"scjg": 4, "mz": 2, "jy": 1, "zj": 1},
        "collected": 8,
        "fresh": 6,
        "never_collected": 3,
        "stale": 2,
        "deregistered_operating": 1,
        "unregistered_operating": 3,
        "coverage_rate": 6 / 11,
    }
    assert data["direct"]["total"] == 1
    children = {c["code"]: c for c in data["children"]}
    assert list(children) == [world.a.code, world.b.code, world.empty.code]
    assert children[world.a.code]["figures"]["coverage_rate"] == pytest.approx(4 / 6)
    assert children[world.empty.code]["figures"]["coverage_rate"] is None
    assert all(c["parent"] == world.parent.code for c in data["children"])
    # grid = sum(children) + direct, figure by figure
    for key in ("total", "registered", "collected", "fresh", "never_collected", "stale"):
        assert grid["figures"][key] == (
            sum(c["figures"][key] for c in data["children"]) + data["direct"][key]
        )


def test_the_default_is_the_callers_top_grid() -> None:
    data = get("maochang").json()
    assert data["grid"]["code"] == MAOCHANG
    cov = services.coverage(Grid.objects.get(code=MAOCHANG), use_cache=False)
    assert data["grid"]["figures"]["total"] == cov.root.rolled.total
    assert {c["code"] for c in data["children"]} == {n.grid.code for n in cov.children()}
    assert get("county").json()["grid"]["code"] == COUNTY
    assert get("maochang", grid="").json()["grid"]["code"] == MAOCHANG  # blank: not given


def test_sessions_work_too() -> None:
    response = client_for("maochang").get(URL, {"grid": MAOCHANG})
    assert response.status_code == 200
    assert response.json()["grid"]["name"] == "猫场镇"


@pytest.mark.parametrize(
    "code", [MACHANG, COUNTY, "zzz", "5205211029999", "x" * 500, "猫场镇", "520521102/"]
)
def test_unknown_or_out_of_scope_grids_are_404_json(code: str) -> None:
    response = get("maochang", grid=code)
    assert response.status_code == 404, code
    assert response.json() == NOT_FOUND


def test_the_other_township_sees_its_own_grid_only() -> None:
    assert get("machang", grid=MACHANG).status_code == 200
    assert get("machang", grid=MAOCHANG).json() == NOT_FOUND


def test_roles_without_employer_data_get_404() -> None:
    for username in ("sysadmin", "auditor"):
        assert get(username).json() == NOT_FOUND
        assert get(username, grid=MAOCHANG).status_code == 404


def test_anonymous_gets_401_json() -> None:
    response = Client().get(URL, {"grid": MAOCHANG})
    assert response.status_code == 401
    assert response.json()["detail"]


def test_the_schema_documents_the_operation() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    op = schema["paths"][URL]["get"]
    assert op["tags"] == ["coverage"]
    assert [p["name"] for p in op["parameters"]] == ["grid"]
    assert "default: the caller's top grid" in op["parameters"][0]["description"]
    assert set(op["responses"]) >= {"200", "404"}
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    out = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(out["properties"]) == {
        "as_of",
        "computed_at",
        "stale_after_days",
        "grid",
        "direct",
        "children",
    }
    figures = schema["components"]["schemas"]["CoverageFigures"]
    assert "never-collected employers not included" in figures["properties"]["stale"]["description"]
    assert "coverage_rate" in figures["properties"]
