"""Pages of inspections: plans (issue 16 §1), campaigns (§2), visits (§3), counts (§5)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import attach_errors
from laborgrid.core.jobs import start_export
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections import cycle as cycles
from laborgrid.inspections import exports, risk, selectors, services
from laborgrid.inspections.choices import CampaignStatus, FindingResult, VisitStatus
from laborgrid.inspections.forms import (
    AddEmployerForm,
    CampaignForm,
    ConcludeForm,
    CycleForm,
    PlanForm,
    TargetsForm,
    VisitForm,
)
from laborgrid.inspections.models import CampaignTarget, PatrolPlan, PatrolTarget, Visit
from laborgrid.inspections.permissions import (
    access_campaign,
    access_photo,
    access_plan,
    access_visit,
    campaign_paths,
    can_conclude,
    can_plan,
    can_set_campaign,
    plan_paths,
)

PAGE_SIZE = 50


def _grids_at(paths: tuple[str, ...]) -> list[Grid]:
    return list(
        Grid.objects.filter(path__in=paths, is_active=True).defer("boundary").order_by("path")
    )


def _plannable_grids(user: Any) -> list[Grid]:
    """The roots where the user plans, and their townships (a county inspector plans any)."""
    from django.db.models import Q

    paths = plan_paths(user)
    if not paths:
        return []
    q = Q(path__in=paths)
    for p in paths:
        q |= Q(path__under=p, level="township")
    return list(Grid.objects.filter(q, is_active=True).defer("boundary").order_by("path"))


# --- plans --------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    page = Paginator(
        PatrolPlan.objects.visible_to(request.user)
        .select_related("grid", "created_by")
        .defer("grid__boundary"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/plan_list.html",
        {"page": page, "can_plan": bool(plan_paths(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    grids = _plannable_grids(request.user)
    if not grids:
        raise Http404
    form = PlanForm(
        request.POST or None, grids=grids, initial={"month": timezone.localdate().replace(day=1)}
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        grid = next(g for g in grids if g.code == cd["grid"])
        try:
            plan = services.create_plan(
                actor=request.user,
                grid=grid,
                month=cd["month"],
                title=cd["title"],
                note=cd["note"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已编制巡查计划，请从推荐对象中选择。"))
            return redirect(plan)
    return render(request, "inspections/plan_form.html", {"form": form})


@login_required
@require_GET
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    today = timezone.localdate()
    targets = list(
        PatrolTarget.objects.filter(plan=plan)
        .select_related("employer", "grid", "visit")
        .only(
            "id",
            "reasons",
            "score",
            "planned_on",
            "visit_id",
            "visit__id",
            "visit__visited_on",
            "visit__status",
            "employer__id",
            "employer__name",
            "employer__address",
            "grid__name",
        )
    )
    for t in targets:
        t.reason_labels = risk.labels(t.reasons)  # type: ignore[attr-defined]  # shown by the page
    manage = can_plan(request.user, plan.grid_path) and get_scope(request.user).allows(
        Cap.WORK_WRITE, plan.grid_path
    )
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "targets": targets,
            "coverage": cycles.plan_coverage(plan, today),
            "proposals": cycles.proposals(plan, today) if manage else [],
            "can_plan": manage,
            "done": sum(1 for t in targets if t.visit_id),
            "add_form": AddEmployerForm(),
        },
    )


@login_required
@require_POST
def plan_targets_add(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, Cap.WORK_WRITE)
    if not can_plan(request.user, plan.grid_path):
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("employers") if v.isdigit()]
    if request.POST.get("employer", "").strip().isdigit():
        ids.append(int(request.POST["employer"]))
    form = TargetsForm(request.POST, ids=ids)
    if not form.is_valid():
        messages.error(request, _("计划日期无效。"))
        return redirect(plan)
    try:
        n = services.add_plan_targets(
            actor=request.user,
            plan=plan,
            employer_ids=ids,
            planned_on=form.cleaned_data.get("planned_on"),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已加入 %(n)s 个单位。") % {"n": n})
    return redirect(plan)


@login_required
@require_POST
def plan_target_remove(request: AuthedRequest, pk: int, target: int) -> HttpResponse:
    plan = access_plan(request.user, pk, Cap.WORK_WRITE)
    row = PatrolTarget.objects.filter(plan=plan, pk=target).select_related("plan").first()
    if row is None:
        raise Http404
    try:
        services.remove_plan_target(actor=request.user, target=row, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(plan)


# --- the cycle ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cycle(request: AuthedRequest) -> HttpResponse:
    """巡查周期: the county's setting (high-risk and other employers), read by every squadron."""
    require_capability(request.user, Cap.WORK_READ)
    roots = _grids_at(campaign_paths(request.user))
    editable = roots[0] if roots else None
    scope_paths = get_scope(request.user).paths(Cap.WORK_READ)
    current = cycles.cycle_for(
        editable.path if editable else (scope_paths[0] if scope_paths else "")
    )
    form = CycleForm(
        request.POST or None,
        initial={
            "high_risk_months": current.high_risk_months,
            "other_months": current.other_months,
        },
    )
    if request.method == "POST":
        if editable is None:  # only the county brigade sets it; nobody else has the form
            raise Http404
        if form.is_valid():
            try:
                services.save_cycle(
                    actor=request.user,
                    grid=editable,
                    high_risk_months=form.cleaned_data["high_risk_months"],
                    other_months=form.cleaned_data["other_months"],
                    request=request,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("已保存巡查周期。"))
                return redirect("inspections:cycle")
    return render(
        request,
        "inspections/cycle.html",
        {
            "form": form,
            "grid": editable,
            "current": current,
            "factors": risk.factors(),
        },
    )


