"""The deadline board (期限看板): overdue, due soon, provisional (暂定: a year's holiday notice
not entered yet) and uncomputable deadlines of every kind in the user's grids, filtered by grid (its subtree) and kind, each row linking to its object.

Rows are scoped by ``Deadline.objects.visible_to`` (the deadline's grid path, ``work.read``);
the objects are loaded in one query per object type through the owning app's registration.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.deadlines.models import DUE_SOON_DAYS, Deadline, DeadlineQuerySet
from laborgrid.deadlines.registry import get_subject, rules
from laborgrid.grids.models import Grid

#: Rows per section (the board is a worklist, not an archive: the nearest first).
SECTION_ROWS = 100


@dataclass(frozen=True)
class Row:
    deadline: Deadline
    text: str
    url: str


def _rows(deadlines: list[Deadline]) -> list[Row]:
    """Each deadline with its object's text and link: one query per object type."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for d in deadlines:
        wanted[d.content_type_id].add(d.object_id)
    objects: dict[tuple[int, int], Any] = {}
    subjects: dict[int, Any] = {}
    for ct_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        subject = get_subject(model) if model is not None else None
        subjects[ct_id] = subject
        if model is None:
            continue
        qs = subject.queryset() if subject is not None and subject.queryset else None
        qs = qs if qs is not None else model._default_manager.all()
        for pk, obj in qs.in_bulk(sorted(ids)).items():
            objects[(ct_id, pk)] = obj
    rows = []
    for d in deadlines:
        obj = objects.get((d.content_type_id, d.object_id))
        subject = subjects.get(d.content_type_id)
        if obj is None or subject is None:
            rows.append(Row(d, f"#{d.object_id}", ""))
        else:
            rows.append(Row(d, subject.describe(obj), subject.url(obj)))
    return rows


def _section(qs: DeadlineQuerySet) -> list[Row]:
    return _rows(list(qs.select_related("grid").defer("grid__boundary")[:SECTION_ROWS]))


@login_required
@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    """期限看板：本人可见网格内各类期限的超期、即将到期、暂定与无法计算（缺少日历）情况。"""
    scope = require_capability(request.user, Cap.WORK_READ)
    today = timezone.localdate()
    now = timezone.now()
    qs = Deadline.objects.visible_to(request.user).pending()
    grid_code = str(request.GET.get("grid") or "").strip()[:64]
    grid = (
        Grid.objects.filter(code=grid_code).only("code", "name", "path").first()
        if grid_code
        else None
    )
    if grid is not None and not scope.allows(Cap.WORK_READ, grid.path):
        grid = None  # a grid outside the user's scope is not named, nor its rows shown
    if grid_code:
        qs = qs.filter(grid_path__under=grid.path) if grid is not None else qs.none()
    kinds = [(r.kind, str(r.label)) for r in rules()]
    kind = str(request.GET.get("kind") or "")
    if kind:
        qs = qs.filter(kind=kind) if kind in dict(kinds) else qs.none()
    overdue = qs.overdue(today, now).order_by("due", "due_at", "id")
    soon = (
        qs.due_within(DUE_SOON_DAYS, today).exclude(due_at__lt=now).order_by("due", "due_at", "id")
    )
    missing = qs.missing_calendar().order_by("start", "id")
    provisional = qs.provisional().order_by("due", "id")
    return render(
        request,
        "deadlines/board.html",
        {
            "today": today,
            "overdue": _section(overdue),
            "soon": _section(soon),
            "missing": _section(missing),
            "provisional": _section(provisional),
            "kinds": kinds,
            "kind": kind,
            "grid": grid,
            "grid_code": grid_code,
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


urlpatterns: list[URLPattern] = [path("", board, name="board")]
