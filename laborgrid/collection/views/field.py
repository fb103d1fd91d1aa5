"""The assignee's side, mobile-first and offline-capable (issue 5 §2–§4): my tasks (list and
map), the collection form, the sync queue with its conflict screen, and the PWA's service worker
and manifest.

The pages are ordinary server-rendered pages; ``static/collection/*.js`` (no inline script: the
CSP allows scripts from our own files only) keeps what is typed in IndexedDB, queues it and
syncs through ``/api/v1/collection/submissions``. The service worker caches the app shell, these
pages and the task list so that they open without network.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from laborgrid.accounts.roles import Cap
from laborgrid.collection import services
from laborgrid.collection.choices import PhotoKind, SubmissionStatus, TaskStatus
from laborgrid.collection.forms import CollectionForm
from laborgrid.collection.models import MAX_PHOTO_BYTES, Submission
from laborgrid.collection.permissions import access_task
from laborgrid.collection.selectors import my_tasks
from laborgrid.collection.services import A3_FIELDS, FAR_METRES
from laborgrid.core.forms import attach_errors
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers import services as employers
from laborgrid.employers.choices import EmployerStatus, RegisterSource
from laborgrid.employers.forms import EmployerForm
from laborgrid.employers.views.edit import OUT_OF_SCOPE, duplicate_rows
from laborgrid.grids.selectors import user_grids

#: Static files the collection pages need offline, beside the core shell (``core.views.SHELL``).
SHELL = (
    "vendor/echarts/echarts.min.js",
    "laborgrid/employer-forms.js",
    "collection/store.js",
    "collection/collect.js",
    "collection/tasks.js",
    "collection/sync.js",
    "collection/icon.svg",
    "collection/icon-192.png",
)


def offline_patterns() -> tuple[str, ...]:
    """The collection pages the field service worker answers network first, cached offline:
    my tasks, the sync queue, every task's form, the task list API and the grid map data."""
    root = re.escape(reverse("collection:round_list"))
    return (
        f"^{root}my/",
        f"^{root}sync/",
        rf"^{root}tasks/\d+/form/$",
        f"^{re.escape(reverse('api:list_tasks'))}$",
        r"^/grids/[^/]+/map\.json$",
    )


def _shell_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "api_tasks": reverse("api:list_tasks"),
        "api_submissions": reverse("api:create_submission"),
    }


@login_required
@require_GET
def my_tasks_page(request: AuthedRequest) -> HttpResponse:
    """我的任务: by due date, then distance when the phone shares its position (``lat``/``lng``
    query parameters: the server sorts), with a map of the task locations and the sync queue."""
    require_capability(request.user, Cap.WORK_READ)

    def coord(name: str, bound: float) -> float | None:
        try:
            v = float(request.GET.get(name, ""))
        except ValueError:
            return None
        return v if -bound <= v <= bound else None

    lat, lng = coord("lat", 90), coord("lng", 180)
    items = my_tasks(request.user, lat=lat, lng=lng)
    today = timezone.localdate()
    points = [
        {
            "name": m.task.employer.name,
            "value": [m.task.employer.lng, m.task.employer.lat],
            "url": m.task.get_absolute_url(),
            "overdue": m.task.is_overdue(today),
        }
        for m in items
        if m.task.employer.lat is not None and m.task.employer.lng is not None
    ]
    grids = user_grids(request.user)
    return render(
        request,
        "collection/my_tasks.html",
        {
            **_shell_context(request),
            "items": items,
            "today": today,
            "sorted_by_distance": lat is not None and lng is not None,
            "points": points,
            "map_grid": grids[0] if grids else None,
            "form_urls": [m.task.get_absolute_url() for m in items],
            # 发现新单位 registers an employer: offered only to those who may (not the leader)
            "can_register": get_scope(request.user).has(Cap.WORK_WRITE),
        },
    )


