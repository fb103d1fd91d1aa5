"""Project pages: the list of the user's grids, the register form, the detail (obligations with
their state and evidence forms, roster, pay sheets, follow-up buttons), the pay-sheet check, and
the arrears ledger. Every object through ``permissions`` (404 out of scope); every write through
``services``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.core.paging import query_without
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.grids.models import Grid
from laborgrid.lib import periods
from laborgrid.projects import services
from laborgrid.projects.choices import (
    ARTICLE,
    MONTHLY,
    Department,
    ObligationKind,
    ObligationState,
    ProjectStatus,
)
from laborgrid.projects.permissions import (
    access_arrears,
    access_obligation,
    access_project,
    access_sheet,
)
from laborgrid.projects.selectors import (
    arrears_filter,
    find_employer,
    ledger_rows,
    ledger_totals,
    outstanding,
    projects_for,
)
from laborgrid.rectifications.services import may_issue_on

PAGE_SIZE = 50


def _errors(request: AuthedRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


def _month(value: str | None) -> dt.date | None:
    text = (value or "").strip()
    try:
        return dt.date.fromisoformat(text + "-01") if len(text) == 7 else None
    except ValueError:
        return None


@login_required
@require_GET
def project_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    q = (request.GET.get("q") or "").strip()[:50]
    status = request.GET.get("status") or ""
    if status not in ProjectStatus.values:
        status = ""
    qs = projects_for(request.user, q, status)
    # The dashboard's and the returns' links: a grid's subtree, the period of registration.
    chips: list[tuple[str, str]] = []
    qs = _grid_chip(request, qs, chips)
    period = periods.parse(request.GET.get("registered"))
    if period is not None:
        start, end = (
            timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            for day in (period.start, period.end + dt.timedelta(days=1))
        )
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
        chips.append(
            (_("登记于 %(period)s") % {"period": period.key}, query_without(request, "registered"))
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": ProjectStatus.choices,
            "can_write": get_scope(request.user).has(Cap.WORK_WRITE),
            "chips": chips,
            "hidden": {k: request.GET[k] for k in ("grid", "registered") if request.GET.get(k)},
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


def _grid_chip(request: AuthedRequest, qs: Any, chips: list[tuple[str, str]]) -> Any:
    """``?grid=`` (a code): the grid's subtree, if the user sees the grid; a removable chip."""
    code = (request.GET.get("grid") or "").strip()[:40]
    if not code:
        return qs
    grid = Grid.objects.visible_to(request.user).filter(code=code).only("name", "path").first()
    chips.append((grid.name if grid else code, query_without(request, "grid")))
    return qs.filter(grid_path__under=grid.path) if grid else qs.none()


