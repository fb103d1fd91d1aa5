"""The dashboard (驾驶舱: county, township, village) and the statistical returns' pages.

The dashboard reads the pre-aggregated table (``rollup.snapshot``): a grid's figures and its
children's, this month and last; every number links to the list it counts. The returns' pages
show a stored return (or what drafting would give) and offer the steps the user may take.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from laborgrid.audit.services import record
from laborgrid.core.paths import path_codes
from laborgrid.core.types import AuthedRequest
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.lib import periods
from laborgrid.lib.periods import Period
from laborgrid.reports import exports, permissions, rollup, services
from laborgrid.reports import figures as registry
from laborgrid.reports.audit_actions import ReportAction
from laborgrid.reports.choices import PartSource, PeriodKind, ReturnAction, ReturnStatus
from laborgrid.reports.models import Return

#: The figure the map is coloured by when none is chosen.
DEFAULT_FIGURE = "cases_overdue"
#: The children's table: these columns, and the figure chosen for the map if it is another.
TABLE_FIGURES = (
    "cases_received",
    "cases_closed",
    "cases_wages",
    "cases_open",
    "cases_overdue",
    "cases_escalated",
    "employers_total",
    "employers_coverage",
    "employers_never",
    "employers_arrears",
)


def _crumbs(user: Any, grid: Grid, url_name: str, *extra: Any) -> list[tuple[str, str]]:
    codes = path_codes(grid.path)
    paths = ["".join(f"{c}/" for c in codes[: i + 1]) for i in range(len(codes))]
    above = {
        g.path: g
        for g in Grid.objects.visible_to(user).filter(path__in=paths).only("code", "name", "path")
    }
    return [
        (above[p].name, reverse(url_name, args=[above[p].code, *extra]) if p != grid.path else "")
        for p in paths
        if p in above
    ]


@dataclass
class Card:
    figure: registry.Figure
    text: str
    url: str | None
    last_text: str
    last_url: str | None
    trend: str  # up / down / same / ""


def _trend(now: Decimal | None, before: Decimal | None) -> str:
    if now is None or before is None:
        return ""
    return "up" if now > before else "down" if now < before else "same"


def _figure_choice(request: AuthedRequest) -> registry.Figure:
    chosen = registry.get(request.GET.get("figure", ""))
    if chosen is None or not chosen.on_map:
        chosen = registry.get(DEFAULT_FIGURE) or registry.map_figures()[0]
    return chosen


def _dashboard(request: AuthedRequest, grid: Grid) -> HttpResponse:
    snap = rollup.snapshot(grid)
    assert snap is not None  # noqa: S101 (wait=True always counts)
    figure = _figure_choice(request)
    this, last = snap.this, snap.last
    sections = []
    for section in registry.sections():
        cards = []
        for f in registry.all_figures():
            if f.section != section.key:
                continue
            now = snap.value(grid, f, this.start)
            before = snap.value(grid, f, last.start)
            cards.append(
                Card(
                    figure=f,
                    text=f.format(now),
                    url=f.list_url(grid, this),
                    last_text=f.format(before),
                    # A state's list is today's: only a period's list exists for last month.
                    last_url=f.list_url(grid, last) if f.timing == registry.PERIOD else None,
                    trend=_trend(now, before),
                )
            )
        if cards:
            sections.append({"section": section, "cards": cards})
    columns = [f for f in registry.map_figures() if f.key in TABLE_FIGURES or f.key == figure.key]
    rows: list[dict[str, Any]] = []
    for child in snap.children:
        value = snap.value(child, figure, this.start)
        rows.append(
            {
                "grid": child,
                "url": reverse("reports:dashboard", args=[child.code])
                + f"?{urlencode({'figure': figure.key})}",
                "sort": value if value is not None else Decimal(-1),
                "cells": [
                    {
                        "key": f.key,
                        "text": f.format(snap.value(child, f, this.start)),
                        "url": f.list_url(child, this),
                    }
                    for f in columns
                ],
            }
        )
    rows.sort(key=lambda r: (-r["sort"], r["grid"].code))
    map_data = {
        "boundaries": reverse("grids:grid_map_data", args=[grid.code]),
        "title": f"{grid.name} · {figure.label}",
        "percent": figure.unit == registry.PERCENT,
        "bad": figure.bad,
        "items": [
            {
                "code": r["grid"].code,
                "name": r["grid"].name,
                "value": float(r["sort"]) if r["sort"] >= 0 else None,
                "display": next(c["text"] for c in r["cells"] if c["key"] == figure.key),
                "url": r["url"],
            }
            for r in rows
        ],
        "i18n": {
            "failed": _("地图数据加载失败，请刷新重试。"),
            "synthetic": _("示意边界（非真实）"),
            "empty": _("下级网格没有边界数据，请先导入边界（import_boundaries）。"),
        },
    }
    level = GridLevel(grid.level).label if grid.level in GridLevel.values else grid.level
    return render(
        request,
        "reports/dashboard.html",
        {
            "grid": grid,
            "level": level,
            "snap": snap,
            "sections": sections,
            "figure": figure,
            "figure_options": [
                {
                    "figure": f,
                    "url": f"?{urlencode({'figure': f.key})}",
                    "active": f.key == figure.key,
                }
                for f in registry.map_figures()
            ],
            "columns": columns,
            "rows": rows,
            "map_data": map_data,
            "report_crumbs": _crumbs(request.user, grid, "reports:dashboard"),
            "returns_url": reverse("reports:return_list", args=[grid.code])
            if permissions.has_return(grid)
            else "",
        },
    )


@login_required
@require_GET
def dashboard_home(request: AuthedRequest) -> HttpResponse:
    grid = permissions.default_grid(request.user, request)
    return redirect("reports:dashboard", grid.code)


@login_required
@require_GET
def dashboard(request: AuthedRequest, code: str) -> HttpResponse:
    return _dashboard(request, permissions.access_report_grid(request.user, code))


# --- returns ---------------------------------------------------------------------------------


def _period(value: str) -> Period:
    period = periods.parse(value)
    if period is None:
        raise Http404
    return period


@login_required
@require_GET
def return_home(request: AuthedRequest) -> HttpResponse:
    grid = permissions.default_grid(request.user, request)
    while not permissions.has_return(grid) and grid.parent_id:
        # A village's staff see their township's returns (if they may).
        parent = Grid.objects.visible_to(request.user).filter(code=grid.parent_id).first()
        if parent is None:
            break
        grid = parent
    if not permissions.has_return(grid):
        # A village's staff who do not see their township: its figures are in the township's.
        return render(request, "reports/no_returns.html", {"grid": grid})
    return redirect("reports:return_list", grid.code)


@login_required
@require_GET
def return_list(request: AuthedRequest, code: str) -> HttpResponse:
    """The returns of a grid (and of its townships, for a county) with the periods to open."""
    grid = permissions.access_return_grid(request.user, code)
    kind = request.GET.get("kind", PeriodKind.MONTH)
    if kind not in PeriodKind.values:
        kind = PeriodKind.MONTH
    today = timezone.localdate()
    current = periods.containing(today, kind)
    recent = []
    p = current
    for _i in range({"month": 12, "quarter": 8, "year": 5}[kind]):
        recent.append(p)
        p = p.previous()
    stored = {
        (r.grid_id, r.period_start): r
        for r in Return.objects.visible_to(request.user)
        .filter(
            grid_path__under=grid.path,
            period_kind=kind,
            period_start__in=[p.start for p in recent],
        )
        .select_related("grid")
    }
    children = (
        list(
            Grid.objects.filter(parent__code=grid.code, is_active=True)
            .exclude(level__in=permissions.NO_RETURN)
            .order_by("code")
        )
        if permissions.is_consolidating(grid)
        else []
    )
    rows = []
    for p in recent:
        own = stored.get((grid.code, p.start))
        done = sum(
            1
            for c in children
            if (r := stored.get((c.code, p.start))) is not None
            and r.status in (ReturnStatus.SIGNED, ReturnStatus.LOCKED)
        )
        rows.append(
            {
                "period": p,
                "ret": own,
                "url": reverse("reports:return_detail", args=[grid.code, p.key]),
                "signed": done,
                "children": len(children),
                "open": p.end >= today,
            }
        )
    return render(
        request,
        "reports/return_list.html",
        {
            "grid": grid,
            "rows": rows,
            "kind": kind,
            "kinds": [
                {"value": v, "label": label, "url": f"?kind={v}", "active": v == kind}
                for v, label in PeriodKind.choices
            ],
            "consolidating": permissions.is_consolidating(grid),
            "report_crumbs": _crumbs(request.user, grid, "reports:return_list"),
        },
    )


def _line_rows(
    ret: Return | None, values: dict[str, Decimal], grid: Grid, period: Period
) -> list[dict[str, Any]]:
    lines = {line.key: line for line in ret.lines.all()} if ret else {}
    drafted = {k: line.drafted for k, line in lines.items()} if ret else values
    final = {k: line.value for k, line in lines.items()} if ret else values
    corrections: dict[str, list[Any]] = {}
    if ret is not None:
        for c in ret.corrections.select_related("created_by"):
            corrections.setdefault(c.key, []).append(c)
    out: list[dict[str, Any]] = []
    for section in registry.sections():
        figs = [f for f in registry.return_figures() if f.section == section.key]
        if not figs:
            continue
        out.append({"section": section})
        for f in figs:
            line = lines.get(f.key)
            out.append(
                {
                    "figure": f,
                    "line": line,
                    "drafted": f.format(f.value_of(drafted)),
                    "value": f.format(f.value_of(final)),
                    "raw": final.get(f.key, Decimal(0)) if f.additive else None,
                    "adjusted": bool(line and line.adjusted),
                    "note": line.note if line else "",
                    "url": f.list_url(grid, period) if f.timing == registry.PERIOD else None,
                    "corrections": corrections.get(f.key, []),
                }
            )
    return out


def _render_return(
    request: HttpRequest, grid: Grid, period: Period, status: int = 200
) -> HttpResponse:
    ret = services.find(grid, period)
    user = request.user
    today = timezone.localdate()
    values = services.preview(grid, period) if ret is None and period.start <= today else {}
    ended = period.end < today
    consolidating = permissions.is_consolidating(grid)
    can_sign = permissions.can_sign(user, grid)
    can_lock = permissions.can_lock(user, grid)
    status_value = ret.status if ret else ""
    parts = list(ret.parts.select_related("grid", "source_return")) if ret else []
    part_figures = [f for f in registry.return_figures() if f.additive and f.on_map][:6]
    return render(
        request,
        "reports/return_detail.html",
        {
            "grid": grid,
            "period": period,
            "ret": ret,
            "title": exports.title(ret) if ret else "",
            "kind_label": PeriodKind(period.kind).label,
            "rows": _line_rows(ret, values, grid, period),
            "parts": [
                {
                    "part": p,
                    "source": PartSource(p.source).label,
                    "cells": [f.format(Decimal(p.values.get(f.key, "0"))) for f in part_figures],
                }
                for p in parts
            ],
            "part_figures": part_figures,
            "may_draft": can_sign
            and period.start <= today
            and status_value in ("", ReturnStatus.DRAFT),
            "may_adjust": can_sign and status_value == ReturnStatus.DRAFT,
            "may_sign": can_sign and ended and status_value == ReturnStatus.DRAFT,
            "may_consolidate": can_lock
            and ended
            and status_value in ("", ReturnStatus.CONSOLIDATED),
            "may_lock": can_lock and status_value == ReturnStatus.CONSOLIDATED,
            "may_correct": ret is not None and ret.locked and permissions.can_correct(user, grid),
            "consolidating": consolidating,
            "ended": ended,
            "previous_url": reverse(
                "reports:return_detail", args=[grid.code, period.previous().key]
            ),
            "next_url": reverse("reports:return_detail", args=[grid.code, period.next().key])
            if period.next().start <= today
            else "",
            "report_crumbs": _crumbs(request.user, grid, "reports:return_detail", period.key),
            "list_url": reverse("reports:return_list", args=[grid.code]) + f"?kind={period.kind}",
        },
        status=status,
    )


@login_required
@require_GET
def return_detail(request: AuthedRequest, code: str, period: str) -> HttpResponse:
    grid = permissions.access_return_grid(request.user, code)
    return _render_return(request, grid, _period(period))


def adjustments(data: Any) -> list[dict[str, Any]]:
    """The adjust form's lines: ``value-<key>`` and ``note-<key>`` for every line shown."""
    out = []
    for name in data:
        if name.startswith("value-"):
            key = name.removeprefix("value-")
            out.append({"key": key, "value": data.get(name), "note": data.get(f"note-{key}", "")})
    return out


