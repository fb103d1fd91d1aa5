"""Batches: the list, upload and mapping, the batch page with its progress, commit and rollback,
and the error report.

Every view gates first: ``access_batch`` (404 outside the user's scope — a township user sees no
county batch — 403 for a visible batch the user may not change) or, for the upload, the county
the user would import into (``services.import_root``; 404 for anyone who cannot import). Every
write goes through ``laborgrid.registers.services``; GET requests write nothing.
"""

from __future__ import annotations

import tempfile
from typing import Any

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.audit.models import AuditAction
from laborgrid.audit.services import record
from laborgrid.core.forms import attach_errors
from laborgrid.core.models import JobStatus
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.registers import services
from laborgrid.registers.forms import MappingForm, UploadForm, file_facts
from laborgrid.registers.models import BatchStatus, ImportBatch, ImportRow, RowOutcome
from laborgrid.registers.permissions import access_batch
from laborgrid.registers.pipeline import DEFAULT_POLICY, FILE_GONE
from laborgrid.registers.presets import FIELD_LABELS, PRESETS, match_headers
from laborgrid.registers.reading import RegisterFileError, open_register

PAGE_SIZE = 50
#: Outcome tabs of the batch page, in the order a person works through them.
TABS = (
    RowOutcome.REJECTED,
    RowOutcome.REVIEW,
    RowOutcome.DUPLICATE,
    RowOutcome.CREATED,
    RowOutcome.UPDATED,
    RowOutcome.UNCHANGED,
)
RUNNING = (BatchStatus.PREVIEWING, BatchStatus.COMMITTING, BatchStatus.ROLLING_BACK)


def can_import(user: Any) -> bool:
    try:
        services.import_root(user)
    except PermissionDenied:
        return False
    return True


def _import_root_or_404(user: Any) -> Any:
    try:
        return services.import_root(user)
    except PermissionDenied:
        raise Http404 from None


def job_running(batch: ImportBatch) -> bool:
    """A job of the batch is queued, or its run is alive (the page polls until it is not);
    a run that went silent (killed worker) is not running: the page offers to go on."""
    job = batch.job
    if job is not None and job.status == JobStatus.QUEUED:
        return True
    if services.run_stalled(batch):
        return False
    return batch.is_active or (job is not None and job.status == JobStatus.RUNNING)


# --- list -------------------------------------------------------------------------------------


@login_required
@require_GET
def batch_list(request: AuthedRequest) -> HttpResponse:
    # Without employer data rights (the 三员) there is no list, not an empty one (issue 21).
    require_capability(request.user, Cap.WORK_READ)
    batches = ImportBatch.objects.visible_to(request.user).select_related("created_by")
    page = Paginator(batches.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "registers/batch_list.html",
        {"page": page, "can_import": can_import(request.user)},
    )


# --- upload and mapping -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def batch_create(request: AuthedRequest) -> HttpResponse:
    county = _import_root_or_404(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        preset = form.cleaned_data.get("preset")
        try:
            batch = services.create_batch(
                actor=request.user,
                source=form.cleaned_data["source"],
                file=upload,
                file_name=upload.name,
                mapping=dict(preset.mapping) if preset is not None else None,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("registers:batch_mapping", pk=batch.pk)
    return render(request, "registers/batch_create.html", {"form": form, "county": county})


@login_required
@require_http_methods(["GET", "POST"])
def batch_mapping(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk, Cap.WORK_WRITE)
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.PREVIEWED, BatchStatus.FAILED):
        messages.warning(request, _("该批次已导入或正在处理，不能再修改列对应。"))
        return redirect(batch)
    if not batch.file:
        messages.error(request, FILE_GONE)
        return redirect(batch)
    preset = PRESETS[batch.source]
    try:
        with open_register(batch.file.path, preset=preset, stream=True) as register:
            facts = file_facts(register)
    except (RegisterFileError, OSError) as exc:
        messages.error(request, getattr(exc, "message", None) or _("文件无法读取。"))
        return redirect(batch)
    match = match_headers(facts["headers"], preset)
    mapping = batch.mapping or match.mapping
    policy = {**DEFAULT_POLICY, **batch.policy}
    form = MappingForm(
        request.POST or None, headers=facts["headers"], mapping=mapping, policy=policy
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_plan(batch, request.user, mapping=form.mapping(), policy=form.policy())
            name = form.cleaned_data["preset_name"]
            if name:
                services.save_preset(
                    actor=request.user, source=batch.source, name=name, mapping=form.mapping()
                )
            services.start_preview(batch, request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("试运行已开始：不会改变任何数据。"))
            return redirect(batch)
    unknown = [h for h in match.unknown if not mapping.get(h)]
    return render(
        request,
        "registers/batch_mapping.html",
        {
            "batch": batch,
            "form": form,
            "facts": facts,
            "unknown": unknown,
            "ignored": match.ignored,
            "previous": services.previous_import(batch),
        },
    )


# --- the batch page -------------------------------------------------------------------------------


def _mapping_rows(batch: ImportBatch) -> list[tuple[str, str]]:
    return [
        (header, str(FIELD_LABELS.get(field, field)) if field else "")
        for header, field in (batch.mapping or {}).items()
    ]


def _row_changes(row: ImportRow) -> list[tuple[str, Any, Any]]:
    return [
        (str(FIELD_LABELS.get(name, name)), pair[0], pair[1])
        for name, pair in (row.changes or {}).items()
        if not name.startswith("_") and name != "contact_phone"
    ]


@login_required
@require_GET
def batch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk)
    tab = request.GET.get("outcome") or ""
    if tab not in RowOutcome.values:
        tab = next((t for t in TABS if batch.counts[_count_key(t)]), "")
    rows = ImportRow.objects.filter(batch=batch).select_related("employer")
    if tab:
        rows = rows.filter(outcome=tab)
    page = Paginator(rows.order_by("row_number"), PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.change_list = _row_changes(row)  # type: ignore[attr-defined]
    writable = get_scope(request.user).allows(Cap.WORK_WRITE, batch.grid_path)
    return render(
        request,
        "registers/batch_detail.html",
        {
            "batch": batch,
            "job": batch.job if batch.job and batch.job.actor_id == request.user.pk else None,
            "running": job_running(batch),
            "tabs": [(t, RowOutcome(t).label, batch.counts[_count_key(t)]) for t in TABS],
            "tab": tab,
            "page": page,
            # Rows read as they stood last time and seen again the same day are counted, not
            # recorded one by one (a re-import of an unchanged file is a read).
            "unlisted": max(0, batch.unchanged - page.paginator.count)
            if tab == RowOutcome.UNCHANGED
            else 0,
            "mapping_rows": _mapping_rows(batch),
            "writable": writable,
            "previous": services.previous_import(batch),
            "has_errors": bool(batch.rejected or batch.duplicates),
        },
    )


def _count_key(outcome: str) -> str:
    return "duplicates" if outcome == RowOutcome.DUPLICATE else outcome


@login_required
@require_GET
def batch_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The progress card, polled by HTMX every second; when the job is done the page reloads."""
    batch = access_batch(request.user, pk)
    running = job_running(batch)
    response = render(
        request, "registers/_batch_progress.html", {"batch": batch, "running": running}
    )
    if not running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_commit(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk, Cap.WORK_WRITE)
    try:
        services.start_commit(batch, request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("导入已开始，请等待进度完成。"))
    return redirect(batch)


@login_required
@require_http_methods(["GET", "POST"])
def batch_rollback(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk, Cap.WORK_WRITE)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("请勾选确认后再撤销。"))
            return redirect("registers:batch_rollback", pk=batch.pk)
        try:
            result = services.rollback_batch(batch, request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _(
                    "已撤销：删除新增单位 %(removed)s 家，恢复原值 %(restored)s 家，"
                    "因已有后续工作而保留 %(kept)s 家。"
                )
                % result,
            )
        return redirect(batch)
    return render(request, "registers/batch_rollback.html", {"batch": batch})


# --- error report ---------------------------------------------------------------------------------

CODE_FIELDS = ("uscc", "reg_number", "org_code")


@login_required
@require_GET
def batch_errors(request: AuthedRequest, pk: int) -> FileResponse:
    """The rejected and duplicate rows as XLSX: one line per problem, with the row's number,
    column and reason. Written row by row (constant memory) to a temporary file, then streamed."""
    batch = access_batch(request.user, pk)
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by FileResponse
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
    sheet = book.add_worksheet(_("错误报告"))
    bold = book.add_format({"bold": True})
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 2, 14)
    sheet.set_column(3, 3, 50)
    sheet.set_column(4, 4, 36)
    sheet.set_column(5, 5, 22)
    sheet.set_column(6, 6, 30)
    sheet.write_row(
        0,
        0,
        [_("行号"), _("结果"), _("列"), _("原因"), _("名称"), _("代码"), _("填写内容")],
        bold,
    )
    labels = dict(RowOutcome.choices)
    line = 1
    rows = (
        ImportRow.objects.filter(
            batch=batch, outcome__in=(RowOutcome.REJECTED, RowOutcome.DUPLICATE)
        )
        .order_by("row_number")
        .values_list("row_number", "outcome", "problems", "duplicate_of", "name", "code")
    )
    for number, outcome, problems, duplicate_of, name, code in rows.iterator(chunk_size=2000):
        reasons: list[tuple[str, str, str]] = []
        if outcome == RowOutcome.DUPLICATE:
            reasons.append(("", _("与第 %(n)s 行重复") % {"n": duplicate_of}, ""))
        reasons += [
            (p.get("header") or "", p.get("message") or "", p.get("value") or "")
            for p in problems or []
            if p.get("error") or outcome == RowOutcome.REJECTED
        ]
        # a code the import refused is not stored as the row's code: show it as written
        written_code = code or next(
            (p.get("value") for p in problems or [] if p.get("field") in CODE_FIELDS), ""
        )
        for header, reason, value in reasons or [("", "", "")]:
            sheet.write_row(
                line,
                0,
                [number, str(labels[outcome]), header, reason, name, written_code, value],
            )
            line += 1
    book.close()
    out.seek(0)
    stamp = timezone.localtime(batch.created_at).strftime("%Y%m%d")
    filename = _("导入错误报告-%(id)s-%(date)s.xlsx") % {"id": batch.pk, "date": stamp}
    # The report names the rejected rows' employers and codes: its download is an audit event.
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,
        request=request,
        obj=batch,
        detail={"kind": "error_report", "rows": line - 1},
    )
    return FileResponse(out, as_attachment=True, filename=filename)


urlpatterns: list[URLPattern] = [
    path("", batch_list, name="batch_list"),
    path("new/", batch_create, name="batch_create"),
    path("<int:pk>/", batch_detail, name="batch_detail"),
    path("<int:pk>/mapping/", batch_mapping, name="batch_mapping"),
    path("<int:pk>/progress/", batch_progress, name="batch_progress"),
    path("<int:pk>/commit/", batch_commit, name="batch_commit"),
    path("<int:pk>/rollback/", batch_rollback, name="batch_rollback"),
    path("<int:pk>/errors.xlsx", batch_errors, name="batch_errors"),
]
