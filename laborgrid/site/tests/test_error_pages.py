"""404/403/500 in the app's own style and in Chinese, in the demo too (issue 23)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from laborgrid.employers.models import MinimumWage
from laborgrid.testing.personas import COUNTY, client_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def _debug_for(environment: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env={
            **env,
            "LABORGRID_ENV": environment,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_demo_runs_without_debug_so_users_see_our_error_pages() -> None:
    """The demo showed Django's English DEBUG 404 listing every URL pattern."""
    assert _debug_for("demo") == "False"
    assert _debug_for("development") == "True"


def test_404_is_the_apps_page_in_chinese() -> None:
    response = client_for("leader").get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "navbar" in body and "Page not found" not in body


def test_403_is_the_apps_page_in_chinese() -> None:
    row = MinimumWage.objects.filter(area__code=COUNTY).first()
    assert row is not None
    response = client_for("maochang").get(reverse("employers:minimum_wage_edit", args=[row.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权执行此操作" in body and "navbar" in body


def test_csrf_failure_is_the_apps_page_in_chinese() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "安全校验未通过" in response.content.decode()


def test_500_is_styled_and_chinese_without_a_request() -> None:
    body = render_to_string("500.html")
    assert "服务器内部错误" in body and "tabler.min.css" in body and 'lang="zh-hans"' in body
