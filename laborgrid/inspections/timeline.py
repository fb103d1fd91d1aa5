"""The archive timeline's inspection entries (``employers.timeline``): each visit with its
findings (the problems found, or none). One query plus one for the findings, bounded by ``limit``."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from laborgrid.employers.timeline import Entry, register
from laborgrid.inspections.choices import FindingResult, VisitStatus
from laborgrid.inspections.models import Visit, VisitFinding


@register("inspections")
def visit_entries(employer: Any, limit: int) -> list[Entry]:
    rows = (
        Visit.objects.filter(employer=employer)
        .select_related("inspector_1", "inspector_2", "campaign")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=VisitFinding.objects.filter(result=FindingResult.VIOLATION),
                to_attr="violations_found",
            )
        )
        .order_by("-started_at")[:limit]
    )
    out = []
    for v in rows:
        kind = v.campaign.name if v.campaign is not None else _("日常巡视检查")
        title = _("现场检查（%(kind)s）：%(outcome)s") % {
            "kind": kind,
            "outcome": v.get_outcome_display(),
        }
        if v.status != VisitStatus.CONCLUDED:
            title += _("，待监察员确认")
        found = [f.label for f in getattr(v, "violations_found", [])]
        detail = (
            _("发现问题：%(items)s") % {"items": _("、").join(found)} if found else _("未发现问题")
        )
        if v.record_number:
            detail += " · " + _("笔录 %(n)s") % {"n": v.record_number}
        out.append(
            Entry(
                when=v.started_at,
                kind="inspection",
                title=title,
                detail=detail,
                actor=_("、").join(p.display_name for p in (v.inspector_1, v.inspector_2)),
                url=v.get_absolute_url(),
            )
        )
    return out
