"""Read-only figures for other pages (the home workbench: 本网格工作台 lists cases due soon and
overdue, ARCHITECTURE §7). One grouped query."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from laborgrid.accounts.roles import Cap
from laborgrid.cases import clock
from laborgrid.cases.choices import OPEN_STATES, CaseState
from laborgrid.cases.models import Case
from laborgrid.core.scope import get_scope
from laborgrid.deadlines.models import DUE_SOON_DAYS, Deadline


def workbench(user: Any) -> dict[str, int] | None:
    """Counts of the user's visible cases for the home page; None without ``work.read``.

    ``{"open", "received", "due_soon", "overdue", "supervised"}`` — include
    ``cases/_workbench.html`` with ``cases=workbench(request.user)``.
    """
    if not get_scope(user).has(Cap.WORK_READ):
        return None
    today = clock.today()
    pending = Deadline.objects.pending().for_model(Case)
    overdue = pending.filter(due__lt=today).values("object_id")
    soon = pending.filter(due__gte=today, due__lte=today + timedelta(days=DUE_SOON_DAYS)).values(
        "object_id"
    )
    row = (
        Case.objects.visible_to(user)
        .filter(state__in=OPEN_STATES)
        .aggregate(
            open=Count("pk"),
            received=Count("pk", filter=Q(state=CaseState.RECEIVED)),
            due_soon=Count("pk", filter=Q(pk__in=soon)),
            overdue=Count("pk", filter=Q(pk__in=overdue)),
            supervised=Count("pk", filter=Q(escalated=True)),
        )
    )
    return {k: int(v or 0) for k, v in row.items()}


def home_widget(request: HttpRequest) -> dict[str, Any] | None:
    """The home workbench's section (``core.extensions``): hidden when ``workbench`` is None."""
    counts = workbench(request.user)
    return None if counts is None else {"cases": counts}
