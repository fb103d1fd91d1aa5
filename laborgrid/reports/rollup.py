"""Counting the figures for a subtree, rolling them up the grid tree, and the pre-aggregated table.

**Counting** (:func:`count`): each registered source runs its grouped queries over the subtree
(one or two per source, never one per grid) and answers the values attached directly to each grid
path; :func:`roll_up` adds every grid's values to all its ancestors in Python (the grids come in
one more query). A subtree of a county is counted this way for a return (exact, at the moment).

**The table** (``FigureValue``): the dashboard never counts. :func:`refresh` counts a whole tree
(the top grid and everything under it) for the current month — period figures for this and last
month, states for this month — and replaces the tree's rows in one transaction; a page reads the
grid's and its children's rows (one indexed query). The count runs in the background worker
(``tasks.refresh_figures``): a page that finds the count older than
``LABORGRID_REPORTS_REFRESH_SECONDS`` (or from an earlier day) shows it with its time and has
it counted again (at most one count per tree at a time: a lock in the shared cache); only the
very first visit of a tree waits. A committed register import asks for a recount as well.
States of a past month are what the last count of that month found: never recomputed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from laborgrid.grids.models import Grid
from laborgrid.lib import periods
from laborgrid.lib.periods import Period
from laborgrid.reports import figures as registry
from laborgrid.reports.models import FigureValue, RefreshState

ZERO = Decimal(0)


def refresh_seconds() -> int:
    return int(settings.LABORGRID_REPORTS_REFRESH_SECONDS)


# --- the tree ----------------------------------------------------------------------------------


@dataclass
class Node:
    grid: Grid
    own: dict[str, Decimal] = field(default_factory=dict)
    rolled: dict[str, Decimal] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None


def parent_path(path: str) -> str:
    return path[: path.rstrip("/").rfind("/") + 1]


def tree(root: Grid) -> dict[str, Node]:
    """The subtree's grids by path, in path order (every grid after its ancestors)."""
    grids = (
        Grid.objects.filter(path__under=root.path)
        .only("id", "code", "name", "level", "parent", "path", "depth", "is_active")
        .order_by("path")
    )
    nodes: dict[str, Node] = {}
    for g in grids:
        node = Node(grid=g)
        parent = nodes.get(parent_path(g.path))
        if parent is not None and g.path != root.path:
            node.parent = parent
            parent.children.append(node)
        nodes[g.path] = node
    if root.path not in nodes:
        nodes = {root.path: Node(grid=root), **nodes}
    return nodes


def _add(into: dict[str, Decimal], values: dict[str, Decimal]) -> None:
    for k, v in values.items():
        into[k] = into.get(k, ZERO) + v


def rolled(
    paths: Iterable[str], values: registry.Values, root_path: str
) -> tuple[dict[str, dict[str, Decimal]], dict[str, dict[str, Decimal]]]:
    """(own, rolled) values by grid path, for the subtree's grid ``paths`` (in path order): each
    path's values attached to its grid (else its nearest known ancestor: a count is never
    dropped), and every grid's added to all its ancestors'."""
    order = list(paths)
    known = set(order)
    own: dict[str, dict[str, Decimal]] = {p: {} for p in order}
    for path, vals in values.items():
        at = path
        while at not in known and len(at) > len(root_path):
            at = parent_path(at)
        _add(own[at if at in known else root_path], vals)
    up = {p: dict(v) for p, v in own.items()}
    # Reverse path order visits every grid before its ancestors (a path sorts after its prefix).
    for path in reversed(order):
        if path == root_path:
            continue
        parent = parent_path(path)
        while parent not in known and len(parent) > len(root_path):
            parent = parent_path(parent)
        _add(up[parent if parent in known else root_path], up[path])
    return own, up


def roll_up(nodes: dict[str, Node], values: registry.Values, root_path: str) -> None:
    own, up = rolled(nodes, values, root_path)  # a dict iterates over its keys, in path order
    for path, node in nodes.items():
        node.own, node.rolled = own[path], up[path]


