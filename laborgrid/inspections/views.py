"""Pages of inspections: plans (issue 16 §1), campaigns (§2), visits (§3), counts (§5)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.models import User
from laborgrid.accounts.roles import Cap
from laborgrid.core import offline
from laborgrid.core.forms import attach_errors
from laborgrid.core.jobs import start_export
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.models import Employer
from laborgrid.grids.models import Grid
from laborgrid.inspections import checklist as checklists
from laborgrid.inspections import cycle as cycles
from laborgrid.inspections import exports, registry, risk, selectors, services
from laborgrid.inspections.choices import CampaignStatus, FindingResult, VisitStatus
from laborgrid.inspections.forms import (
    AddEmployerForm,
    CampaignForm,
    ConcludeForm,
    CycleForm,
    PlanForm,
    TargetsForm,
    VisitForm,
    VisitOrderForm,
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
    """现场检查 of the user's grids. Filters: status, grid (code: its subtree) and ``visited`` (a
    period key: 2026-11, 2026-Q4, 2026), the ones the dashboard's figures link with."""
    from laborgrid.lib import periods

    require_capability(request.user, Cap.WORK_READ)
    qs = Visit.objects.visible_to(request.user).with_list_related()
    status = request.GET.get("status", "")
    if status in VisitStatus.values:
        qs = qs.filter(status=status)
    grid_code = (request.GET.get("grid") or "").strip()[:32]
    if grid_code:
        grid = Grid.objects.filter(code=grid_code).only("path").first()
        qs = qs.filter(grid_path__under=grid.path) if grid else qs.none()
    period = periods.parse(request.GET.get("visited"))
    if period is not None:
        qs = qs.filter(visited_on__range=(period.start, period.end))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {
        k: v
        for k, v in (
            ("status", status),
            ("grid", grid_code),
            ("visited", period.key if period else ""),
        )
        if v
    }
    return render(
        request,
        "inspections/visit_list.html",
        {
            "page": page,
            "status": status,
            "grid_code": grid_code,
            "visited": period.key if period else "",
            "query": urlencode(kept),
            "statuses": VisitStatus.choices,
            "can_record": get_scope(request.user).has(Cap.WORK_WRITE),
        },
    )


def _visit_lists(employer: Employer) -> list[dict[str, Any]]:
    """The checklists the visit may use: the patrol one and that of each campaign under way that
    targets the employer. The page carries them all (a phone offline switches between them)."""
    today = timezone.localdate()
    campaigns = [
        t.campaign
        for t in CampaignTarget.objects.filter(
            employer=employer,
            campaign__status=CampaignStatus.ACTIVE,
            campaign__starts_on__lte=today,
            campaign__ends_on__gte=today,
        )
        .select_related("campaign")
        .order_by("campaign__starts_on", "campaign_id")
    ]
    return [
        {"id": "", "label": _("日常巡视检查"), "items": checklists.default_template()},
        *(
            {"id": str(c.pk), "label": c.name, "items": list(c.checklist), "campaign": c}
            for c in campaigns
        ),
    ]


