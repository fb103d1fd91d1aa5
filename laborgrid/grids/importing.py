"""Importing administrative divisions and grid boundaries.

Divisions (``code,name,level,parent_code``, the format of ``shared/data/divisions``) are validated
as a whole before anything is written: a bad file is refused with every row number and reason and
the database is left untouched. Importing the same file twice changes nothing. New rows are written
set-based (SQLite ``executemany``, PostgreSQL ``COPY``) so the whole of China (665k rows) imports in
seconds, not minutes.

A row whose parent is neither in the file nor in the database may only be at the file's top rank: it
becomes a root (a county file names its city, which a county deployment does not have). If the city
is imported later, the county is attached under it and its whole subtree re-homed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.audit.services import record
from laborgrid.core.paths import SEP, join_path
from laborgrid.core.search import bulk_insert, index_text
from laborgrid.grids.audit_actions import GridAction
from laborgrid.grids.choices import LEVEL_RANK, GridLevel, level_order_error
from laborgrid.grids.models import Grid
from laborgrid.grids.services import _repath, code_error
from laborgrid.lib.geometry import centroid_of, to_geojson, validate_geojson_geometry

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")
MAX_REPORTED_ERRORS = 200


@dataclass
class RowError:
    row: int
    reason: str

    def __str__(self) -> str:
        return _("第 %(row)d 行：%(reason)s") % {"row": self.row, "reason": self.reason}


class ImportRefused(Exception):
    """The file was refused whole; ``errors`` says where and why. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors[:MAX_REPORTED_ERRORS]))


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    sha256: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "moved": self.moved,
            "unchanged": self.unchanged,
            "sha256": self.sha256,
            **self.extra,
        }


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportRefused(
            [
                RowError(
                    line,
                    _("文件编码错误：不是 UTF-8 编码（字节位置 %(pos)d）") % {"pos": exc.start},
                )
            ]
        ) from exc


# A data row as parsed: (line, code, name, level, parent_code). Plain tuples rather than objects: a
# whole-country file makes 665k of them, and tuples holding only strings are cheap to build and are
# dropped from the cyclic garbage collector's watch, which otherwise re-scans every parsed row in
# each full collection while the file is read (most of a second for China).
_Row = tuple[int, str, str, str, str]
# A validated row, as it will be written: (code, name, level, parent_code or None, path, depth).
_Planned = tuple[str, str, str, str | None, str, int]
# A grid already in the database: (code, parent_code, level, name, path).
_Existing = tuple[str, str | None, str, str, str]


