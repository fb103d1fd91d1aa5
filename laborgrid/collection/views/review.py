"""The squadron's side (issue 5 §6): the review queue, one submission (approve / return), the
problems found, and the photos — served only through an access-checked view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.audit.models import AuditAction
from laborgrid.audit.services import record
from laborgrid.collection import photos, services
from laborgrid.collection.choices import Outcome, SubmissionStatus
from laborgrid.collection.forms import ReviewForm
from laborgrid.collection.models import Submission
from laborgrid.collection.permissions import (
    REVIEW_ROLES,
    access_photo,
    access_submission,
    can_review,
    role_paths,
)
from laborgrid.collection.selectors import review_queue
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.models import LabourSnapshot

PAGE_SIZE = 50


@login_required
@require_GET
def review_list(request: AuthedRequest) -> HttpResponse:
    """待审核: pending submissions in the grids the user reviews (not their own)."""
    require_capability(request.user, Cap.WORK_READ)
    paths = role_paths(request.user, REVIEW_ROLES)
    qs = (
        review_queue(request.user)
        .select_related("employer", "submitted_by", "task__round")
        .order_by("submitted_at")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "collection/review_list.html", {"page": page, "reviewer": bool(paths)})


@login_required
@require_GET
def problem_list(request: AuthedRequest) -> HttpResponse:
    """发现的问题: submissions flagged with arrears, missing contracts, a wage below the
    minimum or uninsured staff — for the squadron to act on (later: a case or an inspection)."""
    require_capability(request.user, Cap.WORK_READ)
    flag = request.GET.get("flag", "")
    flags = ("flag_arrears", "flag_no_contracts", "flag_below_min_wage", "flag_uninsured")
    cond = (
        Q(**{flag: True})
        if flag in flags
        else Q(flag_arrears=True)
        | Q(flag_no_contracts=True)
        | Q(flag_below_min_wage=True)
        | Q(flag_uninsured=True)
    )
    qs = (
        Submission.objects.visible_to(request.user)
        .filter(cond)
        .exclude(status=SubmissionStatus.RETURNED)
        .select_related("employer", "submitted_by", "task__round")
        .order_by("-submitted_at")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "collection/problem_list.html",
        {
            "page": page,
            "flag": flag,
            "flags": [
                ("flag_arrears", _("拖欠工资")),
                ("flag_no_contracts", _("未签劳动合同")),
                ("flag_below_min_wage", _("低于最低工资")),
                ("flag_uninsured", _("未参加社会保险")),
            ],
            "query": f"flag={flag}" if flag in flags else "",
        },
    )


@login_required
@require_GET
def submission_detail(request: AuthedRequest, pk: str) -> HttpResponse:
    sub = access_submission(request.user, pk)
    current = (
        LabourSnapshot.objects.filter(pk=sub.employer.current_snapshot_id).first()
        if sub.employer.current_snapshot_id
        else None
    )
    now = services.snapshot_values(current)
    rows = [
        {
            "label": services.field_label(name),
            "value": services.display_value(name, sub.data.get(name)),
            "before": services.display_value(name, now.get(name)),
            "changed": sub.data.get(name) != now.get(name),
        }
        for name in services.A3_FIELDS
        if sub.outcome == Outcome.COLLECTED
    ]
    stale_base = sub.outcome == Outcome.COLLECTED and (
        sub.employer.current_snapshot_id or None
    ) != (sub.base_snapshot_id or None)
    return render(
        request,
        "collection/submission_detail.html",
        {
            "sub": sub,
            "rows": rows,
            "photos": list(sub.photos.all()),
            "form": ReviewForm(),
            "can_review": sub.status == SubmissionStatus.PENDING and can_review(request.user, sub),
            "stale_base": stale_base and sub.status == SubmissionStatus.PENDING,
            "far": sub.gps_distance is not None and sub.gps_distance > services.FAR_METRES,
            "far_metres": int(services.FAR_METRES),
            "history": list(
                Submission.objects.filter(task=sub.task)
                .exclude(pk=sub.pk)
                .select_related("reviewed_by")
                .order_by("-submitted_at")
            ),
        },
    )


@login_required
@require_POST
def submission_approve(request: AuthedRequest, pk: str) -> HttpResponse:
    sub = access_submission(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.approve(
            actor=request.user,
            submission=sub,
            comment=form.cleaned_data.get("comment", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(sub)
    messages.success(request, _("已审核通过，劳动用工信息已记入单位档案。"))
    return redirect("collection:review_list")


@login_required
@require_POST
def submission_return(request: AuthedRequest, pk: str) -> HttpResponse:
    sub = access_submission(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.return_submission(
            actor=request.user,
            submission=sub,
            comment=form.cleaned_data.get("comment", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(sub)
    messages.success(request, _("已退回采集人修改。"))
    return redirect("collection:review_list")


@login_required
@require_GET
def photo(request: AuthedRequest, pk: int) -> HttpResponse:
    """A visit photo (decrypted), for those who may see its submission; never cached."""
    p = access_photo(request.user, pk)
    if not p.file:
        raise PermissionDenied
    response = HttpResponse(photos.photo_bytes(p), content_type=p.content_type)
    record(
        AuditAction.FILE_DOWNLOADED,
        actor=request.user,
        request=request,
        obj=p,
        detail={"kind": "photo", "submission": str(p.submission_id)},
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
