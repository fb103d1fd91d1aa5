"""Route a record (an employer, later a complaint) to the grid it belongs to.

The rule (issue: "assignment to a grid"), applied within the subtree of a given ``root`` grid
(usually the county), among active grids only:

1. **By location.** If the record has valid WGS84 coordinates, the deepest grid whose boundary
   covers the point wins (a point on an edge counts as inside; at the same depth an industrial
   park wins over the village it is drawn over, then the smaller outline). The root itself is not a
   candidate: "somewhere in the county" assigns nothing, so such a point falls through. Invalid
   coordinates (out of range, NaN, not numbers) are ignored, never an error.
2. **By address.** Otherwise the address text is searched for the names of township-level grids
   (乡/镇/街道) and village-level grids (村/社区, and industrial parks), in these forms:

   * the full name: ``竹园彝族苗族乡``, ``猫场村村民委员会``;
   * a township name without its ethnic-group words: ``竹园乡`` (``百纳彝族乡`` → ``百纳乡``);
   * the short form of a village committee: ``猫场村``; ``城中社区居民委员会`` → ``城中社区``;
     a park ``……产业园区`` also as ``……产业园``.

   A bare stem without its suffix (``百纳``) is never matched, nor is a short form whose stem is a
   single character (``新村``: only its full name ``新村村民委员会`` counts), because such short
   strings occur inside unrelated words. Text is NFKC-normalised and whitespace removed first, and
   a match lying inside a longer match is dropped (the longest reading wins). Village names repeat
   across townships, so a township named in the same address decides between them; a village
   that is not under the named township is overruled by the township. A village name that stays
   ambiguous gives the township if one was named, otherwise nothing.
3. **Otherwise** the record is left at the root, marked ``unassigned``, for a person to assign.

The STRtree and the name index are built once per process and root, and reused while the key
``(root.path, number of active grids, latest updated_at)`` — one aggregate query per call — is
unchanged: an edited, added or deactivated grid rebuilds them on the next call. Changes that touch
neither the count nor ``updated_at`` (a bare ``QuerySet.update``) are not seen until another change
does. Today that includes ``grids.services._repath`` (used by ``move_grid`` and by the division
import), which rewrites paths without bumping ``updated_at``: until it does, a moved grid would be
returned with its old ``path``. ``invalidate_cache()`` drops everything.
"""

from __future__ import annotations

import copy
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, cast

from django.db.models import Count, Max
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.validation import make_valid

from laborgrid.grids.choices import GridLevel, LocateMethod
from laborgrid.grids.models import Grid

__all__ = [
    "ETHNIC_GROUPS",
    "LocateMethod",
    "Located",
    "Method",
    "invalidate_cache",
    "locate",
    "name_variants",
    "normalise",
]

#: Alias: the choices are defined in ``grids.choices`` (model fields use them too).
Method = LocateMethod

#: The 56 nationalities as they appear in the names of ethnic townships (民族乡).
ETHNIC_GROUPS: tuple[str, ...] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip

_ETHNIC = "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True))
# 竹园彝族苗族乡 → stem 竹园, suffix 乡. The stem is at least two characters; "民族乡" is the generic form.
_ETHNIC_TOWNSHIP = re.compile(rf"^(?P<stem>.{{2,}}?)(?:(?:{_ETHNIC})+|民族)(?P<suffix>[乡镇])$")
_WHITESPACE = re.compile(r"\s+")

TOWNSHIP_LEVELS = frozenset({GridLevel.TOWNSHIP})
VILLAGE_LEVELS = frozenset({GridLevel.VILLAGE, GridLevel.PARK})

#: ``Employer.grid_note`` holds 200 characters; details are kept within that.
DETAIL_MAX = 200
#: At most this many places are listed in an "ambiguous" detail.
_LIST_MAX = 5


@dataclass(frozen=True)
class Located:
    """Where ``locate`` put a record: never without a grid (the root when unassigned)."""

    grid: Grid
    method: str  # a LocateMethod value
    detail: str  # why, in words for the user (Chinese source string, translated)


# --------------------------------------------------------------------------- names


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits folded) with all whitespace removed."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def _stem_ok(stem: str) -> bool:
    return len(stem) >= 2


