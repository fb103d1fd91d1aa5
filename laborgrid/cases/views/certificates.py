"""Inspectors' certificates: list, add, revoke (system administrator, ``user.manage``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap
from laborgrid.cases.models import InspectorCertificate
from laborgrid.cases.services.certificates import add_certificate, revoke_certificate
from laborgrid.core.forms import StyledFormMixin, attach_errors
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest


class CertificateForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150)
    number = forms.CharField(label=gettext_lazy("执法证号"), max_length=40)
    issued_on = forms.DateField(
        label=gettext_lazy("发证日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=gettext_lazy("有效期至"), widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.USER_MANAGE)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(
            username=form.cleaned_data["username"].strip(), is_active=True
        ).first()
        if user is None:
            form.add_error("username", _("没有这个用户。"))
        else:
            try:
                add_certificate(
                    actor=request.user,
                    user=user,
                    number=form.cleaned_data["number"],
                    issued_on=form.cleaned_data["issued_on"],
                    valid_to=form.cleaned_data["valid_to"],
                    request=request,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("已登记执法证。"))
                return redirect("cases:certificate_list")
    rows = InspectorCertificate.objects.select_related("user").order_by(
        "user__username", "-valid_to"
    )
    return render(request, "cases/certificate_list.html", {"rows": rows, "form": form})


@login_required
@require_POST
def certificate_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    require_capability(request.user, Cap.USER_MANAGE)
    cert = InspectorCertificate.objects.filter(pk=pk).first()
    if cert is None:
        raise Http404
    revoke_certificate(actor=request.user, certificate=cert, request=request)
    messages.success(request, _("已注销执法证 %(number)s。") % {"number": cert.number})
    return redirect("cases:certificate_list")


urlpatterns: list[URLPattern] = [
    path("certificates/", certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/revoke/", certificate_revoke, name="certificate_revoke"),
]
