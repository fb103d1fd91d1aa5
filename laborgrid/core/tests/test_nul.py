"""The NUL guard reads every kind of body, not only ``application/json`` (issue 21 item 10)."""

from __future__ import annotations

import pytest

from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "content_type", "body"),
    [
        ("patch", "application/merge-patch+json", '{"name": "a\\u0000"}'),
        ("post", "application/json; charset=utf-8", '{"name": "a\\U0000"}'),
        ("post", "text/plain", "a\x00b"),
        ("put", "application/x-www-form-urlencoded", "name=%E7%8C%AB%00"),
        ("patch", "application/x-www-form-urlencoded", "name=a\x00"),
    ],
)
def test_nul_in_any_body_is_refused(method: str, content_type: str, body: str) -> None:
    client = client_for("county")
    response = getattr(client, method)("/api/v1/grids", body, content_type=content_type)
    assert response.status_code == 400
    page = getattr(client, method)("/grids/", body, content_type=content_type)
    assert page.status_code == 400


def test_ordinary_bodies_and_uploads_pass() -> None:
    client = client_for("county")
    assert (
        client.post(
            "/grids/switch/", "code=520521&next=/", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 302
    )


@pytest.mark.parametrize("path", ["/employers/", "/api/v1/employers", "/registers/"])
def test_nul_in_a_query_string_is_refused(path: str) -> None:
    client = client_for("county")
    assert client.get(path, {"q": "猫\x00场"}).status_code == 400
    assert client.get(path + "?q%00=1").status_code == 400
    assert client.get(path, {"q": "猫场"}).status_code == 200
