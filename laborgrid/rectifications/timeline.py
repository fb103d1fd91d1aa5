"""The orders on the employer's archive timeline (``employers.timeline``): each step of each
order (issued, answered, rechecked, closed, escalated), newest first, one query."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from laborgrid.employers.timeline import Entry, register
from laborgrid.rectifications.models import OrderStep

if TYPE_CHECKING:
    from laborgrid.employers.models import Employer


@register("rectifications")
def order_entries(employer: Employer, limit: int) -> list[Entry]:
    steps = (
        OrderStep.objects.filter(order__employer=employer)
        .select_related("order", "actor")
        .only(
            "at",
            "action",
            "to_state",
            "note",
            "order__id",
            "order__number",
            "actor__full_name",
            "actor__username",
        )
        .order_by("-at", "-id")[:limit]
    )
    return [
        Entry(
            when=s.at,
            kind="rectification",
            title=_("%(action)s：%(number)s")
            % {"action": s.get_action_display(), "number": s.order.number},
            detail=s.get_to_state_display(),
            actor=s.actor.display_name if s.actor else "",
            url=s.order.get_absolute_url(),
        )
        for s in steps
    ]
