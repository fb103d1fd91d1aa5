"""The incident report deadlines (DOMAIN B1.9), registered with the deadline engine.

Hours, counted by the clock (holidays included). The lengths registered here are only the
defaults: each incident opens its deadlines with the hours of its level (``IncidentLevel``),
which the county configures. A missed report escalates: the whole chain is told and the
incident is flagged (``services.escalate_report``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from laborgrid.deadlines.choices import Unit
from laborgrid.deadlines.registry import register_kind, register_subject
from laborgrid.incidents.models import Incident

INITIAL = "incidents.initial_report"
CONTINUING = "incidents.continuing_report"
FINAL = "incidents.final_report"

BASIS = "劳动保障监察条例第十四条第四款；本地应急预案"

#: kind → (label, default hours)
KINDS: dict[str, tuple[Any, int]] = {
    INITIAL: (_("群体性事件首报"), 2),
    CONTINUING: (_("群体性事件续报"), 24),
    FINAL: (_("群体性事件终报"), 72),
}


def _describe(incident: Incident) -> str:
    return f"{incident.reference} · {incident.employer_name}"


def _url(incident: Incident) -> str:
    return incident.get_absolute_url()


def _queryset() -> QuerySet[Incident]:
    return Incident.objects.only("id", "reported_at", "employer_name")


def _escalate(deadline: Any, today: Any) -> int:
    from laborgrid.incidents.services import escalate_report

    return escalate_report(deadline)


def register() -> None:
    register_subject(Incident, describe=_describe, url=_url, queryset=_queryset)
    for kind, (label, hours) in KINDS.items():
        register_kind(
            kind,
            model=Incident,
            label=label,
            amount=hours,
            unit=Unit.HOURS,
            basis=BASIS,
            escalate=_escalate,
        )
