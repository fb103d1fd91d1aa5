"""``GET /api/v1/calendar/workdays/add``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from laborgrid.accounts.models import User
from laborgrid.accounts.services import issue_token
from laborgrid.workdays import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/workdays/add"


def get(username: str | None, **params: Any) -> Any:
    if not username:
        return Client().get(URL, params)
    raw, _token = issue_token(user=User.objects.get(username=username))
    return Client().get(URL, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_fifth_working_day_after_2026_09_30() -> None:
    response = get("maochang", start="2026-09-30", days=5)
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-09-30",
        "days": 5,
        "date": "2026-10-13",
        "calendar_version": services.calendar_version(),
        "missing_years": [],
        "provisional": False,
        "warning": "",
    }


def test_a_missing_year_is_not_guessed() -> None:
    data = get("county", start="2027-01-10", days=5).json()
    assert data["date"] is None
    assert data["missing_years"] == [2027]
    assert "2027" in data["warning"]


def test_a_missing_year_provisionally_when_asked() -> None:
    """2027-01-08 (Fri) + 5: Jan 11–15 (no 2027 statutory holiday in between)."""
    data = get("county", start="2027-01-08", days=5, provisional="true").json()
    assert data["date"] == "2027-01-15"
    assert data["provisional"] is True
    assert data["missing_years"] == [2027]
    assert "暂定" in data["warning"]
    # Through 春节 2027: 除夕 Feb 5 (Fri) and 初一–初三 Feb 6–8 (Sat–Mon) are rest days.
    data = get("county", start="2027-02-03", days=3, provisional="true").json()
    assert data["date"] == "2027-02-10"  # Feb 4, (5 off), (8 off), 9, 10


def test_backwards() -> None:
    assert get("county", start="2026-10-13", days=-5).json()["date"] == "2026-09-30"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-13-01", "days": 5},
        {"start": "yesterday", "days": 5},
        {"start": "2026-09-30", "days": "five"},
        {"start": "2026-09-30", "days": services.MAX_WORKDAYS + 1},
        {"start": "2026-09-30", "days": -services.MAX_WORKDAYS - 1},
        {"start": "2026-09-30"},
        {"days": 5},
    ],
)
def test_bad_input_is_422(params: dict[str, Any]) -> None:
    response = get("county", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert body["errors"]


def test_anonymous_401() -> None:
    assert get(None, start="2026-09-30", days=5).status_code == 401


@pytest.mark.parametrize("username", ["auditor"])
def test_non_staff_403(username: str) -> None:
    response = get(username, start="2026-09-30", days=5)
    assert response.status_code == 403
    assert response.json()["detail"]


def test_session_auth_works_for_the_page_scripts() -> None:
    from laborgrid.testing.personas import client_for

    response = client_for("leader").get(URL, {"start": "2026-09-30", "days": "5"})
    assert response.status_code == 200
    assert response.json()["date"] == "2026-10-13"


def test_documented_in_openapi() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/calendar/workdays/add" in schema["paths"]