def name_variants(name: str, level: str) -> set[str]:
    """The forms of a grid's name that an address may use (see the module docstring).

    >>> sorted(name_variants("竹园彝族苗族乡", "township"))
    ['竹园乡', '竹园彝族苗族乡']
    >>> sorted(name_variants("猫场村村民委员会", "village"))
    ['猫场村', '猫场村村民委员会']
    """
    full = normalise(name)
    if len(full) < 2:
        return set()
    variants = {full}
    if level in TOWNSHIP_LEVELS:
        if m := _ETHNIC_TOWNSHIP.match(full):
            variants.add(m["stem"] + m["suffix"])
    elif level in VILLAGE_LEVELS:
        for suffix, kind in (
            ("村民委员会", "村"),
            ("村委会", "村"),
            ("社区居民委员会", "社区"),
            ("社区居委会", "社区"),
            ("居民委员会", "社区"),
            ("居委会", "社区"),
        ):
            if full.endswith(suffix) and len(full) > len(suffix):
                stem = full[: -len(suffix)]
                if stem.endswith(kind):  # 猫场村村民委员会: the stem already says 村
                    stem = stem[: -len(kind)]
                if _stem_ok(stem):
                    variants.add(stem + kind)
                break
        if level == GridLevel.PARK and full.endswith("园区") and _stem_ok(full[:-2]):
            variants.add(full[:-1])  # 药品食品产业园区 → 药品食品产业园
    return variants


# --------------------------------------------------------------------------- the index


@dataclass
class _Index:
    key: tuple[Any, ...]
    by_code: dict[str, Grid]
    tree: Any  # shapely.STRtree | None
    tree_grids: list[Grid]
    tree_areas: list[float]
    names: dict[str, tuple[Grid, ...]]  # normalised name form → grids bearing it
    lengths: tuple[int, ...] = field(default=())  # distinct lengths of ``names``, longest first
    #: Each name's first ``lengths[-1]`` characters: where no name starts, no slice is looked up
    #: (an address is read at every position; most positions start no name).
    heads: frozenset[str] = field(default=frozenset())
    #: ``_by_address``'s decisions by the names an address contains.
    decided: dict[tuple[Any, ...], object] = field(default_factory=dict)


_cache: dict[str, _Index] = {}
_lock = threading.Lock()
_MAX_ROOTS = 16


def invalidate_cache() -> None:
    """Forget every index (tests; or after a bulk change that bypasses ``updated_at``)."""
    with _lock:
        _cache.clear()


def _candidates(root: Grid) -> Any:
    return Grid.objects.filter(path__under=root.path, is_active=True)


def _geometry(boundary: Any) -> Any:
    """The shapely geometry of a stored boundary, or None if it is missing or unreadable."""
    if not isinstance(boundary, dict) or boundary.get("type") not in {"Polygon", "MultiPolygon"}:
        return None
    try:
        geom = shape(boundary)
        if geom.is_empty:
            return None
        return geom if geom.is_valid else make_valid(geom)
    except Exception:  # malformed JSON coordinates: treat as no boundary
        return None


def _build(root: Grid, key: tuple[Any, ...]) -> _Index:
    by_code: dict[str, Grid] = {}
    geoms: list[Any] = []
    tree_grids: list[Grid] = []
    names: dict[str, list[Grid]] = {}
    for grid in _candidates(root).order_by("path"):
        by_code[grid.code] = grid
        if grid.pk == root.pk:
            continue
        geom = _geometry(grid.boundary)
        if geom is not None:
            geoms.append(geom)
            tree_grids.append(grid)
        for variant in name_variants(grid.name, grid.level):
            names.setdefault(variant, []).append(grid)
    shortest = min((len(k) for k in names), default=0)
    return _Index(
        key=key,
        by_code=by_code,
        tree=STRtree(geoms) if geoms else None,
        tree_grids=tree_grids,
        tree_areas=[float(g.area) for g in geoms],
        names={k: tuple(v) for k, v in names.items()},
        lengths=tuple(sorted({len(k) for k in names}, reverse=True)),
        heads=frozenset(k[:shortest] for k in names),
    )


def _index(root: Grid) -> _Index:
    """The cached index for ``root``, rebuilt when the key query says the subtree changed."""
    stats = _candidates(root).aggregate(n=Count("pk"), latest=Max("updated_at"))
    latest: datetime | None = stats["latest"]
    key = (root.path, stats["n"], latest)
    cached = _cache.get(root.path)
    if cached is not None and cached.key == key:
        return cached
    # Built from data at least as new as ``key``: a change in between only causes another rebuild.
    index = _build(root, key)
    with _lock:
        if len(_cache) >= _MAX_ROOTS and root.path not in _cache:
            _cache.pop(next(iter(_cache)))
        _cache[root.path] = index
    return index


