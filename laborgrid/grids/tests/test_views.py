"""Grid pages as the personas use them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MACHANG, MAOCHANG, MAOCHANG_VILLAGE, client_for

pytestmark = pytest.mark.django_db


def test_maochang_sees_only_maochang_and_its_villages() -> None:
    client = client_for("maochang")
    home = client.get("/").content.decode()
    assert "猫场镇" in home and "马场镇" not in home
    tree = client.get(reverse("grids:grid_list")).content.decode()
    assert "猫场镇" in tree and "大方县" not in tree
    children = client.get(reverse("grids:grid_children", args=[MAOCHANG])).content.decode()
    assert children.count("<li>") == 11  # the 11 villages and communities of 猫场镇
    search = client.get(reverse("grids:grid_list"), {"q": "社区"}).content.decode()
    assert "猫场社区居民委员会" in search and "马场社区居民委员会" not in search


def test_grid_detail_shows_responsible_staff_with_phones() -> None:
    body = (
        client_for("maochang").get(reverse("grids:grid_detail", args=[MAOCHANG])).content.decode()
    )
    assert "陈志刚" in body and "中队长" in body and 'href="tel:' in body
    assert "二级网格" in body


def test_county_creates_edits_moves_and_merges_through_the_ui() -> None:
    client = client_for("county")
    r = client.post(
        reverse("grids:grid_create", args=[MAOCHANG]),
        {"code": "520521102W09", "name": "工业集中区工作室", "level": "custom"},
    )
    assert r.status_code == 302
    assert Grid.objects.get(code="520521102W09").parent_id == MAOCHANG
    r = client.post(
        reverse("grids:grid_create", args=[MAOCHANG]),
        {"code": "520521102W09", "name": "重复", "level": "custom"},
    )
    assert r.status_code == 200 and "已存在" in r.content.decode()
    r = client.post(reverse("grids:grid_edit", args=["520521102W09"]), {"name": "", "note": ""})
    assert r.status_code == 200  # form error, nothing lost
    r = client.post(
        reverse("grids:grid_edit", args=["520521102W09"]), {"name": "园区工作室", "note": "测试"}
    )
    assert Grid.objects.get(code="520521102W09").name == "园区工作室"
    r = client.post(reverse("grids:grid_move", args=["520521102W09"]), {"target": MACHANG})
    assert r.status_code == 302
    assert Grid.objects.get(code="520521102W09").path == f"520521/{MACHANG}/520521102W09/"
    r = client.post(reverse("grids:grid_move", args=[MAOCHANG_VILLAGE]), {"target": "nonexistent"})
    assert "找不到该网格" in r.content.decode()
    r = client.post(
        reverse("grids:grid_merge", args=[MAOCHANG_VILLAGE]), {"target": "520521102003"}
    )
    assert r.status_code == 302
    assert (
        Grid.objects.get(code=MAOCHANG_VILLAGE).merged_into_id
        == Grid.objects.get(code="520521102003").pk
    )


def test_assistant_cannot_manage_grids() -> None:
    client = client_for("maochang-a1")
    assert client.get(reverse("grids:grid_detail", args=[MAOCHANG])).status_code == 200
    assert (
        client.post(reverse("grids:grid_edit", args=[MAOCHANG]), {"name": "x"}).status_code == 403
    )


def test_map_data_drills_down_and_is_marked_synthetic() -> None:
    client = client_for("county")
    data = client.get(reverse("grids:grid_map_data", args=["520521"])).json()
    assert len(data["features"]) == 40
    assert data["synthetic"] is True
    first = data["features"][0]["properties"]
    assert first["has_children"] is True and first["level"] == "township"
    villages = client.get(reverse("grids:grid_map_data", args=[MAOCHANG])).json()
    assert len(villages["features"]) == 11
    assert [c["name"] for c in villages["crumbs"]] == ["大方县", "猫场镇"]
    page = client.get(reverse("grids:grid_map", args=[MAOCHANG])).content.decode()
    assert "示意边界（非真实）" in page and "echarts.min.js" in page


def test_map_for_maochang_starts_at_maochang_without_the_county() -> None:
    client = client_for("maochang")
    page = client.get(reverse("grids:grid_map_home")).content.decode()
    assert f'data-start="{MAOCHANG}"' in page
    data = client.get(reverse("grids:grid_map_data", args=[MAOCHANG])).json()
    assert data["grid"]["parent"] is None  # cannot go up to the county
    assert [c["name"] for c in data["crumbs"]] == ["猫场镇"]


def test_list_pages_have_bounded_queries(django_assert_max_num_queries: Any) -> None:
    client = client_for("county")
    client.get("/")  # warm the session
    with django_assert_max_num_queries(13):
        client.get(reverse("grids:grid_detail", args=["520521"]))
    with django_assert_max_num_queries(13):
        client.get(reverse("grids:grid_children", args=["520521"]))
    with django_assert_max_num_queries(13):
        client.get(reverse("grids:grid_map_data", args=["520521"]))
    # The home page adds what waits for the person: collection tasks (one aggregate), the grids
    # they review and the submissions waiting there, and their grids' cases (one aggregate).
    with django_assert_max_num_queries(16):
        client.get("/")


def test_map_labels_drop_the_committee_suffix() -> None:
    assert Grid(name="长沙村村民委员会").short_name == "长沙村"
    assert Grid(name="猫场社区居民委员会").short_name == "猫场社区"
    assert Grid(name="猫场镇").short_name == "猫场镇"


def test_assistant_home_summarises_village_posts() -> None:
    body = client_for("maochang-a1").get("/").content.decode()
    assert "猫场镇 · 协管员 · 负责 6 个下级网格" in body
