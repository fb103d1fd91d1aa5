"""Staff pages of the written review (``/reviews/``): the years, the list per grid (late and
non-filers), the filings with their versions and attachments, decisions, samples, paper entry."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import attach_errors
from laborgrid.core.paging import query_without
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.reviews import services
from laborgrid.reviews.choices import FILED, ReminderKind, SubmissionState
from laborgrid.reviews.filing import filing_context, filing_page
from laborgrid.reviews.forms import (
    DecisionForm,
    ExcludeForm,
    ReviewOrderForm,
    SampleForm,
    YearForm,
)
from laborgrid.reviews.models import ReviewTarget, ReviewYear
from laborgrid.reviews.permissions import (
    access_attachment,
    access_submission,
    access_target,
    access_year,
)
from laborgrid.reviews.selectors import grid_summary, show_filter

PAGE_SIZE = 50


def _counties(user: Any) -> list[Grid]:
    paths = get_scope(user).paths(Cap.WORK_WRITE)
    counties = Grid.objects.filter(level=GridLevel.COUNTY, path__in=paths).order_by("code")
    return [g for g in counties if services.may_open_year(user, g)]


@login_required
@require_GET
def year_list(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    years = ReviewYear.objects.visible_to(request.user).select_related("grid")
    return render(
        request,
        "reviews/year_list.html",
        {"years": years, "can_open": bool(_counties(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def year_create(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_WRITE)
    counties = _counties(request.user)
    if not counties:  # only the county brigade opens a year (no button for anyone else)
        from django.http import Http404

        raise Http404
    form = YearForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        grid = next(g for g in counties if g.code == d["grid"])
        try:
            review_year = services.open_year(
                actor=request.user,  # type: ignore[arg-type]
                grid=grid,
                year=d["year"],
                opens_on=d["opens_on"],
                closes_on=d["closes_on"],
                form_version=d["form_version"],
                excluded_types=d["excluded_types"],
                min_employees=d["min_employees"] or 0,
                note=d["note"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("年度书面审查已发布。"))
            return redirect(review_year.get_absolute_url())
    return render(request, "reviews/year_form.html", {"form": form})


@login_required
@require_GET
def year_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review_year = access_year(request.user, pk)
    targets = ReviewTarget.objects.visible_to(request.user)
    rows = grid_summary(targets, review_year)
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("listed", "filed", "late", "not_filed", "passed", "returned", "failed", "waiting")
    }
    may_remind = any(
        services.may_review(request.user, p) for p in get_scope(request.user).paths(Cap.WORK_WRITE)
    )
    from django.db.models import Count, Sum

    from laborgrid.reviews.models import ReviewReminder
    from laborgrid.reviews.reminders import remind_days

    sent = {
        r["kind"]: r
        for r in ReviewReminder.objects.filter(target__in=targets.filter(review_year=review_year))
        .values("kind")
        .annotate(employers=Count("id"), accounts=Sum("accounts"))
    }
    reminders = [
        (k, sent.get(k.value, {}).get("employers", 0), sent.get(k.value, {}).get("accounts", 0))
        for k in ReminderKind
    ]
    return render(
        request,
        "reviews/year_detail.html",
        {
            "review_year": review_year,
            "rows": rows,
            "totals": totals,
            "may_remind": may_remind,
            "reminders": reminders,
            "remind_days": remind_days(),
            "may_close": services.may_open_year(request.user, review_year.grid),
        },
    )


@login_required
@require_POST
def year_remind(request: HttpRequest, pk: int) -> HttpResponse:
    review_year = access_year(request.user, pk)
    try:
        n = services.remind_non_filers(actor=request.user, review_year=review_year, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已向 %(n)s 家未申报单位发送催报通知。") % {"n": n})
    return redirect(review_year.get_absolute_url())


@login_required
@require_POST
def year_close(request: HttpRequest, pk: int) -> HttpResponse:
    review_year = access_year(request.user, pk)
    try:
        services.close_year(actor=request.user, review_year=review_year, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(review_year.get_absolute_url())


FILTERS = {
    "not_filed": _lazy("未申报"),
    "late": _lazy("逾期申报"),
    "submitted": _lazy("待审查"),
    "returned": _lazy("退回补正"),
    "passed": _lazy("审查合格"),
    "failed": _lazy("审查不合格"),
    "sampled": _lazy("已抽查"),
    "reminded": _lazy("已提醒"),
}

#: The cross-county list (the dashboard's links) also knows these.
YEAR_FILTERS = {
    "filed": _lazy("已申报"),
    "overdue": _lazy("截止后未申报"),
    **FILTERS,
}


def _targets_page(
    request: HttpRequest, qs: Any, show: str, extra: dict[str, Any], filters: dict[str, Any]
) -> HttpResponse:
    condition = show_filter(show, timezone.localdate()) if show in filters else None
    if condition is not None:
        qs = qs.filter(condition)
    reminder = request.GET.get("reminder", "")
    if reminder in ReminderKind.values:  # who received this scheduled reminder
        qs = qs.filter(reminders__kind=reminder)
    qs = qs.prefetch_related("reminders")
    page = Paginator(qs.order_by("grid_path", "employer__name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/target_list.html",
        {
            "page": page,
            "filters": filters,
            "show": show if condition is not None else "",
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
            **extra,
        },
    )


def _visible_targets(request: HttpRequest) -> Any:
    return (
        ReviewTarget.objects.visible_to(request.user)
        .filter(excluded_reason="")
        .select_related("employer", "grid", "submission")
        .defer("grid__boundary", "grid__search_text")
    )


@login_required
@require_GET
def target_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The year's list in the user's grids: filter by grid and by state (非申报、逾期…)."""
    review_year = access_year(request.user, pk)
    qs = _visible_targets(request).filter(review_year=review_year)
    grid = request.GET.get("grid", "").strip()[:20]
    if grid.isdigit():
        qs = qs.filter(grid_path__contains=f"/{grid}/")
    extra = {"review_year": review_year, "grid": grid, "base": "?grid=" + grid}
    return _targets_page(request, qs, request.GET.get("show", ""), extra, FILTERS)


