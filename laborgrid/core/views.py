"""The home page per role, the grid switcher and the health check."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Cap
from laborgrid.audit.models import AuditAction, AuditEvent
from laborgrid.audit.services import record
from laborgrid.cases.selectors import workbench as cases_workbench
from laborgrid.collection.selectors import workbench as collection_workbench
from laborgrid.core.models import Job, JobStatus
from laborgrid.core.scope import get_scope
from laborgrid.core.selectors import SESSION_GRID_KEY, current_grid, user_grids
from laborgrid.core.types import AuthedRequest
from laborgrid.grids.services import subtree_count
from laborgrid.grids.views import staff_of, with_child_counts


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """本网格工作台 / 全县工作台 / 驾驶舱 / 管理页: one page, sections by what the user may do."""
    scope = get_scope(request.user)
    grid = current_grid(request)
    assignments = list(
        GridAssignment.objects.current().filter(user=request.user).select_related("grid")
    )
    # A role held on a grid covers its subtree: list only the outermost grids of each role and
    # count the grids below them that the person is also named on (e.g. an assistant's villages).
    top = [
        a
        for a in assignments
        if not any(
            o.role == a.role and o.grid_id != a.grid_id and a.grid.path.startswith(o.grid.path)
            for o in assignments
        )
    ]
    ctx: dict = {
        "grid": grid,
        "my_assignments": [
            (
                a,
                sum(
                    1
                    for o in assignments
                    if o is not a and o.role == a.role and o.grid.path.startswith(a.grid.path)
                ),
            )
            for a in top
        ],
    }
    if grid is not None and scope.allows(Cap.GRID_READ, grid.path):
        children = list(with_child_counts(grid.children.filter(is_active=True)).order_by("code"))
        staff = staff_of([grid, *children])
        ctx.update(
            {
                "staff": staff[grid.pk],
                "children": [(c, staff[c.pk]) for c in children],
                "subtree_size": subtree_count(grid),
                "staff_total": sum(len(v) for v in staff.values()),
            }
        )
    # What waits for the person: their collection tasks and reviews, their grids' cases.
    ctx["collection"] = collection_workbench(request.user)
    ctx["cases"] = cases_workbench(request.user)
    if scope.has(Cap.AUDIT_READ):
        ctx["recent_events"] = list(AuditEvent.objects.order_by("-id")[:15])
    return render(request, "core/home.html", ctx)


@login_required
@require_POST
def switch_grid(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code", "")
    if any(g.code == code for g in user_grids(request.user)):
        request.session[SESSION_GRID_KEY] = code
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    return redirect(nxt)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for the load balancer (no data, no auth)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)


# --- Background jobs -------------------------------------------------------------------------------


def access_job(user: Any, pk: uuid.UUID) -> Job:
    job = Job.objects.visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = Job.objects.visible_to(request.user)[:100]
    return render(request, "core/job_list.html", {"jobs": jobs})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return render(request, "core/job_detail.html", {"job": access_job(request.user, pk)})


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The progress card, polled by HTMX every second until the job finishes."""
    return render(request, "core/_job_progress.html", {"job": access_job(request.user, pk)})


@login_required
@require_GET
def job_download(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    job = access_job(request.user, pk)
    if job.status != JobStatus.SUCCEEDED or not job.result_file:
        raise Http404
    record(
        AuditAction.EXPORT_DOWNLOADED,
        actor=request.user,
        request=request,
        obj=job,
        detail={"kind": job.kind, "file": job.result_name},
    )
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)
