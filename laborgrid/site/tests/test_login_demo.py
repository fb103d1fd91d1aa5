"""The login page lists the demo accounts in the demo, and nowhere else (issue 23: it pointed to
the README)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ROLES = (
    "county",
    "leader",
    "maochang",
    "maochang-a1",
    "machang",
    "sysadmin",
    "secadmin",
    "auditor",
)


def test_the_demo_login_page_lists_the_demo_accounts(settings: Any) -> None:
    settings.ENVIRONMENT = "demo"
    body = Client().get("/accounts/login/").content.decode()
    assert "README" not in body
    for username in ROLES:
        assert f"<code>{username}</code>" in body
    assert settings.LABORGRID_DEMO_PASSWORD in body and "协管员" in body


@pytest.mark.parametrize("environment", ["development", "production"])
def test_outside_the_demo_no_account_or_password_is_shown(settings: Any, environment: str) -> None:
    settings.ENVIRONMENT = environment
    body = Client().get("/accounts/login/").content.decode()
    assert 'id="lg-demo-accounts"' not in body
    assert settings.LABORGRID_DEMO_PASSWORD not in body