@login_required
@require_GET
def targets(request: HttpRequest) -> HttpResponse:
    """Every county's list of a year in the user's grids (``?year=``, default this year),
    narrowed to a grid's subtree (``grid=`` code) and a state (``show=``): the list behind each
    written-review figure of the dashboard and the returns, its filters shown as chips."""
    require_capability(request.user, Cap.WORK_READ)
    text = request.GET.get("year", "").strip()
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year
    qs = _visible_targets(request).filter(review_year__year=year)
    chips: list[tuple[str, str]] = []
    code = request.GET.get("grid", "").strip()[:40]
    grid = None
    if code:
        grid = Grid.objects.visible_to(request.user).filter(code=code).only("name", "path").first()
        qs = qs.filter(grid_path__under=grid.path) if grid else qs.none()
        chips.append((grid.name if grid else code, query_without(request, "grid")))
    show = request.GET.get("show", "")
    if show in YEAR_FILTERS:
        chips.append((str(YEAR_FILTERS[show]), query_without(request, "show")))
    base = "?" + urlencode({"year": year, **({"grid": code} if code else {})})
    extra = {"year": year, "grid": code, "chips": chips, "base": base}
    return _targets_page(request, qs, show, extra, YEAR_FILTERS)


@login_required
@require_http_methods(["GET", "POST"])
def target_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter a filing from the employer's paper materials (channel: paper)."""
    target = access_target(
        request.user, pk, Cap.WORK_WRITE if request.method == "POST" else Cap.WORK_READ
    )
    here = reverse("reviews:target_entry", args=[target.pk])
    return filing_page(
        request, target, template="reviews/target_entry.html", here=here, extra={"portal": False}
    )


