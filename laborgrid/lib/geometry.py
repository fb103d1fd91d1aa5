"""Grid geometry helpers: validating uploaded outlines and generating demo territory.

This module is deliberately framework-free (no Django imports) so that it can be used
from models, API schemas, management commands and benchmarks alike, and so that its tests
run without a database.

Two groups of functions live here:

* Validation and serialisation (``validate_geojson_geometry``, ``centroid_of``,
  ``to_geojson``): grid outlines arrive as GeoJSON from the browser or from imports, and
  an invalid polygon silently breaks area sums, point-in-grid lookups and map rendering
  later on, so we reject it at the door with a message an operator can act on. Messages
  are in Simplified Chinese because they are shown to end users as-is.
* Synthetic data (``synthetic_outline``, ``synthetic_partition``,
  ``synthetic_small_area``): demo and benchmark databases need plausible-looking county,
  township and grid outlines without shipping real (and possibly sensitive) boundary data.
  Everything is deterministic for a given seed so that fixtures, screenshots and
  benchmarks are reproducible.

Coordinates are WGS84 longitude/latitude in degrees, as GeoJSON (RFC 7946) prescribes.
Areas computed here are in square degrees; they are only used for relative comparisons.
"""

from __future__ import annotations

import math
import random
from typing import Any

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep
from shapely.validation import explain_validity, make_valid

__all__ = [
    "SUPPORTED_GEOMETRY_TYPES",
    "centroid_of",
    "synthetic_outline",
    "synthetic_partition",
    "synthetic_small_area",
    "to_geojson",
    "validate_geojson_geometry",
]

#: Grid, township and county outlines are areas; anything else is a data-entry mistake.
SUPPORTED_GEOMETRY_TYPES: frozenset[str] = frozenset({"Polygon", "MultiPolygon"})

#: ~0.1 m at the equator: far below digitising accuracy, and keeps JSON payloads small.
GEOJSON_DECIMALS = 6

#: Polygon / MultiPolygon coordinates nest at most 4 levels deep; anything deeper is junk
#: (and a guard against pathological payloads exhausting the recursion limit).
_MAX_COORDINATE_DEPTH = 4

_OUTLINE_VERTICES = 48


# --------------------------------------------------------------------------- validation


class _MalformedCoordinatesError(ValueError):
    """Raised by the coordinate pre-check; its message is already user-facing Chinese."""


def _check_coordinate_numbers(value: Any, depth: int = 0) -> None:
    """Reject non-numeric and non-finite coordinates before shapely sees them.

    shapely would accept NaN (emitting a RuntimeWarning) and report it only later as an
    "Invalid Coordinate", and its errors for strings are English internals; checking the
    raw structure first gives the user a clear message and keeps warnings out of logs.
    """
    if isinstance(value, list | tuple):
        if depth >= _MAX_COORDINATE_DEPTH + 1:
            raise _MalformedCoordinatesError("坐标嵌套层级过深")
        for item in value:
            _check_coordinate_numbers(item, depth + 1)
        return
    # bool is an int subclass, but `true` in a coordinate array is certainly a mistake.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _MalformedCoordinatesError(f"坐标必须是数字，实际为 {type(value).__name__}")
    if not math.isfinite(value):
        raise _MalformedCoordinatesError("坐标包含非有限数值（NaN 或无穷大）")


