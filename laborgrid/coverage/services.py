"""Coverage of the employer base (底数清, issue 4 item 10): per grid, rolled up the hierarchy.

The plan wants the employer database complete (底数清、信息全): every employer the departments'
registers know, visited by grid staff, its facts no older than six months (DOMAIN A3, the 2009
pilot notice). This module counts, for a grid and every grid below it, how far that is true.

**Definitions.** Every count is of *current* employers (not merged into another record:
``EmployerQuerySet.current()``) whose grid lies in the subtree, whatever their lifecycle status
unless the rule says otherwise:

* ``total`` — all of them;
* ``registered`` — listed in at least one department register: an ``EmployerSource`` whose
  source is 市场监管 ``scjg``, 民政 ``mz``, 教育 ``jy`` or 质监 ``zj`` (``field``, found by grid
  staff, and ``manual``, typed in, are sources but not registers);
* ``scjg`` / ``mz`` / ``jy`` / ``zj`` — listed in that register (an employer may be in several);
* ``collected`` — its labour-use facts have been collected (``last_collected_on`` is set: a field
  visit, a written review, an inspection...);
* ``never`` — never collected (``last_collected_on`` is empty);
* ``stale`` — collected, but the latest facts are more than :data:`STALE_AFTER_DAYS` (183) days
  old. Never-collected employers are **not** counted here (they are ``never``); the employer
  list's 超过6个月未采集 filter counts both;
* ``fresh`` — collected within the last 183 days (``collected - stale``);
* ``deregistered_operating`` — a register lists it as deregistered or revoked while grid staff
  found it operating (``status`` is operating and it has been collected). The register's status
  is read from ``EmployerSource.registered_status``, which holds an ``EmployerStatus`` value
  (``deregistered``, ``revoked``...): **register importers must write the lifecycle value that the
  register's status words map to** (``laborgrid.registers.vocab.STATUS_WORDS``), not the words;
* ``unregistered_operating`` — operating and collected, but in no register (found in the field
  only: the departments do not know it);
* ``rate`` (覆盖率) — ``fresh / total``: the share of the grid's employers whose facts are
  current. ``None`` for a grid without employers.

**Computation.** One query per subtree (:func:`own_counts`): the subtree's current employers,
each with a small code (which registers list it, whether one says it ended, whether it operates,
whether it was collected) from one correlated probe of its sources, grouped by grid path and
code; then Python adds the groups up and rolls them up the grid tree (one more query for the
grids). Never a query per grid.

**Cost and cache** (measured on 100,000 employers, 2 cores; ``laborgrid/coverage/README.md``): a
township takes ~15–25 ms, the county ~350–500 ms on either database — linear in the subtree's
size: 4–24 s for the county at a million employers (SQLite, a loaded 2-core machine). A subtree
with more than :func:`cache_threshold` employers therefore keeps its figures in the shared cache
(``CACHES``: the database by default, seen by the web and background workers alike); for
:func:`cache_seconds` they are shown as they are, and after that they are still shown, with the
time they were counted, while the background worker counts again (stale-while-revalidate) — a
county leader never waits for a recount except on the very first visit. A committed register
import schedules a recount of its county. A cached county serves its townships too; a smaller
subtree is always counted fresh; the export always counts fresh.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from laborgrid.core.paths import path_codes
from laborgrid.coverage.choices import Measure
from laborgrid.employers.choices import EmployerStatus, RegisterSource
from laborgrid.employers.freshness import stale_cutoff
from laborgrid.employers.models import Employer, EmployerSource
from laborgrid.grids.models import Grid

#: Department registers, each with its bit in the per-employer code.
REGISTER_BITS: dict[str, int] = {
    RegisterSource.SCJG: 1,
    RegisterSource.MZ: 2,
    RegisterSource.JY: 4,
    RegisterSource.ZJ: 8,
}
REGISTERS = tuple(REGISTER_BITS)
REGISTER_MASK = 15
#: A register says the employer ended (``registered_status`` in :data:`ENDED_STATUSES`).
ENDED_BIT = 16
ENDED_STATUSES = (EmployerStatus.DEREGISTERED, EmployerStatus.REVOKED)


def cache_threshold() -> int:
    """Subtrees larger than this many employers are cached (see the module docstring)."""
    return int(settings.LABORGRID_COVERAGE_CACHE_MIN_EMPLOYERS)


def cache_seconds() -> int:
    return int(settings.LABORGRID_COVERAGE_CACHE_SECONDS)


# --- figures ------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The counts of one grid (its own employers, or its whole subtree once rolled up)."""

    total: int = 0
    registered: int = 0
    scjg: int = 0
    mz: int = 0
    jy: int = 0
    zj: int = 0
    collected: int = 0
    stale: int = 0
    deregistered_operating: int = 0
    unregistered_operating: int = 0

    @property
    def never(self) -> int:
        return self.total - self.collected

    @property
    def fresh(self) -> int:
        return self.collected - self.stale

    @property
    def rate(self) -> float | None:
        """覆盖率: fresh / total, None without employers."""
        return self.fresh / self.total if self.total else None

    def value(self, measure: str) -> int | float | None:
        return getattr(self, Measure(measure).value)

    def add(self, other: Figures) -> None:
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def minus(self, other: Figures) -> Figures:
        return Figures(
            **{
                f.name: getattr(self, f.name) - getattr(other, f.name)
                for f in dataclasses.fields(self)
            }
        )

    def copy(self) -> Figures:
        return dataclasses.replace(self)

    def as_tuple(self) -> tuple[int, ...]:
        return dataclasses.astuple(self)

    def as_dict(self) -> dict[str, Any]:
        """Every measure, the derived ones included (for the API and tests)."""
        return {m.value: self.value(m) for m in Measure}