def perform(
    action: str, *, user: Any, grid: Grid, period: Period, data: Any, request: Any
) -> Return:
    """One step on a return (the page's forms and ``POST /api/v1/returns`` alike)."""
    if action == ReturnAction.DRAFT:
        return services.draft_return(actor=user, grid=grid, period=period, request=request)
    if action == ReturnAction.CONSOLIDATE:
        return services.consolidate_return(
            actor=user,
            grid=grid,
            period=period,
            note=str(data.get("note") or ""),
            request=request,
        )
    ret = services.find(grid, period)
    if ret is None:
        if action in (ReturnAction.ADJUST, ReturnAction.SIGN):
            permissions.check_sign(user, grid)
        elif action == ReturnAction.LOCK:
            permissions.check_lock(user, grid)
        else:
            permissions.check_correct(user, grid)
        raise ValidationError(_("该期报表尚未生成。"))
    if action == ReturnAction.ADJUST:
        return services.adjust_return(
            actor=user, ret=ret, changes=data.get("lines") or [], request=request
        )
    if action == ReturnAction.SIGN:
        return services.sign_return(actor=user, ret=ret, request=request)
    if action == ReturnAction.LOCK:
        return services.lock_return(actor=user, ret=ret, request=request)
    if action == ReturnAction.CORRECT:
        services.correct_return(
            actor=user,
            ret=ret,
            key=str(data.get("key") or ""),
            value=data.get("value"),
            note=str(data.get("note") or ""),
            request=request,
        )
        return ret
    raise Http404


