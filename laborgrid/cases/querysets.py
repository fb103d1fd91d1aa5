"""List queries shared by the queue page, the boards and the API (one place for filters)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from laborgrid.cases import clock
from laborgrid.cases.choices import OPEN_STATES, CaseKind, CaseState, Category
from laborgrid.cases.models import Case
from laborgrid.deadlines.models import Deadline
from laborgrid.grids.models import Grid
from laborgrid.lib import periods

#: Period filters of the list (``received=2026-11``, ``closed=2026-Q4``, ``filed=2026``): the
#: date each one tests. The statistical returns link their figures to these lists.
PERIOD_FILTERS = {
    "received": "received_on",
    "filed": "filed_on",
    "decided": "decided_on",
    "closed": "closed_on",
}


def overdue_q() -> Exists:
    return Exists(
        Deadline.objects.overdue(clock.today()).for_model(Case).filter(object_id=OuterRef("pk"))
    )


def filter_cases(qs: QuerySet[Case], params: Mapping[str, Any]) -> QuerySet[Case]:
    """Filters: grid (code: its subtree), state (or ``open``), kind, category, overdue,
    escalated, a period per date (:data:`PERIOD_FILTERS`: month, quarter or year), q."""
    grid_code = str(params.get("grid") or "").strip()
    if grid_code:
        grid = Grid.objects.filter(code=grid_code).only("path").first()
        qs = qs.filter(grid_path__under=grid.path) if grid else qs.none()
    state = str(params.get("state") or "")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state in CaseState.values:
        qs = qs.filter(state=state)
    kind = str(params.get("kind") or "")
    if kind in CaseKind.values:
        qs = qs.filter(kind=kind)
    category = str(params.get("category") or "")
    if category in Category.values:
        qs = qs.filter(category=category)
    for name, field in PERIOD_FILTERS.items():
        period = periods.parse(str(params.get(name) or ""))
        if period is not None:
            qs = qs.filter(**{f"{field}__range": (period.start, period.end)})
    if str(params.get("overdue") or "").lower() in {"1", "true", "on", "yes"}:
        qs = qs.filter(overdue_q())
    if str(params.get("escalated") or "").lower() in {"1", "true", "on", "yes"}:
        qs = qs.filter(escalated=True)
    q = str(params.get("q") or "").strip()[:100]
    if q:
        cond = Q(employer_name__contains=q) | Q(facts__contains=q)
        if q.isdigit() and len(q) < 18:
            cond |= Q(pk=int(q))
        elif len(q) > 5 and q[4] == "-" and q[5:].isdigit() and len(q) < 20:
            cond |= Q(pk=int(q[5:]))
        qs = qs.filter(cond)
    return qs


def next_due_map(case_ids: list[int]) -> dict[int, Deadline]:
    """The nearest pending deadline of each case, in one query."""
    result: dict[int, Deadline] = {}
    qs = Deadline.objects.pending().for_model(Case).filter(object_id__in=case_ids)
    for d in qs.order_by("due", "id"):
        if d.object_id not in result or (result[d.object_id].due is None and d.due is not None):
            result[d.object_id] = d
    return result