def count_sources(
    root_path: str, period: Period, today: date, timing: str | None = None
) -> registry.Values:
    """Every source's values for the subtree (of one timing, or all), merged by grid path."""
    merged: registry.Values = {}
    for source in registry.sources(timing):
        for path, vals in source.compute(root_path, period, today).items():
            merged.setdefault(path, {}).update(vals)
    return merged


def count(root: Grid, period: Period, today: date) -> dict[str, Node]:
    """The figures of ``root``'s subtree for ``period`` (states as of ``today``), rolled up."""
    nodes = tree(root)
    roll_up(nodes, count_sources(root.path, period, today), root.path)
    return nodes


# --- the pre-aggregated table ------------------------------------------------------------------


def tree_root(grid: Grid) -> str:
    """The path of the top grid of ``grid``'s tree (the unit the table is counted in)."""
    return grid.path[: grid.path.find("/") + 1]


def _lock_key(root_path: str) -> str:
    return f"laborgrid:reports:refresh:{root_path}"


@transaction.atomic
def refresh(root_path: str, *, today: date | None = None) -> RefreshState:
    """Count the tree at ``root_path`` for this month and replace its rows of the table: period
    figures of this and last month, states of this month. Last month's states stay as its last
    count left them."""
    started = time.monotonic()
    today = today or timezone.localdate()
    this = periods.containing(today)
    last = this.previous()
    grid_ids = dict(
        Grid.objects.filter(path__under=root_path).order_by("path").values_list("path", "id")
    )
    by_month: dict[date, dict[str, dict[str, Decimal]]] = {}
    for month, timing in ((this, None), (last, registry.PERIOD)):
        by_month[month.start] = rolled(
            grid_ids, count_sources(root_path, month, today, timing), root_path
        )[1]
    period_keys = [k for s in registry.sources(registry.PERIOD) for k in s.figures]
    FigureValue.objects.filter(grid_path__under=root_path, month=this.start).delete()
    FigureValue.objects.filter(
        grid_path__under=root_path, month=last.start, key__in=period_keys
    ).delete()
    _write_rows(
        (grid_ids[p], p, month, k, v)
        for month, values in by_month.items()
        for p, vals in values.items()
        for k, v in vals.items()
        if v
    )
    now = timezone.now()
    seconds = time.monotonic() - started
    state, _created = RefreshState.objects.update_or_create(
        root_path=root_path,
        month=this.start,
        defaults={"computed_at": now, "counted_on": today, "has_current": True, "seconds": seconds},
    )
    previous, created = RefreshState.objects.get_or_create(
        root_path=root_path,
        month=last.start,
        defaults={"computed_at": now, "counted_on": today, "has_current": False},
    )
    if not created:
        RefreshState.objects.filter(pk=previous.pk).update(computed_at=now, counted_on=today)
    return state


def ancestors(path: str) -> list[str]:
    """The paths above ``path``, nearest first (``52/5205/520521/`` → ``52/5205/``, ``52/``)."""
    out: list[str] = []
    while True:
        path = parent_path(path)
        if not path:
            return out
        out.append(path)