@login_required
@require_POST
def target_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    target = access_target(request.user, pk, Cap.WORK_WRITE)
    form = ExcludeForm(request.POST)
    if form.is_valid():
        try:
            services.exclude_target(
                actor=request.user,  # type: ignore[arg-type]
                target=target,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已移出本年度申报名单。"))
    else:
        messages.error(request, _("请填写移出理由。"))
    return redirect("reviews:target_list", pk=target.review_year_id)


@login_required
@require_GET
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sub = access_submission(request.user, pk)
    return _detail(request, sub, DecisionForm(), SampleForm())


def _detail(
    request: HttpRequest,
    sub: Any,
    decision: DecisionForm,
    sample: SampleForm,
    order_form: ReviewOrderForm | None = None,
) -> HttpResponse:
    from django.contrib.contenttypes.models import ContentType

    from laborgrid.rectifications.models import RectificationOrder
    from laborgrid.rectifications.services import may_issue_on

    ctx = filing_context(sub.target, sub)
    current = next((v for v in ctx["versions"] if v.number == sub.current_version), None)
    ctx["flags"] = (
        services.form_flags(current.data, sub.employer, sub.target.review_year) if current else []
    )
    may = services.may_review(request.user, sub.grid_path)
    ctx.update(_sample_context(request.user, sub))
    ctx.update(
        {
            "sub": sub,
            "current": current,
            "fields": _labelled(current.data if current else {}),
            "decision": decision if may and sub.state == SubmissionState.SUBMITTED else None,
            "sample": sample if may and sub.state in FILED and not sub.sample_target_id else None,
            "orders": RectificationOrder.objects.filter(
                source_type=ContentType.objects.get_for_model(sub), source_id=sub.pk
            ).order_by("issued_on", "id"),
            "order_form": (order_form or ReviewOrderForm())
            if sub.state in FILED and may_issue_on(request.user, sub.grid_path)
            else None,
        }
    )
    return render(request, "reviews/submission_detail.html", ctx)


def _sample_context(user: Any, sub: Any) -> dict[str, Any]:
    """The sample's on-site check as the review page shows it: the visit, what it found, the
    order issued from it (the order's source is the visit: its findings and 笔录), and whether
    this user may issue that order now (on the visit's own order page)."""
    from laborgrid.inspections import services as inspections
    from laborgrid.inspections.choices import FindingResult, VisitStatus
    from laborgrid.rectifications.services import may_issue_on
    from laborgrid.reviews.selectors import sample_visit

    visit = sample_visit(sub)
    if visit is None:
        return {"visit": None, "visit_orders": [], "visit_findings": [], "visit_can_order": False}
    visit_orders = list(inspections.orders_of(visit).order_by("issued_on", "id"))
    findings = [f for f in visit.findings.all() if f.result == FindingResult.VIOLATION]
    return {
        "visit": visit,
        "visit_orders": visit_orders,
        "visit_findings": findings,
        "visit_can_order": visit.status == VisitStatus.CONCLUDED
        and not visit_orders
        and any(f.to_order for f in findings)
        and may_issue_on(user, visit.grid_path),
    }


def _labelled(data: dict[str, Any]) -> list[tuple[str, Any]]:
    from laborgrid.reviews.forms import ReviewForm

    form = ReviewForm()
    out = []
    for name, field in form.fields.items():
        if name in data:
            value = data[name]
            if isinstance(value, bool):
                value = _("是") if value else _("否")
            elif hasattr(field, "choices") and name in ("hours_system", "pay_method"):
                value = dict(field.choices).get(value, value)
            out.append((str(field.label), value))
    return out


@login_required
@require_POST
def submission_decide(request: HttpRequest, pk: int) -> HttpResponse:
    sub = access_submission(request.user, pk, Cap.WORK_WRITE)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide(
                actor=request.user,  # type: ignore[arg-type]
                submission=sub,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("审查结论已保存。"))
            return redirect(sub.get_absolute_url())
    return _detail(request, sub, form, SampleForm())


@login_required
@require_POST
def submission_sample(request: HttpRequest, pk: int) -> HttpResponse:
    sub = access_submission(request.user, pk, Cap.WORK_WRITE)
    form = SampleForm(request.POST)
    if form.is_valid():
        try:
            services.sample(
                actor=request.user,  # type: ignore[arg-type]
                submission=sub,
                planned_on=form.cleaned_data["planned_on"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已列入实地抽查（本月巡查计划）。"))
            return redirect(sub.get_absolute_url())
    return _detail(request, sub, DecisionForm(), form)


@login_required
@require_GET
def attachment_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    sub = access_submission(request.user, pk)
    row = access_attachment(sub, file_id)
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type
    )


@login_required
@require_POST
def submission_order(request: HttpRequest, pk: int) -> HttpResponse:
    from django.core.exceptions import PermissionDenied

    sub = access_submission(request.user, pk, Cap.WORK_WRITE)
    form = ReviewOrderForm(request.POST)
    if form.is_valid():
        try:
            order = services.order_from_review(
                actor=request.user,  # type: ignore[arg-type]
                submission=sub,
                items=form.items(),
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("无权执行此操作"))
        else:
            messages.success(request, _("已下达责令改正指令书 %(n)s。") % {"n": order.number})
            return redirect(sub.get_absolute_url())
    return _detail(request, sub, DecisionForm(), SampleForm(), form)