# --------------------------------------------------------------------------- location


def _valid_point(lat: Any, lng: Any) -> Point | None:
    if lat is None or lng is None or isinstance(lat, bool) or isinstance(lng, bool):
        return None
    try:
        y, x = float(lat), float(lng)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    if not (-90.0 <= y <= 90.0 and -180.0 <= x <= 180.0):
        return None
    return Point(x, y)


def _by_location(index: _Index, point: Point) -> Grid | None:
    if index.tree is None:
        return None
    hits = [int(i) for i in index.tree.query(point, predicate="covered_by")]
    if not hits:
        return None
    # Deepest first; at equal depth a park (an overlay on villages, with its own workroom) before
    # a village, then the smaller outline.
    best = max(
        hits,
        key=lambda i: (
            index.tree_grids[i].depth,
            index.tree_grids[i].level == GridLevel.PARK,
            -index.tree_areas[i],
        ),
    )
    return index.tree_grids[best]


# --------------------------------------------------------------------------- address


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    text: str
    grids: tuple[Grid, ...]


def _find_names(index: _Index, text: str) -> list[_Hit]:
    """Every occurrence of a name form in ``text``, minus those inside a longer occurrence."""
    hits: list[_Hit] = []
    shortest = index.lengths[-1] if index.lengths else 0
    for start in range(len(text)):
        if text[start : start + shortest] not in index.heads:
            continue
        for length in index.lengths:
            end = start + length
            if end > len(text):
                continue
            grids = index.names.get(text[start:end])
            if grids:
                hits.append(_Hit(start, end, text[start:end], grids))
    return [
        h
        for h in hits
        if not any(
            o.start <= h.start and h.end <= o.end and (o.end - o.start) > (h.end - h.start)
            for o in hits
        )
    ]


def _township_of(index: _Index, grid: Grid) -> Grid | None:
    """The nearest township-level grid at or above ``grid`` within the candidates."""
    for code in reversed(grid.path.rstrip("/").split("/")):
        ancestor = index.by_code.get(code)
        if ancestor is not None and ancestor.level in TOWNSHIP_LEVELS:
            return ancestor
    return None


def _quoted(names: Iterable[str]) -> str:
    return "、".join(f"“{n}”" for n in dict.fromkeys(names))


def _places(index: _Index, grids: Iterable[Grid]) -> str:
    """Where same-named grids are, for an "ambiguous" detail: 六龙镇、绿塘乡…"""
    places: list[str] = []
    for grid in grids:
        township = _township_of(index, grid)
        places.append(township.name if township is not None and township != grid else grid.name)
    unique = list(dict.fromkeys(places))
    shown = "、".join(unique[:_LIST_MAX])
    return shown + ("……" if len(unique) > _LIST_MAX else "")


def _by_address(index: _Index, root: Grid, address: str, language: str | None) -> Located | None:
    hits = _find_names(index, normalise(address))
    if not hits:
        return None
    # The decision depends only on the names found (in order), the root and the language: an
    # import places a million addresses with a few thousand different sets of names.
    key = (root.pk, language, tuple(h.text for h in hits))
    found = index.decided.get(key, _UNDECIDED)
    if found is _UNDECIDED:
        if len(index.decided) >= _DECIDED_MAX:
            index.decided.clear()
        found = index.decided[key] = _decide(index, root, hits)
    return cast("Located | None", found)


_UNDECIDED = object()
_DECIDED_MAX = 100_000