DONE_MESSAGES = {
    ReturnAction.DRAFT: gettext_lazy("已根据业务数据生成报表草稿。"),
    ReturnAction.ADJUST: gettext_lazy("调整已保存。"),
    ReturnAction.SIGN: gettext_lazy("报表已签报。"),
    ReturnAction.CONSOLIDATE: gettext_lazy("已汇总。"),
    ReturnAction.LOCK: gettext_lazy("本期报表已锁定。"),
    ReturnAction.CORRECT: gettext_lazy("更正已登记。"),
}


@login_required
@require_POST
def return_action(request: AuthedRequest, code: str, period: str, action: str) -> HttpResponse:
    grid = permissions.access_return_grid(request.user, code)
    p = _period(period)
    if action not in ReturnAction.values:
        raise Http404
    data: dict[str, Any] = {
        "note": request.POST.get("note", ""),
        "key": request.POST.get("key", ""),
        "value": request.POST.get("value", ""),
    }
    if action == ReturnAction.ADJUST:
        data["lines"] = adjustments(request.POST)
    try:
        perform(action, user=request.user, grid=grid, period=p, data=data, request=request)
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
        return _render_return(request, grid, p, status=422)
    messages.success(request, str(DONE_MESSAGES[ReturnAction(action)]))
    return redirect("reports:return_detail", grid.code, p.key)


@login_required
@require_GET
def return_download(request: AuthedRequest, code: str, period: str, fmt: str) -> HttpResponse:
    grid = permissions.access_return_grid(request.user, code)
    p = _period(period)
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    ret = services.find(grid, p)
    if ret is None:
        raise Http404
    ret = Return.objects.select_related(
        "grid", "drafted_by", "signed_by", "consolidated_by", "locked_by"
    ).get(pk=ret.pk)
    if fmt == "xlsx":
        body = exports.xlsx(ret)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.pdf(ret)
        mime = "application/pdf"
    record(
        ReportAction.RETURN_DOWNLOADED,
        actor=request.user,
        request=request,
        obj=ret,
        detail={"period": p.key, "format": fmt},
    )
    response = HttpResponse(body, content_type=mime)
    name = f"return-{grid.code}-{p.key}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
