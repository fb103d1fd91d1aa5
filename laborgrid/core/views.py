"""The health check, the field service worker and the background-job pages (the home page is
``laborgrid/site``)."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from laborgrid.audit.models import AuditAction
from laborgrid.audit.services import record
from laborgrid.core.extensions import offline_pages
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


# --- The field service worker ----------------------------------------------------------------------

#: Static files every offline page needs (the app shell); apps add theirs in ``OfflinePage.shell``.
SHELL = (
    "vendor/tabler/tabler.min.css",
    "vendor/tabler/tabler.min.js",
    "vendor/tabler-icons/tabler-icons.min.css",
    "vendor/htmx/htmx.min.js",
    "laborgrid/app.css",
    "laborgrid/app.js",
    "laborgrid/favicon.svg",
    "laborgrid/offline.js",
    "laborgrid/offline-form.js",
    "laborgrid/photo.js",
)
SW_SOURCE = Path(__file__).resolve().parent / "templates" / "core" / "sw.js"


def _patterns(page: Any) -> list[str]:
    patterns = page.patterns() if callable(page.patterns) else page.patterns
    for pattern in patterns:
        re.compile(pattern)  # a broken pattern fails here, not silently in the browser
    return list(patterns)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker of every page kept for offline use (scope ``/``). Its cache name
    changes whenever the shell's files (their hashed URLs), the registered pages or this script
    change; the pages named for the signed-in user are copied when it installs."""
    pages = offline_pages()
    shell = list(
        dict.fromkeys(static(p) for p in SHELL + tuple(f for pg in pages for f in pg.shell))
    )
    patterns = [p for page in pages for p in _patterns(page)]
    precache: list[str] = []
    if request.user.is_authenticated:
        precache = [url for page in pages if page.precache for url in page.precache(request)]
    version = hashlib.sha256(
        json.dumps([shell, patterns, precache, SW_SOURCE.read_bytes().hex()]).encode()
    ).hexdigest()[:12]
    body = render_to_string(
        "core/sw.js",
        {
            "version": version,
            "scope": "/",
            "shell_json": json.dumps(shell),
            "patterns_json": json.dumps(patterns),
            "precache_json": json.dumps(precache),
        },
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


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
