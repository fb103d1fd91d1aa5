"""Staff lists: the queue of the user's grids (scoped by ``visible_to``) and the deadline boards
(due soon, overdue, 挂牌督办) per grid."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from laborgrid.accounts.roles import Cap
from laborgrid.cases import clock
from laborgrid.cases.choices import OPEN_STATES
from laborgrid.cases.forms import QueueFilterForm
from laborgrid.cases.models import Case
from laborgrid.cases.querysets import filter_cases, next_due_map
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.deadlines.models import DUE_SOON_DAYS, Deadline, DeadlineQuerySet
from laborgrid.grids.models import Grid
from laborgrid.grids.selectors import current_grid
from laborgrid.lib import periods

PAGE_SIZE = 50


@login_required
@require_GET
def case_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    form = QueueFilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    qs = filter_cases(Case.objects.visible_to(request.user).with_list_related(), params)
    page = Paginator(qs.order_by("-received_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    due = next_due_map([c.pk for c in rows])
    today = clock.today()
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    chips = _chips(request, params)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(c, due.get(c.pk)) for c in rows],
            "today": today,
            "query": query,
            "chips": chips,
            "can_register": request.user and _can_write(request.user),
        },
    )


#: The hidden filters (set by links from the dashboard and the returns), as chips a user can drop.
_PERIOD_LABELS = {
    "received": _("收到于 %(period)s"),
    "filed": _("立案于 %(period)s"),
    "decided": _("决定于 %(period)s"),
    "closed": _("结案于 %(period)s"),
}


def _chips(request: AuthedRequest, params: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, URL without that filter) for the grid and period filters in force."""

    def without(name: str) -> str:
        rest = {k: v for k, v in request.GET.items() if k not in (name, "page")}
        return f"?{urlencode(rest)}" if rest else "?"

    chips: list[tuple[str, str]] = []
    code = str(params.get("grid") or "").strip()
    if code:
        grid = Grid.objects.visible_to(request.user).filter(code=code).only("name").first()
        chips.append((grid.name if grid else code, without("grid")))
    for name, label in _PERIOD_LABELS.items():
        period = periods.parse(str(params.get(name) or ""))
        if period is not None:
            chips.append((str(label) % {"period": period.key}, without(name)))
    return chips


def _can_write(user: Any) -> bool:
    from laborgrid.core.scope import get_scope

    return get_scope(user).has(Cap.WORK_WRITE)


@login_required
@require_GET
def case_boards(request: AuthedRequest) -> HttpResponse:
    """Due soon, overdue and supervised cases of the grids the user sees, counted per grid."""
    require_capability(request.user, Cap.WORK_READ)
    today = clock.today()
    visible = Case.objects.visible_to(request.user).filter(state__in=OPEN_STATES)
    pending = Deadline.objects.pending().for_model(Case).filter(object_id__in=visible.values("pk"))
    overdue = _with_cases(pending.filter(due__lt=today).order_by("due")[:100])
    soon = _with_cases(
        pending.filter(due__gte=today, due__lte=today + timedelta(days=DUE_SOON_DAYS)).order_by(
            "due"
        )[:100]
    )
    escalated = list(
        visible.filter(escalated=True).with_list_related().order_by("escalated_at")[:100]
    )
    grid = current_grid(request)
    per_grid = (
        visible.values("grid__code", "grid__name")
        .annotate(
            open=Count("pk", distinct=True),
            overdue=Count(
                "pk",
                filter=Q(
                    deadlines__met_on__isnull=True,
                    deadlines__voided=False,
                    deadlines__due__lt=today,
                ),
                distinct=True,
            ),
            supervised=Count("pk", filter=Q(escalated=True), distinct=True),
        )
        .order_by("grid__code")[:200]
    )
    return render(
        request,
        "cases/case_boards.html",
        {
            "overdue": overdue,
            "soon": soon,
            "escalated": escalated,
            "per_grid": per_grid,
            "today": today,
            "grid": grid,
        },
    )


def _with_cases(deadlines: DeadlineQuerySet) -> list[dict[str, Any]]:
    """Each deadline with its case (and the case's grid): two queries for the whole list."""
    rows = list(deadlines)
    cases = Case.objects.with_list_related().in_bulk([d.object_id for d in rows])
    return [{"deadline": d, "case": cases[d.object_id]} for d in rows if d.object_id in cases]


urlpatterns: list[URLPattern] = [
    path("", case_list, name="case_list"),
    path("boards/", case_boards, name="case_boards"),
]
