"""Coverage pages (底数清): a grid's table of child grids with every figure, a map coloured by a
chosen measure, drill-down to the employers behind each count, and the XLSX export.

Every count links to the list of exactly the employers it counts: 单位总数 and 从未采集 to the
employer list (its ``grid`` and ``flag=never_collected`` filters select the same rows); the
others to this app's own list (:func:`gap_list`), because the employer list has no filter for
them — its 超过6个月未采集 filter also counts never-collected employers, which ``stale`` does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.core.jobs import start_export
from laborgrid.core.scope import get_scope
from laborgrid.core.text import enumeration, labelled
from laborgrid.coverage import exports, services
from laborgrid.coverage.choices import COUNTS, DEFINITIONS, MAP_MEASURES, Measure
from laborgrid.coverage.permissions import access_coverage_grid, default_grid
from laborgrid.employers import filters
from laborgrid.employers.choices import EmployerStatus, RegisterSource, RiskFlag
from laborgrid.employers.freshness import STALE_AFTER_DAYS
from laborgrid.employers.models import Employer, EmployerSource
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid

#: Table columns: the measure and the Bootstrap classes that hide it on narrow screens.
COLUMNS: tuple[tuple[Measure, str], ...] = (
    (Measure.TOTAL, ""),
    (Measure.REGISTERED, "d-none d-md-table-cell"),
    (Measure.SCJG, "d-none d-xl-table-cell"),
    (Measure.MZ, "d-none d-xl-table-cell"),
    (Measure.JY, "d-none d-xl-table-cell"),
    (Measure.ZJ, "d-none d-xl-table-cell"),
    (Measure.COLLECTED, "d-none d-lg-table-cell"),
    (Measure.FRESH, "d-none d-lg-table-cell"),
    (Measure.NEVER, ""),
    (Measure.STALE, ""),
    (Measure.DEREGISTERED_OPERATING, "d-none d-md-table-cell"),
    (Measure.UNREGISTERED_OPERATING, "d-none d-md-table-cell"),
    (Measure.RATE, ""),
)
#: The figures shown as cards above the map.
KPIS = (Measure.TOTAL, Measure.RATE, Measure.NEVER, Measure.STALE)
#: Sorting by something other than a measure.
NAME_SORTS = ("code", "name")


def measure_label(measure: str) -> str:
    return str(Measure(measure).label)


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def drill_url(code: str, measure: str) -> str | None:
    """Where a count links: the employers it counts (None for the rate)."""
    if measure == Measure.RATE:
        return None
    if measure == Measure.TOTAL:
        return reverse("employers:employer_list") + "?" + urlencode({"grid": code})
    if measure == Measure.NEVER:
        query = urlencode({"grid": code, "flag": RiskFlag.NEVER_COLLECTED})
        return reverse("employers:employer_list") + "?" + query
    return reverse("coverage:gap_list", args=[code, measure])


@dataclass
class Cell:
    key: str
    text: str
    url: str | None
    classes: str
    rate: float | None = None

    @property
    def label(self) -> str:
        return measure_label(self.key)


@dataclass
class Row:
    grid: Grid | None
    name: str
    url: str | None
    parent_name: str
    level_label: str
    cells: list[Cell]


def _cells(code: str | None, figures: services.Figures) -> list[Cell]:
    cells = []
    for measure, classes in COLUMNS:
        if measure == Measure.RATE:
            cells.append(Cell(measure, rate_text(figures.rate), None, classes, rate=figures.rate))
            continue
        value = figures.value(measure)
        url = drill_url(code, measure) if code and value else None
        cells.append(Cell(measure, f"{value:,}", url, classes))
    return cells


def _sort_key(measure: str) -> Any:
    def key(node: services.Node) -> Any:
        if measure == "name":
            return (node.grid.name, node.grid.code)
        if measure == "code":
            return (node.grid.code,)
        value = node.rolled.value(measure)
        # Grids without a value (a rate without employers) sort after every other.
        return (value is None, value if value is not None else 0, node.grid.code)

    return key


def _ordered(nodes: list[services.Node], sort: str, order: str) -> list[services.Node]:
    ordered = sorted(nodes, key=_sort_key(sort), reverse=(order == "desc"))
    if order == "desc" and sort not in NAME_SORTS:  # keep grids without a value last
        ordered = [n for n in ordered if n.rolled.value(sort) is not None] + [
            n for n in ordered if n.rolled.value(sort) is None
        ]
    return ordered


def _query(base: dict[str, str], **changes: str | None) -> str:
    q = {k: v for k, v in base.items() if v}
    for key, value in changes.items():
        q.pop(key, None)
        if value:
            q[key] = value
    return "?" + urlencode(q) if q else "?"


def _level_labels(levels: list[str]) -> str:
    return enumeration(GridLevel(level).label for level in levels)


def _crumbs(user: Any, grid: Grid, params: dict[str, str]) -> list[tuple[str, str | None]]:
    """Up the tree within the user's employer scope, each crumb opening that grid's coverage."""
    scope = get_scope(user)
    ancestors = (
        Grid.objects.filter(code__in=grid.ancestor_codes())
        .only("code", "name", "path", "depth")
        .order_by("depth")
    )
    crumbs: list[tuple[str, str | None]] = [
        (a.name, reverse("coverage:coverage_detail", args=[a.code]) + _query(params))
        for a in ancestors
        if scope.allows(Cap.WORK_READ, a.path)
    ]
    crumbs.append((grid.name, None))
    return crumbs


def _map_item(node: services.Node, measure: str) -> dict[str, Any]:
    """One area of the map: its value for the colour scale (a rate in %), the text shown."""
    figures = node.rolled
    if measure == Measure.RATE:
        value = None if figures.rate is None else round(figures.rate * 100, 1)
        display = rate_text(figures.rate)
    else:
        value = figures.value(measure)
        display = f"{value:,}"
    return {
        "code": node.grid.code,
        "name": node.grid.name,
        "value": value,
        "display": display,
        "tip": labelled(measure_label(measure), display),
        "url": reverse("coverage:coverage_detail", args=[node.grid.code])
        + _query({"measure": measure}),
    }


def _render(request: HttpRequest, grid: Grid) -> HttpResponse:
    measure = request.GET.get("measure", "")
    if measure not in MAP_MEASURES:
        measure = Measure.RATE
    sort = request.GET.get("sort", "")
    order = request.GET.get("order", "")
    if sort not in (*NAME_SORTS, *Measure.values):
        # A chosen measure sorts the table by it (worst first); otherwise the grids' own order.
        sort = measure if "measure" in request.GET else "code"
        order = ""
    if order not in ("asc", "desc"):
        order = "asc" if sort in (*NAME_SORTS, Measure.RATE) else "desc"
    cov = services.coverage(grid)
    depths = cov.depths()
    try:
        depth = int(request.GET.get("depth", "1"))
    except ValueError:
        depth = 1
    if depth not in dict(depths):
        depth = 1
    params = {"measure": measure if "measure" in request.GET else "", "depth": ""}
    if depth != 1:
        params["depth"] = str(depth)
    nodes = _ordered(cov.at_depth(depth), sort, order)
    rows = [
        Row(
            grid=n.grid,
            name=n.grid.name,
            url=reverse("coverage:coverage_detail", args=[n.grid.code]) + _query(params),
            parent_name=n.parent.grid.name if n.parent is not None and depth > 1 else "",
            level_label=str(GridLevel(n.grid.level).label),
            cells=_cells(n.grid.code, n.rolled),
        )
        for n in nodes
    ]
    # Employers attached to the grid itself, or to grids above the listed level: shown so that
    # the rows add up to the total.
    listed = services.Figures()
    for n in nodes:
        listed.add(n.rolled)
    rest = cov.root.rolled.minus(listed)
    sort_params = {**params, "sort": sort, "order": order}
    columns = []
    for m, classes in COLUMNS:
        if sort == m:
            next_order = "desc" if order == "asc" else "asc"
        else:
            next_order = "asc" if m == Measure.RATE else "desc"
        columns.append(
            {
                "key": m.value,
                "label": m.label,
                "help": DEFINITIONS[m],
                "classes": classes,
                "url": _query(sort_params, sort=m.value, order=next_order),
                "sorted": order if sort == m else "",
            }
        )
    name_order = "desc" if sort == "name" and order == "asc" else "asc"
    map_nodes = cov.children() or [cov.root]
    total = _cells(grid.code, cov.root.rolled)
    map_items = [_map_item(n, measure) for n in map_nodes]
    map_data = {
        "boundaries": reverse("grids:grid_map_data", args=[grid.code]),
        "title": f"{grid.name} · {measure_label(measure)}",
        "measure": measure,
        "label": measure_label(measure),
        "percent": measure == Measure.RATE,
        "items": map_items,
        "i18n": {
            "failed": _("地图数据加载失败，请刷新重试。"),
            "synthetic": _("示意边界（非真实）"),
            "empty": _("该网格及其下级都没有边界数据，请先导入边界（import_boundaries）。"),
        },
    }
    return render(
        request,
        "coverage/coverage.html",
        {
            "grid": grid,
            "cov": cov,
            "cov_crumbs": _crumbs(request.user, grid, params),
            "total": total,
            "kpis": [c for c in total if c.key in KPIS],
            "employer_list_url": drill_url(grid.code, Measure.TOTAL),
            "rest": _cells(None, rest) if rest.total else None,
            "rows": rows,
            "depth": depth,
            "depth_options": [
                {
                    "offset": offset,
                    "label": _("下级网格（%(levels)s）") % {"levels": _level_labels(levels)}
                    if offset == 1
                    else _levels_label(offset, levels),
                    "url": _query({**params, "depth": str(offset) if offset != 1 else ""}),
                    "active": offset == depth,
                }
                for offset, levels in depths
            ],
            "columns": columns,
            "name_sort_url": _query(sort_params, sort="name", order=name_order),
            "name_sorted": order if sort == "name" else "",
            "measure": measure,
            "measure_options": [
                {
                    "key": m,
                    "label": measure_label(m),
                    "url": _query({**params, "measure": m}),
                    "active": m == measure,
                }
                for m in MAP_MEASURES
            ],
            "definitions": [(m.label, DEFINITIONS[m]) for m in Measure],
            "map_data": map_data,
            "show_parent": depth > 1,
            "stale_days": STALE_AFTER_DAYS,
        },
    )


def _levels_label(offset: int, levels: list[str]) -> str:
    return _("往下第 %(n)s 级（%(levels)s）") % {"n": offset, "levels": _level_labels(levels)}


@login_required
@require_GET
def coverage_home(request: HttpRequest) -> HttpResponse:
    """底数覆盖情况 of the user's grid (the one chosen in the switcher, else their top grid)."""
    return _render(request, default_grid(request.user, request))


