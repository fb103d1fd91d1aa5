"""Routing a record to a grid: by location, else by address, else left unassigned at the root."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from laborgrid.grids import services
from laborgrid.grids.choices import LocateMethod
from laborgrid.grids.locate import (
    DETAIL_MAX,
    ETHNIC_GROUPS,
    Located,
    invalidate_cache,
    locate,
    name_variants,
)
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import COUNTY, MACHANG, MACHANG_VILLAGE, MAOCHANG, MAOCHANG_VILLAGE

BAINA = "520521223"  # 百纳彝族乡
BAINA_VILLAGE = "520521223208"  # 百纳村村民委员会
LUTANG = "520521204"  # 绿塘乡
LUTANG_YINGPAN = "520521204203"  # 营盘村村民委员会 (two more in 六龙镇 and 理化乡)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    invalidate_cache()
    yield
    invalidate_cache()


def _grid(code: str) -> Grid:
    return Grid.objects.get(code=code)


def _county() -> Grid:
    return _grid(COUNTY)


def _at(code: str, *, root: str = COUNTY, address: str | None = None) -> Located:
    grid = _grid(code)
    assert grid.centroid_lat is not None and grid.centroid_lng is not None
    return locate(root=_grid(root), lat=grid.centroid_lat, lng=grid.centroid_lng, address=address)


def _square(lng: float, lat: float, half: float) -> dict[str, Any]:
    ring = [
        [lng - half, lat - half],
        [lng + half, lat - half],
        [lng + half, lat + half],
        [lng - half, lat + half],
        [lng - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


# --------------------------------------------------------------------------- name forms


def test_all_56_ethnic_groups_are_known() -> None:
    assert len(set(ETHNIC_GROUPS)) == 56
    assert all(name.endswith("族") for name in ETHNIC_GROUPS)


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("百纳彝族乡", "township", {"百纳彝族乡", "百纳乡"}),
        ("竹园彝族苗族乡", "township", {"竹园彝族苗族乡", "竹园乡"}),
        ("响水白族彝族仡佬族乡", "township", {"响水白族彝族仡佬族乡", "响水乡"}),
        ("凤山彝族蒙古族乡", "township", {"凤山彝族蒙古族乡", "凤山乡"}),
        ("大水彝族苗族布依族乡", "township", {"大水彝族苗族布依族乡", "大水乡"}),
        ("某某回族镇", "township", {"某某回族镇", "某某镇"}),
        ("猫场镇", "township", {"猫场镇"}),
        ("红旗街道", "township", {"红旗街道"}),
        ("猫场村村民委员会", "village", {"猫场村村民委员会", "猫场村"}),
        ("城中社区居民委员会", "village", {"城中社区居民委员会", "城中社区"}),
        ("城北居民委员会", "village", {"城北居民委员会", "城北社区"}),
        ("河西社区居委会", "village", {"河西社区居委会", "河西社区"}),
        # A one-character stem is only matched by the full name.
        ("新村村民委员会", "village", {"新村村民委员会"}),
        ("循环经济产业园区", "park", {"循环经济产业园区", "循环经济产业园"}),
        ("苗族乡", "township", {"苗族乡"}),
        ("乡", "township", set()),
    ],
)
def test_name_variants(name: str, level: str, expected: set[str]) -> None:
    assert name_variants(name, level) == expected


# --------------------------------------------------------------------------- by location


@pytest.mark.django_db
def test_point_inside_a_village_gives_the_village() -> None:
    found = _at(MAOCHANG_VILLAGE)
    assert found.grid.code == MAOCHANG_VILLAGE
    assert found.method == LocateMethod.LOCATION
    assert found.detail == "坐标位于 猫场社区 边界内"


@pytest.mark.django_db
def test_location_wins_over_the_address() -> None:
    found = _at(MAOCHANG_VILLAGE, address="大方县马场镇")
    assert (found.grid.code, found.method) == (MAOCHANG_VILLAGE, LocateMethod.LOCATION)


@pytest.mark.django_db
@pytest.mark.parametrize("park", ["520521P01", "520521P02", "520521P03"])
def test_a_park_beats_the_village_it_is_drawn_over(park: str) -> None:
    found = _at(park)
    assert (found.grid.code, found.method) == (park, LocateMethod.LOCATION)


@pytest.mark.django_db
def test_point_on_a_boundary_edge_counts_as_inside() -> None:
    village = _grid(MAOCHANG_VILLAGE)
    assert village.centroid_lng is not None and village.centroid_lat is not None
    lng, lat = village.centroid_lng, village.centroid_lat
    room = services.create_grid(
        actor=None, parent=village, code="520521102002W1", name="测试工作室", level="custom"
    )
    room.boundary = _square(lng, lat, 0.001)
    room.save()
    county = _county()
    for point in ((lng + 0.001, lat), (lng - 0.001, lat + 0.001)):  # an edge, a corner
        found = locate(root=county, lat=point[1], lng=point[0], address=None)
        assert (found.grid.code, found.method) == ("520521102002W1", LocateMethod.LOCATION)
    outside = locate(root=county, lat=lat, lng=lng + 0.0011, address=None)
    assert outside.grid.code == MAOCHANG_VILLAGE


@pytest.mark.django_db
def test_point_outside_every_grid_falls_through_to_the_address() -> None:
    county = _county()
    found = locate(root=county, lat=39.9, lng=116.4, address="贵州省大方县猫场镇")
    assert (found.grid.code, found.method) == (MAOCHANG, LocateMethod.ADDRESS)
    nothing = locate(root=county, lat=39.9, lng=116.4, address=None)
    assert (nothing.grid.code, nothing.method) == (COUNTY, LocateMethod.UNASSIGNED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        (math.nan, 105.6),
        (27.1, math.nan),
        (math.inf, 105.6),
        (27.1, -math.inf),
        (91.0, 105.6),
        (27.1, 180.5),
        (105.61, 27.14),  # swapped: the latitude is out of range
        (None, 105.6),
        (27.1, None),
    ],
)
def test_invalid_coordinates_are_ignored(lat: float | None, lng: float | None) -> None:
    county = _county()
    found = locate(root=county, lat=lat, lng=lng, address="马场镇")
    assert (found.grid.code, found.method) == (MACHANG, LocateMethod.ADDRESS)
    nothing = locate(root=county, lat=lat, lng=lng, address=None)
    assert (nothing.grid.code, nothing.method) == (COUNTY, LocateMethod.UNASSIGNED)


@pytest.mark.django_db
def test_only_grids_under_the_root_are_candidates() -> None:
    found = _at(MACHANG_VILLAGE, root=MAOCHANG, address="马场镇马场社区")
    assert (found.grid.code, found.method) == (MAOCHANG, LocateMethod.UNASSIGNED)
    # The root itself is no answer: "somewhere in the root" assigns nothing.
    itself = _at(MAOCHANG_VILLAGE, root=MAOCHANG_VILLAGE)
    assert (itself.grid.code, itself.method) == (MAOCHANG_VILLAGE, LocateMethod.UNASSIGNED)


@pytest.mark.django_db
def test_inactive_grids_are_not_candidates() -> None:
    assert _at(MAOCHANG_VILLAGE).grid.code == MAOCHANG_VILLAGE
    Grid.objects.filter(code=MAOCHANG_VILLAGE).update(is_active=False)  # the count changes
    found = _at(MAOCHANG_VILLAGE)
    assert (found.grid.code, found.method) == (MAOCHANG, LocateMethod.LOCATION)


# --------------------------------------------------------------------------- by address


def _by_address(address: str, root: str = COUNTY) -> Located:
    return locate(root=_grid(root), lat=None, lng=None, address=address)


@pytest.mark.django_db
def test_township_without_its_ethnic_words() -> None:
    found = _by_address("贵州省大方县百纳乡某某村")
    assert (found.grid.code, found.method) == (BAINA, LocateMethod.ADDRESS)
    assert found.detail == "地址含“百纳乡”"


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["大方县百纳彝族乡", "大方县 百纳 彝族乡", "百纳彝族乡１２号"])
def test_township_by_its_full_name(address: str) -> None:
    found = _by_address(address)
    assert (found.grid.code, found.method) == (BAINA, LocateMethod.ADDRESS)
    assert found.detail == "地址含“百纳彝族乡”"


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["大方县百纳乡百纳村3组", "百纳彝族乡百纳村村民委员会旁"])
def test_village_under_the_named_township(address: str) -> None:
    found = _by_address(address)
    assert (found.grid.code, found.method) == (BAINA_VILLAGE, LocateMethod.ADDRESS)
    assert "百纳村" in found.detail


@pytest.mark.django_db
def test_a_unique_village_name_alone_is_enough() -> None:
    found = _by_address("大方县猫场社区幸福路8号")
    assert (found.grid.code, found.method) == (MAOCHANG_VILLAGE, LocateMethod.ADDRESS)
    assert found.detail == "地址含“猫场社区”"


@pytest.mark.django_db
def test_an_ambiguous_village_name_without_township_is_unassigned() -> None:
    found = _by_address("大方县营盘村5组")
    assert (found.grid.code, found.method) == (COUNTY, LocateMethod.UNASSIGNED)
    assert "营盘村" in found.detail
    assert "六龙镇" in found.detail and "绿塘乡" in found.detail
    assert len(found.detail) <= DETAIL_MAX


@pytest.mark.django_db
def test_the_township_picks_among_same_named_villages() -> None:
    found = _by_address("大方县绿塘乡营盘村5组")
    assert (found.grid.code, found.method) == (LUTANG_YINGPAN, LocateMethod.ADDRESS)
    assert found.detail == "地址含“绿塘乡”和“营盘村”"


@pytest.mark.django_db
def test_a_village_of_another_township_is_overruled_by_the_township() -> None:
    found = _by_address("大方县猫场镇营盘村")
    assert (found.grid.code, found.method) == (MAOCHANG, LocateMethod.ADDRESS)
    assert "营盘村" in found.detail and "不属于" in found.detail


@pytest.mark.django_db
def test_several_villages_of_one_township_give_the_township() -> None:
    found = _by_address("大方县龙坪村龙峰村交界处")
    assert (found.grid.code, found.method) == (BAINA, LocateMethod.ADDRESS)
    assert found.detail == "地址含“龙坪村”、“龙峰村”，均属于百纳彝族乡"
    named = _by_address("百纳乡龙坪村龙峰村交界处")
    assert (named.grid.code, named.method) == (BAINA, LocateMethod.ADDRESS)
    assert "多个村" in named.detail


@pytest.mark.django_db
def test_villages_of_different_townships_are_ambiguous() -> None:
    found = _by_address("猫场社区至马场社区")
    assert (found.grid.code, found.method) == (COUNTY, LocateMethod.UNASSIGNED)
    assert "猫场社区" in found.detail and "马场社区" in found.detail


@pytest.mark.django_db
def test_two_townships_are_ambiguous() -> None:
    found = _by_address("猫场镇至马场镇公路")
    assert (found.grid.code, found.method) == (COUNTY, LocateMethod.UNASSIGNED)
    assert "猫场镇" in found.detail and "马场镇" in found.detail


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["北京市朝阳区建国路1号", "", "   ", "百纳", "大方县"])
def test_nothing_recognised_is_unassigned(address: str) -> None:
    found = _by_address(address)
    assert found == Located(_county(), LocateMethod.UNASSIGNED, "未能从坐标或地址确定网格")


@pytest.mark.django_db
def test_nothing_at_all_is_unassigned() -> None:
    county = _county()
    found = locate(root=county, lat=None, lng=None, address=None)
    assert found.grid is county
    assert (found.method, found.detail) == (LocateMethod.UNASSIGNED, "未能从坐标或地址确定网格")


# --------------------------------------------------------------------------- the cache


@pytest.mark.django_db
def test_a_cached_call_costs_one_query(django_assert_num_queries: Any) -> None:
    county = _county()
    village = _grid(MAOCHANG_VILLAGE)
    with django_assert_num_queries(2):  # key check + build
        locate(root=county, lat=village.centroid_lat, lng=village.centroid_lng, address=None)
    with django_assert_num_queries(1):
        found = locate(
            root=county, lat=village.centroid_lat, lng=village.centroid_lng, address=None
        )
    assert found.grid.code == MAOCHANG_VILLAGE
    with django_assert_num_queries(1):
        found = locate(root=county, lat=None, lng=None, address="绿塘乡营盘村")
    assert found.grid.code == LUTANG_YINGPAN


@pytest.mark.django_db
def test_an_edited_boundary_rebuilds_the_index() -> None:
    county = _county()
    far = {"lat": 20.0, "lng": 100.0}  # outside the county
    assert locate(root=county, address=None, **far).method == LocateMethod.UNASSIGNED
    village = _grid(MAOCHANG_VILLAGE)
    village.boundary = _square(far["lng"], far["lat"], 0.01)
    village.save()
    found = locate(root=county, address=None, **far)
    assert (found.grid.code, found.method) == (MAOCHANG_VILLAGE, LocateMethod.LOCATION)


@pytest.mark.django_db
def test_a_rename_rebuilds_the_name_index() -> None:
    assert _by_address("大方县青云村").method == LocateMethod.UNASSIGNED
    services.update_grid(actor=None, grid=_grid(MACHANG_VILLAGE), name="青云村村民委员会")
    found = _by_address("大方县青云村")
    assert (found.grid.code, found.method) == (MACHANG_VILLAGE, LocateMethod.ADDRESS)


@pytest.mark.django_db
def test_the_grid_returned_is_a_copy() -> None:
    found = _at(MAOCHANG_VILLAGE)
    found.grid.name = "改过的名字"
    assert _at(MAOCHANG_VILLAGE).grid.name == "猫场社区居民委员会"


@pytest.mark.django_db
def test_a_remembered_decision_is_per_language() -> None:
    """Addresses with the same place names share one decision, written in the language asked
    for: a decision made in Chinese is not handed out in English."""
    county = _county()
    first = locate(root=county, lat=None, lng=None, address="贵州省大方县猫场镇建设路1号")
    again = locate(root=county, lat=None, lng=None, address="大方县猫场镇新街9号")
    assert first.grid.code == again.grid.code == MAOCHANG and first.detail == again.detail
    with translation.override("en"):
        english = locate(root=county, lat=None, lng=None, address="大方县猫场镇新街9号")
    assert english.grid.code == MAOCHANG and english.detail != first.detail
    assert "猫场镇" in english.detail
