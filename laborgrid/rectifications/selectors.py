"""Reads: the filtered list, the certified inspectors of a grid, the source's label and link."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.cases.services.common import HANDLER_ROLES
from laborgrid.core.paths import path_codes
from laborgrid.grids.models import Grid
from laborgrid.lib import periods
from laborgrid.rectifications import clock
from laborgrid.rectifications.choices import ACTIVE_STATES, OrderState
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.rectifications.registry import get_source

TRUE = {"1", "true", "on", "yes"}


def filter_orders(
    qs: QuerySet[RectificationOrder], params: Mapping[str, Any]
) -> QuerySet[RectificationOrder]:
    """Filters: grid (code: its subtree), state (or ``active``), overdue, issued / closed (a
    period key), employer (id), q."""
    grid_code = str(params.get("grid") or "").strip()
    if grid_code:
        grid = Grid.objects.filter(code=grid_code).only("path").first()
        qs = qs.filter(grid_path__under=grid.path) if grid else qs.none()
    state = str(params.get("state") or "")
    if state == "active":
        qs = qs.filter(state__in=ACTIVE_STATES)
    elif state in OrderState.values:
        qs = qs.filter(state=state)
    if str(params.get("overdue") or "").lower() in TRUE:
        qs = qs.filter(state=OrderState.OPEN, due__lt=clock.today())
    for name, field in (("issued", "issued_on"), ("closed", "closed_on")):
        period = periods.parse(str(params.get(name) or ""))
        if period is not None:
            qs = qs.filter(**{f"{field}__range": (period.start, period.end)})
    employer = str(params.get("employer") or "")
    if employer.isdigit() and len(employer) < 18:
        qs = qs.filter(employer_id=int(employer))
    q = str(params.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(employer_name__contains=q) | Q(number__contains=q))
    return qs


def certified_inspectors(grid_path: str, *, exclude: Any = None) -> list[User]:
    """Certified inspectors holding a handler role on the grid or above (who may recheck)."""
    from laborgrid.cases.models import InspectorCertificate

    today = clock.today()
    ids = (
        GridAssignment.objects.current(today)
        .filter(grid__code__in=path_codes(grid_path), role__in=HANDLER_ROLES)
        .values("user_id")
    )
    valid = InspectorCertificate.objects.filter(
        revoked_at__isnull=True, issued_on__lte=today, valid_to__gte=today
    ).values("user_id")
    qs = User.objects.filter(pk__in=ids, is_active=True).filter(pk__in=valid)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.order_by("username"))


def source_of(order: RectificationOrder) -> tuple[str, str] | None:
    """The source's (label, url), or None for an order issued directly."""
    if order.source_type_id is None:
        return None
    obj = order.source
    registered = get_source(order.source_type.model_class() or "") if order.source_type else None
    if obj is None or registered is None:
        return None
    return str(registered.label), registered.url(obj)
