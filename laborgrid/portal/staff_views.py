"""Staff pages for employer accounts (``/portal-accounts/``): issue the activation letter (the PDF
is the response: its code is not stored), revoke an unused letter, disable an account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import StyledFormMixin, attach_errors
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.employers.models import Employer
from laborgrid.portal import services
from laborgrid.portal.letter import letter_pdf
from laborgrid.portal.models import PortalInvite
from laborgrid.portal.permissions import access_invite


class InviteForm(StyledFormMixin, forms.Form):
    uscc = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18)
    person_name = forms.CharField(label=gettext_lazy("经办人姓名"), max_length=50)
    person_position = forms.CharField(label=gettext_lazy("职务"), max_length=50, required=False)


def _visible_employer(user: Any, uscc: str) -> Employer | None:
    return (
        Employer.objects.visible_to(user)
        .filter(uscc=uscc.strip().upper(), merged_into__isnull=True)
        .first()
    )


def _list(request: HttpRequest, form: InviteForm) -> HttpResponse:
    invites = (
        PortalInvite.objects.visible_to(request.user)
        .select_related("employer", "issued_by", "user")
        .order_by("-issued_at", "-id")
    )
    q = request.GET.get("q", "").strip()[:50]
    if q:
        invites = invites.filter(employer__name__contains=q)
    page = Paginator(invites, 50).get_page(request.GET.get("page"))
    scope = get_scope(request.user)
    can_issue = any(services.may_invite(request.user, p) for p in scope.paths(Cap.WORK_WRITE))
    return render(
        request,
        "portal/invite_list.html",
        {"page": page, "form": form, "can_issue": can_issue, "q": q},
    )


@login_required
@require_GET
def invite_list(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    initial = {"uscc": request.GET.get("uscc", "")[:18]}
    return _list(request, InviteForm(initial=initial))


@login_required
@require_POST
def invite_create(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_WRITE)
    form = InviteForm(request.POST)
    if form.is_valid():
        employer = _visible_employer(request.user, form.cleaned_data["uscc"])
        if employer is None:
            form.add_error("uscc", _("在您负责的网格内没有找到该统一社会信用代码的单位。"))
        else:
            try:
                # One transaction: a letter that cannot be printed leaves no letter behind.
                with transaction.atomic():
                    invite, code = services.issue_invite(
                        actor=request.user,  # type: ignore[arg-type]
                        employer=employer,
                        person_name=form.cleaned_data["person_name"],
                        person_position=form.cleaned_data["person_position"],
                        request=request,
                    )
                    pdf = letter_pdf(
                        invite, code, request.build_absolute_uri(reverse("portal:activate"))
                    )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = (
                    f'attachment; filename="activation-{invite.username}.pdf"'
                )
                response["Cache-Control"] = "no-store"
                return response
    return _list(request, form)


@login_required
@require_POST
def invite_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invite = access_invite(request.user, pk)
    try:
        services.revoke_invite(actor=request.user, invite=invite, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("通知书已作废。"))
    return redirect("portal_staff:invite_list")


@login_required
@require_POST
def account_disable(request: HttpRequest, pk: int) -> HttpResponse:
    account = (
        User.objects.filter(
            pk=int(pk),
            employer__in=Employer.objects.visible_to(request.user),
        )
        .select_related("employer")
        .first()
    )
    if account is None:
        raise Http404
    try:
        services.disable_account(actor=request.user, account=account, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("账号已停用。"))
    return redirect("portal_staff:invite_list")
