"""The leaders' home widget: the key figures of their grid, this month and last, with links."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from laborgrid.accounts.roles import Role
from laborgrid.core.scope import get_scope
from laborgrid.reports import figures as registry
from laborgrid.reports import permissions, rollup

WIDGET_FIGURES = (
    "cases_received",
    "cases_open",
    "cases_overdue",
    "cases_escalated",
    "cases_wages",
    "employers_coverage",
)


def home_widget(request: HttpRequest) -> dict[str, Any] | None:
    """For leaders (领导): hidden for everyone else and for a leader without a grid."""
    if Role.LEADER not in get_scope(request.user).roles:
        return None
    try:
        grid = permissions.default_grid(request.user, request)
    except Http404:
        return None
    snap = rollup.snapshot(grid, wait=False)
    cards = []
    for key in WIDGET_FIGURES:
        f = registry.get(key)
        if f is None or snap is None:
            continue
        cards.append(
            {
                "figure": f,
                "text": f.format(snap.value(grid, f, snap.this.start)),
                "last": f.format(snap.value(grid, f, snap.last.start)),
                "url": f.list_url(grid, snap.this),
            }
        )
    return {"report_grid": grid, "report_cards": cards, "report_counting": snap is None}
