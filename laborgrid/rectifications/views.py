"""Order pages: the list of the user's grids (filters: state, overdue), the detail with the step
forms the user may take, the issue form (for an employer, with or without a visit), and the
order's PDF and evidence files. Every object through ``access_order`` (404 out of scope)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap
from laborgrid.audit.models import AuditAction
from laborgrid.audit.services import record
from laborgrid.core.forms import attach_errors
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.models import Employer
from laborgrid.rectifications import clock, services
from laborgrid.rectifications.choices import TRANSITIONS, OrderAction
from laborgrid.rectifications.forms import (
    CloseForm,
    EscalateForm,
    FilterForm,
    IssueForm,
    RecheckForm,
    RespondForm,
)
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.rectifications.permissions import access_file, access_order
from laborgrid.rectifications.selectors import certified_inspectors, filter_orders, source_of

PAGE_SIZE = 50


@login_required
@require_GET
def order_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    form = FilterForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    qs = filter_orders(RectificationOrder.objects.visible_to(request.user), params)
    qs = qs.select_related("grid").defer("grid__boundary", "grid__search_text")
    page = Paginator(qs.order_by("-issued_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rectifications/order_list.html",
        {
            "form": form,
            "page": page,
            "today": clock.today(),
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
            "can_issue": _may_issue_somewhere(request.user),
        },
    )


def _may_issue_somewhere(user: Any) -> bool:
    """The issue button: a certified inspector with a handler role on one of their grids."""
    scope = get_scope(user)
    return any(services.may_issue_on(user, p) for p in scope.paths(Cap.WORK_WRITE)[:5])


def _employer(user: Any, text: str) -> Employer | None:
    text = text.strip()
    qs = (
        Employer.objects.visible_to(user)
        .current()
        .select_related("grid")
        .defer("grid__boundary", "grid__search_text")
    )
    if text.isdigit() and len(text) < 18:
        found = qs.filter(pk=int(text)).first()
        if found is not None:
            return found
    found = qs.filter(uscc=text.upper()).first() if text else None
    if found is None and text:
        rows = list(qs.filter(name=text)[:2])
        found = rows[0] if len(rows) == 1 else None
    return found


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: AuthedRequest) -> HttpResponse:
    """下达责令改正指令书 directly for an employer (an order from a visit is issued by the visit).
    Only certified inspectors with a handler role reach the form (others: 404, as the list offers
    them no button)."""
    require_capability(request.user, Cap.WORK_WRITE)
    if not _may_issue_somewhere(request.user):
        raise Http404
    initial = {}
    preset = _employer(request.user, request.GET.get("employer", "")) if request.GET else None
    if preset is not None:
        initial["employer"] = preset.uscc or preset.name
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        employer = _employer(request.user, form.cleaned_data["employer"])
        if employer is None:
            form.add_error(
                "employer", _("在您负责的网格中找不到该用人单位，请核对信用代码或全称。")
            )
        else:
            try:
                order = services.issue_order(
                    actor=request.user,
                    employer=employer,
                    items=form.items(),
                    request=request,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("无权执行此操作"))
            else:
                messages.success(request, _("已下达责令改正指令书 %(n)s。") % {"n": order.number})
                return redirect(order.get_absolute_url())
    return render(
        request,
        "rectifications/order_form.html",
        {"form": form, "preset": preset},
        status=400 if form.errors else 200,
    )


def _forms(
    request: AuthedRequest, order: RectificationOrder, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The step forms the user may take now (a form is offered only when its step is allowed
    and the user may take it)."""
    bound = bound or {}
    user = request.user
    can_write = get_scope(user).allows(Cap.WORK_WRITE, order.grid_path)
    decide = can_write and services.may_decide(user, order)
    today = clock.today().isoformat()
    offered: dict[str, Any] = {}
    if can_write and order.state in TRANSITIONS[OrderAction.RESPOND][0]:
        offered["respond"] = bound.get("respond") or RespondForm(initial={"responded_on": today})
    if decide and order.state in TRANSITIONS[OrderAction.RECHECK][0]:
        offered["recheck"] = bound.get("recheck") or RecheckForm(
            initial={"rechecked_on": today},
            items=list(order.items.all()),
            inspectors=certified_inspectors(order.grid_path, exclude=user),
        )
    if decide and order.state in TRANSITIONS[OrderAction.CLOSE][0]:
        offered["close"] = bound.get("close") or CloseForm()
    if decide and order.state in TRANSITIONS[OrderAction.ESCALATE][0]:
        offered["escalate"] = bound.get("escalate") or EscalateForm()
    return offered


@login_required
@require_GET
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    order = access_order(request.user, pk)
    return _detail(request, order)


