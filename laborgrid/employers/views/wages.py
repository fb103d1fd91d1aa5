"""The minimum-wage table (最低工资标准): configuration the labour-use checks read (DOMAIN A3).

Everyone who works with employer data may read it; adding or correcting a row needs
``grid.manage`` on its area (the county's system administrator or inspectors).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import StyledFormMixin, attach_errors
from laborgrid.core.scope import check_write, get_scope
from laborgrid.core.types import AuthedRequest
from laborgrid.employers import services
from laborgrid.employers.models import MinimumWage
from laborgrid.grids.models import Grid


class MinimumWageForm(StyledFormMixin, forms.Form):
    area = forms.ModelChoiceField(queryset=Grid.objects.none(), label=gettext_lazy("适用区域"))
    tier = forms.CharField(label=gettext_lazy("档次"), max_length=20, required=False)
    monthly = forms.DecimalField(
        label=gettext_lazy("月最低工资（元）"), max_digits=8, decimal_places=2, min_value=1
    )
    hourly = forms.DecimalField(
        label=gettext_lazy("小时最低工资（元）"),
        max_digits=6,
        decimal_places=2,
        min_value=0.01,
        required=False,
    )
    effective_from = forms.DateField(label=gettext_lazy("执行日期"))
    document = forms.CharField(label=gettext_lazy("文件依据"), max_length=120, required=False)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        field.queryset = areas  # type: ignore[attr-defined]
        field.label_from_instance = lambda g: "\u00a0" * 4 * max(g.depth - 1, 0) + g.name  # type: ignore[attr-defined]


def _areas(user: Any) -> Any:
    """Grids down to township level where the user may manage the table."""
    return (
        Grid.objects.visible_to(user, Cap.GRID_MANAGE)
        .active()
        .filter(level__in=("province", "city", "county", "township"))
        .order_by("path")
    )


def _relevant_paths(user: Any) -> tuple[str, ...]:
    """Grid paths whose table the user may read (404 if none)."""
    scope = get_scope(user)
    paths = scope.paths(Cap.WORK_READ) + scope.paths(Cap.GRID_MANAGE)
    if not paths:
        raise Http404
    return paths


def _relevant(row: MinimumWage, paths: tuple[str, ...]) -> bool:
    # A row above the user's grids applies to them (a township sees the county's standard);
    # a row inside them is theirs.
    return any(p.startswith(row.area_path) or row.area_path.startswith(p) for p in paths)


@login_required
@require_http_methods(["GET", "POST"])
def minimum_wage_list(request: AuthedRequest) -> HttpResponse:
    paths = _relevant_paths(request.user)
    scope = get_scope(request.user)
    rows = [
        r
        for r in MinimumWage.objects.select_related("area").order_by("area_path", "-effective_from")
        if _relevant(r, paths)
    ]
    can_manage = scope.has(Cap.GRID_MANAGE)
    form = None
    if can_manage:
        form = MinimumWageForm(request.POST or None, areas=_areas(request.user))
        if request.method == "POST" and form.is_valid():
            try:
                services.save_minimum_wage(
                    actor=request.user, data=form.cleaned_data, request=request
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("已保存最低工资标准。"))
                return redirect("employers:minimum_wage_list")
    elif request.method == "POST":
        raise Http404
    # 修改 is offered on the rows the user may change (a township sees the county's standard,
    # which only the county changes)
    editable = {r.pk for r in rows if scope.allows(Cap.GRID_MANAGE, r.area_path)}
    return render(
        request,
        "employers/minimum_wage_list.html",
        {
            "rows": [(r, r.pk in editable) for r in rows],
            "form": form,
            "can_manage": bool(editable),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def minimum_wage_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    paths = _relevant_paths(request.user)
    row = MinimumWage.objects.select_related("area").filter(pk=pk).first()
    if row is None or not _relevant(row, paths):
        raise Http404
    check_write(request.user, Cap.GRID_MANAGE, row.area_path)
    initial = {
        "area": row.area,
        "tier": row.tier,
        "monthly": row.monthly,
        "hourly": row.hourly,
        "effective_from": row.effective_from,
        "document": row.document,
    }
    form = MinimumWageForm(request.POST or None, initial=initial, areas=_areas(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_minimum_wage(
                actor=request.user, data=form.cleaned_data, instance=row, request=request
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已修改最低工资标准。"))
            return redirect("employers:minimum_wage_list")
    return render(request, "employers/minimum_wage_form.html", {"form": form, "row": row})


urlpatterns: list[URLPattern] = [
    path("minimum-wages/", minimum_wage_list, name="minimum_wage_list"),
    path("minimum-wages/<int:pk>/edit/", minimum_wage_edit, name="minimum_wage_edit"),
]
