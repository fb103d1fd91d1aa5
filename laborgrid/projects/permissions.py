"""The single-object gate for projects: 404 for missing and out-of-scope alike (rule 2)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import check_write
from laborgrid.projects.models import ArrearsEntry, Obligation, PaySheet, Project


def _int(pk: Any) -> int:
    text = str(pk)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise Http404
    return int(text)


def access_project(user: Any, pk: Any, capability: str = Cap.WORK_READ) -> Project:
    """The project ``pk`` if ``user`` may see it; 403 when they may see but not change it."""
    project = Project.objects.visible_to(user).with_list_related().filter(pk=_int(pk)).first()
    if project is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, project.grid_path)
    return project


def access_obligation(project: Project, pk: Any) -> Obligation:
    ob = project.obligations.filter(pk=_int(pk)).first()
    if ob is None:
        raise Http404
    ob.project = project
    return ob


def access_sheet(project: Project, pk: Any) -> PaySheet:
    sheet = project.paysheets.filter(pk=_int(pk)).first()
    if sheet is None:
        raise Http404
    sheet.project = project
    return sheet


def access_arrears(user: Any, pk: Any, capability: str = Cap.WORK_READ) -> ArrearsEntry:
    entry = (
        ArrearsEntry.objects.visible_to(user).select_related("project").filter(pk=_int(pk)).first()
    )
    if entry is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, entry.grid_path)
    return entry