@login_required
@require_GET
def arrears_list(request: AuthedRequest) -> HttpResponse:
    """The ledger's entries in the user's grids, narrowed to a grid's subtree (``grid=``), a
    period found (``found=2026-11``), a period of the last payment (``settled=``) or those not
    fully settled (``open=1``), with their totals: the list behind the dashboard's and the
    returns' arrears figures."""
    require_capability(request.user, Cap.WORK_READ)
    from laborgrid.projects.models import ArrearsEntry

    qs = ArrearsEntry.objects.visible_to(request.user)
    chips: list[tuple[str, str]] = []
    qs = _grid_chip(request, qs, chips)
    found = periods.parse(request.GET.get("found"))
    settled = periods.parse(request.GET.get("settled"))
    open_only = request.GET.get("open") == "1"
    qs = qs.filter(arrears_filter(found=found, settled=settled, open_only=open_only))
    if found is not None:
        chips.append(
            (_("发现于 %(period)s") % {"period": found.key}, query_without(request, "found"))
        )
    if settled is not None:
        chips.append(
            (_("清偿于 %(period)s") % {"period": settled.key}, query_without(request, "settled"))
        )
    if open_only:
        chips.append((_("未清偿完毕"), query_without(request, "open")))
    totals = qs.aggregate(
        total_amount=Sum("amount", default=Decimal(0)),
        total_settled=Sum("settled_amount", default=Decimal(0)),
        total_owed=Sum(outstanding(), default=Decimal(0)),
        total_workers=Sum("workers", default=0),
    )
    page = Paginator(
        qs.select_related("project", "grid")
        .defer("grid__boundary", "grid__search_text")
        .annotate(owed=outstanding())
        .order_by("-found_on", "-id"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/arrears_list.html",
        {
            "page": page,
            "chips": chips,
            "totals": totals,
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


def _writable_grids(user: Any) -> list[Grid]:
    paths = get_scope(user).paths(Cap.WORK_WRITE)
    if not paths:
        return []
    from django.db.models import Q

    q = Q()
    for p in paths:
        q |= Q(path__under=p)
    return list(Grid.objects.filter(q).only("code", "name", "path", "depth").order_by("path")[:300])


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthedRequest) -> HttpResponse:
    scope = require_capability(request.user, Cap.WORK_READ)
    if not scope.has(Cap.WORK_WRITE):
        raise Http404
    form: dict[str, Any] = dict(request.POST.items()) if request.method == "POST" else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data: dict[str, Any] = {
            k: request.POST.get(k, "")
            for k in (
                "name",
                "code",
                "department",
                "address",
                "grid",
                "client_name",
                "contract_sum",
                "labour_officer",
                "labour_officer_phone",
            )
        }
        for key in ("general_contractor", "client"):
            text = request.POST.get(key, "").strip()
            emp = find_employer(request.user, text)
            data[key] = emp.pk if emp is not None else (None if not text else -1)
        subs = []
        for text in request.POST.get("subcontractors", "").splitlines():
            if text.strip():
                emp = find_employer(request.user, text)
                subs.append({"employer": emp.pk if emp else -1})
        data["subcontractors"] = subs
        data["starts_on"] = _date(request.POST.get("starts_on"))
        data["ends_on"] = _date(request.POST.get("ends_on"))
        for key in ("lat", "lng"):
            try:
                data[key] = float(request.POST[key]) if request.POST.get(key) else None
            except ValueError:
                errors[key] = [_("坐标格式不正确。")]
        if not errors:
            try:
                project = services.register_project(actor=request.user, data=data, request=request)
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, _("项目已登记。"))
                return redirect(project.get_absolute_url())
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "errors": errors,
            "grids": _writable_grids(request.user),
            "departments": Department.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_import(request: AuthedRequest) -> HttpResponse:
    """导入住建、交通部门的在建项目清单 (a preset of the register import)."""
    from laborgrid.projects.importing import import_project_list
    from laborgrid.registers.presets import PROJECT_LIST_PRESETS

    scope = require_capability(request.user, Cap.WORK_READ)
    if not scope.has(Cap.WORK_WRITE):
        raise Http404
    outcome = None
    department = request.POST.get("department", "housing")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择 Excel 或 CSV 文件。"))
        else:
            try:
                outcome = import_project_list(
                    actor=request.user,
                    department=department,
                    content=upload.read(),
                    filename=upload.name or "",
                    request=request,
                )
            except ValidationError as exc:
                _errors(request, exc)
    return render(
        request,
        "projects/project_import.html",
        {
            "presets": [(k, p.label) for k, p in PROJECT_LIST_PRESETS.items()],
            "department": department,
            "outcome": outcome,
        },
    )


@login_required
@require_GET
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    today = timezone.localdate()
    obligations = list(project.obligations.all())
    one_time = [o for o in obligations if o.month is None]
    months: dict[dt.date, dict[str, Any]] = {}
    for o in obligations:
        if o.month is not None:
            months.setdefault(o.month, {})[o.kind] = o
    writable = get_scope(request.user).allows(Cap.WORK_WRITE, project.grid_path)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "today": today,
            "one_time": [(o, o.state(today), ARTICLE[o.kind]) for o in one_time],
            "months": [
                (m, [(k, row.get(k), row[k].state(today) if k in row else "") for k in MONTHLY])
                for m, row in sorted(months.items(), reverse=True)
            ],
            "monthly_kinds": [(k, ObligationKind(k).label, ARTICLE[k]) for k in MONTHLY],
            "missing": [
                (k, ObligationKind(k).label) for k in services.missing_kinds(project, today)
            ],
            "subcontractors": project.subcontractors.select_related("employer"),
            "workers": project.workers.select_related("employer")[:200],
            "sheets": project.paysheets.all(),
            "writable": writable,
            "can_order": writable and may_issue_on(request.user, project.grid_path),
            "states": ObligationState,
            "statuses": ProjectStatus.choices,
            "this_month": today.strftime("%Y-%m"),
        },
    )