# --- the one aggregate query ----------------------------------------------------------------------


def _materialized() -> str:
    """``AS MATERIALIZED`` keeps SQLite from copying the per-employer probe into every place the
    code is used (it flattens the CTE otherwise, probing the sources several times per row).
    SQLite has it from 3.35; PostgreSQL from 12."""
    import sqlite3

    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        return ""
    return "MATERIALIZED "


def own_counts(path: str, today: date) -> dict[str, Figures]:
    """The figures of the employers attached directly to each grid of the subtree at ``path``
    (keyed by grid path; grids without employers are absent) — one query.

    Each employer gets a code: ``register bits (scjg 1, mz 2, jy 4, zj 8) + ended 16``, times 4,
    plus 2 when it operates and 1 when it has been collected; the query counts employers (and
    stale ones) per grid path and code, and Python adds the codes up. The register bits come
    from one correlated probe of the employer's sources (unique per employer and source, so
    their sum is the bit set).
    """
    bit = Case(
        *(When(source=s, then=Value(b)) for s, b in REGISTER_BITS.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    ended = Case(
        When(source__in=REGISTERS, registered_status__in=ENDED_STATUSES, then=Value(ENDED_BIT)),
        default=Value(0),
        output_field=IntegerField(),
    )
    mask = (
        EmployerSource.objects.filter(employer=OuterRef("pk"))
        .order_by()
        .values("employer")
        .annotate(mask=Sum(bit) + Max(ended))
        .values("mask")
    )
    code = (
        Coalesce(Subquery(mask, output_field=IntegerField()), Value(0)) * Value(4)
        + Case(
            When(status=EmployerStatus.OPERATING, then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        )
        + Case(
            When(last_collected_on__isnull=False, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    stale = Case(
        When(last_collected_on__lt=stale_cutoff(today), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    inner = (
        Employer.objects.filter(grid_path__under=path, merged_into__isnull=True)
        .order_by()
        .values_list("grid_path")
        .annotate(code=code, stale=stale)
    )
    sql, params = inner.query.sql_with_params()
    query = (
        f"WITH t (grid_path, code, stale) AS {_materialized()}({sql}) "  # noqa: S608 (ORM-built)
        "SELECT grid_path, code, COUNT(*), SUM(stale) FROM t GROUP BY grid_path, code"
    )
    result: dict[str, Figures] = {}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    for grid_path, code, n, n_stale in rows:
        f = result.setdefault(grid_path, Figures())
        bits, operating, collected = int(code) >> 2, bool(code & 2), bool(code & 1)
        f.total += n
        if bits & REGISTER_MASK:
            f.registered += n
        for source, b in REGISTER_BITS.items():
            if bits & b:
                setattr(f, source, getattr(f, source) + n)
        if collected:
            f.collected += n
            f.stale += int(n_stale or 0)
            if operating and bits & ENDED_BIT:
                f.deregistered_operating += n
            if operating and not bits & REGISTER_MASK:
                f.unregistered_operating += n
    return result


# --- the tree ---------------------------------------------------------------------------------


@dataclass
class Node:
    """One grid of the tree with its own and rolled-up figures."""

    grid: Grid
    own: Figures = field(default_factory=Figures)
    rolled: Figures = field(default_factory=Figures)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None

    @property
    def shown(self) -> bool:
        """Active grids, and inactive ones that still hold employers (never hide a count)."""
        return self.grid.is_active or self.rolled.total > 0


@dataclass
class Coverage:
    """The coverage of one grid's subtree on ``today``."""

    root: Node
    nodes: dict[str, Node]
    today: date
    computed_at: datetime
    cached: bool = False
    #: The figures are older than the cache's time and are being counted again in the background.
    refreshing: bool = False

    @property
    def cutoff(self) -> date:
        return stale_cutoff(self.today)

    def children(self) -> list[Node]:
        return [n for n in self.root.children if n.shown]

    def at_depth(self, offset: int) -> list[Node]:
        """The shown grids ``offset`` levels below the root (1 = its children), in tree order."""
        depth = self.root.grid.depth + offset
        return [n for n in self.nodes.values() if n.grid.depth == depth and n.shown]

    def depths(self) -> list[tuple[int, list[str]]]:
        """The levels below the root: (offset, grid levels found there), nearest first."""
        found: dict[int, list[str]] = {}
        for n in self.nodes.values():
            offset = n.grid.depth - self.root.grid.depth
            if offset > 0 and n.shown and n.grid.level not in found.setdefault(offset, []):
                found[offset].append(n.grid.level)
        return sorted(found.items())

    def walk(self) -> Iterator[Node]:
        """Every shown grid of the subtree, root first, in tree (path) order."""
        for node in self.nodes.values():
            if node.shown or node is self.root:
                yield node


def _tree(root: Grid) -> dict[str, Node]:
    """The subtree's grids (inactive ones too: employers may still point at them), by path, in
    path order — which puts every grid after its ancestors."""
    grids = (
        Grid.objects.filter(path__under=root.path)
        .only("id", "code", "name", "level", "parent", "path", "depth", "is_active")
        .order_by("path")
    )
    nodes: dict[str, Node] = {}
    for g in grids:
        node = Node(grid=g)
        parent = nodes.get(g.path[: g.path.rstrip("/").rfind("/") + 1])
        if parent is not None and g.path != root.path:
            node.parent = parent
            parent.children.append(node)
        nodes[g.path] = node
    if root.path not in nodes:  # the root itself was filtered out (cannot happen, but be safe)
        nodes = {root.path: Node(grid=root), **nodes}
    return nodes


def _owner(nodes: dict[str, Node], path: str, root_path: str) -> Node:
    """The node an employer's ``grid_path`` belongs to: its grid, else its nearest ancestor in
    the tree (a path the tree does not know is counted, never dropped)."""
    node = nodes.get(path)
    while node is None and len(path) > len(root_path):
        path = path[: path.rstrip("/").rfind("/") + 1]
        node = nodes.get(path)
    return node or nodes[root_path]


def _roll_up(nodes: dict[str, Node], counts: dict[str, Figures], root_path: str) -> None:
    for path, figures in counts.items():
        _owner(nodes, path, root_path).own.add(figures)
    for node in nodes.values():
        node.rolled = node.own.copy()
    # Reverse path order visits every grid before its ancestors (a path sorts after its prefix).
    for node in reversed(list(nodes.values())):
        if node.parent is not None:
            node.parent.rolled.add(node.rolled)


# --- cache ------------------------------------------------------------------------------------

#: How long an entry is kept at all: an entry older than :func:`cache_seconds` is still shown
#: (with its time) while a background task counts again, so that nobody waits for a county of a
#: million employers (tens of seconds) — except on the very first visit.
KEEP_SECONDS = 7 * 24 * 3600


def _cache_key(path: str) -> str:
    digest = hashlib.sha256(path.encode()).hexdigest()[:32]
    return f"laborgrid:coverage:v2:{digest}"


def _is_large(path: str, limit: int) -> bool:
    """More than ``limit`` employers under ``path`` (counts at most ``limit + 1`` index entries)."""
    probe = Employer.objects.filter(grid_path__under=path).order_by().values("id")
    return probe[: limit + 1].count() > limit


def _ancestor_paths(path: str) -> list[str]:
    codes = path_codes(path)
    return ["".join(f"{c}/" for c in codes[:i]) for i in range(len(codes), 0, -1)]


def count_and_store(path: str, today: date) -> tuple[dict[str, Figures], datetime]:
    """Count the subtree at ``path`` and keep the figures in the shared cache."""
    now = timezone.now()
    counts = own_counts(path, today)
    stored = {p: f.as_tuple() for p, f in counts.items()}
    cache.set(_cache_key(path), (now, today, stored), KEEP_SECONDS)
    return counts, now


def schedule_refresh(path: str) -> bool:
    """Have the background worker count ``path`` again, at most once per :func:`cache_seconds`
    (a shared lock in the cache); False when a refresh is already on its way."""
    if not cache.add(f"{_cache_key(path)}:refreshing", 1, max(cache_seconds(), 60)):
        return False
    from laborgrid.coverage.tasks import refresh_coverage

    transaction.on_commit(lambda: refresh_coverage.enqueue(path))
    return True


def _counts(
    root: Grid, today: date, use_cache: bool
) -> tuple[dict[str, Figures], datetime, bool, bool]:
    """The own counts of ``root``'s subtree, when they were counted, whether they came from the
    cache and whether a recount is under way. From the cache: this grid's entry or an ancestor's;
    a fresh one (younger than :func:`cache_seconds`, counted today) as it is, an older one while a
    background recount is scheduled. Else counted now — and kept if the subtree is large."""
    seconds = cache_seconds()
    if not use_cache or seconds <= 0:
        return own_counts(root.path, today), timezone.now(), False, False
    paths = _ancestor_paths(root.path)
    entries = cache.get_many([_cache_key(p) for p in paths])
    now = timezone.now()
    for path in paths:  # the nearest entry first
        entry = entries.get(_cache_key(path))
        if entry is None:
            continue
        computed_at, counted_on, stored = entry
        counts = {p: Figures(*values) for p, values in stored.items() if p.startswith(root.path)}
        fresh = counted_on == today and (now - computed_at).total_seconds() < seconds
        if not fresh:
            schedule_refresh(path)
        return counts, computed_at, True, not fresh
    if _is_large(root.path, cache_threshold()):
        counts, now = count_and_store(root.path, today)
        return counts, now, False, False
    return own_counts(root.path, today), now, False, False


def coverage(root: Grid, *, today: date | None = None, use_cache: bool = True) -> Coverage:
    """The coverage of ``root``'s subtree: two queries (the grids, the employers), or one when
    the employer figures come from the cache. The caller has checked that the user may see
    ``root`` (``permissions.access_coverage_grid``): a visible grid's whole subtree is visible."""
    today = today or timezone.localdate()
    counts, computed_at, cached, refreshing = _counts(root, today, use_cache)
    nodes = _tree(root)
    _roll_up(nodes, counts, root.path)
    return Coverage(
        root=nodes[root.path],
        nodes=nodes,
        today=today,
        computed_at=computed_at,
        cached=cached,
        refreshing=refreshing,
    )


# --- drill-down ----------------------------------------------------------------------------------


def _in_register(**conditions: Any) -> Exists:
    return Exists(
        EmployerSource.objects.filter(employer=OuterRef("pk"), source__in=REGISTERS, **conditions)
    )


def measure_q(measure: str, today: date) -> Q:
    """The employers a count of ``measure`` counts, as a filter on current employers (the same
    rules as :func:`own_counts`; ``test_services`` checks that both agree)."""
    cutoff = stale_cutoff(today)
    operating_collected = Q(status=EmployerStatus.OPERATING, last_collected_on__isnull=False)
    m = Measure(measure)
    if m == Measure.TOTAL:
        return Q()
    if m == Measure.REGISTERED:
        return Q(_in_register())
    if m in (Measure.SCJG, Measure.MZ, Measure.JY, Measure.ZJ):
        return Q(Exists(EmployerSource.objects.filter(employer=OuterRef("pk"), source=m.value)))
    if m == Measure.COLLECTED:
        return Q(last_collected_on__isnull=False)
    if m in (Measure.FRESH, Measure.RATE):
        return Q(last_collected_on__gte=cutoff)
    if m == Measure.NEVER:
        return Q(last_collected_on__isnull=True)
    if m == Measure.STALE:
        return Q(last_collected_on__lt=cutoff)
    if m == Measure.DEREGISTERED_OPERATING:
        return operating_collected & Q(_in_register(registered_status__in=ENDED_STATUSES))
    return operating_collected & ~Q(_in_register())  # UNREGISTERED_OPERATING
