"""The employer area (``/portal/``, issue 17 §1, §3, §5): activation, the employer's home, its
written review, its rectification orders. Every object is the signed-in account's own employer's
(``portal.permissions``); the area's middleware keeps employer accounts out of everything else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.core.forms import StyledFormMixin, attach_errors
from laborgrid.notifications.models import Notification
from laborgrid.portal import services
from laborgrid.portal.permissions import employer_id_of, own_order, own_target
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.reviews.filing import filing_page
from laborgrid.reviews.forms import AnswerForm
from laborgrid.reviews.models import ReviewSubmission
from laborgrid.reviews.permissions import access_attachment
from laborgrid.reviews.selectors import open_targets_for_employer


class ActivateForm(StyledFormMixin, forms.Form):
    uscc = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18)
    code = forms.CharField(label=gettext_lazy("激活码"), max_length=20)
    password1 = forms.CharField(
        label=gettext_lazy("设置密码"), widget=forms.PasswordInput, strip=False, max_length=128
    )
    password2 = forms.CharField(
        label=gettext_lazy("再次输入密码"), widget=forms.PasswordInput, strip=False, max_length=128
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """Public: the employer activates the account named in its letter."""
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.activate(
                uscc=form.cleaned_data["uscc"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("账号已激活。请使用登录名 %(u)s 和刚设置的密码登录。") % {"u": user.username},
            )
            return redirect("accounts:login")
    return render(request, "portal/activate.html", {"form": form})


def _employer(request: HttpRequest) -> Any:
    employer_id_of(request.user)
    return request.user.employer  # type: ignore[union-attr]


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    targets = list(open_targets_for_employer(employer))
    subs = {s.target_id: s for s in ReviewSubmission.objects.filter(target__in=targets)}
    rows = [(t, subs.get(t.pk)) for t in targets]
    orders = RectificationOrder.objects.filter(employer=employer).order_by("-issued_on", "-id")[:5]
    notices = Notification.objects.filter(user=request.user).order_by("-created_at")[:5]  # type: ignore[misc]  # signed in (login_required)
    return render(
        request,
        "portal/home.html",
        {"employer": employer, "rows": rows, "orders": orders, "notices": notices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, year: int) -> HttpResponse:
    target = own_target(request.user, year)
    here = reverse("portal:review", args=[target.review_year.year])
    return filing_page(
        request, target, template="portal/review.html", here=here, extra={"portal": True}
    )


@login_required
@require_GET
def review_attachment(request: HttpRequest, year: int, pk: int) -> FileResponse:
    target = own_target(request.user, year)
    sub = ReviewSubmission.objects.filter(target=target).first()
    if sub is None:
        from django.http import Http404

        raise Http404
    row = access_attachment(sub, pk)
    from laborgrid.audit.models import AuditAction
    from laborgrid.audit.services import record

    response = FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,  # type: ignore[arg-type]
        request=request,
        obj=sub,
        detail={"kind": "attachment", "file": row.name},
    )
    return response


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    employer = _employer(request)
    orders = RectificationOrder.objects.filter(employer=employer).order_by("-issued_on", "-id")
    return render(request, "portal/order_list.html", {"orders": orders})


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = own_order(request.user, pk)
    return _order_page(request, order, AnswerForm())


def _order_page(request: HttpRequest, order: RectificationOrder, form: AnswerForm) -> HttpResponse:
    from laborgrid.rectifications.choices import OrderState

    return render(
        request,
        "portal/order_detail.html",
        {
            "order": order,
            "items": list(order.items.all()),
            "files": list(order.files.all()),
            "form": form if order.state == OrderState.OPEN else None,
        },
    )


@login_required
@require_POST
def order_answer(request: HttpRequest, pk: int) -> HttpResponse:
    order = own_order(request.user, pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.answer_order(
                actor=request.user,  # type: ignore[arg-type]
                order=order,
                note=form.cleaned_data["note"],
                files=form.cleaned_data["attachments"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("整改情况已提交，等待监察机构复查。"))
            return redirect("portal:order_detail", pk=order.pk)
    return _order_page(request, order, form)


@login_required
@require_GET
def order_document(request: HttpRequest, pk: int) -> FileResponse:
    order = own_order(request.user, pk)
    if not order.document:
        from django.http import Http404

        raise Http404
    from laborgrid.audit.models import AuditAction
    from laborgrid.audit.services import record

    response = FileResponse(
        order.document.open("rb"),
        as_attachment=True,
        filename=f"{order.number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,  # type: ignore[arg-type]
        request=request,
        obj=order,
        detail={"kind": "document", "file": f"{order.number}.pdf"},
    )
    return response