@login_required
@require_GET
def task_form(request: AuthedRequest, pk: int) -> HttpResponse:
    """The collection form of one task, prefilled from the employer's last snapshot (or from
    the submission that was returned, so nothing typed is lost). It posts through the API."""
    task = access_task(request.user, pk)
    employer = task.employer
    today = timezone.localdate()
    initial: dict[str, Any] = CollectionForm.initial_for(employer, today)
    returned = None
    base_snapshot = employer.current_snapshot_id
    base_version = employer.version
    if task.status == TaskStatus.RETURNED:
        returned = (
            Submission.objects.filter(task=task, status=SubmissionStatus.RETURNED)
            .order_by("-submitted_at")
            .first()
        )
        if returned is not None:
            initial.update({k: v for k, v in returned.data.items() if k in A3_FIELDS})
            initial.update(
                outcome=returned.outcome,
                outcome_note=returned.outcome_note,
                contact_name=returned.contact_name,
            )
            # The returned facts were checked against this base: a newer server record is a
            # conflict the person resolves on the sync screen.
            base_snapshot = returned.base_snapshot_id
            base_version = returned.base_version
    form = CollectionForm(initial=initial)
    wage = employers.minimum_wage_for(employer.grid_path, today)
    if wage is not None:
        form.fields["lowest_monthly_wage"].help_text = _(
            "适用最低工资标准：%(monthly)s 元/月（%(tier)s，%(date)s 起执行）。"
        ) % {
            "monthly": wage.monthly,
            "tier": wage.tier or _("本地区"),
            "date": wage.effective_from.isoformat(),
        }
    can_collect = task.assignee_id == request.user.pk and task.status in (
        TaskStatus.OPEN,
        TaskStatus.RETURNED,
    )
    return render(
        request,
        "collection/task_form.html",
        {
            **_shell_context(request),
            "task": task,
            "employer": employer,
            "form": form,
            "wage": wage,
            "returned": returned,
            "base_snapshot": base_snapshot or "",
            "base_version": base_version,
            "count_fields": CollectionForm.COUNT_FIELDS,
            "a3_fields": A3_FIELDS,
            "photo_kinds": PhotoKind.choices,
            "far_metres": int(FAR_METRES),
            "max_photo_bytes": MAX_PHOTO_BYTES,
            "can_collect": can_collect,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def field_employer_create(request: AuthedRequest) -> HttpResponse:
    """发现新单位: an employer found in the field is registered with the registry's own form,
    service and duplicate check (source 网格采集), then becomes the finder's task in the open
    round that covers it, so its facts are collected on the spot. Needs the network (the
    duplicate check runs on the server)."""
    require_capability(request.user, Cap.WORK_WRITE)
    form = EmployerForm(
        request.POST or None, user=request.user, initial={"status": EmployerStatus.OPERATING}
    )
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            employer = employers.create_employer(
                actor=request.user,
                data=form.employer_data(),
                grid=cd["grid"],
                grid_reason=cd["grid_reason"],
                source=RegisterSource.FIELD,
                confirm_not_duplicate=cd["confirm_not_duplicate"],
                request=request,
            )
        except employers.DuplicateEmployer as exc:
            duplicates = duplicate_rows(request.user, exc.duplicates)
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied:
            form.add_error("grid", OUT_OF_SCOPE)
        else:
            task = services.add_field_task(actor=request.user, employer=employer, request=request)
            if task is None:
                messages.success(request, _("已登记新单位；目前没有覆盖该网格的采集轮次。"))
                return redirect(employer)
            messages.success(request, _("已登记新单位，并加入您的采集任务，请现场采集。"))
            return redirect(task)
    return render(
        request,
        "employers/employer_form.html",
        {
            "form": form,
            "duplicates": duplicates,
            "can_confirm": bool(duplicates) and not any(d.hard for d in duplicates),
            "title": _("发现新单位"),
        },
    )


@login_required
@require_GET
def sync_page(request: AuthedRequest) -> HttpResponse:
    """同步队列: what is kept on this device, its sync state, and the conflict screen."""
    require_capability(request.user, Cap.WORK_READ)
    return render(request, "collection/sync.html", _shell_context(request))


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest (installable PWA: 我的任务 as its start page)."""
    data = {
        "name": _("两网化监察 · 信息采集"),
        "short_name": _("信息采集"),
        "start_url": reverse("collection:my_tasks"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f8fb",
        "theme_color": "#206bc4",
        "lang": request.LANGUAGE_CODE,
        "icons": [{"src": static("collection/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )
