"""Employer pages: the worker roster (职工名册, 劳动合同法实施条例 Art. 8).

The roster of one employer with masked numbers, add/edit a line (a worker leaving is a line with
``left_on``), the audited reveal of one full number, the roster import from Excel with its
template, and the lookup "which employers has this person been on?" by identity number.

Gates: every page goes through ``access_employer`` (404 outside the user's grids); writes need
``work.write`` (403 for the read-only leader, checked before any input is read); a reveal needs
``pii.reveal`` (checked first, so leaders and assistants get 403 whatever they post). A full
number appears only in the response to the reveal POST: never in a URL, the session or a cache.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import attach_errors
from laborgrid.core.scope import check_write, get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers import services
from laborgrid.employers.models import Employer, Worker
from laborgrid.employers.permissions import access_employer, access_worker
from laborgrid.employers.roster_forms import (
    REVEAL_FIELDS,
    ImportForm,
    LookupForm,
    RevealForm,
    WorkerForm,
)
from laborgrid.employers.roster_import import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    ImportRefused,
    import_roster,
    template_workbook,
)
from laborgrid.grids.permissions import breadcrumb
from laborgrid.lib.identifiers import mask_ric

PAGE_SIZE = 50
#: A current worker whose fixed-term contract ends within this many days is flagged (renewal or
#: termination must be settled before the end: 劳动合同法 Art. 44, 46).
EXPIRY_DAYS = 30
#: Lookup results shown at most (one person is on a handful of rosters, not hundreds).
LOOKUP_LIMIT = 200
STATUSES = ("current", "left", "all")


def _refuse_if_merged(request: HttpRequest, employer: Employer) -> HttpResponse | None:
    """A record merged into another is kept for its history; its roster now lives on the target."""
    if employer.merged_into_id is None:
        return None
    messages.error(request, _("该单位已并入其他单位，名册请在合并后的单位中维护。"))
    return redirect("employers:roster", pk=employer.pk)


# --- the roster --------------------------------------------------------------------------------


def _roster_context(request: HttpRequest, employer: Employer, params: Mapping[str, Any]) -> dict:
    """The roster page's context: filtered lines (one page), counts, what the user may do."""
    raw_status = str(params.get("status") or "")
    status = raw_status if raw_status in STATUSES else "current"
    q = " ".join(unicodedata.normalize("NFKC", str(params.get("q") or "")).split())[:60]
    today = timezone.localdate()
    soon = today + timedelta(days=EXPIRY_DAYS)
    lines = Worker.objects.filter(employer=employer)
    current = Q(left_on__isnull=True)
    counts = lines.aggregate(
        total=Count("id"),
        current=Count("id", filter=current),
        left=Count("id", filter=Q(left_on__isnull=False)),
        migrant=Count("id", filter=current & Q(is_migrant=True)),
        expiring=Count("id", filter=current & Q(contract_end__gte=today, contract_end__lte=soon)),
        expired=Count("id", filter=current & Q(contract_end__lt=today)),
    )
    if status == "current":
        lines = lines.filter(current)
    elif status == "left":
        lines = lines.filter(left_on__isnull=False)
    if q:
        lines = lines.filter(name__contains=q)
    # The encrypted tokens and the hash are never needed to draw the table.
    lines = lines.defer("id_enc", "phone_enc", "id_index").order_by("name", "id")
    paginator = Paginator(lines, PAGE_SIZE)
    if not q:  # the counts above already hold the total: spare the paginator its COUNT
        paginator.count = counts["total" if status == "all" else status]
    page = paginator.get_page(params.get("page"))
    for w in page.object_list:
        w.contract_badge = None
        if w.left_on is None and w.contract_end is not None:
            if w.contract_end < today:
                w.contract_badge = "expired"
            elif w.contract_end <= soon:
                w.contract_badge = "expiring"
    scope = get_scope(request.user)
    live = employer.merged_into_id is None
    query = urlencode({k: v for k, v in (("status", status), ("q", q)) if v})
    return {
        "employer": employer,
        "crumbs": breadcrumb(request.user, employer.grid),
        "page": page,
        "status": status,
        "statuses": (
            ("current", _("在职")),
            ("left", _("已离职")),
            ("all", _("全部")),
        ),
        "q": q,
        "query": query,
        "counts": counts,
        "expiry_days": EXPIRY_DAYS,
        "can_write": live and scope.allows(Cap.WORK_WRITE, employer.grid_path),
        "can_reveal": scope.allows(Cap.PII_REVEAL, employer.grid_path),
    }


@login_required
@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    employer = access_employer(request.user, pk)
    return render(request, "employers/roster.html", _roster_context(request, employer, request.GET))


