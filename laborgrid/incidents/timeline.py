"""The archive timeline's incident entries (``employers.timeline``): every mass incident at the
employer, with its level and, once closed, the wages paid on the spot. One query, bounded."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from laborgrid.employers.timeline import Entry, register
from laborgrid.incidents.choices import IncidentStatus
from laborgrid.incidents.models import Incident


@register("incidents")
def incident_entries(employer: Any, limit: int) -> list[Entry]:
    rows = (
        Incident.objects.filter(employer=employer)
        .select_related("level", "reported_by")
        .order_by("-occurred_at")[:limit]
    )
    out = []
    for i in rows:
        detail = _("%(level)s，约 %(n)d 人，%(status)s") % {
            "level": i.level.display_name,
            "n": i.people,
            "status": i.get_status_display(),
        }
        if i.status == IncidentStatus.CLOSED and i.wages_paid:
            detail += _("；现场支付工资 %(amount)s 元（%(n)d 人）") % {
                "amount": i.wages_paid,
                "n": i.workers_paid,
            }
        out.append(
            Entry(
                when=i.occurred_at,
                kind="incident",
                title=_("群体性事件 %(ref)s") % {"ref": i.reference},
                detail=detail,
                actor=i.reported_by.display_name,
                url=i.get_absolute_url(),
            )
        )
    return out