# --- campaigns ----------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    page = Paginator(
        selectors.campaigns_for(request.user).select_related("grid").defer("grid__boundary"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/campaign_list.html",
        {"page": page, "can_set": bool(campaign_paths(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    from django.db.models import Q

    paths = campaign_paths(request.user)
    if not paths:
        raise Http404
    q = Q(path__in=paths)
    for p in paths:
        q |= Q(path__under=p, level="township")
    grids = list(Grid.objects.filter(q, is_active=True).defer("boundary").order_by("path"))
    form = CampaignForm(
        request.POST or None, grids=grids, initial={"checklist": list(checklists.DEFAULT_KEYS)}
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        grid = next(g for g in grids if g.code == cd["grid"])
        try:
            template = checklists.build_template(cd["checklist"], cd["extra_items"].splitlines())
            campaign = services.create_campaign(
                actor=request.user,
                name=cd["name"],
                theme=cd["theme"],
                grid=grid,
                starts_on=cd["starts_on"],
                ends_on=cd["ends_on"],
                rules=form.rules(),
                checklist=template,
                note=cd["note"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已发起专项检查。"))
            return redirect(campaign)
    return render(request, "inspections/campaign_form.html", {"form": form})


@login_required
@require_GET
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk)
    targets = Paginator(
        CampaignTarget.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("employer", "grid", "squadron")
        .only("id", "source", "employer__id", "employer__name", "grid__name", "squadron__name"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    visited = set(
        Visit.objects.visible_to(request.user)
        .filter(campaign=campaign, employer_id__in=[t.employer_id for t in targets])
        .values_list("employer_id", flat=True)
    )
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "campaign": campaign,
            "page": targets,
            "visited": visited,
            "progress": selectors.campaign_progress(campaign, request.user),
            "table": selectors.result_table(campaign, request.user),
            "can_set": can_set_campaign(request.user, campaign.grid_path)
            and campaign.status != CampaignStatus.CLOSED,
            "add_form": AddEmployerForm(),
        },
    )


@login_required
@require_POST
def campaign_targets_add(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, Cap.WORK_WRITE)
    if not can_set_campaign(request.user, campaign.grid_path):
        raise PermissionDenied
    form = AddEmployerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写单位编号。"))
        return redirect(campaign)
    try:
        n = services.add_campaign_targets(
            actor=request.user,
            campaign=campaign,
            employer_ids=[form.cleaned_data["employer"]],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已加入 %(n)s 个单位。") % {"n": n})
    return redirect(campaign)


@login_required
@require_POST
def campaign_close(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, Cap.WORK_WRITE)
    try:
        services.close_campaign(actor=request.user, campaign=campaign, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(campaign)


@login_required
@require_POST
def campaign_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """The result table as XLSX (a background job)."""
    campaign = access_campaign(request.user, pk)
    job = start_export(
        request,
        kind=exports.KIND,
        title=_("%(name)s 结果统计表") % {"name": campaign.name},
        params={"campaign": campaign.pk},
        detail={"campaign": campaign.pk},
    )
    return redirect(job)


# --- visits -------------------------------------------------------------------------------------


@login_required
@require_GET
def visit_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    qs = Visit.objects.visible_to(request.user).with_list_related()
    status = request.GET.get("status", "")
    if status in VisitStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/visit_list.html",
        {
            "page": page,
            "status": status,
            "statuses": VisitStatus.choices,
            "can_record": get_scope(request.user).has(Cap.WORK_WRITE),
        },
    )


def _visit_form(
    request: AuthedRequest, employer: Employer, data: Any = None, files: Any = None
) -> VisitForm:
    today = timezone.localdate()
    campaigns = [
        t.campaign
        for t in CampaignTarget.objects.filter(
            employer=employer,
            campaign__status=CampaignStatus.ACTIVE,
            campaign__starts_on__lte=today,
            campaign__ends_on__gte=today,
        ).select_related("campaign")
    ]
    chosen = (data or {}).get("campaign") or request.GET.get("campaign") or ""
    campaign = next((c for c in campaigns if str(c.pk) == str(chosen)), None)
    items = list(campaign.checklist) if campaign else checklists.default_template()
    now = timezone.localtime().replace(second=0, microsecond=0)
    return VisitForm(
        data,
        files,
        inspectors=selectors.certified_inspectors(employer.grid_path),
        assistants=selectors.assistants_for(employer.grid_path),
        campaigns=campaigns,
        items=items,
        initial={
            "client_key": uuid.uuid4(),
            "employer": employer.pk,
            "campaign": campaign.pk if campaign else "",
            "started_at": now.strftime("%Y-%m-%dT%H:%M"),
            "place": employer.address,
            "assistants": [str(request.user.pk)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: AuthedRequest) -> HttpResponse:
    """记录现场检查: without an employer, what the user's grids still have to visit; with one, the
    on-site form (checklist of the campaign chosen, facts, GPS, a photo)."""
    require_capability(request.user, Cap.WORK_WRITE)
    raw = request.POST.get("employer") or request.GET.get("employer") or ""
    if not str(raw).isdigit():
        return render(
            request,
            "inspections/visit_start.html",
            {"pending": selectors.pending_targets(request.user, timezone.localdate())},
        )
    employer = (
        Employer.objects.visible_to(request.user, Cap.WORK_WRITE)
        .select_related("grid")
        .filter(pk=int(raw))
        .first()
    )
    if employer is None:
        raise Http404
    form = _visit_form(
        request, employer, request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        people = {
            str(u.pk): u
            for u in User.objects.filter(
                pk__in=[
                    v
                    for v in [cd["inspector_1"], cd["inspector_2"], *cd["assistants"]]
                    if v.isdigit()
                ]
            )
        }
        campaign = access_campaign(request.user, int(cd["campaign"])) if cd["campaign"] else None
        findings = [
            services.FindingInput(
                it["key"],
                cd[f"item_{it['key']}"] or FindingResult.NOT_CHECKED,
                cd[f"note_{it['key']}"],
            )
            for it in form.items
        ]
        gps = None
        if cd.get("gps_lat") is not None and cd.get("gps_lng") is not None:
            gps = (cd["gps_lat"], cd["gps_lng"], cd.get("gps_accuracy"))
        try:
            visit, created = services.record_visit(
                actor=request.user,
                employer=employer,
                client_key=cd["client_key"],
                outcome=cd["outcome"],
                started_at=cd["started_at"],
                ended_at=cd.get("ended_at"),
                inspector_1=people.get(cd["inspector_1"]),
                inspector_2=people.get(cd["inspector_2"]),
                assistants=[people[a] for a in cd["assistants"] if a in people],
                campaign=campaign,
                findings=findings,
                place=cd["place"],
                facts=form.facts(),
                present=cd["present"],
                note=cd["note"],
                gps=gps,
                request=request,
            )
            photo = request.FILES.get("photo")
            if created and photo is not None:
                services.add_photo(
                    actor=request.user,
                    visit=visit,
                    content=photo.read(),
                    content_type=photo.content_type or "",
                    request=request,
                )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("已记录现场检查，待监察员确认并出具笔录。")
                if created
                else _("该现场检查已记录。"),
            )
            return redirect(visit)
    return render(
        request,
        "inspections/visit_form.html",
        {"form": form, "employer": employer},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def visit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = access_visit(request.user, pk)
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "findings": list(visit.findings.all()),
            "photos": list(visit.photos.all()),
            "assistants": list(visit.assistants.all()),
            "can_conclude": visit.status == VisitStatus.RECORDED
            and can_conclude(request.user, visit),
            "can_add_photo": visit.status == VisitStatus.RECORDED
            and request.user.pk
            in (visit.recorded_by_id, visit.inspector_1_id, visit.inspector_2_id),
            "violation": FindingResult.VIOLATION,
        },
    )


@login_required
@require_POST
def visit_photo_add(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = access_visit(request.user, pk, Cap.WORK_WRITE)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("请选择照片。"))
        return redirect(visit)
    try:
        services.add_photo(
            actor=request.user,
            visit=visit,
            content=upload.read(),
            content_type=upload.content_type or "",
            caption=request.POST.get("caption", ""),
            checklist_key=request.POST.get("checklist_key", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已添加照片。"))
    return redirect(visit)


@login_required
@require_http_methods(["GET", "POST"])
def visit_conclude(request: AuthedRequest, pk: int) -> HttpResponse:
    """Only one of the visit's two certified inspectors concludes it; anyone else who can see the
    visit is told so (and a POST from them is refused)."""
    visit = access_visit(request.user, pk)
    allowed = visit.status == VisitStatus.RECORDED and can_conclude(request.user, visit)
    if request.method == "POST":
        access_visit(request.user, pk, Cap.WORK_WRITE)
        if not allowed:
            raise PermissionDenied
    findings = list(visit.findings.all())
    form = ConcludeForm(
        request.POST or None, findings=findings, initial={"inspectors_signed": True}
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        decisions = [
            services.FindingDecision(
                key=f.key,
                result=cd[f"result_{f.key}"],
                note=cd[f"note_{f.key}"],
                to_order=bool(cd[f"order_{f.key}"]),
                working_days=cd[f"days_{f.key}"] or 10,
            )
            for f in findings
        ]
        try:
            services.conclude_visit(
                actor=request.user,
                visit=visit,
                decisions=decisions,
                signature=cd["signature"],
                rep_name=cd["rep_name"],
                rep_position=cd["rep_position"],
                refusal_reason=cd["refusal_reason"],
                inspectors_signed=cd["inspectors_signed"],
                wages_recovered=cd["wages_recovered"] or 0,
                workers_concerned=cd["workers_concerned"] or 0,
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已确认，现场检查笔录已出具。"))
            return redirect(visit)
    return render(
        request,
        "inspections/visit_conclude.html",
        {"visit": visit, "form": form, "allowed": allowed},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def visit_record(request: AuthedRequest, pk: int) -> FileResponse:
    """The issued 现场检查笔录 (PDF)."""
    visit = access_visit(request.user, pk)
    if not visit.record_file:
        raise Http404
    return FileResponse(
        visit.record_file.open("rb"),
        content_type="application/pdf",
        filename=f"{visit.record_number or visit.pk}.pdf",
    )


@login_required
@require_GET
def photo(request: AuthedRequest, pk: int) -> HttpResponse:
    p = access_photo(request.user, pk)
    response = HttpResponse(services.photo_bytes(p), content_type=p.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --- counts -------------------------------------------------------------------------------------


@login_required
@require_GET
def stats(request: AuthedRequest) -> HttpResponse:
    """检查统计: concluded visits per grid and per inspector over a period (issue 16 §5)."""
    require_capability(request.user, Cap.WORK_READ)
    today = timezone.localdate()
    try:
        since = date.fromisoformat(
            request.GET.get("since") or today.replace(month=1, day=1).isoformat()
        )
        until = date.fromisoformat(request.GET.get("until") or today.isoformat())
    except ValueError:
        messages.error(request, _("日期格式应为 YYYY-MM-DD。"))
        since, until = today.replace(month=1, day=1), today
    return render(
        request,
        "inspections/stats.html",
        {
            "since": since,
            "until": until,
            "by_grid": selectors.visit_counts_by_grid(request.user, since, until),
            "by_inspector": selectors.visit_counts_by_inspector(request.user, since, until),
        },
    )