@login_required
@require_GET
def coverage_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        grid = access_coverage_grid(request.user, code)
    except Http404:
        return _not_found(request, code)
    return _render(request, grid)


def _not_found(request: HttpRequest, code: str) -> HttpResponse:
    """A clear 404 for a grid code: the same words for a code that does not exist and one the
    user may not see (never a hint which)."""
    home = None
    if get_scope(request.user).has(Cap.WORK_READ):
        home = reverse("coverage:coverage_home")
    return render(
        request,
        "coverage/not_found.html",
        {"code": code[:40], "home": home},
        status=404,
    )


# --- the list behind a count ------------------------------------------------------------------


@dataclass
class ListRow:
    employer: Employer
    status_label: str
    registers: list[str]
    stale: bool


@login_required
@require_GET
def gap_list(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The current employers of a grid's subtree that one coverage count counts, in keyset pages.

    The same rules as the count (``services.measure_q``), the same scope and planning as the
    employer list (``filters.base_queryset`` + ``ScopePlan``), so the list holds exactly the
    employers the count counted.
    """
    try:
        grid = access_coverage_grid(request.user, code)
    except Http404:
        return _not_found(request, code)
    if kind not in COUNTS:
        raise Http404
    measure = Measure(kind)
    today = timezone.localdate()
    plan = filters.ScopePlan()
    base = filters.base_queryset(request.user, plan)
    plan.grid_path = grid.path
    qs = base.filter(plan.q(grid.path, filters.SELECTIVE_SUBTREE)).filter(
        services.measure_q(measure, today)
    )
    cursor = request.GET.get("cursor") or None
    cursor_error = ""
    try:
        page = filters.paginate(
            qs.with_list_related(), sort=filters.Sort.NAME, cursor=cursor, in_order=plan.in_order
        )
    except filters.BadCursor as exc:
        cursor_error, cursor = str(exc), None
        page = filters.paginate(
            qs.with_list_related(), sort=filters.Sort.NAME, cursor=None, in_order=plan.in_order
        )
    statuses = {v: str(label) for v, label in EmployerStatus.choices}
    sources = {v: str(label) for v, label in RegisterSource.choices}
    registers: dict[int, list[str]] = {}
    for s in (
        EmployerSource.objects.filter(employer__in=[e.pk for e in page.items])
        .only("employer_id", "source", "registered_status")
        .order_by("source")
    ):
        label = sources.get(s.source, s.source)
        if s.registered_status:
            label = _("%(source)s（%(status)s）") % {
                "source": label,
                "status": statuses.get(s.registered_status, s.registered_status),
            }
        registers.setdefault(s.employer_id, []).append(label)
    cutoff = services.stale_cutoff(today)
    rows = [
        ListRow(
            employer=e,
            status_label=statuses.get(e.status, e.status),
            registers=registers.get(e.pk, []),
            stale=e.last_collected_on is not None and e.last_collected_on < cutoff,
        )
        for e in page.items
    ]
    if page.count_capped:
        count_text = _("超过 %(n)s 家") % {"n": f"{page.cap:,}"}
    else:
        count_text = _("共 %(n)s 家") % {"n": f"{page.count:,}"}
    back = reverse("coverage:coverage_detail", args=[grid.code])
    return render(
        request,
        "coverage/gap_list.html",
        {
            "grid": grid,
            "measure": measure,
            "definition": DEFINITIONS[measure],
            "page": page,
            "rows": rows,
            "count_text": count_text,
            "cursor": cursor,
            "cursor_error": cursor_error,
            "next_query": "?" + urlencode({"cursor": page.next_cursor}) if page.next_cursor else "",
            "cov_crumbs": [*_crumbs(request.user, grid, {})[:-1], (grid.name, back)],
            "back": back,
        },
    )


# --- export -------------------------------------------------------------------------------------


@login_required
@require_POST
def coverage_export(request: HttpRequest, code: str) -> HttpResponse:
    """Start the XLSX export of a grid's coverage, every grid of its subtree (a background job)."""
    grid = access_coverage_grid(request.user, code)
    job = start_export(
        request,
        kind=exports.KIND,
        title=_("%(name)s 底数覆盖情况") % {"name": grid.name},
        params={"grid": grid.code},
        detail={"grid": grid.code},
    )
    return redirect(job)
