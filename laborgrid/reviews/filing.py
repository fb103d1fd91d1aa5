"""The filing page, shared by the employer portal (online) and staff entering a paper filing:
the form (kept as a draft), attachments, submit. Views stay thin: every rule is in services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from laborgrid.core.forms import attach_errors
from laborgrid.reviews import services
from laborgrid.reviews.choices import EDITABLE, SubmissionState
from laborgrid.reviews.forms import AttachmentForm, ReviewForm
from laborgrid.reviews.models import ReviewSubmission, ReviewTarget


def filing_context(target: ReviewTarget, submission: ReviewSubmission | None) -> dict[str, Any]:
    versions = list(submission.versions.select_related("submitted_by")) if submission else []
    attachments = list(submission.attachments.select_related("version")) if submission else []
    data = submission.draft if submission else {}
    return {
        "target": target,
        "review_year": target.review_year,
        "submission": submission,
        "editable": submission is None or submission.state in EDITABLE,
        "versions": versions,
        "attachments": attachments,
        "missing": services.missing_kinds(submission),
        "flags": services.form_flags(data, target.employer, target.review_year) if data else [],
        "steps": list(submission.steps.select_related("actor")) if submission else [],
        "State": SubmissionState,
    }


def filing_page(
    request: HttpRequest, target: ReviewTarget, *, template: str, here: str, extra: dict[str, Any]
) -> HttpResponse:
    """GET: the form. POST ``action``: ``save`` (draft), ``submit``, ``upload``, ``remove``."""
    submission = ReviewSubmission.objects.filter(target=target).first()
    form = ReviewForm(initial=submission.draft if submission else None)
    upload = AttachmentForm()
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "upload":
                upload = AttachmentForm(request.POST, request.FILES)
                if upload.is_valid():
                    f = upload.cleaned_data["file"]
                    services.add_attachment(
                        actor=request.user,  # type: ignore[arg-type]
                        target=target,
                        kind=upload.cleaned_data["kind"],
                        name=f.name,
                        content=f.read(),
                        request=request,
                    )
                    messages.success(request, _("材料已上传。"))
                    return redirect(here)
            elif action == "remove":
                row = (
                    submission.attachments.filter(
                        pk=str(request.POST.get("attachment", "0"))[:18]
                    ).first()
                    if submission and str(request.POST.get("attachment", "")).isdigit()
                    else None
                )
                if row is not None:
                    services.remove_attachment(
                        actor=request.user,  # type: ignore[arg-type]
                        attachment=row,
                        request=request,
                    )
                    messages.success(request, _("材料已删除。"))
                return redirect(here)
            else:
                form = ReviewForm(request.POST)
                if form.is_valid():
                    services.save_draft(
                        actor=request.user,  # type: ignore[arg-type]
                        target=target,
                        data=form.cleaned_data,
                        request=request,
                    )
                    if action == "submit":
                        services.submit(
                            actor=request.user,  # type: ignore[arg-type]
                            target=target,
                            request=request,
                        )
                        messages.success(request, _("申报已提交，请等待审查。"))
                    else:
                        messages.success(request, _("已保存，尚未提交。"))
                    return redirect(here)
        except ValidationError as exc:
            if action == "upload":
                attach_errors(upload, exc)
            else:
                attach_errors(form, exc)
                if hasattr(exc, "error_dict") and "file" in exc.error_dict:
                    messages.error(request, "；".join(exc.message_dict["file"]))
        submission = ReviewSubmission.objects.filter(target=target).first()
    ctx = filing_context(target, submission)
    ctx.update({"form": form, "upload": upload, **extra})
    return render(request, template, ctx)