def validate_geojson_geometry(geom: dict[str, Any]) -> tuple[BaseGeometry | None, str | None]:
    """Parse a GeoJSON geometry and say, in Chinese, what is wrong with it if anything.

    Returns ``(geometry, None)`` when the input is a valid, non-empty Polygon or
    MultiPolygon. Otherwise returns ``(geometry_or_None, reason)``: the parsed geometry is
    still returned when parsing succeeded (so callers can e.g. show the bad outline on a
    map or try ``make_valid``), and ``None`` when the input could not be parsed at all.

    We return a reason instead of raising because callers (API schemas, import commands)
    want to collect messages per feature and report them together. The function never
    raises on bad input.

    Checks, in order: JSON shape, geometry type, parseability, emptiness, WGS84 range,
    OGC validity (self-intersections, ring problems, ...).
    """
    if not isinstance(geom, dict):
        return None, f"几何数据无法解析：应为 JSON 对象，实际为 {type(geom).__name__}"
    geom_type = geom.get("type")
    if not isinstance(geom_type, str) or not geom_type:
        return None, "几何数据无法解析：缺少 type 字段"
    if geom_type not in SUPPORTED_GEOMETRY_TYPES:
        return None, f"不支持的几何类型：{geom_type}"
    if "coordinates" not in geom:
        return None, "几何数据无法解析：缺少 coordinates 字段"

    try:
        _check_coordinate_numbers(geom["coordinates"])
        parsed = shape(geom)
    except _MalformedCoordinatesError as exc:
        return None, f"几何数据无法解析：{exc}"
    except Exception as exc:
        # shapely/GEOS raise a zoo of types (ValueError, TypeError, IndexError,
        # GEOSException, ...) for malformed input; all of them mean the same to the user.
        return None, f"几何数据无法解析：{exc}"

    if parsed.is_empty:
        return parsed, "多边形为空"
    min_x, min_y, max_x, max_y = parsed.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        # Usually a projected (metre-based) file or swapped lat/lng: Chinese longitudes
        # (73–135°E) are out of range as latitudes.
        return parsed, "坐标超出经纬度范围（经度 -180～180，纬度 -90～90），请使用 WGS84 经纬度坐标"
    if not parsed.is_valid:
        return parsed, f"多边形无效：{explain_validity(parsed)}"
    return parsed, None


def centroid_of(geom: BaseGeometry) -> tuple[float, float]:
    """Return ``(lng, lat)`` of a point guaranteed to lie inside ``geom``.

    Used for map labels and "locate this grid" markers: the true centroid of a crescent-
    or L-shaped grid (or of a MultiPolygon) can fall outside it, which would put the label
    on a neighbour. In that case we fall back to ``representative_point``, which GEOS
    guarantees to be inside; otherwise the centroid is preferred because it looks centred.
    """
    if geom.is_empty:
        raise ValueError("cannot compute a label point of an empty geometry")
    centroid = geom.centroid
    point = centroid if geom.contains(centroid) else geom.representative_point()
    return float(point.x), float(point.y)


def _round_coordinates(value: Any, ndigits: int) -> Any:
    """Recursively round numbers and turn tuples into lists (JSON has no tuples)."""
    if isinstance(value, list | tuple):
        return [_round_coordinates(item, ndigits) for item in value]
    if isinstance(value, float):
        rounded = round(value, ndigits)
        return 0.0 if rounded == 0 else rounded  # no "-0.0" in the output
    return value


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """Serialise a geometry to a GeoJSON dict with coordinates rounded to 6 decimals.

    Full float precision roughly triples payload size for no visible benefit (6 decimals
    is ~0.1 m). Note that rounding can, in rare cases, make a tiny sliver polygon invalid;
    outlines at grid scale are unaffected. Tuples become lists so that the result compares
    equal to what ``json.loads`` would give back.
    """
    result: dict[str, Any] = {}
    for key, value in mapping(geom).items():
        if key == "coordinates" or key == "bbox":
            result[key] = _round_coordinates(value, GEOJSON_DECIMALS)
        elif key == "geometries":
            result[key] = [to_geojson(part) for part in getattr(geom, "geoms", ())]
        else:
            result[key] = value
    return result


# ------------------------------------------------------------------------ synthetic data


def _new_rng(seed: int) -> random.Random:
    """Seeded PRNG for reproducible demo data; not used for anything security-related."""
    return random.Random(seed)  # noqa: S311 - deterministic fixtures, not cryptography


def _largest_polygon(geom: BaseGeometry) -> Polygon | None:
    """Return the largest valid polygonal part of ``geom`` (or ``None`` if it has none).

    Clipping can yield MultiPolygons or GeometryCollections with stray lines/points along
    shared edges; callers want exactly one simple area per item.
    """
    if geom.is_empty:
        return None
    if not geom.is_valid:
        geom = make_valid(geom)
    candidates: list[Polygon] = []
    if isinstance(geom, Polygon):
        candidates.append(geom)
    else:
        for part in getattr(geom, "geoms", ()):
            found = _largest_polygon(part)
            if found is not None:
                candidates.append(found)
    candidates = [p for p in candidates if not p.is_empty and p.area > 0]
    if not candidates:
        return None
    largest = max(candidates, key=lambda p: p.area)
    if not largest.is_valid:  # make_valid of a part could in theory split it again
        return _largest_polygon(make_valid(largest))
    return largest