@transaction.atomic
def refresh_subtree(subtree_path: str, *, today: date | None = None) -> float:
    """Count one subtree (a county: the unit where records change) and carry the change up to
    the tree's top **from the table** instead of recounting the whole tree: the subtree's rows
    are replaced by a fresh count, and each ancestor's rows (city, province) get the difference
    between the subtree's new and old rolled-up values (every stored figure is additive: ratios
    are derived when read). The ancestors' own records and the other subtrees are not read.

    Exact if the table was (the full :func:`refresh` rebuilds it whole and stays the periodic
    reconciliation); the tree's ``RefreshState`` row is locked, so that two such counts, or one
    and a full count, do not interleave. Answers the seconds it took."""
    started = time.monotonic()
    today = today or timezone.localdate()
    this = periods.containing(today)
    last = this.previous()
    root_path = tree_root_of_path(subtree_path)
    states = list(RefreshState.objects.select_for_update().filter(root_path=root_path))
    if subtree_path == root_path or not any(
        s.month == this.start and s.counted_on == today for s in states
    ):
        # Not counted today (a new day or month: the states change everywhere): count it whole.
        return refresh(root_path, today=today).seconds
    grid_ids = dict(
        Grid.objects.filter(path__under=subtree_path).order_by("path").values_list("path", "id")
    )
    up = ancestors(subtree_path)
    up_ids = dict(Grid.objects.filter(path__in=up).values_list("path", "id"))
    period_keys = [k for s in registry.sources(registry.PERIOD) for k in s.figures]
    new_rows: list[tuple[int, str, date, str, Decimal]] = []
    for month, timing in ((this, None), (last, registry.PERIOD)):
        keys = None if timing is None else period_keys
        fresh = rolled(grid_ids, count_sources(subtree_path, month, today, timing), subtree_path)[1]
        stored = FigureValue.objects.filter(grid_path=subtree_path, month=month.start)
        if keys is not None:
            stored = stored.filter(key__in=keys)
        delta: dict[str, Decimal] = {}
        _add(delta, fresh.get(subtree_path, {}))
        for key, value in stored.values_list("key", "value"):
            delta[key] = delta.get(key, ZERO) - value
        delta = {k: v for k, v in delta.items() if v}
        rows = FigureValue.objects.filter(grid_path__under=subtree_path, month=month.start)
        (rows if keys is None else rows.filter(key__in=keys)).delete()
        new_rows.extend(
            (grid_ids[p], p, month.start, k, v)
            for p, vals in fresh.items()
            for k, v in vals.items()
            if v
        )
        if not delta:
            continue
        current = {
            (row.grid_path, row.key): row
            for row in FigureValue.objects.filter(
                grid_path__in=[a for a in up if a in up_ids], month=month.start, key__in=list(delta)
            )
        }
        changed, gone = [], []
        for a in up:
            if a not in up_ids:
                continue
            for key, d in delta.items():
                row = current.get((a, key))
                if row is None:
                    new_rows.append((up_ids[a], a, month.start, key, d))
                elif row.value + d:
                    row.value += d
                    changed.append(row)
                else:
                    gone.append(row.pk)
        FigureValue.objects.bulk_update(changed, ["value"])
        FigureValue.objects.filter(pk__in=gone).delete()
    _write_rows(new_rows)
    return time.monotonic() - started


def tree_root_of_path(path: str) -> str:
    return path[: path.find("/") + 1]


def _write_rows(rows: Iterable[tuple[int, str, date, str, Decimal]]) -> None:
    """Insert the table's rows set-based: ``COPY`` on PostgreSQL (~10× the ORM's bulk insert at
    the province's hundreds of thousands of rows), ``executemany`` on SQLite."""
    table = connection.ops.quote_name(FigureValue._meta.db_table)
    columns = "grid_id, grid_path, month, key, value"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                [(g, p, m.isoformat(), k, str(v)) for g, p, m, k, v in rows],
            )


def schedule_refresh(root_path: str) -> bool:
    """Have the worker count the tree again (once at a time); False when one is on its way."""
    if not cache.add(_lock_key(root_path), 1, max(refresh_seconds(), 60)):
        return False
    from laborgrid.reports.tasks import refresh_figures

    transaction.on_commit(lambda: refresh_figures.enqueue(root_path))
    return True


