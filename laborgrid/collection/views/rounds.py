"""Rounds (open, list, progress, export, close) and task reassignment (issue 5 §1, §7)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.collection import exports, services
from laborgrid.collection.choices import RoundStatus, TaskStatus
from laborgrid.collection.forms import ReassignForm, RoundForm
from laborgrid.collection.models import CollectionRound, CollectionTask
from laborgrid.collection.permissions import (
    MANAGE_ROLES,
    access_round,
    access_task,
    can_manage,
    can_reassign,
    role_paths,
)
from laborgrid.collection.progress import round_progress
from laborgrid.core.forms import attach_errors
from laborgrid.core.jobs import start_export
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest

PAGE_SIZE = 50


@login_required
@require_GET
def round_list(request: AuthedRequest) -> HttpResponse:
    """采集轮次: the rounds on the user's grids (and county rounds that reach into them)."""
    require_capability(request.user, Cap.WORK_READ)
    rounds = Paginator(
        CollectionRound.objects.visible_to(request.user)
        .select_related("grid", "opened_by")
        .defer("grid__boundary"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "collection/round_list.html",
        {"page": rounds, "can_open": bool(role_paths(request.user, MANAGE_ROLES))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    if not role_paths(request.user, MANAGE_ROLES):
        raise Http404
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            rnd = services.open_round(
                actor=request.user,
                name=cd["name"],
                kind=cd["kind"],
                grid=cd["grid"],
                grid_codes=[g.code for g in cd["grid_codes"]],
                filters=form.round_filters(),
                starts_on=cd["starts_on"],
                ends_on=cd["ends_on"],
                note=cd["note"],
                request=request,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "employer_ids" in exc.error_dict:
                exc.error_dict["employer_list"] = exc.error_dict.pop("employer_ids")
            attach_errors(form, exc)
        else:
            messages.success(request, _("已发起采集轮次，正在后台生成任务。"))
            return redirect(rnd)
    return render(request, "collection/round_form.html", {"form": form})


def _chart(prog: Any, rnd: CollectionRound) -> dict[str, Any]:
    """The bar chart's data: the round grid's direct children (or the grid itself)."""
    rows = [g for g in prog.grids if g.level == 1] or [g for g in prog.grids if g.level == 0]
    return {
        "names": [g.grid.name for g in rows],
        "done": [g.counts.done for g in rows],
        "submitted": [g.counts.submitted for g in rows],
        # Overdue tasks may be awaiting review too: never count one twice.
        "open": [
            max(0, g.counts.assigned - g.counts.done - g.counts.submitted - g.counts.overdue)
            for g in rows
        ],
        "overdue": [g.counts.overdue for g in rows],
        "labels": {
            "done": _("已完成"),
            "submitted": _("待审核"),
            "open": _("未完成"),
            "overdue": _("已逾期"),
        },
    }


@login_required
@require_GET
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A round: progress per grid (rolled up) and person, a chart, and its tasks."""
    rnd = access_round(request.user, pk)
    prog = round_progress(rnd, request.user)
    tasks = CollectionTask.objects.visible_to(request.user).filter(round=rnd).with_list_related()
    status = request.GET.get("status", "")
    if status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    elif status == "overdue":
        tasks = tasks.exclude(status=TaskStatus.DONE).filter(due_on__lt=timezone.localdate())
    page = Paginator(tasks.order_by("due_on", "priority", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    job = rnd.job if rnd.job and rnd.job.actor_id == request.user.pk else None
    return render(
        request,
        "collection/round_detail.html",
        {
            "round": rnd,
            "progress": prog,
            "chart": _chart(prog, rnd),
            "page": page,
            "status": status,
            "statuses": TaskStatus.choices,
            "query": f"status={status}" if status else "",
            "job": job if rnd.status == RoundStatus.GENERATING else None,
            "can_manage": can_manage(request.user, rnd.grid_path),
            "can_reassign": any(can_reassign(request.user, t.grid_path) for t in page),
            "today": prog.today,
        },
    )


@login_required
@require_POST
def round_close(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = access_round(request.user, pk)
    try:
        services.close_round(actor=request.user, rnd=rnd, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("采集轮次已结束。"))
    return redirect(rnd)


@login_required
@require_POST
def round_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """Start the XLSX export of a round's progress (a background job)."""
    rnd = access_round(request.user, pk)
    job = start_export(
        request,
        kind=exports.KIND,
        title=_("%(name)s 采集进度") % {"name": rnd.name},
        params={"round": rnd.pk},
        detail={"round": rnd.pk},
    )
    return redirect(job)


@login_required
@require_http_methods(["GET", "POST"])
def task_reassign(request: AuthedRequest, pk: int) -> HttpResponse:
    task = access_task(request.user, pk)
    if not can_reassign(request.user, task.grid_path):
        raise PermissionDenied
    form = ReassignForm(
        request.POST or None,
        grid_path=task.grid_path,
        initial={"assignee": task.assignee_id, "due_on": task.due_on},
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.reassign_task(
                actor=request.user,
                task=task,
                assignee=cd["assignee"],
                due_on=cd["due_on"],
                reason=cd["reason"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已改派。"))
            return redirect(task.round)
    return render(request, "collection/task_reassign.html", {"form": form, "task": task})