def _parse_divisions(text: str) -> list[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRefused([RowError(1, _("文件为空"))]) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportRefused(
            [
                RowError(
                    1,
                    _("缺少列：%(cols)s（需要 code,name,level,parent_code）")
                    % {"cols": ", ".join(missing)},
                )
            ]
        )
    i_code, i_name, i_level, i_parent = (header.index(c) for c in REQUIRED_COLUMNS)
    rows: list[_Row] = []
    errors: list[RowError] = []
    width = len(header)
    for values in reader:
        # Lines whose cells are all blank are skipped. A real row has a code, so the whole line is
        # only looked at when its code cell is empty (or its width is wrong).
        code = values[i_code].strip() if len(values) == width else ""
        if not code and not "".join(values).strip():
            continue
        if len(values) != width:
            errors.append(
                RowError(
                    reader.line_num,
                    _("列数为 %(n)d，应为 %(w)d") % {"n": len(values), "w": width},
                )
            )
            continue
        rows.append(
            (
                reader.line_num,
                code,
                values[i_name].strip(),
                values[i_level].strip().lower(),
                values[i_parent].strip(),
            )
        )
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused([RowError(1, _("文件没有数据行"))])
    return rows


def _validate(rows: list[_Row], existing: dict[str, _Existing]) -> list[_Planned]:
    """Check the whole file against itself and the database; return the rows as they will be written.

    The checks run in phases, each over the whole file, and a phase's errors are all reported
    together; a later phase relies on the earlier ones having passed. Messages are only formatted
    for rows in error, so that the loops stay cheap for the 665k good rows of a whole-country file.
    """
    errors: list[RowError] = []
    by_code: dict[str, _Row] = {}
    levels = set(GridLevel.values)
    for row in rows:
        line, code, name, level, parent = row
        if err := code_error(code):
            errors.append(
                RowError(line, _("编码“%(code)s”无效：%(err)s") % {"code": code, "err": err})
            )
            continue
        if code in by_code:
            errors.append(
                RowError(
                    line,
                    _("编码 %(code)s 重复（与第 %(other)d 行相同）")
                    % {"code": code, "other": by_code[code][0]},
                )
            )
            continue
        by_code[code] = row
        if not name:
            errors.append(RowError(line, _("名称为空")))
        elif len(name) > 100:
            errors.append(RowError(line, _("名称超过 100 个字符")))
        if level not in levels:
            errors.append(
                RowError(
                    line,
                    _("层级“%(level)s”无效（可用：%(ok)s）")
                    % {"level": level, "ok": ", ".join(GridLevel.values)},
                )
            )
        if parent == code:
            errors.append(RowError(line, _("上级编码与自身相同（循环）")))
    if errors:
        raise ImportRefused(errors)

    # The combined tree is the database overlaid with the file. A parent found in neither is allowed
    # only on the file's top rank, and the row becomes a root. Found with set operations, so that
    # the usual file, whose parents are all known, costs no pass over its rows.
    rooted: set[str] = set()  # rows whose parent is external: they become roots
    unknown = {row[4] for row in rows} - by_code.keys() - existing.keys() - {""}
    if unknown:
        file_levels = {row[3] for row in rows}
        top_rank = min((LEVEL_RANK[lv] for lv in file_levels if lv in LEVEL_RANK), default=0)
        for line, code, _name, level, parent in rows:
            if parent in unknown:
                if LEVEL_RANK.get(level, 99) == top_rank:
                    rooted.add(code)
                else:
                    errors.append(
                        RowError(
                            line,
                            _("上级编码 %(p)s 不存在（文件和数据库中都没有）") % {"p": parent},
                        )
                    )
        if errors:
            raise ImportRefused(errors)

    def combined_parent(code: str) -> str:
        if row := by_code.get(code):
            return "" if code in rooted else row[4]
        db = existing.get(code)
        return (db[1] or "") if db else ""

    def combined_level(code: str) -> str:
        row = by_code.get(code)
        return row[3] if row else existing[code][2]

    # code → (path, effective rank), for the file's rows and the database rows above them. One dict
    # rather than two: this is the hot loop of a whole-country import and its cost is mostly memory
    # lookups. A custom grid has no rank of its own and takes its nearest ranked ancestor's.
    resolved: dict[str, tuple[str, int]] = {}
    cycle_codes: set[str] = set()
    broken: set[str] = set()  # on a cycle or under one: no path

    def resolve(start: str) -> None:
        """Walk up from ``start`` to a resolved ancestor or a root, iteratively (the tree of China
        is shallow but wide), and resolve the whole chain, or find a cycle on the way."""
        chain: list[str] = []
        on_chain: dict[str, int] = {}
        code = start
        while code and code not in resolved:
            if code in broken or code in on_chain:
                if code in on_chain:
                    cycle_codes.update(chain[on_chain[code] :])
                broken.update(chain)
                return
            on_chain[code] = len(chain)
            chain.append(code)
            code = combined_parent(code)
        path, rank = resolved[code] if code else ("", 0)
        for c in reversed(chain):
            path = join_path(path, c)
            rank = LEVEL_RANK.get(combined_level(c), rank)
            resolved[c] = (path, rank)

    # One pass in file order resolves each row and checks it against its parent. A division file
    # lists parents before children, so a row's parent is nearly always resolved already and its
    # path is one concatenation; anything else (children first, parents only in the database,
    # cycles) takes the walk. The rank and depth checks are only reported if there is no cycle.
    planned: list[_Planned] = []
    for line, code, name, level, parent in rows:
        if not parent or code in rooted:
            path = join_path("", code)
            resolved[code] = (path, LEVEL_RANK.get(level, 0))
            planned.append((code, name, level, None, path, 0))
            continue
        if parent not in resolved:
            resolve(code)
            if code in broken:
                continue
        parent_path, parent_rank = resolved[parent]
        path = join_path(parent_path, code)
        rank = LEVEL_RANK.get(level, parent_rank)
        resolved[code] = (path, rank)
        # A child must outrank its parent; level_order_error is the rule and says why. Only asked
        # when the rank did not go up, which no good row does.
        if rank <= parent_rank and (err := level_order_error(parent_rank, level)):
            errors.append(
                RowError(line, f"{err}（{level} 位于 {combined_level(parent)} {parent} 之下）")
            )
        if len(path) > 255:
            errors.append(RowError(line, _("层级过深：路径超过 255 个字符")))
        planned.append((code, name, level, parent, path, path.count(SEP) - 1))
    if cycle_codes:
        raise ImportRefused(
            sorted(
                (
                    RowError(by_code[c][0], _("上下级关系形成循环：%(c)s") % {"c": c})
                    for c in cycle_codes
                    if c in by_code
                ),
                key=lambda e: e.row,
            )
        )
    if errors:
        raise ImportRefused(errors)
    return planned


def _existing_grids() -> dict[str, _Existing]:
    # ``order_by()``: the model's default ordering (by path) would sort the whole table for nothing.
    return {
        row[0]: row
        for row in Grid.objects.values_list("code", "parent_id", "level", "name", "path").order_by()
    }


_INSERT_COLUMNS = (
    "code",
    "name",
    "level",
    "parent_code",
    "path",
    "depth",
    "search_text",
    "boundary_synthetic",
    "placement_assumed",
    "note",
    "is_active",
    "created_at",
    "updated_at",
)


def _insert_new(new_rows: list[_Planned], now: datetime) -> None:
    """Write new grids set-based: ``COPY`` on PostgreSQL, one ``executemany`` elsewhere.

    The search column (``laborgrid.core.search``) is computed here, as ``Grid.save`` would; the
    database indexes it (on SQLite in one statement after the insert, see ``bulk_insert``; the GIN
    index on PostgreSQL).
    """
    table = Grid._meta.db_table
    columns = ", ".join(_INSERT_COLUMNS)
    with bulk_insert(Grid), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor: COPY is ~10x executemany
            with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in new_rows:
                    copy.write_row((*row, index_text(row[1]), False, False, "", True, now, now))
        else:
            # The columns that are the same on every new grid are literals in the statement
            # (boundary_synthetic, placement_assumed, note, is_active): binding them on every row
            # costs SQLite about a sixth of the insert.
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                f'INSERT INTO "{table}" ({columns}) '  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s, %s, 0, 0, '', 1, %s, %s)",
                [(*row, index_text(row[1]), stamp, stamp) for row in new_rows],
            )


