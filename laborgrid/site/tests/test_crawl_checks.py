"""The crawl's text checks (laborgrid.testing.crawl), without a browser."""

from __future__ import annotations

import pytest

from laborgrid.testing.crawl import developer_text, route_of

BASE = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("详情 {'area': '520521006'}", "Python dict"),
        ("对象 <Employer object (3)>", "object repr"),
        ("修改前 None", "None/True/False"),
        ("必填 received_on", "snake_case identifier"),
        ("对象 employers.minimumwage 14", "app.model label"),
        ("注册资本：2E+2 → 5E+2", "exponent decimal"),
        ("单位类型 ---------", "Django placeholder"),
        ("搜索: 状态:", "ASCII colon after Chinese"),
        ("单位名称 This field is required.", "untranslated English"),
    ],
)
def test_developer_text_is_found(text: str, label: str) -> None:
    assert any(f.startswith(label) for f in developer_text(text)), developer_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "大方县 520521 · 91520521MA6H8XK21Q · 2026-12-06 10:30",
        "maochang-a1 · 孟鹏（maochang-a1） · user@example.cn · roster.xlsx",
        "时间 10:30，比例 3:1，https://example.cn/a_b",
        "统一社会信用代码：915205 · 网格：猫场镇",
    ],
)
def test_data_is_not_developer_text(text: str) -> None:
    assert developer_text(text) == []


def test_links_are_deduplicated_by_route() -> None:
    assert route_of(BASE + "/employers/12/", BASE) == route_of(BASE + "/employers/99/", BASE)
    assert route_of(BASE + "/employers/12/", BASE) == "employers:employer_detail"
    assert route_of("https://example.cn/", BASE) is None
