"""Incident pages (issue 19): the rapid report (mobile first), the list and one incident with its
handling log, the closing report PDF, the early-warning list, and the county's settings.

Every object through a gate (``access_incident`` / ``access_warning``: 404 outside the scope),
every write through ``services`` / ``early_warning``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.accounts.roles import STAFF_ROLES, Cap
from laborgrid.audit.services import record
from laborgrid.core import offline
from laborgrid.core.forms import attach_errors
from laborgrid.core.paging import query_without
from laborgrid.core.paths import path_codes
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.deadlines.models import Deadline
from laborgrid.grids.models import Grid
from laborgrid.incidents import early_warning, services
from laborgrid.incidents.audit_actions import IncidentAction
from laborgrid.incidents.choices import (
    STANDING_WARNING,
    IncidentStatus,
    LevelReason,
    UpdateKind,
    WarningStatus,
)
from laborgrid.incidents.forms import (
    LevelForm,
    LinkCaseForm,
    RapidReportForm,
    ResolveForm,
    RuleForm,
    SettleForm,
    UpdateForm,
)
from laborgrid.incidents.models import (
    EarlyWarning,
    Incident,
    IncidentLevel,
    IncidentPhoto,
    IncidentUpdate,
    WarningRule,
)
from laborgrid.incidents.permissions import access_incident, access_warning, can_configure
from laborgrid.incidents.photos import MAX_PHOTOS, photo_bytes
from laborgrid.incidents.report import closing_report_pdf
from laborgrid.incidents.warning_rules import rule_def, rule_label
from laborgrid.lib import periods

PAGE_SIZE = 50
#: Grids offered in the report form's list (a county inspector's whole county is ~400 grids).
MAX_GRID_CHOICES = 600


def _writable_grids(user: Any) -> list[Grid]:
    paths = get_scope(user).paths(Cap.WORK_WRITE)
    if not paths:
        return []
    q = Q()
    for p in paths:
        q |= Q(path__under=p)
    return list(
        Grid.objects.filter(q, is_active=True)
        .only("id", "code", "name", "path", "depth", "level")
        .order_by("path")[:MAX_GRID_CHOICES]
    )


def _uploads(request: AuthedRequest) -> list[tuple[bytes, str]]:
    from laborgrid.incidents.photos import MAX_PHOTO_BYTES

    out = []
    for f in request.FILES.getlist("photos")[: MAX_PHOTOS + 1]:
        out.append((f.read(MAX_PHOTO_BYTES + 1), f.content_type or ""))
    return out


# --- the rapid report ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def incident_report(request: AuthedRequest) -> HttpResponse:
    """快速报告: one screen on a phone, kept and queued on the device when there is no network
    (``data-lg-offline``: ``laborgrid/offline-form.js``, ``core.offline``). A retried submission
    (same ``client_key``) lands on the first report, never a second incident. Nothing typed is lost on an error: the form comes
    back with the values and the messages."""
    require_capability(request.user, Cap.WORK_WRITE)
    grids = _writable_grids(request.user)
    form = RapidReportForm(request.POST or None, grids=grids)
    if not request.POST and grids:
        form.initial.setdefault("grid", grids[0].code)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            cd = form.cleaned_data
            try:
                incident, created = services.report_incident(
                    actor=request.user,
                    client_key=form.report_key(),
                    grid=form.grids.get(cd.get("grid") or ""),
                    lat=cd.get("lat"),
                    lng=cd.get("lng"),
                    gps_accuracy=cd.get("gps_accuracy"),
                    place=cd.get("place") or "",
                    employer_id=cd.get("employer"),
                    employer_name=cd.get("employer_name") or "",
                    project_name=cd.get("project_name") or "",
                    people=cd.get("people"),
                    amount_claimed=cd.get("amount_claimed"),
                    demands=cd.get("demands") or "",
                    acts=cd.get("acts") or [],
                    actions_taken=cd.get("actions_taken") or "",
                    occurred_at=cd.get("occurred_at"),
                    photos=_uploads(request),
                    request=request,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                if created:
                    messages.success(
                        request,
                        _("已报告，定为%(level)s，已通知中队、大队和相关领导。")
                        % {"level": incident.level.display_name},
                    )
                else:
                    messages.info(request, _("该报告已经提交过，以下是第一次提交的结果。"))
                # JSON for the offline-form script (sent now or from the phone's queue).
                return offline.done(request, incident.get_absolute_url())
        if offline.is_replay(request):
            return offline.invalid_response(form)
        status = 422
    return render(
        request,
        "incidents/report_form.html",
        {"form": form, "max_photos": MAX_PHOTOS, "no_grids": not grids},
        status=status,
    )


@login_required
@require_GET
def employer_search(request: AuthedRequest) -> HttpResponse:
    """Registry search for the report form (HTMX fragment): employers in the user's grids."""
    from laborgrid.employers.filters import search_employers
    from laborgrid.employers.models import Employer

    require_capability(request.user, Cap.WORK_READ)
    q = (request.GET.get("q") or "").strip()[:50]
    rows: list[Any] = []
    if q:
        rows = list(
            search_employers(Employer.objects.visible_to(request.user), q)
            .only("id", "name", "uscc", "address")
            .order_by("name", "id")[:8]
        )
    return render(request, "incidents/_employer_options.html", {"rows": rows, "q": q})


