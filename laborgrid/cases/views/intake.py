"""Staff intake (issue §2): 12333 phone, walk-in, letter, referral platforms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from laborgrid.accounts.roles import Cap
from laborgrid.cases import clock, services
from laborgrid.cases.forms import StaffIntakeForm
from laborgrid.core.forms import ask_again_for_files, attach_errors
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_WRITE)
    if request.method == "POST":
        form = StaffIntakeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                case = services.register_complaint(
                    actor=request.user,
                    data=form.payload(),
                    files=form.cleaned_data.get("attachments") or [],
                    received_on=form.cleaned_data["received_on"],
                    confirm_limitation=form.cleaned_data.get("confirm_limitation") or False,
                    request=request,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已登记案件 %(ref)s，分派至%(grid)s。")
                    % {"ref": case.reference, "grid": case.grid.name},
                )
                if case.tracking_code:
                    messages.info(
                        request, _("请告知投诉人查询码：%(code)s") % {"code": case.tracking_code}
                    )
                return redirect(case.get_absolute_url())
        ask_again_for_files(form, request.FILES)
    else:
        form = StaffIntakeForm(
            initial={"received_on": clock.today(), "channel": "phone", "kind": "complaint"}
        )
    return render(request, "cases/case_form.html", {"form": form})


urlpatterns: list[URLPattern] = [path("new/", case_create, name="case_create")]