def _visit_form(
    request: AuthedRequest,
    employer: Employer,
    lists: list[dict[str, Any]],
    chosen: str,
    data: Any = None,
    files: Any = None,
) -> VisitForm:
    campaigns = [lst["campaign"] for lst in lists if lst["id"]]
    items = next(lst["items"] for lst in lists if lst["id"] == chosen)
    now = timezone.localtime().replace(second=0, microsecond=0)
    return VisitForm(
        data,
        files,
        inspectors=selectors.certified_inspectors(employer.grid_path),
        assistants=selectors.assistants_for(employer.grid_path),
        campaigns=campaigns,
        items=items,
        initial={
            "server_key": uuid.uuid4(),
            "employer": employer.pk,
            "campaign": chosen,
            "started_at": now.strftime("%Y-%m-%dT%H:%M"),
            "place": employer.address,
            "assistants": [str(request.user.pk)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: AuthedRequest) -> HttpResponse:
    """记录现场检查: without an employer, what the user's grids still have to visit; with one, to
    its on-site form (a POST here is taken as on the form: older links and scripts)."""
    require_capability(request.user, Cap.WORK_WRITE)
    raw = request.POST.get("employer") or request.GET.get("employer") or ""
    if not str(raw).isdigit():
        return render(
            request,
            "inspections/visit_start.html",
            {"pending": selectors.pending_targets(request.user, timezone.localdate())},
        )
    if request.method == "POST":
        return _visit_page(request, int(raw))
    url = reverse("inspections:visit_form", args=[int(raw)])
    if "campaign" in request.GET:
        url += "?" + urlencode({"campaign": request.GET["campaign"]})
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def visit_form(request: AuthedRequest, employer: int) -> HttpResponse:
    """The on-site form of one employer, usable on a phone without network (``data-lg-offline``:
    kept on the device, sent when the connection returns; ``core.offline``). It carries every
    checklist the visit may use; the campaign of the employer's first campaign under way is
    proposed. A resent form (same ``client_key``) records one visit only."""
    require_capability(request.user, Cap.WORK_WRITE)
    return _visit_page(request, employer)


def _photos(request: AuthedRequest) -> list[Any]:
    return request.FILES.getlist("photo")[: services.MAX_PHOTOS + 1]


def _visit_page(request: AuthedRequest, pk: int) -> HttpResponse:
    employer = (
        Employer.objects.visible_to(request.user, Cap.WORK_WRITE)
        .select_related("grid")
        .defer("grid__boundary")
        .filter(pk=pk)
        .first()
    )
    if employer is None:
        raise Http404
    lists = _visit_lists(employer)
    ids = [lst["id"] for lst in lists]
    if request.method == "POST":
        chosen = str(request.POST.get("campaign") or "")
    elif "campaign" in request.GET:
        chosen = str(request.GET.get("campaign") or "")
    else:  # a campaign's target is checked under the campaign unless told otherwise
        chosen = ids[1] if len(ids) > 1 else ""
    if chosen not in ids:
        chosen = ""
    post = request.method == "POST"
    form = _visit_form(
        request, employer, lists, chosen, request.POST if post else None, request.FILES or None
    )
    if post and form.is_valid():
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
            # One transaction: a photo refused leaves no visit behind (the form comes back whole).
            with transaction.atomic():
                visit, created = services.record_visit(
                    actor=request.user,
                    employer=employer,
                    client_key=form.visit_key(),
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
                # A retry of a visit already stored adds its photos once (same bytes: no-op).
                if visit.status == VisitStatus.RECORDED:
                    for upload in _photos(request):
                        services.add_photo(
                            actor=request.user,
                            visit=visit,
                            content=upload.read(),
                            content_type=upload.content_type or "",
                            request=request,
                        )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "file" in exc.error_dict:
                exc.error_dict["photo"] = exc.error_dict.pop("file")
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("已记录现场检查，待监察员确认并出具笔录。")
                if created
                else _("该现场检查已记录。"),
            )
            return offline.done(request, visit.get_absolute_url())
    if post and offline.is_replay(request):
        return offline.invalid_response(form)
    return render(
        request,
        "inspections/visit_form.html",
        {
            "form": form,
            "employer": employer,
            "lists": lists,
            "chosen": chosen,
            "results": FindingResult.choices,
            "not_checked": FindingResult.NOT_CHECKED,
            "fresh": not post,
        },
        status=422 if post else 200,
    )


def offline_patterns() -> tuple[str, ...]:
    """The pages the field service worker keeps for use without network: the list of what is
    still to visit and every employer's on-site form."""
    import re

    start = re.escape(reverse("inspections:visit_create"))
    return (f"^{start}$", rf"^{start}\d+/$")


#: Forms copied when the service worker installs (the rest are kept once opened online).
PRECACHE_FORMS = 20


def offline_precache(request: Any) -> list[str]:
    """Copied when the service worker installs, for those who record visits: the list of what is
    still to visit and the forms of its first targets (this month's plan, campaigns under way),
    so that they open offline even if never opened online."""
    if not request.user.is_authenticated or not get_scope(request.user).has(Cap.WORK_WRITE):
        return []
    pending = selectors.pending_targets(request.user, timezone.localdate(), limit=PRECACHE_FORMS)
    ids = list(dict.fromkeys(t.employer_id for t in [*pending["plan"], *pending["campaign"]]))[
        :PRECACHE_FORMS
    ]
    return [
        reverse("inspections:visit_create"),
        *(reverse("inspections:visit_form", args=[i]) for i in ids),
    ]


def _why_not_issue(user: Any, visit: Visit, orders: list[Any]) -> str:
    """Why the user may not issue the visit's order now ("" when they may): a concluded visit
    with findings ticked for rectification and no order yet, and a certified inspector with a
    handler role on its grid (assistants and uncertified staff are told, never offered)."""
    from laborgrid.rectifications.services import may_issue_on

    if orders:
        return _("本次检查已下达责令改正指令书 %(number)s。") % {"number": orders[0].number}
    if visit.status != VisitStatus.CONCLUDED:
        return _("现场检查经监察员确认并出具笔录后，才能下达责令改正指令书。")
    if not any(f.to_order for f in visit.findings.all()):
        return _("确认笔录时没有列入整改的检查项目。")
    if not (
        get_scope(user).allows(Cap.WORK_WRITE, visit.grid_path)
        and may_issue_on(user, visit.grid_path)
    ):
        return _("只有持有效执法证的劳动保障监察员可以下达责令改正指令书。")
    return ""


@login_required
@require_GET
def visit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = access_visit(request.user, pk)
    orders = list(services.orders_of(visit).order_by("issued_on", "id"))
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
            "orders": orders,
            "can_issue": not _why_not_issue(request.user, visit, orders),
            "origins": registry.origins(visit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_order(request: AuthedRequest, pk: int) -> HttpResponse:
    """下达责令改正指令书 from the visit's findings ticked for rectification, by a certified
    inspector with a handler role while the visit has no order; anyone else who can see the visit
    is told why not (and a POST from them is refused)."""
    visit = access_visit(request.user, pk)
    if request.method == "POST":
        access_visit(request.user, pk, Cap.WORK_WRITE)
    orders = list(services.orders_of(visit).order_by("issued_on", "id"))
    refused = _why_not_issue(request.user, visit, orders)
    if request.method == "POST" and refused:
        raise PermissionDenied(refused)
    lines = [] if refused else services.proposed_lines(visit)
    labels = {f.key: f.label for f in visit.findings.all()}
    form = VisitOrderForm(request.POST or None, lines=lines, labels=labels)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.issue_visit_order(
                actor=request.user, visit=visit, lines=form.chosen(), request=request
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("无权执行此操作"))
        else:
            messages.success(request, _("已下达责令改正指令书 %(n)s。") % {"n": order.number})
            return redirect(order)
    return render(
        request,
        "inspections/visit_order.html",
        {"visit": visit, "form": form, "refused": refused, "orders": orders},
        status=422 if request.method == "POST" else 200,
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
