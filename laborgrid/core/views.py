"""The health check and the background-job pages (the home page is ``laborgrid/site``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from laborgrid.audit.models import AuditAction
from laborgrid.audit.services import record
from laborgrid.core.models import Job, JobStatus
from laborgrid.core.types import AuthedRequest


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
def job_download(request: AuthedRequest, pk: uuid.UUID) -> FileResponse:
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