def _decide(index: _Index, root: Grid, hits: list[_Hit]) -> Located | None:
    # grid → the text it was found by (the longest, if found more than once)
    townships: dict[str, tuple[Grid, str]] = {}
    villages: dict[str, tuple[Grid, str]] = {}
    village_hits: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: h.start - h.end):
        found_village = False
        for grid in hit.grids:
            if grid.level in TOWNSHIP_LEVELS:
                townships.setdefault(grid.code, (grid, hit.text))
            elif grid.level in VILLAGE_LEVELS:
                villages.setdefault(grid.code, (grid, hit.text))
                found_village = True
        if found_village:
            village_hits.append(hit)

    if villages and townships:
        inside = [
            (v, vt)
            for v, vt in villages.values()
            if any(v.is_under(t) for t, _tt in townships.values())
        ]
        if len(inside) == 1:
            village, village_text = inside[0]
            township_text = next(tt for t, tt in townships.values() if village.is_under(t))
            return Located(
                village,
                LocateMethod.ADDRESS,
                _("地址含“%(township)s”和“%(village)s”")
                % {"township": township_text, "village": village_text},
            )
        if len(townships) == 1:
            township, township_text = next(iter(townships.values()))
            if inside:
                detail = _("地址含“%(township)s”及其下多个村（社区）%(villages)s，按乡镇确定") % {
                    "township": township_text,
                    "villages": _quoted(vt for _v, vt in inside),
                }
            else:
                detail = _("地址含“%(township)s”；%(villages)s不属于该乡镇，按乡镇确定") % {
                    "township": township_text,
                    "villages": _quoted(vt for _v, vt in villages.values()),
                }
            return Located(township, LocateMethod.ADDRESS, detail)
    elif villages:
        if len(villages) == 1:
            village, village_text = next(iter(villages.values()))
            return Located(
                village, LocateMethod.ADDRESS, _("地址含“%(name)s”") % {"name": village_text}
            )
        parents = {_township_of(index, v) for v, _vt in villages.values()}
        common = parents.pop() if len(parents) == 1 else None
        ambiguous = [h for h in village_hits if sum(g.level in VILLAGE_LEVELS for g in h.grids) > 1]
        if common is not None and common.pk != root.pk and not ambiguous:
            return Located(
                common,
                LocateMethod.ADDRESS,
                _("地址含%(villages)s，均属于%(township)s")
                % {
                    "villages": _quoted(vt for _v, vt in villages.values()),
                    "township": common.name,
                },
            )
        if ambiguous:
            hit = ambiguous[0]
            detail = _("地址中的“%(name)s”有重名（%(places)s），未写明乡镇，请人工指定") % {
                "name": hit.text,
                "places": _places(index, (g for g in hit.grids if g.level in VILLAGE_LEVELS)),
            }
        else:
            detail = _("地址含多个村（社区）%(villages)s，无法确定，请人工指定") % {
                "villages": _quoted(vt for _v, vt in villages.values())
            }
        return Located(root, LocateMethod.UNASSIGNED, detail[:DETAIL_MAX])
    if len(townships) == 1:
        township, township_text = next(iter(townships.values()))
        return Located(
            township, LocateMethod.ADDRESS, _("地址含“%(name)s”") % {"name": township_text}
        )
    if townships:
        detail = _("地址含多个乡镇%(townships)s，无法确定，请人工指定") % {
            "townships": _quoted(tt for _t, tt in townships.values())
        }
        return Located(root, LocateMethod.UNASSIGNED, detail[:DETAIL_MAX])
    return None


# --------------------------------------------------------------------------- entry point


def locate(*, root: Grid, lat: float | None, lng: float | None, address: str | None) -> Located:
    """Find the grid for a record at ``(lat, lng)`` with ``address``, within ``root``'s subtree.

    Never raises on bad input and never returns without a grid: when neither the coordinates nor
    the address decide, the result is ``root`` with method ``unassigned``. The grid returned is a
    copy of the cached instance, so callers may change it freely. One query when the index is
    cached (the key check), one more when it is rebuilt.
    """
    return _locate_in(_index(root), root, lat=lat, lng=lng, address=address)


def _same(grid: Grid) -> Grid:
    return grid


def locator(root: Grid, *, copy_grid: bool = True) -> Callable[..., Located]:
    """:func:`locate` for many records in a row (an import): the index is checked once, here.
    ``copy_grid=False`` answers the cached grid itself, for a caller that only reads it."""
    return partial(_locate_in, _index(root), root, copy_grid=copy_grid, language=get_language())


def _locate_in(
    index: _Index,
    root: Grid,
    *,
    lat: float | None,
    lng: float | None,
    address: str | None,
    copy_grid: bool = True,
    language: str | None = None,
) -> Located:
    """``language``: the one the details are written in (default: the active one)."""
    own = copy.copy if copy_grid else _same
    point = _valid_point(lat, lng)
    if point is not None:
        grid = _by_location(index, point)
        if grid is not None:
            return Located(
                own(grid),
                LocateMethod.LOCATION,
                _("坐标位于 %(name)s 边界内") % {"name": grid.short_name},
            )
    if address:
        found = _by_address(index, root, address, language or get_language())
        if found is not None:
            grid = found.grid if found.grid.pk == root.pk else own(found.grid)
            return Located(grid, found.method, found.detail[:DETAIL_MAX])
    return Located(root, LocateMethod.UNASSIGNED, _("未能从坐标或地址确定网格"))
