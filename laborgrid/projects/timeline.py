"""The projects on the contractor's archive timeline (``employers.timeline``): each project the
employer works on as general contractor or subcontractor, and each checked pay sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from laborgrid.employers.timeline import Entry, register
from laborgrid.projects.models import PaySheet, Project

if TYPE_CHECKING:
    from laborgrid.employers.models import Employer


@register("projects")
def project_entries(employer: Employer, limit: int) -> list[Entry]:
    on = Q(general_contractor=employer) | Q(subcontractors__employer=employer)
    projects = list(
        Project.objects.filter(on)
        .distinct()
        .select_related("created_by")
        .only(
            "id",
            "name",
            "created_at",
            "general_contractor_id",
            "created_by__full_name",
            "created_by__username",
        )
        .order_by("-created_at")[:limit]
    )
    entries = [
        Entry(
            when=p.created_at,
            kind="project",
            title=_("登记在建工程项目：%(name)s") % {"name": p.name},
            detail=_("施工总承包单位") if p.general_contractor_id == employer.pk else _("分包单位"),
            actor=p.created_by.display_name,
            url=p.get_absolute_url(),
        )
        for p in projects
    ]
    sheets = (
        PaySheet.objects.filter(project__general_contractor=employer)
        .select_related("project", "uploaded_by")
        .order_by("-uploaded_at")[:limit]
    )
    entries += [
        Entry(
            when=s.uploaded_at,
            kind="project",
            title=_("工资支付表 %(month)s：%(name)s")
            % {"month": f"{s.month:%Y-%m}", "name": s.project.name},
            detail=_("%(n)d 人，不在花名册 %(missing)d 人，少发 %(short)s 元")
            % {"n": s.lines, "missing": s.not_in_roster, "short": s.shortfall},
            actor=s.uploaded_by.display_name,
            url=s.get_absolute_url(),
        )
        for s in sheets
    ]
    return entries