@login_required
@require_POST
def project_status(request: AuthedRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk, Cap.WORK_WRITE)
    try:
        services.set_status(
            actor=request.user,
            project=project,
            status=request.POST.get("status", ""),
            request=request,
        )
        messages.success(request, _("状态已更新。"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(project.get_absolute_url())


@login_required
@require_POST
def obligation_record(request: AuthedRequest, pk: int, ob: int) -> HttpResponse:
    project = access_project(request.user, pk, Cap.WORK_WRITE)
    obligation = access_obligation(project, ob)
    upload = request.FILES.get("photo")
    photo = (upload.read(), upload.content_type or "") if upload is not None else None
    data = {
        "bank": request.POST.get("bank", ""),
        "reference": request.POST.get("reference", ""),
        "amount": request.POST.get("amount", ""),
        "term_end": _date(request.POST.get("term_end")),
        "met_on": _date(request.POST.get("met_on")),
        "note": request.POST.get("note", ""),
    }
    try:
        services.record_obligation(
            actor=request.user, obligation=obligation, data=data, photo=photo, request=request
        )
        messages.success(request, _("已登记落实情况。"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(obligation.get_absolute_url())


@login_required
@require_GET
def obligation_photo(request: AuthedRequest, pk: int, ob: int) -> HttpResponse:
    project = access_project(request.user, pk)
    obligation = access_obligation(project, ob)
    if not obligation.photo:
        raise Http404
    with obligation.photo.open("rb") as fh:
        data = fh.read()
    response = HttpResponse(data, content_type=obligation.photo_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _upload(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    project = access_project(request.user, pk, Cap.WORK_WRITE)
    upload = request.FILES.get("file")
    month = _month(request.POST.get("month"))
    if upload is None or month is None:
        messages.error(request, _("请选择月份和 Excel 文件。"))
        return redirect(project.get_absolute_url())
    try:
        if kind == "roster":
            result = services.upload_roster(
                actor=request.user,
                project=project,
                month=month,
                content=upload.read(),
                filename=upload.name or "",
                request=request,
            )
            messages.success(
                request,
                _("花名册已登记：新增 %(a)d 人，更新 %(u)d 人。")
                % {"a": result.added, "u": result.updated},
            )
            return redirect(project.get_absolute_url())
        sheet = services.upload_paysheet(
            actor=request.user,
            project=project,
            month=month,
            content=upload.read(),
            filename=upload.name or "",
            request=request,
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(project.get_absolute_url())
    messages.success(request, _("工资支付表已核对。"))
    return redirect(sheet.get_absolute_url())


@login_required
@require_POST
def roster_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    return _upload(request, pk, "roster")


@login_required
@require_POST
def paysheet_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    return _upload(request, pk, "paysheet")


@login_required
@require_GET
def paysheet_detail(request: AuthedRequest, pk: int, sheet: int) -> HttpResponse:
    project = access_project(request.user, pk)
    row = access_sheet(project, sheet)
    return render(
        request,
        "projects/paysheet_detail.html",
        {
            "project": project,
            "sheet": row,
            "check": services.check_sheet(row),
            "lines": row.paylines.all(),
        },
    )


@login_required
@require_POST
def project_patrol(request: AuthedRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk, Cap.WORK_WRITE)
    try:
        plan = services.send_to_patrol(actor=request.user, project=project, request=request)
        messages.success(request, _("已列入巡视检查计划：%(title)s") % {"title": plan.title})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(project.get_absolute_url())


@login_required
@require_POST
def project_order(request: AuthedRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk, Cap.WORK_WRITE)
    try:
        days = int(request.POST.get("working_days") or 10)
    except ValueError:
        days = 0
    try:
        orders = services.order_obligations(
            actor=request.user,
            project=project,
            kinds=request.POST.getlist("kinds"),
            working_days=days,
            request=request,
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(project.get_absolute_url())
    messages.success(
        request, _("已下达责令改正指令书：%(n)s") % {"n": "、".join(o.number for o in orders)}
    )
    return redirect(orders[0].get_absolute_url())


@login_required
@require_GET
def ledger(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2020), today.year + 1)
    rows = ledger_rows(request.user, year)
    names = dict(
        Grid.objects.filter(code__in={r["township"] for r in rows}).values_list("code", "name")
    )
    for r in rows:
        r["name"] = names.get(r["township"], r["township"])
    from laborgrid.projects.models import ArrearsEntry

    scope = get_scope(request.user)
    entries = [
        (e, scope.allows(Cap.WORK_WRITE, e.grid_path))
        for e in ArrearsEntry.objects.visible_to(request.user)
        .filter(Q_open())
        .select_related("project")
        .order_by("found_on")[:100]
    ]
    return render(
        request,
        "projects/ledger.html",
        {
            "rows": rows,
            "totals": ledger_totals(rows),
            "year": year,
            "entries": entries,
        },
    )


def Q_open() -> Any:
    from django.db.models import F, Q

    return Q(settled_amount__lt=F("amount"))


@login_required
@require_POST
def arrears_settle(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = access_arrears(request.user, pk, Cap.WORK_WRITE)
    try:
        services.settle_arrears(
            actor=request.user,
            entry=entry,
            amount=request.POST.get("settled_amount", ""),
            on=_date(request.POST.get("settled_on")),
            note=request.POST.get("note", ""),
            request=request,
        )
        messages.success(request, _("已登记清偿。"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("projects:ledger")
