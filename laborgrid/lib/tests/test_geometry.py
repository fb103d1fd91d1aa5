"""Tests for laborgrid.lib.geometry: plain pytest, no Django, no database."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from shapely.geometry import MultiPolygon, Polygon, box, shape

from laborgrid.lib.geometry import (
    centroid_of,
    synthetic_outline,
    synthetic_partition,
    synthetic_small_area,
    to_geojson,
    validate_geojson_geometry,
)

# Roughly the size of a county in northern China.
CENTER = (116.4, 39.9)
COUNTY_W, COUNTY_H = 0.8, 0.6

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
BOW_TIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


@pytest.fixture(scope="module")
def county() -> Polygon:
    return synthetic_outline(*CENTER, COUNTY_W, COUNTY_H, seed=7)


def assert_partition(outline: Polygon, cells: list[Polygon], n: int) -> None:
    """Exactly n valid, non-empty, pairwise non-overlapping polygons inside the outline."""
    assert len(cells) == n
    for cell in cells:
        assert isinstance(cell, Polygon)
        assert cell.is_valid
        assert not cell.is_empty
        assert cell.area > 0
        assert cell.difference(outline).area <= 1e-9 * outline.area
    for a, b in itertools.combinations(cells, 2):
        assert a.intersection(b).area <= 1e-9 * outline.area


# ------------------------------------------------------------------ validate_geojson_geometry


def test_valid_polygon() -> None:
    geom, reason = validate_geojson_geometry(SQUARE)
    assert reason is None
    assert geom is not None
    assert geom.geom_type == "Polygon"
    assert geom.area == pytest.approx(1.0)


def test_valid_multipolygon() -> None:
    data = {
        "type": "MultiPolygon",
        "coordinates": [
            [[[0, 0], [1, 0], [1, 1], [0, 0]]],
            [[[2, 2], [3, 2], [3, 3], [2, 2]]],
        ],
    }
    geom, reason = validate_geojson_geometry(data)
    assert reason is None
    assert isinstance(geom, MultiPolygon)


def test_bow_tie_is_invalid_with_reason() -> None:
    geom, reason = validate_geojson_geometry(BOW_TIE)
    assert geom is not None  # parsed, so callers can still show it
    assert reason is not None
    assert reason.startswith("多边形无效：")
    assert "Self-intersection" in reason


def test_point_is_rejected() -> None:
    geom, reason = validate_geojson_geometry({"type": "Point", "coordinates": [116.4, 39.9]})
    assert geom is None
    assert reason == "不支持的几何类型：Point"


@pytest.mark.parametrize(
    "data",
    [
        {"foo": "bar"},
        {"type": "Polygon"},
        {"type": "Polygon", "coordinates": "abc"},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, "x"], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [math.nan, 0], [1, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[[[[0]]]]]]},
        ["not", "a", "dict"],
        None,
    ],
)
def test_garbage_is_rejected(data: object) -> None:
    geom, reason = validate_geojson_geometry(data)  # type: ignore[arg-type]
    assert geom is None
    assert reason is not None
    assert reason.startswith("几何数据无法解析：")


def test_empty_polygon_is_invalid() -> None:
    _, reason = validate_geojson_geometry({"type": "Polygon", "coordinates": []})
    assert reason == "多边形为空"
    _, reason = validate_geojson_geometry({"type": "MultiPolygon", "coordinates": []})
    assert reason == "多边形为空"


def test_out_of_range_coordinates_are_rejected() -> None:
    # e.g. Web Mercator metres pasted in where WGS84 degrees were expected
    metres = to_geojson(box(12_958_000, 4_852_000, 12_960_000, 4_854_000))
    geom, reason = validate_geojson_geometry(metres)
    assert geom is not None
    assert reason is not None
    assert "经纬度范围" in reason


# ------------------------------------------------------------------ centroid_of / to_geojson


def test_centroid_of_convex_polygon_is_the_centroid() -> None:
    assert centroid_of(box(0, 0, 2, 2)) == pytest.approx((1.0, 1.0))


def test_centroid_of_u_shape_is_inside() -> None:
    u_shape = Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    assert not u_shape.contains(u_shape.centroid)  # the case we guard against
    lng, lat = centroid_of(u_shape)
    assert u_shape.contains(shape({"type": "Point", "coordinates": [lng, lat]}))


def test_centroid_of_multipolygon_is_inside() -> None:
    geom = MultiPolygon([box(0, 0, 1, 1), box(5, 0, 6, 1)])
    lng, lat = centroid_of(geom)
    assert geom.contains(shape({"type": "Point", "coordinates": [lng, lat]}))


def test_to_geojson_round_trip(county: Polygon) -> None:
    data = to_geojson(county)
    assert data["type"] == "Polygon"
    # JSON-shaped: lists, not tuples, and survives a json round trip unchanged
    assert isinstance(data["coordinates"], list)
    assert isinstance(data["coordinates"][0][0], list)
    assert json.loads(json.dumps(data)) == data
    for lng, lat in data["coordinates"][0]:
        assert round(lng, 6) == lng
        assert round(lat, 6) == lat
    geom, reason = validate_geojson_geometry(data)
    assert reason is None
    assert geom is not None
    assert geom.equals_exact(county, 1e-6)
    assert geom.area == pytest.approx(county.area, rel=1e-5)


def test_to_geojson_multipolygon_round_trip() -> None:
    original = MultiPolygon([box(0, 0, 1, 1), box(2, 2, 3.1234567891, 3)])
    data = to_geojson(original)
    assert data["coordinates"][1][0][0] in ([3.123457, 2.0], [3.123457, 3.0])
    geom, reason = validate_geojson_geometry(json.loads(json.dumps(data)))
    assert reason is None
    assert geom is not None
    assert geom.equals_exact(original, 1e-6)


# ------------------------------------------------------------------ synthetic_outline


def test_outline_is_valid_sized_and_deterministic() -> None:
    for seed in range(20):
        outline = synthetic_outline(*CENTER, COUNTY_W, COUNTY_H, seed=seed)
        assert outline.is_valid
        assert len(outline.exterior.coords) == 48 + 1  # closed ring
        min_x, min_y, max_x, max_y = outline.bounds
        assert max_x - min_x == pytest.approx(COUNTY_W)
        assert max_y - min_y == pytest.approx(COUNTY_H)
        assert outline.contains(shape({"type": "Point", "coordinates": list(CENTER)}))
        assert outline.exterior.is_ccw
        again = synthetic_outline(*CENTER, COUNTY_W, COUNTY_H, seed=seed)
        assert outline.equals_exact(again, 0)
    a = synthetic_outline(*CENTER, COUNTY_W, COUNTY_H, seed=1)
    b = synthetic_outline(*CENTER, COUNTY_W, COUNTY_H, seed=2)
    assert not a.equals(b)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan])
def test_outline_rejects_bad_sizes(bad: float) -> None:
    with pytest.raises(ValueError):
        synthetic_outline(*CENTER, bad, 1.0, seed=1)


# ------------------------------------------------------------------ synthetic_partition


def test_partition_of_county_into_40(county: Polygon) -> None:
    cells = synthetic_partition(county, 40, seed=3)
    assert_partition(county, cells, 40)
    assert sum(c.area for c in cells) == pytest.approx(county.area, rel=0.02)
    # reasonably sized cells: no sliver smaller than a tenth of the average
    assert min(c.area for c in cells) > 0.1 * county.area / 40


@pytest.mark.parametrize("n", range(5, 16))
def test_partition_of_small_polygon(county: Polygon, n: int) -> None:
    township = synthetic_partition(county, 12, seed=11)[0]
    cells = synthetic_partition(township, n, seed=n)
    assert_partition(township, cells, n)
    assert sum(c.area for c in cells) == pytest.approx(township.area, rel=0.02)


def test_partition_is_deterministic(county: Polygon) -> None:
    first = synthetic_partition(county, 15, seed=42)
    second = synthetic_partition(county, 15, seed=42)
    assert all(a.equals_exact(b, 0) for a, b in zip(first, second, strict=True))
    other = synthetic_partition(county, 15, seed=43)
    assert not all(a.equals(b) for a, b in zip(first, other, strict=True))


def test_partition_edge_counts(county: Polygon) -> None:
    assert synthetic_partition(county, 0, seed=1) == []
    assert synthetic_partition(county, 1, seed=1) == [county]
    with pytest.raises(ValueError):
        synthetic_partition(county, -1, seed=1)


def test_partition_of_concave_outline_keeps_one_polygon_per_cell() -> None:
    # A comb: Voronoi cells straddling the gaps get cut into several pieces, exercising the
    # "keep the largest part" path; coverage is allowed to be imperfect here.
    comb = Polygon(
        [(0, 0), (5, 0), (5, 3), (4, 3), (4, 0.5), (3, 0.5), (3, 3), (2, 3), (2, 0.5),
         (1, 0.5), (1, 3), (0, 3)]
    )  # fmt: skip
    assert comb.is_valid
    cells = synthetic_partition(comb, 12, seed=2)
    assert_partition(comb, cells, 12)
    covered = sum(c.area for c in cells)
    assert 0.8 * comb.area < covered < comb.area  # seed 2 does split cells: some area dropped


def test_partition_rejects_invalid_outline() -> None:
    with pytest.raises(ValueError):
        synthetic_partition(shape(BOW_TIE), 3, seed=1)


# ------------------------------------------------------------------ synthetic_small_area


def test_small_area_is_inside_valid_and_deterministic(county: Polygon) -> None:
    grids = synthetic_partition(county, 40, seed=3)
    for seed, grid in enumerate(grids[:10]):
        park = synthetic_small_area(grid, 0.01, seed=seed)
        assert isinstance(park, Polygon)
        assert park.is_valid
        assert park.area > 0
        assert park.difference(grid).area <= 1e-12
        assert park.area < grid.area
        assert park.equals_exact(synthetic_small_area(grid, 0.01, seed=seed), 0)


def test_small_area_larger_than_container_is_clipped() -> None:
    container = box(0, 0, 1, 1)
    area = synthetic_small_area(container, 5.0, seed=1)
    assert area.is_valid
    assert area.difference(container).area <= 1e-12
    assert area.area > 0