def _ccw(polygon: Polygon) -> Polygon:
    """Orient exterior rings counter-clockwise, as RFC 7946 recommends for GeoJSON."""
    oriented = shapely.orient_polygons(polygon, exterior_cw=False)
    return oriented if isinstance(oriented, Polygon) else polygon


def _blob_unit_points(rng: random.Random, vertices: int) -> list[tuple[float, float]]:
    """Points of a smooth irregular closed curve around the origin, radius ~1.

    The radius is ``1 + sum(a_k * sin(k*theta + phi_k))`` with a few random harmonics
    whose amplitudes sum to less than 0.45, so it stays strictly positive. A curve that is
    given in polar form with positive radius and strictly increasing angle is star-shaped
    around the origin and therefore never self-intersects: the polygon is valid by
    construction, for every seed.
    """
    harmonics: list[tuple[int, float, float]] = []
    for k in range(2, 7):
        amplitude = rng.uniform(0.02, 0.16) / (k - 1) ** 0.7
        phase = rng.uniform(0.0, 2.0 * math.pi)
        harmonics.append((k, amplitude, phase))
    total = sum(a for _, a, _ in harmonics)
    if total > 0.45:  # keep the radius comfortably positive
        harmonics = [(k, a * 0.45 / total, p) for k, a, p in harmonics]
    points: list[tuple[float, float]] = []
    for i in range(vertices):
        theta = 2.0 * math.pi * i / vertices
        radius = 1.0 + sum(a * math.sin(k * theta + p) for k, a, p in harmonics)
        points.append((radius * math.cos(theta), radius * math.sin(theta)))
    return points


def _require_positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")


def synthetic_outline(
    center_lng: float, center_lat: float, width_deg: float, height_deg: float, seed: int
) -> Polygon:
    """Generate a plausible irregular, always-valid outline (e.g. a county) for demo data.

    The shape is a 48-vertex polar "blob" (see ``_blob_unit_points``), then scaled so that
    its bounding box is exactly ``width_deg`` × ``height_deg`` and centred on
    ``(center_lng, center_lat)``. Axis-aligned scaling is affine, so the star-shaped
    validity guarantee survives it. The same seed always gives the same polygon.
    """
    _require_positive("width_deg", width_deg)
    _require_positive("height_deg", height_deg)
    rng = _new_rng(seed)
    unit = _blob_unit_points(rng, _OUTLINE_VERTICES)
    xs = [x for x, _ in unit]
    ys = [y for _, y in unit]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    mid_x, mid_y = (min_x + max_x) / 2.0, (min_y + max_y) / 2.0
    scale_x, scale_y = width_deg / (max_x - min_x), height_deg / (max_y - min_y)
    coords = [
        (center_lng + (x - mid_x) * scale_x, center_lat + (y - mid_y) * scale_y) for x, y in unit
    ]
    polygon = Polygon(coords)
    if not polygon.is_valid:  # impossible by construction; fail loudly rather than persist junk
        raise RuntimeError(f"synthetic outline is invalid: {explain_validity(polygon)}")
    return _ccw(polygon)


def _sample_spread_points(
    outline: Polygon, n: int, rng: random.Random, max_attempts: int = 200_000
) -> list[Point]:
    """Rejection-sample ``n`` points inside ``outline`` that keep a minimum spacing.

    Plain uniform sampling clusters points and yields sliver cells; a Poisson-disk-like
    minimum distance gives cells of comparable size. The spacing starts at 0.6·√(area/n)
    (well below the ~1.07·√(area/n) of a perfect hexagonal packing, so it is usually
    achievable) and is relaxed by 20 % whenever progress stalls, so sampling always
    terminates for any polygon with positive area.
    """
    prepared = prep(outline)
    min_x, min_y, max_x, max_y = outline.bounds
    min_dist = 0.6 * math.sqrt(outline.area / n)
    stall_limit = 500
    accepted: list[tuple[float, float]] = []
    stalled = 0
    for _ in range(max_attempts):
        if len(accepted) == n:
            break
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if not prepared.contains(Point(x, y)):
            continue
        min_sq = min_dist * min_dist
        if all((x - ax) ** 2 + (y - ay) ** 2 >= min_sq for ax, ay in accepted):
            accepted.append((x, y))
            stalled = 0
        else:
            stalled += 1
            if stalled >= stall_limit:
                min_dist *= 0.8
                stalled = 0
    if len(accepted) < n:
        raise ValueError(f"could not place {n} points inside the outline")
    return [Point(x, y) for x, y in accepted]


