"""The home workbench is composed from the widgets apps register (``core.extensions``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext

from laborgrid.core import extensions
from laborgrid.core.extensions import HomeWidget, register_widget
from laborgrid.testing.personas import client_for

pytestmark = pytest.mark.django_db


def test_each_role_sees_the_sections_it_may_see() -> None:
    squadron = client_for("maochang").get("/").content.decode()
    assert "投诉举报案件" in squadron and "本网格责任人" in squadron
    assert "最近审计事件" not in squadron and "人员与岗位" not in squadron

    auditor = client_for("auditor").get("/").content.decode()
    assert "最近审计事件" in auditor
    assert "投诉举报案件" not in auditor and "本网格责任人" not in auditor

    sysadmin = client_for("sysadmin").get("/").content.decode()
    assert "人员与岗位" in sysadmin and "最近审计事件" not in sysadmin


@pytest.fixture
def extra_widget() -> Iterator[list[Any]]:
    seen: list[Any] = []

    def context(request: HttpRequest) -> dict[str, Any] | None:
        seen.append(request.user.get_username())
        return {"note": "本周专项检查"} if request.user.get_username() == "county" else None

    saved = dict(extensions._WIDGETS)
    register_widget(HomeWidget("test-extra", "site/tests/_note.html", context, order=1))
    yield seen
    extensions._WIDGETS.clear()
    extensions._WIDGETS.update(saved)


def test_a_registered_widget_shows_first_and_only_where_its_context_allows(
    extra_widget: list[Any], tmp_path: Any, settings: Any
) -> None:
    (tmp_path / "site" / "tests").mkdir(parents=True)
    (tmp_path / "site" / "tests" / "_note.html").write_text('<p id="note">{{ note }}</p>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    county = client_for("county").get("/").content.decode()
    assert '<p id="note">本周专项检查</p>' in county
    assert county.index('id="note"') < county.index("投诉举报案件")
    assert 'id="note"' not in client_for("maochang").get("/").content.decode()
    assert extra_widget == ["county", "maochang"]


def test_the_home_page_query_count_is_bounded() -> None:
    client = client_for("maochang")
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert len(ctx.captured_queries) <= 20, [q["sql"] for q in ctx.captured_queries]


def _menu(username: str) -> str:
    page = client_for(username).get("/").content.decode()
    start = page.index('id="navbar-menu"')
    return page[start : page.index("</header>", start)]


def test_the_menus_apps_register_are_shown_by_capability() -> None:
    leader = _menu("leader")
    assert "用人单位名录" in leader and "底数覆盖情况" in leader and "登记库导入" in leader
    assert "案件" in leader and "登记投诉举报" not in leader  # read-only
    assert "审计日志" not in leader and "人员与岗位" not in leader

    squadron = _menu("maochang")
    assert "登记投诉举报" in squadron and "我的任务" in squadron and "工作日历" in squadron
    assert 'target="_blank"' in squadron  # the public complaint page opens apart

    sysadmin = _menu("sysadmin")
    assert "最低工资标准" in sysadmin and "用人单位名录" not in sysadmin
    assert "执法证" in sysadmin and "人员与岗位" in sysadmin and "文书编号规则" in sysadmin

    auditor = _menu("auditor")
    assert "审计日志" in auditor and "用人单位" not in auditor and "投诉举报" not in auditor
