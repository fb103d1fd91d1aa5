"""The public pages (no login, phone-friendly, Chinese): file a complaint or report, track it.

Safe by construction: every value is rendered escaped by the template engine (script/HTML shows
as text); the tracking page shows status, dated steps and the result only — no staff names, no
grid, no other party's data. Limits are the intake service's (sizes, types, rates, idempotency).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from laborgrid.audit.services import client_ip
from laborgrid.cases.forms import PublicComplaintForm, TrackForm
from laborgrid.cases.models import Case
from laborgrid.cases.services import Throttled, public_status, submit_public
from laborgrid.cases.services.intake import normalise_tracking_code, throttle_ip
from laborgrid.core.forms import ask_again_for_files, attach_errors

SESSION_CODE = "laborgrid_tracking_code"


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        try:
            form = PublicComplaintForm(request.POST, request.FILES)
            valid = form.is_valid()
        except RequestDataTooBig:
            form = PublicComplaintForm(initial={"submission_key": uuid.uuid4()})
            form.add_error(None, _("提交的内容过大，请减少附件后重试。"))
            valid = False
        if valid and form.cleaned_data.get("website"):
            valid = False  # a bot filled the hidden field
            form.add_error(None, _("提交失败，请重试。"))
        if valid:
            try:
                result = submit_public(
                    data=form.payload(),
                    files=form.cleaned_data.get("attachments") or [],
                    submission_key=form.cleaned_data["submission_key"],
                    ip=client_ip(request),
                    request=request,
                )
            except Throttled as exc:
                form.add_error(None, exc.messages)
                status = 429
            except ValidationError as exc:
                attach_errors(form, exc)
                status = 400
            else:
                request.session[SESSION_CODE] = result.case.tracking_code
                return redirect("public:complaint_done")
        else:
            status = 400 if status == 200 else status
        if form.is_bound:
            ask_again_for_files(form, request.FILES)
    else:
        form = PublicComplaintForm(initial={"submission_key": uuid.uuid4(), "kind": "complaint"})
    return render(request, "cases/public/complaint_form.html", {"form": form}, status=status)


@never_cache
def complaint_done(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_CODE)
    if not code:
        return redirect("public:complaint_form")
    case = Case.objects.filter(tracking_code=code).first()
    if case is None:
        return redirect("public:complaint_form")
    return render(
        request,
        "cases/public/complaint_done.html",
        {"code": code, "status": public_status(case)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Query by tracking code. GET shows the form; the code travels in the POST body, not the URL
    (it is the complainant's key), and guessing is throttled per IP."""
    status_info = None
    status = 200
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            throttle_ip(client_ip(request), scope="track")
        except Throttled as exc:
            form.add_error(None, exc.messages)
            status = 429
        else:
            code = normalise_tracking_code(form.cleaned_data["code"])
            case = (
                Case.objects.filter(tracking_code=code).select_related("merged_into").first()
                if code
                else None
            )
            if case is None:
                form.add_error("code", _("查询码不正确，请核对后重试。"))
                status = 404
            else:
                status_info = public_status(case)
    return render(
        request, "cases/public/track.html", {"form": form, "status": status_info}, status=status
    )


app_name = "public"
urlpatterns: list[URLPattern] = [
    path("", complaint_form, name="complaint_form"),
    path("done/", complaint_done, name="complaint_done"),
    path("track/", track, name="track"),
]
