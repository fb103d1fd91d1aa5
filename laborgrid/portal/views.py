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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.core.forms import StyledFormMixin, ask_again_for_files, attach_errors
from laborgrid.notifications.models import Notification
from laborgrid.portal import services
from laborgrid.portal.permissions import (
    employer_id_of,
    own_grade,
    own_listing,
    own_order,
    own_target,
)
from laborgrid.rectifications.forms import MultipleFileField
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
    notices = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")[:5]  # type: ignore[misc]  # signed in (login_required)
    return render(
        request,
        "portal/home.html",
        {
            "employer": employer,
            "rows": rows,
            "orders": orders,
            "notices": notices,
            "grades": _grades(employer)[:3],
            "listings": _listings(employer),
        },
    )


# --- integrity grade and the blacklist's prior notice (ratings, issue 18) ------------------------


def _grades(employer: Any) -> Any:
    from laborgrid.ratings.choices import GradeState
    from laborgrid.ratings.models import EmployerGrade

    return EmployerGrade.objects.filter(employer=employer, state=GradeState.APPROVED).order_by(
        "-year"
    )


def _listings(employer: Any) -> Any:
    from laborgrid.ratings.models import ArrearsListing

    return ArrearsListing.objects.filter(employer=employer, notified_on__isnull=False).order_by(
        "-notified_on", "-id"
    )


class ObjectionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("异议的事实和理由"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class StatementForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("陈述申辩的事实和理由"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("证据材料（PDF、JPEG、PNG，每个不超过10MB）"), required=False
    )


def _grade_page(request: HttpRequest, grade: Any, form: ObjectionForm | None) -> HttpResponse:
    from laborgrid.ratings import rules as R

    stored = {r["key"]: r for r in grade.run.rules.get("rules", [])}
    hits = [{**stored[k], "decisive": k == grade.decisive_rule} for k in grade.hits if k in stored]
    facts = grade.facts or {}
    fact_rows = [
        (_(label), R.value_label(facts[name]))
        for name, (_k, label, default) in R.FACTS.items()
        if name in facts and facts[name] not in (default, 0, False, None)
    ]
    open_ = (
        not grade.objection_on
        and grade.objection_due is not None
        and timezone.localdate() <= grade.objection_due
    )
    return render(
        request,
        "portal/grade_detail.html",
        {
            "g": grade,
            "hits": hits,
            "fact_rows": fact_rows,
            "form": form if form is not None else (ObjectionForm() if open_ else None),
        },
    )


@login_required
@require_GET
def grade_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _grade_page(request, own_grade(request.user, pk), None)


@login_required
@require_POST
def grade_objection(request: HttpRequest, pk: int) -> HttpResponse:
    from laborgrid.ratings.grading import record_objection

    grade = own_grade(request.user, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            record_objection(
                actor=request.user, grade=grade, text=form.cleaned_data["text"], request=request
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("异议已提交，监察机构处理后将通知你单位。"))
            return redirect("portal:grade_detail", pk=grade.pk)
    grade.refresh_from_db()
    return _grade_page(request, grade, form)


@login_required
@require_GET
def grade_letter(request: HttpRequest, pk: int) -> HttpResponse:
    from laborgrid.ratings import downloads

    grade = own_grade(request.user, pk)
    return downloads.grade_letter(request, grade, reverse("portal:grade_detail", args=[grade.pk]))


def _listing_page(request: HttpRequest, row: Any, form: StatementForm | None) -> HttpResponse:
    from laborgrid.ratings.choices import ListingState

    open_ = (
        row.state == ListingState.NOTIFIED
        and not row.statement
        and row.statement_due is not None
        and timezone.localdate() <= row.statement_due
    )
    return render(
        request,
        "portal/listing_detail.html",
        {
            "l": row,
            "persons": list(row.persons.all()),
            "files": list(row.statement_files.all()),
            "form": form if form is not None else (StatementForm() if open_ else None),
        },
    )


@login_required
@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _listing_page(request, own_listing(request.user, pk), None)


@login_required
@require_POST
def listing_statement(request: HttpRequest, pk: int) -> HttpResponse:
    from laborgrid.ratings.listing import record_statement

    row = own_listing(request.user, pk)
    form = StatementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            record_statement(
                actor=request.user,
                listing=row,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["attachments"] or [],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("陈述申辩已提交，监察机构将在作出决定前审查。"))
            return redirect("portal:listing_detail", pk=row.pk)
    ask_again_for_files(form, request.FILES)
    row.refresh_from_db()
    return _listing_page(request, row, form)


@login_required
@require_GET
def listing_letter(request: HttpRequest, pk: int) -> HttpResponse:
    from laborgrid.ratings import downloads

    row = own_listing(request.user, pk)
    return downloads.listing_letter(request, row, reverse("portal:listing_detail", args=[row.pk]))


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
