"""Employer pages that change the registry: create, edit, record and withdraw a labour-use
snapshot, merge (and undo a merge), split.

Every view gates first — ``access_employer(..., Cap.WORK_WRITE)`` for a record (404 outside the
user's grids, 403 for a read-only leader), ``require_capability(Cap.WORK_WRITE)`` for the create
page — and only then looks at the submitted data. Every write goes through
``laborgrid.employers.services``; GET requests write nothing. The service's ``ValidationError``
is shown on the fields it names, so a refused save keeps everything the person typed.

Duplicate candidates can lie outside the user's grids (a code is unique in the whole registry):
those are listed without their name or place, so the duplicate check never reveals another
township's employers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import attach_errors
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers import services
from laborgrid.employers.choices import EmployerStatus
from laborgrid.employers.forms import (
    EmployerForm,
    MergeForm,
    SnapshotForm,
    SplitForm,
    WithdrawForm,
    model_field,
)
from laborgrid.employers.models import (
    Employer,
    EmployerMerge,
    EmployerSource,
    LabourSnapshot,
    Worker,
)
from laborgrid.employers.permissions import access_employer
from laborgrid.grids.permissions import breadcrumb

#: Shown when the service places a record in a grid the person may not write in (located by its
#: coordinates or address outside their grids): they should choose a grid of their own.
OUT_OF_SCOPE = gettext_lazy(
    "按坐标或地址定位到的网格不在您负责的范围内，请在“所属网格”中选择您负责的网格。"
)


# --- helpers ------------------------------------------------------------------------------------


@dataclass
class DuplicateRow:
    """A duplicate candidate as the user may see it (``visible=False``: name and place hidden)."""

    visible: bool
    hard: bool
    reason: str
    employer: Employer | None = None
    url: str = ""


def duplicate_rows(
    user: Any, duplicates: list[services.Duplicate], registered_elsewhere: bool = False
) -> list[DuplicateRow]:
    """The rows of the duplicate warning. The service passes only candidates the user may see;
    a code held outside their grids is one row saying only that (no name, place or count)."""
    ids = [d.employer.pk for d in duplicates]
    visible = set(Employer.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    rows = [
        DuplicateRow(True, d.hard, d.reason, d.employer, d.employer.get_absolute_url())
        for d in duplicates
        if d.employer.pk in visible
    ]
    if registered_elsewhere:
        rows.append(DuplicateRow(False, True, str(services.REGISTERED_ELSEWHERE)))
    return rows


def _context(request: HttpRequest, employer: Employer | None, **extra: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {"employer": employer, **extra}
    if employer is not None:
        ctx["crumbs"] = breadcrumb(request.user, employer.grid)
    return ctx


# --- create / edit ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def employer_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_WRITE)
    form = EmployerForm(
        request.POST or None, user=request.user, initial={"status": EmployerStatus.OPERATING}
    )
    duplicates: list[DuplicateRow] = []
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            employer = services.create_employer(
                actor=request.user,
                data=form.employer_data(),
                grid=cd["grid"],
                grid_reason=cd["grid_reason"],
                confirm_not_duplicate=cd["confirm_not_duplicate"],
                request=request,
            )
        except services.DuplicateEmployer as exc:
            duplicates = duplicate_rows(request.user, exc.duplicates, exc.registered_elsewhere)
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied:
            form.add_error("grid", OUT_OF_SCOPE)
        else:
            messages.success(
                request,
                _("已登记 %(name)s（%(grid)s，%(method)s）。")
                % {
                    "name": employer.name,
                    "grid": employer.grid.name,
                    "method": employer.get_grid_method_display(),
                },
            )
            return redirect(employer)
    return render(
        request,
        "employers/employer_form.html",
        _context(
            request,
            None,
            form=form,
            duplicates=duplicates,
            can_confirm=bool(duplicates) and not any(d.hard for d in duplicates),
            title=_("登记用人单位"),
        ),
    )


@dataclass
class Difference:
    label: str
    saved: str
    typed: str


def _differences(form: EmployerForm, saved: Employer) -> list[Difference]:
    """Fields where what is saved now differs from what the person typed (an edit conflict)."""
    out = []
    for name in services.EMPLOYER_FIELDS:
        field = form.fields[name]
        saved_value = getattr(saved, name)
        if name == "uscc":
            saved_value = saved_value or ""
        typed = form.data.get(name, "")
        if field.has_changed(saved_value, typed):
            shown = getattr(saved, f"get_{name}_display", None)
            labels = dict(getattr(field, "choices", ()))
            out.append(
                Difference(
                    str(field.label),
                    str(shown() if shown else ("" if saved_value is None else saved_value)),
                    str(labels.get(typed, typed)),
                )
            )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def employer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    employer = access_employer(request.user, pk, Cap.WORK_WRITE)
    form = EmployerForm(
        request.POST or None,
        user=request.user,
        employer=employer,
        initial=EmployerForm.initial_for(employer),
    )
    duplicates: list[DuplicateRow] = []
    differences: list[Difference] = []
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        grid = cd["grid"]
        if grid is not None and grid.pk == employer.grid_id:
            grid = None  # the current grid chosen again: nothing to override
        # Only what changed: the history then records exactly this edit, and a field the person
        # did not touch never overwrites someone else's value.
        data = form.employer_data(only_changed=True)
        if not data and grid is None:
            messages.info(request, _("没有修改任何内容。"))
            return redirect(employer)
        try:
            services.update_employer(
                actor=request.user,
                employer=employer,
                data=data,
                expected_version=cd["version"],
                grid=grid,
                grid_reason=cd["grid_reason"],
                reason=cd.get("reason", ""),
                confirm_not_duplicate=cd["confirm_not_duplicate"],
                request=request,
            )
        except services.ConcurrentEdit as exc:
            # The form keeps what the person typed (and the version they loaded, so saving
            # again is refused too until they reload); show what the other person saved.
            form.add_error(None, exc.messages)
            differences = _differences(form, access_employer(request.user, pk, Cap.WORK_WRITE))
        except services.DuplicateEmployer as exc:
            duplicates = duplicate_rows(request.user, exc.duplicates, exc.registered_elsewhere)
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied:
            form.add_error("grid", OUT_OF_SCOPE)
        else:
            messages.success(request, _("已保存。"))
            return redirect(employer)
    return render(
        request,
        "employers/employer_form.html",
        _context(
            request,
            employer,
            form=form,
            duplicates=duplicates,
            can_confirm=bool(duplicates) and not any(d.hard for d in duplicates),
            differences=differences,
            title=_("编辑用人单位"),
        ),
    )


# --- snapshots ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def snapshot_create(request: AuthedRequest, pk: int) -> HttpResponse:
    employer = access_employer(request.user, pk, Cap.WORK_WRITE)
    today = timezone.localdate()
    form = SnapshotForm(request.POST or None, initial=SnapshotForm.initial_for(employer, today))
    wage = services.minimum_wage_for(employer.grid_path, today)
    if wage is not None:
        form.fields["lowest_monthly_wage"].help_text = _(
            "适用最低工资标准：%(monthly)s 元/月（%(tier)s，%(date)s 起执行）。"
        ) % {
            "monthly": wage.monthly,
            "tier": wage.tier or _("本地区"),
            "date": wage.effective_from.isoformat(),
        }
    if request.method == "POST" and form.is_valid():
        try:
            services.record_snapshot(
                actor=request.user,
                employer=employer,
                data=form.snapshot_data(),
                method=form.cleaned_data["method"],
                source=form.cleaned_data["source"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已记录劳动用工信息。"))
            return redirect(employer)
    recent = list(
        LabourSnapshot.objects.filter(employer=employer)
        .select_related("collector")
        .order_by("-collected_on", "-id")[:10]
    )
    return render(
        request,
        "employers/snapshot_form.html",
        _context(
            request,
            employer,
            form=form,
            wage=wage,
            recent=recent,
            count_fields=SnapshotForm.COUNT_FIELDS,
            title=_("采集劳动用工信息"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def snapshot_withdraw(request: AuthedRequest, pk: int, snapshot_id: int) -> HttpResponse:
    employer = access_employer(request.user, pk, Cap.WORK_WRITE)
    snapshot = LabourSnapshot.objects.filter(employer=employer, pk=snapshot_id).first()
    if snapshot is None:
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_snapshot(
                actor=request.user, snapshot=snapshot, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("已撤回 %(date)s 的采集信息。") % {"date": snapshot.collected_on.isoformat()},
            )
            return redirect(employer)
    return render(
        request,
        "employers/snapshot_withdraw.html",
        _context(request, employer, form=form, snapshot=snapshot, title=_("撤回采集信息")),
    )


# --- merge / unmerge ----------------------------------------------------------------------------


@dataclass
class MergePreview:
    """What a merge of ``source`` into ``target`` would move (the service's own rules)."""

    snapshots: int
    workers: int
    workers_kept: int  # current on both rosters: they stay with the merged-away record
    sources: int
    codes: list[str]


def merge_preview(source: Employer, target: Employer) -> MergePreview:
    taken = Worker.objects.current().filter(employer=target).values("id_index")
    workers = Worker.objects.filter(employer=source)
    kept = workers.filter(Q(left_on__isnull=True) & Q(id_index__in=taken)).count()
    sources = EmployerSource.objects.filter(employer=source).exclude(
        source__in=EmployerSource.objects.filter(employer=target).values("source")
    )
    codes = [
        str(model_field(Employer, f).verbose_name)
        for f in ("uscc", "org_code", "reg_number")
        if getattr(source, f) and not getattr(target, f)
    ]
    return MergePreview(
        snapshots=LabourSnapshot.objects.filter(employer=source).count(),
        workers=workers.count() - kept,
        workers_kept=kept,
        sources=sources.count(),
        codes=codes,
    )


def _merges_of(user: Any, employer: Employer) -> list[tuple[EmployerMerge, bool]]:
    """Merges this record took part in, each with whether this user may undo it here."""
    merges = list(
        EmployerMerge.objects.filter(Q(source=employer) | Q(target=employer))
        .select_related("source", "target", "merged_by", "reverted_by")
        .order_by("-merged_at")[:20]
    )
    visible = set(
        Employer.objects.visible_to(user)
        .filter(pk__in=[m.source_id for m in merges] + [m.target_id for m in merges])
        .values_list("pk", flat=True)
    )
    return [(m, m.target_id in visible and m.reverted_at is None) for m in merges]


@login_required
@require_http_methods(["GET", "POST"])
def employer_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    """This record is the duplicate (source); the person names the record to keep (target)."""
    source = access_employer(request.user, pk, Cap.WORK_WRITE)
    data = request.POST if request.method == "POST" else request.GET
    raw = (data.get("target") or "").strip()
    form = MergeForm(request.POST or None, initial={"target": raw})
    target: Employer | None = None
    target_error = ""
    if raw:
        try:
            target = access_employer(request.user, raw, Cap.WORK_WRITE)
        except (Http404, PermissionDenied, ValueError):  # ValueError: "²" passes isdigit()
            target_error = _("找不到该单位，或您无权修改它。")
        else:
            if target.pk == source.pk:
                target, target_error = None, _("不能将单位并入自身。")
    if request.method == "POST" and form.is_valid():
        if target is None:
            form.add_error("target", target_error)
        else:
            try:
                services.merge_employers(
                    actor=request.user,
                    source=source,
                    target=target,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已将 %(source)s 并入 %(target)s。如有误，可在合并页面撤销。")
                    % {"source": source.name, "target": target.name},
                )
                return redirect(target)
    return render(
        request,
        "employers/employer_merge.html",
        _context(
            request,
            source,
            form=form,
            target=target,
            target_error=target_error if request.method == "GET" else "",
            preview=merge_preview(source, target) if target is not None else None,
            merges=_merges_of(request.user, source),
            title=_("合并重复记录"),
        ),
    )


@login_required
@require_POST
def merge_revert(request: AuthedRequest, merge_id: int) -> HttpResponse:
    """Undo a merge. It belongs to its target (where everything went): gate on that record."""
    merge = (
        EmployerMerge.objects.filter(
            pk=merge_id, target__in=Employer.objects.visible_to(request.user).values("pk")
        )
        .select_related("source", "target")
        .first()
    )
    if merge is None:
        raise Http404
    target = access_employer(request.user, merge.target_id, Cap.WORK_WRITE)
    try:
        source = services.unmerge(actor=request.user, merge=merge, request=request)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return redirect(target)
    messages.success(
        request,
        _("已撤销合并：%(source)s 与 %(target)s 重新成为两条记录。")
        % {"source": source.name, "target": target.name},
    )
    if Employer.objects.visible_to(request.user).filter(pk=source.pk).exists():
        return redirect(source)
    return redirect(target)


# --- split --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def employer_split(request: AuthedRequest, pk: int) -> HttpResponse:
    """A record that wrongly holds two employers: the chosen snapshots and roster lines go to a
    new employer with the identity given here."""
    employer = access_employer(request.user, pk, Cap.WORK_WRITE)
    snapshots = list(
        LabourSnapshot.objects.filter(employer=employer).order_by("-collected_on", "-id")
    )
    workers = list(Worker.objects.filter(employer=employer).order_by("left_on", "name", "id"))
    form = SplitForm(
        request.POST or None,
        user=request.user,
        source=employer,
        snapshots=snapshots,
        workers=workers,
        initial={"status": EmployerStatus.OPERATING, "employer_type": employer.employer_type},
    )
    duplicates: list[DuplicateRow] = []
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            new = services.split_employer(
                actor=request.user,
                employer=employer,
                data=form.employer_data(),
                snapshot_ids=cd["snapshots"],
                worker_ids=cd["workers"],
                reason=cd["reason"],
                grid=cd["grid"],
                request=request,
            )
        except services.DuplicateEmployer as exc:
            duplicates = duplicate_rows(request.user, exc.duplicates, exc.registered_elsewhere)
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied:
            form.add_error("grid", OUT_OF_SCOPE)
        else:
            messages.success(
                request,
                _("已从 %(old)s 拆分出 %(new)s。") % {"old": employer.name, "new": new.name},
            )
            return redirect(new)
    chosen_snapshots = {str(v) for v in form["snapshots"].value() or ()}
    chosen_workers = {str(v) for v in form["workers"].value() or ()}
    return render(
        request,
        "employers/employer_split.html",
        _context(
            request,
            employer,
            form=form,
            snapshots=[(s, str(s.pk) in chosen_snapshots) for s in snapshots],
            workers=[(w, str(w.pk) in chosen_workers) for w in workers],
            duplicates=duplicates,
            can_confirm=False,
            title=_("拆分用人单位"),
        ),
    )


urlpatterns: list[URLPattern] = [
    path("new/", employer_create, name="employer_create"),
    path("<int:pk>/edit/", employer_edit, name="employer_edit"),
    path("<int:pk>/snapshots/new/", snapshot_create, name="snapshot_create"),
    path(
        "<int:pk>/snapshots/<int:snapshot_id>/withdraw/",
        snapshot_withdraw,
        name="snapshot_withdraw",
    ),
    path("<int:pk>/merge/", employer_merge, name="employer_merge"),
    path("merges/<int:merge_id>/revert/", merge_revert, name="merge_revert"),
    path("<int:pk>/split/", employer_split, name="employer_split"),
]
