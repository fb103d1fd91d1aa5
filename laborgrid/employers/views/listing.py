"""Employer pages: the list (filters, search, keyset pages) and its XLSX export.

Everything the list shows comes from ``laborgrid.employers.filters`` (the same FilterSet, search
and keyset pagination as the export and the API), so what a person sees, exports and gets from the
API is the same set of rows: their grids' current employers. At a million rows the list never
counts past ``filters.COUNT_CAP`` and never uses OFFSET: "下一页" carries a cursor, and there are
no page numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.core.jobs import start_export
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.text import labelled
from laborgrid.employers import exports, filters, indexing
from laborgrid.employers.choices import EmployerStatus, EmployerType, Industry, RiskFlag
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid


@dataclass
class Row:
    """One table row: the employer and the labels the template cannot compute cheaply.

    Choice labels come from dicts built once per page: ``get_FOO_display()`` rebuilds the whole
    choice dict (and translates every label) on each call, which made 50 rows cost ~1 ms each.
    """

    employer: Employer
    url: str
    type_label: str
    industry_label: str
    status_label: str
    risks: list[str]
    collection_badge: str  # "" when collected within the last 6 months


class _Labels:
    def __init__(self) -> None:
        self.types = {v: str(label) for v, label in EmployerType.choices}
        self.industries = {v: str(label) for v, label in Industry.choices}
        self.statuses = {v: str(label) for v, label in EmployerStatus.choices}
        self.flags = {v: str(label) for v, label in RiskFlag.choices}
        self.today = timezone.localdate()


def _row(employer: Employer, labels: _Labels) -> Row:
    if employer.last_collected_on is None:
        badge = labels.flags[RiskFlag.NEVER_COLLECTED]
    elif employer.is_stale(labels.today):
        badge = labels.flags[RiskFlag.STALE]
    else:
        badge = ""
    return Row(
        employer=employer,
        url=employer.get_absolute_url(),
        type_label=labels.types.get(employer.employer_type, employer.employer_type),
        industry_label=labels.industries.get(employer.industry, ""),
        status_label=labels.statuses.get(employer.status, employer.status),
        risks=[labels.flags[f] for f in employer.risk_flags],
        collection_badge=badge,
    )


def grid_options(user: Any, selected: str) -> list[tuple[str, str]]:
    """The grid select: the roots of the user's employer scope and their children (one query).

    A deeper grid chosen elsewhere (a link from a grid page) is added so that the select shows
    it; a code the user cannot see is not looked up here — the filter itself answers it with an
    empty list.
    """
    roots = get_scope(user).paths(Cap.WORK_READ)
    if not roots:
        return []
    condition = Q(path__in=roots) | Q(parent__path__in=roots)
    if selected:
        condition |= Q(code=selected, pk__in=Grid.objects.visible_to(user).values("pk"))
    grids = (
        Grid.objects.filter(condition, is_active=True)
        .only("code", "name", "path", "depth")
        .order_by("path")
    )
    top = min((g.depth for g in grids), default=0)
    # Indent children under their root with ideographic spaces (a <select> has no other way).
    return [(g.code, "\u00a0" * 4 * (g.depth - top) + g.name) for g in grids]


def _query(params: QueryDict, **changes: str | None) -> str:
    """``params`` as a query string with ``changes`` applied (None removes a key)."""
    q = params.copy()
    for key, value in changes.items():
        q.pop(key, None)
        if value is not None:
            q[key] = value
    return q.urlencode()


def _count_text(page: filters.Page) -> str:
    # The list counts up to its cap on purpose (filters.COUNT_CAP: an exact count of any filter
    # over a million rows is not cheap); the exact totals per grid are the coverage roll-up's,
    # which said 3,005 beside our "超过 1,000 家" (issue 23). Say so instead of seeming to disagree.
    if page.count_capped:
        return _("%(n)s 家以上（列表只数到 %(n)s 家；全量统计见“底数覆盖情况”）") % {
            "n": f"{page.cap:,}"
        }
    return _("共 %(n)s 家") % {"n": f"{page.count:,}"}


def _form_errors(fs: filters.EmployerFilterSet) -> list[str]:
    """Invalid filter values as "field: message" lines (the list then shows no rows)."""
    if fs.is_valid():
        return []
    lines: list[str] = []
    for name, errs in fs.form.errors.items():
        field = fs.form.fields.get(name)
        lines.extend(
            labelled(field.label, m) if field is not None and field.label else str(m) for m in errs
        )
    return lines


@login_required
@require_GET
def employer_list(request: HttpRequest) -> HttpResponse:
    """用人单位名录: the current employers of the user's grids, filtered, searched and paged."""
    scope = require_capability(request.user, Cap.WORK_READ)
    params = request.GET
    fs, qs = filters.filtered(request.user, params)
    sort = params.get("sort") or filters.Sort.NAME
    if sort not in dict(filters.Sort.CHOICES):
        sort = filters.Sort.NAME
    cursor = params.get("cursor") or None
    cursor_error = ""
    page: filters.Page | None = None
    if fs.is_valid():
        try:
            page = filters.paginate(
                qs.with_list_related(),
                sort=sort,
                cursor=cursor,
                in_order=fs.plan.in_order,
                count_cap=fs.plan.count_cap,
            )
        except filters.BadCursor as exc:
            # A cursor that was edited, truncated or made for another sort: say so and start
            # again from the first page (never a 500).
            cursor_error = str(exc)
            cursor = None
            page = filters.paginate(
                qs.with_list_related(),
                sort=sort,
                cursor=None,
                in_order=fs.plan.in_order,
                count_cap=fs.plan.count_cap,
            )
    next_cursor = page.next_cursor if page else None
    labels = _Labels()
    pending = indexing.pending_count(request.user) if indexing.any_pending() else 0
    create_url = reverse("employers:employer_create") if scope.has(Cap.WORK_WRITE) else None
    return render(
        request,
        "employers/employer_list.html",
        {
            "errors": _form_errors(fs),
            "params": {
                key: params.get(key, "")
                for key in ("q", "grid", "employer_type", "industry", "status")
            },
            "flags_selected": params.getlist("flag"),
            "sort": sort,
            "page": page,
            "rows": [_row(e, labels) for e in page.items] if page else [],
            "count_text": _count_text(page) if page else "",
            "cursor": cursor,
            "cursor_error": cursor_error,
            "next_query": _query(params, cursor=next_cursor) if next_cursor else "",
            "first_query": _query(params, cursor=None),
            "export_fields": exports.export_fields(exports.export_params(params)),
            "grid_options": grid_options(request.user, params.get("grid", "").strip()),
            "type_choices": EmployerType.choices,
            "industry_choices": Industry.choices,
            "status_choices": EmployerStatus.choices,
            "flag_choices": RiskFlag.choices,
            "sort_choices": filters.Sort.CHOICES,
            "create_url": create_url,
            # Employers an import wrote whose character index is still being built.
            "index_pending": pending,
            "index_pending_text": f"{pending:,}",
        },
    )


@login_required
@require_POST
def employer_export(request: HttpRequest) -> HttpResponse:
    """Start the XLSX export of the filtered list (a background job; no row cap)."""
    require_capability(request.user, Cap.WORK_READ)
    # The list's filters, from the form posted by the list page or the query string.
    data = request.GET.copy()
    for key in request.POST:
        if key != "csrfmiddlewaretoken":
            data.setlist(key, request.POST.getlist(key))
    params = exports.export_params(data)
    fs, _qs = filters.filtered(request.user, exports.as_querydict(params))
    if not fs.is_valid():
        messages.error(request, _("筛选条件无效，未能导出。"))
        return redirect(reverse("employers:employer_list") + "?" + data.urlencode())
    job = start_export(
        request,
        kind=exports.KIND,
        title=_("用人单位名录导出：%(filters)s")
        % {"filters": exports.describe_filters(request.user, params)},
        params=params,
        detail={"filters": params},
    )
    return redirect(job)


urlpatterns: list[URLPattern] = [
    path("", employer_list, name="employer_list"),
    path("export/", employer_export, name="employer_export"),
]