def _detail(
    request: AuthedRequest,
    order: RectificationOrder,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    deadline = order.deadlines.order_by("-id").first()
    return render(
        request,
        "rectifications/order_detail.html",
        {
            "order": order,
            "items": list(order.items.all()),
            "files": list(order.files.select_related("uploaded_by")),
            "steps": list(order.steps.select_related("actor")),
            "source": source_of(order),
            "deadline": deadline,
            "overdue": order.is_overdue(),
            "today": clock.today(),
            "forms": _forms(request, order, bound),
        },
        status=status,
    )


def _run(
    request: AuthedRequest, order: RectificationOrder, key: str, form: Any, work: Any
) -> HttpResponse:
    if form.is_valid():
        try:
            work(form)
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("无权执行此操作"))
            return redirect(order.get_absolute_url())
        else:
            messages.success(request, _("已保存。"))
            return redirect(order.get_absolute_url())
    order.refresh_from_db()
    return _detail(request, order, {key: form}, status=400)


@login_required
@require_POST
def order_respond(request: AuthedRequest, pk: int) -> HttpResponse:
    order = access_order(request.user, pk, Cap.WORK_WRITE)
    form = RespondForm(request.POST, request.FILES)
    return _run(
        request,
        order,
        "respond",
        form,
        lambda f: services.respond_order(
            actor=request.user,
            order=order,
            note=f.cleaned_data["note"],
            responded_on=f.cleaned_data["responded_on"],
            files=f.cleaned_data["attachments"],
            request=request,
        ),
    )


@login_required
@require_POST
def order_recheck(request: AuthedRequest, pk: int) -> HttpResponse:
    order = access_order(request.user, pk, Cap.WORK_WRITE)
    inspectors = certified_inspectors(order.grid_path, exclude=request.user)
    form = RecheckForm(
        request.POST, request.FILES, items=list(order.items.all()), inspectors=inspectors
    )

    def work(f: RecheckForm) -> None:
        second = User.objects.filter(pk=int(f.cleaned_data["inspector_2"])).first()
        services.recheck_order(
            actor=request.user,
            order=order,
            inspector_2=second,
            findings=[
                services.ItemFinding(
                    item.pk,
                    corrected=f.cleaned_data[f"result_{item.pk}"] == "corrected",
                    note=f.cleaned_data.get(f"result_note_{item.pk}") or "",
                )
                for item in f.order_items
            ],
            note=f.cleaned_data["note"],
            rechecked_on=f.cleaned_data["rechecked_on"],
            files=f.cleaned_data["attachments"],
            request=request,
        )

    return _run(request, order, "recheck", form, work)


@login_required
@require_POST
def order_close(request: AuthedRequest, pk: int) -> HttpResponse:
    order = access_order(request.user, pk, Cap.WORK_WRITE)
    form = CloseForm(request.POST)
    return _run(
        request,
        order,
        "close",
        form,
        lambda f: services.close_order(
            actor=request.user, order=order, note=f.cleaned_data["note"], request=request
        ),
    )


@login_required
@require_POST
def order_escalate(request: AuthedRequest, pk: int) -> HttpResponse:
    order = access_order(request.user, pk, Cap.WORK_WRITE)
    form = EscalateForm(request.POST)
    return _run(
        request,
        order,
        "escalate",
        form,
        lambda f: services.escalate_order(
            actor=request.user, order=order, reason=f.cleaned_data["reason"], request=request
        ),
    )


def _file(field: Any, name: str, ctype: str) -> FileResponse:
    response = FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type=ctype)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def order_document(request: AuthedRequest, pk: int) -> FileResponse:
    order = access_order(request.user, pk)
    if not order.document:
        raise Http404
    response = _file(order.document, f"{order.number}.pdf", "application/pdf")
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,
        request=request,
        obj=order,
        detail={"kind": "document", "file": f"{order.number}.pdf"},
    )
    return response


@login_required
@require_GET
def order_file(request: AuthedRequest, pk: int, file_id: int) -> FileResponse:
    order = access_order(request.user, pk)
    row = access_file(order, file_id)
    response = _file(row.file, row.name, row.content_type)
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,
        request=request,
        obj=row,
        detail={"kind": "evidence", "file": row.name},
    )
    return response


app_name = "rectifications"
urlpatterns: list[URLPattern] = [
    path("", order_list, name="order_list"),
    path("new/", order_create, name="order_create"),
    path("<int:pk>/", order_detail, name="order_detail"),
    path("<int:pk>/respond/", order_respond, name="order_respond"),
    path("<int:pk>/recheck/", order_recheck, name="order_recheck"),
    path("<int:pk>/close/", order_close, name="order_close"),
    path("<int:pk>/escalate/", order_escalate, name="order_escalate"),
    path("<int:pk>/document/", order_document, name="document_file"),
    path("<int:pk>/files/<int:file_id>/", order_file, name="order_file"),
]
