"""The order's period, registered with the deadline engine (``laborgrid.deadlines``).

One deadline per order: from the day of issue, the longest item's working days (each item's own
date is on the item). Met when the employer answers or the re-inspection finds everything
corrected; voided when the order is closed or escalated. When it lapses unanswered, the engine's
daily run calls :func:`overdue`: the issuing inspector and the grid's staff are told that the
order is due for re-inspection (``notifications.services.notify``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborgrid.deadlines.choices import Unit
from laborgrid.deadlines.registry import register_kind, register_subject

ORDER_KIND = "rectifications.order"
#: The order's default period (the item's default); each order stores its own length.
DEFAULT_WORKING_DAYS = 10


def _describe(order: Any) -> str:
    return f"{order.number} · {order.employer_name}"


def _url(order: Any) -> str:
    return str(order.get_absolute_url())


def _queryset() -> QuerySet[Any]:
    from laborgrid.rectifications.models import RectificationOrder

    return RectificationOrder.objects.only("id", "number", "employer_name")


def recomputed(order_ids: list[int]) -> None:
    """The calendar changed and moved some orders' deadlines: their items' dates follow (each
    item's period counted again from the day of issue), and the order's date is the longest."""
    from laborgrid.deadlines.services import compute
    from laborgrid.rectifications.models import OrderItem, RectificationOrder

    for order in RectificationOrder.objects.filter(pk__in=order_ids).prefetch_related("items"):
        items = list(order.items.all())
        for item in items:
            due = compute(order.issued_on, item.working_days, Unit.WORKING).due
            if due is not None:
                item.due = due
        OrderItem.objects.bulk_update(items, ["due"])
        if items:
            RectificationOrder.objects.filter(pk=order.pk).update(due=max(i.due for i in items))


def staff_to_tell(order: Any) -> list[Any]:
    """The issuing inspector and the handling staff of the order's grid and the township above
    it (not the whole county: the county sees the board)."""
    from laborgrid.accounts.models import GridAssignment, User
    from laborgrid.accounts.roles import STAFF_ROLES
    from laborgrid.core.paths import path_codes
    from laborgrid.grids.choices import GridLevel

    above_county = (GridLevel.PROVINCE, GridLevel.CITY, GridLevel.COUNTY)
    ids = set(
        GridAssignment.objects.current()
        .filter(grid__code__in=path_codes(order.grid_path), role__in=STAFF_ROLES)
        .exclude(grid__level__in=above_county)
        .values_list("user_id", flat=True)
    )
    ids.add(order.issued_by_id)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def overdue(deadline: Any, today: Any) -> int:
    """The employer's period lapsed without an answer: tell who follows the order up."""
    from laborgrid.notifications.services import notify
    from laborgrid.rectifications.choices import OrderState
    from laborgrid.rectifications.models import RectificationOrder

    order = RectificationOrder.objects.filter(pk=deadline.object_id).first()
    if order is None or order.state != OrderState.OPEN:
        return 0
    return notify(
        staff_to_tell(order),
        title=_("责令改正逾期：%(number)s") % {"number": order.number},
        body=_("%(employer)s 的整改期限已于 %(due)s 届满，尚未回复整改情况，请组织复查。")
        % {"employer": order.employer_name, "due": order.due.isoformat()},
        url=order.get_absolute_url(),
    )


def register() -> None:
    from laborgrid.rectifications.models import RectificationOrder

    register_subject(
        RectificationOrder,
        describe=_describe,
        url=_url,
        queryset=_queryset,
        on_recomputed=recomputed,
    )
    register_kind(
        ORDER_KIND,
        model=RectificationOrder,
        label=gettext_lazy("整改期限"),
        amount=DEFAULT_WORKING_DAYS,
        unit=Unit.WORKING,
        basis="《劳动保障监察条例》第十八条",
        escalate=overdue,
    )