def _update_names(updates: list[tuple[str, str, str]], now: datetime) -> None:
    """Rename / re-level existing grids (and re-index their names): ``updates`` is (code, name, level)."""
    table = Grid._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            f'UPDATE "{table}" SET name = %s, level = %s, search_text = %s, updated_at = %s '  # noqa: S608
            "WHERE code = %s",
            [(name, level, index_text(name), stamp, code) for code, name, level in updates],
        )


def import_divisions(
    data: bytes, *, actor: User | None = None, filename: str = "", request: Any = None
) -> ImportSummary:
    """Validate the whole file, then create/update/move grids in one transaction."""
    summary = ImportSummary(sha256=hashlib.sha256(data).hexdigest())
    rows = _parse_divisions(_decode(data))
    summary.rows = len(rows)
    with transaction.atomic():
        existing = _existing_grids()
        planned = _validate(rows, existing)
        now = timezone.now()
        new_rows: list[_Planned] = []
        updates: list[tuple[str, str, str]] = []  # code, name, level
        moves: list[tuple[str, str, str]] = []  # code, new parent, new path
        unchanged = 0
        for row in planned:
            code, name, level, parent, path, _depth = row
            old = existing.get(code)
            if old is None:
                new_rows.append(row)
                continue
            _code, _old_parent, old_level, old_name, old_path = old
            if old_path == path and old_name == name and old_level == level:
                unchanged += 1  # the common case on a re-import: nothing to write
                continue
            if old_path != path:
                moves.append((code, parent or "", path))
            if old_name != name or old_level != level:
                updates.append((code, name, level))
        summary.unchanged = unchanged
        if new_rows:
            # By path: parents come before their children, and the b-trees on path and code (codes
            # nest like paths) are filled in key order, which makes PostgreSQL's COPY of the whole
            # of China a third faster than writing it level by level.
            new_rows.sort(key=itemgetter(4))
            _insert_new(new_rows, now)
        summary.created = len(new_rows)
        if updates:
            _update_names(updates, now)
        summary.updated = len(updates)
        for code, parent, path in sorted(moves, key=lambda m: m[2].count("/")):
            current = Grid.objects.only("path", "depth").get(code=code)
            Grid.objects.filter(code=code).update(parent_id=parent or None)
            _repath(current.path, path, path.count("/") - 1 - current.depth)
        summary.moved = len(moves)
        record(
            GridAction.GRIDS_IMPORTED,
            actor=actor,
            request=request,
            object_type="file",
            object_id=filename[:100],
            detail=summary.as_dict(),
        )
    return summary