def synthetic_partition(outline: Polygon, n: int, seed: int) -> list[Polygon]:
    """Split ``outline`` into ``n`` non-overlapping polygons, e.g. townships or grids.

    Method: ``n`` well-spread seed points are sampled inside the outline, their Voronoi
    diagram is computed over an extent larger than the outline (so no cell is cut short by
    the diagram's own envelope), and each cell is clipped to the outline. Cells are
    returned in the order their seed points were generated, and each one is valid,
    non-empty and counter-clockwise.

    Voronoi cells are convex and never overlap, so neither do the clipped cells. Their
    union equals the outline *except* when a cell is cut by a concavity of the outline into
    several pieces: we keep only the largest piece (a grid must be one contiguous area), so
    the small remainder is left uncovered. For blob-like outlines the loss is typically far
    below 1 % of the area; callers that need exact coverage must not rely on this function.

    ``n == 0`` gives ``[]`` and ``n == 1`` gives ``[outline]``. Deterministic for a seed.
    """
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    if n == 0:
        return []
    if outline.is_empty or not outline.is_valid or outline.area <= 0:
        raise ValueError("outline must be a valid, non-empty polygon")
    if n == 1:
        return [outline]

    rng = _new_rng(seed)
    points = _sample_spread_points(outline, n, rng)
    min_x, min_y, max_x, max_y = outline.bounds
    margin = max(max_x - min_x, max_y - min_y)
    extent = box(min_x - margin, min_y - margin, max_x + margin, max_y + margin)
    cells = list(shapely.voronoi_polygons(MultiPoint(points), extend_to=extent, ordered=True).geoms)

    result: list[Polygon] = []
    for index, point in enumerate(points):
        cell = cells[index] if index < len(cells) else None
        if cell is None or not cell.contains(point):
            # `ordered=True` should make this unreachable; stay correct if GEOS disagrees.
            cell = next(c for c in cells if c.contains(point))
        clipped = _largest_polygon(cell.intersection(outline))
        if clipped is None:  # cannot happen: the seed point is interior to cell and outline
            raise RuntimeError(f"partition cell {index} vanished after clipping")
        result.append(_ccw(clipped))
    return result


def synthetic_small_area(inside: Polygon, size_deg: float, seed: int) -> Polygon:
    """Generate a small irregular polygon (e.g. an industrial park) lying within ``inside``.

    A centre is sampled at random among points at least ``size_deg / 2`` away from the
    boundary of ``inside`` (falling back to ``representative_point`` for polygons too thin
    for that), a blob of roughly ``size_deg`` across is drawn around it, and the result is
    intersected with ``inside`` so that containment holds even when the blob pokes out.
    Deterministic for a seed.
    """
    _require_positive("size_deg", size_deg)
    if inside.is_empty or not inside.is_valid or inside.area <= 0:
        raise ValueError("inside must be a valid, non-empty polygon")
    rng = _new_rng(seed)

    centre: Point | None = None
    core = inside.buffer(-size_deg / 2.0)  # points this far from the boundary fit a blob
    if not core.is_empty:
        prepared = prep(core)
        min_x, min_y, max_x, max_y = core.bounds
        for _ in range(1_000):
            point = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
            if prepared.contains(point):
                centre = point
                break
    if centre is None:
        centre = inside.representative_point()

    aspect = rng.uniform(0.6, 1.4)
    blob = synthetic_outline(
        centre.x, centre.y, size_deg * aspect, size_deg / aspect, rng.randrange(2**32)
    )
    clipped = _largest_polygon(blob.intersection(inside))
    if clipped is None:  # the centre is interior to both, so the overlap has positive area
        raise RuntimeError("synthetic small area vanished after clipping")
    return _ccw(clipped)