def schedule_refresh_for(path: str) -> bool:
    """The hook for ``employers.bulk.on_employers_changed``: recount the county of ``path`` (the
    unit where records change; :func:`refresh_subtree` carries the change up to the province), or
    the tree of ``path`` when it lies above any county."""
    codes = [c for c in path.split("/") if c]
    if len(codes) < COUNTY_DEPTH:
        return schedule_refresh(path[: path.find("/") + 1])
    county = "".join(f"{c}/" for c in codes[:COUNTY_DEPTH])
    if not cache.add(_lock_key(county), 1, max(refresh_seconds(), 60)):
        return False
    from laborgrid.reports.tasks import refresh_figures

    transaction.on_commit(lambda: refresh_figures.enqueue(county))
    return True


#: Province / city / county: a county's path has three codes.
COUNTY_DEPTH = 3


@dataclass
class Snapshot:
    """What the dashboard shows of a grid: its figures and its children's, this and last month."""

    grid: Grid
    this: Period
    last: Period
    values: dict[int, dict[date, dict[str, Decimal]]]  # grid id → month → key → value
    children: list[Grid]
    computed_at: datetime
    refreshing: bool
    has_last_states: bool

    def value(self, grid: Grid, figure: registry.Figure, month: date) -> Decimal | None:
        last = figure.timing == registry.CURRENT and month == self.last.start
        if last and not self.has_last_states:
            return None
        vals = self.values.get(grid.pk, {}).get(month, {})
        return figure.value_of(vals)


def snapshot(grid: Grid, *, today: date | None = None, wait: bool = True) -> Snapshot | None:
    """Read the table for ``grid`` and its children (counting first only if the tree was never
    counted this month, or when ``LABORGRID_REPORTS_REFRESH_SECONDS`` is 0). ``wait=False``
    (the home page) never counts in the request: None while the first count is under way."""
    today = today or timezone.localdate()
    this = periods.containing(today)
    last = this.previous()
    root_path = tree_root(grid)
    states = {
        s.month: s
        for s in RefreshState.objects.filter(
            root_path=root_path, month__in=[this.start, last.start]
        )
    }
    state = states.get(this.start)
    refreshing = False
    seconds = refresh_seconds()
    if state is None and not wait:
        schedule_refresh(root_path)
        return None
    if state is None or seconds <= 0:
        cache.delete(_lock_key(root_path))
        state = refresh(root_path, today=today)
        states[this.start] = state
        states.setdefault(
            last.start, RefreshState.objects.get(root_path=root_path, month=last.start)
        )
    else:
        age = timezone.now() - state.computed_at
        if state.counted_on != today or age > timedelta(seconds=seconds):
            schedule_refresh(root_path)
            refreshing = True
    children = list(
        Grid.objects.filter(parent__code=grid.code)
        .only("id", "code", "name", "level", "path", "depth", "is_active")
        .order_by("code")
    )
    ids = [grid.pk, *(c.pk for c in children)]
    values: dict[int, dict[date, dict[str, Decimal]]] = {}
    for grid_id, month, key, value in FigureValue.objects.filter(
        grid_id__in=ids, month__in=[this.start, last.start]
    ).values_list("grid_id", "month", "key", "value"):
        values.setdefault(grid_id, {}).setdefault(month, {})[key] = value
    # A child without rows may simply have nothing; an inactive one without rows is not shown.
    children = [c for c in children if c.is_active or c.pk in values]
    last_state = states.get(last.start)
    return Snapshot(
        grid=grid,
        this=this,
        last=last,
        values=values,
        children=children,
        computed_at=state.computed_at,
        refreshing=refreshing,
        has_last_states=bool(last_state and last_state.has_current),
    )


def totals(nodes: dict[str, Node], paths: Iterable[str]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for p in paths:
        _add(out, nodes[p].rolled)
    return out


def seed_demo_figures(log: Callable[[str], None]) -> None:
    """Count every tree now (the demo seeder, ``manage.py refresh_figures``): idempotent, a
    count replaces the last."""
    roots = Grid.objects.filter(parent__isnull=True).values_list("path", flat=True)
    for path in roots:
        state = refresh(path)
        log(f"统计数：{path} 用时 {state.seconds:.1f} 秒")