@login_required
@require_POST
def worker_reveal(request: AuthedRequest, pk: int, worker_id: int) -> HttpResponse:
    """Show one full number once, in this response only, for a person allowed to; audited by
    the service with the reason. The capability comes first: a leader or an assistant gets 403
    before anything they posted is looked at."""
    employer = access_employer(request.user, pk)
    check_write(request.user, Cap.PII_REVEAL, employer.grid_path)
    worker = access_worker(request.user, employer, worker_id)
    form = RevealForm(request.POST)
    extra: dict[str, Any] = {}
    if not form.is_valid():
        messages.error(request, _("请选择要查看的号码。"))
        extra["reveal_open"] = worker.pk
    else:
        field = form.cleaned_data["field"]
        try:
            value = services.reveal_worker_number(
                actor=request.user,
                worker=worker,
                field=field,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            extra.update(reveal_open=worker.pk, reveal_reason=form.cleaned_data["reason"])
        else:
            extra["revealed"] = {
                "worker": worker,
                "label": dict(REVEAL_FIELDS)[field],
                "value": value,
            }
    ctx = {**_roster_context(request, employer, request.POST), **extra}
    response = render(request, "employers/roster.html", ctx)
    add_never_cache_headers(response)
    return response


# --- add / edit a line -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def worker_create(request: AuthedRequest, pk: int) -> HttpResponse:
    employer = access_employer(request.user, pk, Cap.WORK_WRITE)
    if (refused := _refuse_if_merged(request, employer)) is not None:
        return refused
    form = WorkerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                worker = services.add_worker(
                    actor=request.user, employer=employer, data=form.service_data()
                )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已将 %(name)s 加入职工名册。") % {"name": worker.name})
            return redirect("employers:roster", pk=employer.pk)
    return _worker_form(request, employer, form, _("新增职工"))


@login_required
@require_http_methods(["GET", "POST"])
def worker_edit(request: AuthedRequest, pk: int, worker_id: int) -> HttpResponse:
    employer = access_employer(request.user, pk, Cap.WORK_WRITE)
    if (refused := _refuse_if_merged(request, employer)) is not None:
        return refused
    worker = access_worker(request.user, employer, worker_id)
    worker.employer = employer
    form = WorkerForm(request.POST or None, worker=worker)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_worker(actor=request.user, worker=worker, data=form.service_data())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(name)s 的名册信息。") % {"name": worker.name})
            return redirect("employers:roster", pk=employer.pk)
    return _worker_form(request, employer, form, _("编辑职工信息"), worker)


def _worker_form(
    request: HttpRequest,
    employer: Employer,
    form: WorkerForm,
    title: str,
    worker: Worker | None = None,
) -> HttpResponse:
    return render(
        request,
        "employers/worker_form.html",
        {
            "employer": employer,
            "crumbs": breadcrumb(request.user, employer.grid),
            "form": form,
            "title": title,
            "worker": worker,
        },
    )


# --- lookup by identity number -----------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def worker_lookup(request: AuthedRequest) -> HttpResponse:
    """Which employers (that this user may see) has the person with this number been on?

    POST, so the number stays out of URLs, logs and history; the page shows it masked only.
    Not audited: it reveals no number (the keyed hash is matched, nothing is decrypted) and
    answers only with roster lines the user may already open one by one.
    """
    require_capability(request.user, Cap.WORK_READ)
    form = LookupForm(request.POST or None)
    lines: list[Worker] | None = None
    masked = ""
    more = False
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            number = services.clean_person_id(kind, form.cleaned_data["number"])
        except ValidationError as exc:
            form.add_error("number", exc.messages)
        else:
            found = list(
                services.employers_of_person(request.user, kind, number)[: LOOKUP_LIMIT + 1]
            )
            more = len(found) > LOOKUP_LIMIT
            lines = found[:LOOKUP_LIMIT]
            masked = mask_ric(number)  # 4 + 4 characters of an ID, the last 2 of anything else
    return render(
        request,
        "employers/worker_lookup.html",
        {"form": form, "lines": lines, "masked": masked, "more": more, "limit": LOOKUP_LIMIT},
    )


# --- import ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def roster_import(request: AuthedRequest, pk: int) -> HttpResponse:
    """Upload a roster workbook; the result (counts, row errors, warnings) is this page.

    Nothing of the file is kept: the error table names each row as Excel numbers it, so the
    person corrects their own file and imports it again (a re-import updates, never duplicates).
    """
    employer = access_employer(request.user, pk, Cap.WORK_WRITE)
    if (refused := _refuse_if_merged(request, employer)) is not None:
        return refused
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            form.add_error("file", _("文件超过 10 MB，不能导入。请拆分后分批导入。"))
        else:
            try:
                result = import_roster(
                    actor=request.user,
                    employer=employer,
                    content=upload.read(),
                    filename=upload.name or "",
                    request=request,
                )
            except ImportRefused as exc:
                form.add_error("file", exc.message)
    return render(
        request,
        "employers/roster_import.html",
        {
            "employer": employer,
            "crumbs": breadcrumb(request.user, employer.grid),
            "form": form,
            "result": result,
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
        },
    )


@login_required
@require_GET
def roster_template(request: HttpRequest) -> FileResponse:
    """The import template (no data in it; anyone who works with rosters may fetch it)."""
    require_capability(request.user, Cap.WORK_READ)
    return FileResponse(
        io.BytesIO(template_workbook()),
        as_attachment=True,
        filename="职工名册导入模板.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/workers/", roster, name="roster"),
    path("<int:pk>/workers/new/", worker_create, name="worker_create"),
    path("<int:pk>/workers/import/", roster_import, name="roster_import"),
    path("<int:pk>/workers/<int:worker_id>/edit/", worker_edit, name="worker_edit"),
    path("<int:pk>/workers/<int:worker_id>/reveal/", worker_reveal, name="worker_reveal"),
    path("workers/lookup/", worker_lookup, name="worker_lookup"),
    path("workers/template.xlsx", roster_template, name="roster_template"),
]
