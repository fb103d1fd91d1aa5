"""The UI shell: security headers, offline assets, grid switcher."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from laborgrid.accounts import services
from laborgrid.accounts.models import User
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MACHANG, MAOCHANG, client_for

pytestmark = pytest.mark.django_db


def test_pages_forbid_inline_and_foreign_scripts() -> None:
    response = client_for("maochang").get("/")
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert response["X-Frame-Options"] == "DENY"
    body = response.content.decode()
    assert (
        "<script>" not in body
        and "onchange=" not in body
        and "http://" not in body.replace("http://127", "")
    )


def test_api_docs_are_served_without_a_cdn() -> None:
    body = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "cdn" not in body.lower()


def test_vendored_assets_are_referenced_locally() -> None:
    body = client_for("county").get("/grids/map/").content.decode()
    for asset in (
        "vendor/tabler/tabler.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/echarts/echarts.min.js",
    ):
        assert f"/static/{asset}" in body


def test_grid_switcher_lists_disjoint_grids_and_changes_the_home_grid() -> None:
    secadmin = User.objects.get(username="secadmin")
    services.assign_role(
        actor=secadmin,
        user=User.objects.get(username="maochang-a2"),
        grid=Grid.objects.get(code=MACHANG),
        role="assistant",
    )
    client = client_for("maochang-a2")
    home = client.get("/").content.decode()
    assert 'name="code"' in home and f'value="{MACHANG}"' in home and f'value="{MAOCHANG}"' in home
    assert f'value="{MAOCHANG}002"' not in home  # villages under 猫场镇 are not separate entries
    client.post("/grids/switch/", {"code": MACHANG, "next": "/"})
    assert "马场镇 · 二级网格" in client.get("/").content.decode()
    # a grid that is not the user's is ignored
    client.post("/grids/switch/", {"code": "520521104", "next": "https://evil.example/"})
    assert "马场镇 · 二级网格" in client.get("/").content.decode()


def test_nul_characters_are_refused_everywhere() -> None:
    """PostgreSQL text cannot hold NUL: refused up front with 400, never a server error."""
    client = client_for("county")
    assert client.get("/grids/", {"q": "猫\x00"}).status_code == 400
    assert client.get("/grids/%00/").status_code == 400
    api = client.get("/api/v1/grids", {"parent": "\x00"})
    assert api.status_code == 400 and api.json()["detail"]
    token = Client().post(
        "/api/v1/auth/token",
        '{"username": "a\\u0000", "password": "x"}',
        content_type="application/json",
    )
    assert token.status_code == 400 and token.json()["detail"]
    assert client.post("/grids/520521102/edit/", {"name": "猫场\x00镇"}).status_code == 400


@pytest.mark.parametrize(
    ("username", "url", "limit"),
    [
        ("county", "/grids/", 14),
        ("county", "/grids/?q=村", 14),
        ("secadmin", "/accounts/users/", 16),
        ("secadmin", "/accounts/lockouts/", 14),
        ("auditor", "/audit/", 14),
        ("county", "/jobs/", 14),
        ("county", "/accounts/tokens/", 14),
    ],
)
def test_list_pages_do_not_grow_with_rows(
    username: str, url: str, limit: int, django_assert_max_num_queries: Any
) -> None:
    """Query counts are part of the contract: list pages stay constant however many rows they show."""
    from laborgrid.accounts.services import issue_token
    from laborgrid.core.jobs import start_job

    user = User.objects.get(username=username)
    for _ in range(30):
        issue_token(user=user)
        start_job(kind="grids.export", title="名册", actor=user, params={"grid": "520521"})
    client = client_for(username)
    client.get("/")  # warm the session
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200