def import_divisions_file(path: str | Path, **kwargs: Any) -> ImportSummary:
    p = Path(path)
    data = p.read_bytes()
    if p.suffix == ".gz":
        import gzip

        data = gzip.decompress(data)
    return import_divisions(data, filename=p.name, **kwargs)


# --- Boundaries --------------------------------------------------------------------------------


def _feature_code(feature: dict[str, Any]) -> str:
    props = feature.get("properties") or {}
    for key in ("code", "adcode", "grid_code", "id"):
        if props.get(key) not in (None, ""):
            return str(props[key]).strip()
    return str(feature.get("id") or "").strip()


def import_boundaries(
    data: bytes,
    *,
    actor: User | None = None,
    synthetic: bool = False,
    filename: str = "",
    request: Any = None,
) -> ImportSummary:
    """Attach polygons to grids by code. Any invalid feature refuses the whole file."""
    try:
        doc = json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [RowError(exc.lineno, _("不是有效的 JSON：%(msg)s") % {"msg": exc.msg})]
        ) from exc
    features: Iterable[Any]
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features") or []
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    else:
        raise ImportRefused([RowError(1, _("需要 GeoJSON FeatureCollection"))])
    errors: list[RowError] = []
    parsed: dict[str, Any] = {}
    features = list(features)
    codes = {_feature_code(f) for f in features if isinstance(f, dict)}
    known = set(Grid.objects.filter(code__in=codes).values_list("code", flat=True))
    for i, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            errors.append(RowError(i, _("要素格式错误")))
            continue
        code = _feature_code(feature)
        if not code:
            errors.append(RowError(i, _("要素缺少 properties.code")))
            continue
        if code not in known:
            errors.append(RowError(i, _("网格编码 %(code)s 不存在") % {"code": code}))
            continue
        if code in parsed:
            errors.append(RowError(i, _("网格编码 %(code)s 重复") % {"code": code}))
            continue
        geom, reason = validate_geojson_geometry(feature.get("geometry") or {})
        if reason:
            errors.append(RowError(i, f"{code}：{reason}"))
            continue
        parsed[code] = geom
    if errors:
        raise ImportRefused(errors)
    summary = ImportSummary(rows=len(parsed), sha256=hashlib.sha256(data).hexdigest())
    with transaction.atomic():
        for code, geom in parsed.items():
            lng, lat = centroid_of(geom)
            n = Grid.objects.filter(code=code).update(
                boundary=to_geojson(geom),
                boundary_synthetic=synthetic,
                centroid_lng=round(lng, 6),
                centroid_lat=round(lat, 6),
                updated_at=timezone.now(),
            )
            summary.updated += n
        record(
            GridAction.BOUNDARIES_IMPORTED,
            actor=actor,
            request=request,
            object_type="file",
            object_id=filename[:100],
            detail={**summary.as_dict(), "synthetic": synthetic},
        )
    return summary