def offline_patterns() -> tuple[str, ...]:
    """The rapid-report form, answered by the field service worker from its cache offline."""
    return (f"^{re.escape(reverse('incidents:incident_report'))}$",)


def offline_precache(request: Any) -> list[str]:
    """Copied when the service worker installs, so that the form opens offline even if it was
    never opened online: for those who may report."""
    if get_scope(request.user).has(Cap.WORK_WRITE):
        return [reverse("incidents:incident_report")]
    return []


# --- the list and one incident -------------------------------------------------------------------


@login_required
@require_GET
def incident_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    status = request.GET.get("status", "open")
    qs = Incident.objects.visible_to(request.user).with_list_related()
    if status == "open":
        qs = qs.exclude(status=IncidentStatus.CLOSED)
    elif status in IncidentStatus.values:
        qs = qs.filter(status=status)
    level = request.GET.get("level", "")
    if level:
        qs = qs.filter(level__code=level)
    # The dashboard's and the returns' links: a grid's subtree, a period of occurrence.
    chips: list[tuple[str, str]] = []
    code = (request.GET.get("grid") or "").strip()[:40]
    if code:
        grid = Grid.objects.visible_to(request.user).filter(code=code).only("name", "path").first()
        qs = qs.filter(grid_path__under=grid.path) if grid else qs.none()
        chips.append((grid.name if grid else code, query_without(request, "grid")))
    period = periods.parse(request.GET.get("occurred"))
    if period is not None:
        start, end = (
            timezone.make_aware(dt.datetime.combine(day, dt.time.min))
            for day in (period.start, period.end + dt.timedelta(days=1))
        )
        qs = qs.filter(occurred_at__gte=start, occurred_at__lt=end)
        chips.append(
            (_("发生于 %(period)s") % {"period": period.key}, query_without(request, "occurred"))
        )
    page = Paginator(qs.order_by("-reported_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "incidents/incident_list.html",
        {
            "page": page,
            "status": status,
            "statuses": IncidentStatus.choices,
            "level": level,
            "levels": IncidentLevel.objects.order_by("rank"),
            "can_report": get_scope(request.user).has(Cap.WORK_WRITE),
            "chips": chips,
            "hidden": {k: request.GET[k] for k in ("grid", "occurred") if request.GET.get(k)},
        },
    )


def _staff_for(incident: Incident) -> list[User]:
    """People who may be named as having gone: the staff of the incident's grid, of the grids
    above it and of those below it."""
    codes = path_codes(incident.grid_path)
    ids = (
        GridAssignment.objects.current()
        .filter(Q(grid__code__in=codes) | Q(grid__path__under=incident.grid_path))
        .filter(role__in=STAFF_ROLES, grid__is_active=True)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username")[:200])


def _detail_context(request: AuthedRequest, incident: Incident, **forms: Any) -> dict[str, Any]:
    can_write = get_scope(request.user).allows(Cap.WORK_WRITE, incident.grid_path)
    updates = list(
        IncidentUpdate.objects.filter(incident=incident)
        .select_related("created_by")
        .prefetch_related(Prefetch("staff", queryset=User.objects.order_by("username")))
    )
    deadlines = list(Deadline.objects.for_object(incident).order_by("created_at", "id"))
    now = timezone.now()
    reasons = dict(LevelReason.choices)
    done = {u.kind for u in updates}
    ctx: dict[str, Any] = {
        "incident": incident,
        "updates": updates,
        "photos": list(IncidentPhoto.objects.filter(incident=incident).only("id", "uploaded_at")),
        "deadlines": [(d, d.status(timezone.localdate(now), now)) for d in deadlines],
        "reasons": [str(reasons.get(r, r)) for r in incident.level_reasons],
        "can_write": can_write and incident.status != IncidentStatus.CLOSED,
        "can_settle": can_write and incident.status == IncidentStatus.ACTIVE,
        "can_close": can_write
        and incident.status == IncidentStatus.SETTLED
        and UpdateKind.FINAL_REPORT in done,
        "can_link": can_write and incident.case_id is None,
        "case_visible": _case_visible(request.user, incident),
        "max_photos": MAX_PHOTOS,
    }
    if ctx["can_write"]:
        ctx["update_form"] = forms.get("update_form") or UpdateForm(staff=_staff_for(incident))
        ctx["settle_form"] = forms.get("settle_form") or SettleForm()
        ctx["case_form"] = forms.get("case_form") or LinkCaseForm()
    return ctx


def _case_visible(user: Any, incident: Incident) -> bool:
    if incident.case_id is None:
        return False
    from laborgrid.cases.models import Case

    return Case.objects.visible_to(user).filter(pk=incident.case_id).exists()


@login_required
@require_GET
def incident_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk)
    return render(request, "incidents/incident_detail.html", _detail_context(request, incident))


@login_required
@require_POST
def incident_update(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add an entry to the handling log (reports included)."""
    incident = access_incident(request.user, pk, Cap.WORK_WRITE)
    form = UpdateForm(request.POST, staff=_staff_for(incident))
    if form.is_valid():
        cd = form.cleaned_data
        try:
            update = services.add_update(
                actor=request.user,
                incident=incident,
                kind=cd["kind"],
                text=cd.get("text") or "",
                at=cd.get("at"),
                people_present=cd.get("people_present"),
                staff=[form.staff_users[s] for s in cd.get("staff") or []],
                departments=cd.get("departments") or [],
                amount_paid=cd.get("amount_paid"),
                workers_paid=cd.get("workers_paid"),
                request=request,
            )
        except services.Refused as exc:
            form.add_error(None, list(exc.messages))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已记录：%(kind)s。") % {"kind": update.get_kind_display()})
            return redirect(incident)
    incident = access_incident(request.user, pk)
    return render(
        request,
        "incidents/incident_detail.html",
        _detail_context(request, incident, update_form=form),
        status=422,
    )


@login_required
@require_POST
def incident_settle(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk, Cap.WORK_WRITE)
    form = SettleForm(request.POST)
    if form.is_valid():
        try:
            services.settle_incident(
                actor=request.user,
                incident=incident,
                outcome=form.cleaned_data["outcome"],
                at=form.cleaned_data.get("at"),
                request=request,
            )
        except services.Refused as exc:
            form.add_error(None, list(exc.messages))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已登记事件平息，请按时报送终报。"))
            return redirect(incident)
    incident = access_incident(request.user, pk)
    return render(
        request,
        "incidents/incident_detail.html",
        _detail_context(request, incident, settle_form=form),
        status=422,
    )


@login_required
@require_POST
def incident_close(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk, Cap.WORK_WRITE)
    try:
        services.close_incident(actor=request.user, incident=incident, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("事件已办结。"))
    return redirect(incident)


@login_required
@require_POST
def incident_case(request: AuthedRequest, pk: int) -> HttpResponse:
    """Link an existing case by its number, or (``open=1``) open an arrears case from it."""
    from laborgrid.cases.models import Case

    incident = access_incident(request.user, pk, Cap.WORK_WRITE)
    if request.POST.get("open"):
        try:
            case = services.open_case(actor=request.user, incident=incident, request=request)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(incident)
        messages.success(request, _("已登记欠薪案件 %(ref)s。") % {"ref": case.reference})
        return redirect(incident)
    form = LinkCaseForm(request.POST)
    if form.is_valid():
        case_pk = form.case_pk()
        case = (
            Case.objects.visible_to(request.user).filter(pk=case_pk).first()
            if case_pk is not None
            else None
        )
        if case is None:
            form.add_error("case", _("在您负责的网格内没有找到该案件。"))
        else:
            services.link_case(actor=request.user, incident=incident, case=case, request=request)
            messages.success(request, _("已关联案件 %(ref)s。") % {"ref": case.reference})
            return redirect(incident)
    incident = access_incident(request.user, pk)
    return render(
        request,
        "incidents/incident_detail.html",
        _detail_context(request, incident, case_form=form),
        status=422,
    )


@login_required
@require_POST
def incident_photos(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk, Cap.WORK_WRITE)
    uploads = _uploads(request)
    if not uploads:
        messages.error(request, _("请选择照片。"))
        return redirect(incident)
    try:
        n = services.add_photos(
            actor=request.user, incident=incident, photos=uploads, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已添加 %(n)d 张照片。") % {"n": n})
    return redirect(incident)


@login_required
@require_GET
def incident_photo(request: AuthedRequest, pk: int) -> HttpResponse:
    photo = (
        IncidentPhoto.objects.filter(
            pk=pk, incident__in=Incident.objects.visible_to(request.user).values("pk")
        )
        .select_related("incident")
        .first()
    )
    if photo is None:
        raise Http404
    response = HttpResponse(photo_bytes(photo), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def incident_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The closing report (处置情况报告) as PDF, from the record as it stands."""
    incident = access_incident(request.user, pk)
    pdf = closing_report_pdf(incident)
    record(
        IncidentAction.REPORT_PRINTED,
        actor=request.user,
        request=request,
        obj=incident,
        detail={"status": incident.status},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="incident-{incident.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- early warnings -----------------------------------------------------------------------------


@login_required
@require_GET
def warning_list(request: AuthedRequest) -> HttpResponse:
    """预警: per grid (the user's, or a grid below it by code), standing ones first."""
    require_capability(request.user, Cap.WORK_READ)
    status = request.GET.get("status", "standing")
    qs = EarlyWarning.objects.visible_to(request.user).select_related("rule", "grid", "employer")
    if status == "standing":
        qs = qs.filter(status__in=STANDING_WARNING)
    elif status in WarningStatus.values:
        qs = qs.filter(status=status)
    rule = request.GET.get("rule", "")
    if rule:
        qs = qs.filter(rule__key=rule)
    grid_code = (request.GET.get("grid") or "").strip()
    grid = None
    if grid_code:
        grid = Grid.objects.visible_to(request.user, Cap.WORK_READ).filter(code=grid_code).first()
        qs = qs.filter(grid_path__under=grid.path) if grid is not None else qs.none()
    page = Paginator(qs.order_by("-raised_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    scope = get_scope(request.user)
    rows = [(w, rule_label(w.rule.key), scope.allows(Cap.WORK_WRITE, w.grid_path)) for w in page]
    return render(
        request,
        "incidents/warning_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": WarningStatus.choices,
            "rule": rule,
            "rules": [(r.key, rule_label(r.key)) for r in WarningRule.objects.order_by("key")],
            "grid": grid,
            "grid_code": grid_code,
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_POST
def warning_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    warning = access_warning(request.user, pk, Cap.WORK_WRITE)
    try:
        early_warning.acknowledge_warning(actor=request.user, warning=warning, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已标记为已知悉。"))
    return redirect(reverse("incidents:warning_list"))


@login_required
@require_POST
def warning_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    warning = access_warning(request.user, pk, Cap.WORK_WRITE)
    try:
        early_warning.resolve_warning(
            actor=request.user,
            warning=warning,
            resolution=request.POST.get("resolution", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("预警已解除。"))
    return redirect(reverse("incidents:warning_list"))


# --- settings -----------------------------------------------------------------------------------


def _settings_context(request: AuthedRequest, **bound: Any) -> dict[str, Any]:
    configurer = can_configure(request.user)
    levels = list(IncidentLevel.objects.order_by("rank"))
    rules = list(WarningRule.objects.order_by("key"))
    ctx: dict[str, Any] = {
        "configurer": configurer,
        "levels": levels,
        "rules": [(r, rule_def(r.key)) for r in rules],
    }
    if configurer:
        ctx["level_forms"] = [
            (lv, bound.get(f"level-{lv.pk}") or LevelForm(instance=lv, prefix=f"level-{lv.pk}"))
            for lv in levels
        ]
        ctx["new_level_form"] = bound.get("level-new") or LevelForm(prefix="level-new")
        ctx["rule_forms"] = [
            (
                r,
                rule_def(r.key),
                bound.get(f"rule-{r.pk}") or RuleForm(instance=r, prefix=f"rule-{r.pk}"),
            )
            for r in rules
        ]
    return ctx


@login_required
@require_GET
def incident_settings(request: AuthedRequest) -> HttpResponse:
    """等级与预警设置: everyone with work.read sees the rules in force; the county brigade edits."""
    require_capability(request.user, Cap.WORK_READ)
    return render(request, "incidents/settings.html", _settings_context(request))


@login_required
@require_POST
def level_save(request: AuthedRequest) -> HttpResponse:
    if not can_configure(request.user):
        raise Http404
    pk = request.POST.get("level") or ""
    level = IncidentLevel.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if pk and level is None:
        raise Http404
    prefix = f"level-{level.pk}" if level else "level-new"
    form = LevelForm(request.POST, instance=level, prefix=prefix)
    if form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.cleaned_data}
        try:
            saved = services.save_level(
                actor=request.user,
                level=IncidentLevel.objects.filter(pk=level.pk).first() if level else None,
                data=data,
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存等级：%(name)s。") % {"name": saved.display_name})
            return redirect("incidents:settings")
    return render(
        request,
        "incidents/settings.html",
        _settings_context(request, **{prefix: form}),
        status=422,
    )


@login_required
@require_POST
def rule_save(request: AuthedRequest) -> HttpResponse:
    if not can_configure(request.user):
        raise Http404
    pk = request.POST.get("rule") or ""
    rule = WarningRule.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if rule is None:
        raise Http404
    prefix = f"rule-{rule.pk}"
    form = RuleForm(request.POST, instance=WarningRule.objects.get(pk=rule.pk), prefix=prefix)
    if form.is_valid():
        try:
            services.save_rule(
                actor=request.user, rule=rule, data=dict(form.cleaned_data), request=request
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("已保存预警规则：%(name)s。") % {"name": rule_label(rule.key)}
            )
            return redirect("incidents:settings")
    return render(
        request,
        "incidents/settings.html",
        _settings_context(request, **{prefix: form}),
        status=422,
    )
