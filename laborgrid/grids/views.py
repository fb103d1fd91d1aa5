"""Grid pages: tree browser, detail with responsible staff, create/edit/move/merge, the grid map."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Cap
from laborgrid.core.jobs import start_export
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.grids import services
from laborgrid.grids.forms import GridEditForm, GridForm, GridPickForm
from laborgrid.grids.models import Grid
from laborgrid.grids.permissions import access_grid, breadcrumb
from laborgrid.grids.selectors import SESSION_GRID_KEY, staff_of, user_grids, with_child_counts

SEARCH_LIMIT = 100


def _validation_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
@require_GET
def grid_list(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Cap.GRID_READ)
    q = request.GET.get("q", "").strip()
    results = None
    if q:
        results = list(
            Grid.objects.visible_to(request.user).active().search(q).order_by("path")[:SEARCH_LIMIT]
        )
    # The roots of the user's scope (user_grids already drops grids under another of theirs).
    roots = list(
        with_child_counts(
            Grid.objects.filter(pk__in=[g.pk for g in user_grids(request.user)])
        ).order_by("path")
    )
    return render(
        request,
        "grids/grid_list.html",
        {"roots": roots, "q": q, "results": results, "search_limit": SEARCH_LIMIT},
    )


@login_required
@require_GET
def grid_children(request: HttpRequest, code: str) -> HttpResponse:
    grid = access_grid(request.user, code)
    children = list(with_child_counts(grid.children.filter(is_active=True)).order_by("code"))
    return render(request, "grids/_children.html", {"grid": grid, "children": children})


@login_required
@require_GET
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    grid = access_grid(request.user, code)
    children = list(with_child_counts(grid.children.filter(is_active=True)).order_by("code"))
    staff = staff_of([grid, *children])
    parent_staff: list[GridAssignment] = []
    if grid.parent_id:
        parent = Grid.objects.visible_to(request.user).filter(code=grid.parent_id).first()
        if parent is not None:
            parent_staff = staff_of([parent])[parent.pk]
    scope = get_scope(request.user)
    return render(
        request,
        "grids/grid_detail.html",
        {
            "grid": grid,
            "crumbs": breadcrumb(request.user, grid),
            "children": [(c, staff[c.pk]) for c in children],
            "staff": staff[grid.pk],
            "parent_staff": parent_staff,
            "can_manage": scope.allows(Cap.GRID_MANAGE, grid.path),
            "subtree_size": services.subtree_count(grid),
            "merged_from": list(grid.merged_from.all()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grid_create(request: AuthedRequest, code: str) -> HttpResponse:
    parent = access_grid(request.user, code, Cap.GRID_MANAGE)
    form = GridForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grid = services.create_grid(
                actor=request.user, parent=parent, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("已新建网格 %(name)s。") % {"name": grid.name})
            return redirect(grid)
    return render(
        request,
        "grids/grid_form.html",
        {
            "form": form,
            "grid": parent,
            "crumbs": breadcrumb(request.user, parent),
            "title": _("新建下级网格"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grid_edit(request: AuthedRequest, code: str) -> HttpResponse:
    grid = access_grid(request.user, code, Cap.GRID_MANAGE)
    initial = {"name": grid.name, "note": grid.note, "placement_assumed": grid.placement_assumed}
    form = GridEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_grid(
                actor=request.user, grid=grid, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(grid)
    return render(
        request,
        "grids/grid_form.html",
        {
            "form": form,
            "grid": grid,
            "crumbs": breadcrumb(request.user, grid),
            "title": _("编辑网格"),
        },
    )


def _attach_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, _validation_messages(exc))


def _pick(request: AuthedRequest, grid: Grid, action: str) -> HttpResponse:
    form = GridPickForm(request.POST or None)
    form.fields["target"].widget.attrs["list"] = "candidates"
    if request.method == "POST" and form.is_valid():
        target = (
            Grid.objects.visible_to(request.user, Cap.GRID_MANAGE)
            .filter(code=form.cleaned_data["target"].strip(), is_active=True)
            .first()
        )
        if target is None:
            form.add_error("target", _("找不到该网格，或您无权管理它。"))
        else:
            try:
                if action == "move":
                    services.move_grid(
                        actor=request.user, grid=grid, new_parent=target, request=request
                    )
                    messages.success(
                        request,
                        _("已将 %(g)s 移至 %(t)s 之下。") % {"g": grid.name, "t": target.name},
                    )
                    return redirect(grid)
                services.merge_grid(actor=request.user, source=grid, target=target, request=request)
                messages.success(
                    request, _("已将 %(g)s 并入 %(t)s。") % {"g": grid.name, "t": target.name}
                )
                return redirect(target)
            except ValidationError as exc:
                form.add_error(None, _validation_messages(exc))
    if action == "move":
        candidates = (
            Grid.objects.visible_to(request.user, Cap.GRID_MANAGE)
            .active()
            .filter(depth=max(grid.depth - 1, 0))
            .exclude(code=grid.parent_id)
        )
    else:
        candidates = (
            Grid.objects.visible_to(request.user, Cap.GRID_MANAGE)
            .active()
            .filter(level=grid.level, parent__code=grid.parent_id)
            .exclude(pk=grid.pk)
        )
    return render(
        request,
        "grids/grid_pick.html",
        {
            "form": form,
            "grid": grid,
            "crumbs": breadcrumb(request.user, grid),
            "action": action,
            "candidates": list(candidates.order_by("code")[:500]),
            "subtree_size": services.subtree_count(grid),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grid_move(request: AuthedRequest, code: str) -> HttpResponse:
    return _pick(request, access_grid(request.user, code, Cap.GRID_MANAGE), "move")


@login_required
@require_http_methods(["GET", "POST"])
def grid_merge(request: AuthedRequest, code: str) -> HttpResponse:
    return _pick(request, access_grid(request.user, code, Cap.GRID_MANAGE), "merge")


@login_required
@require_POST
def grid_export(request: HttpRequest, code: str) -> HttpResponse:
    """Start the 网格及责任人名册 export of a grid's subtree (a background job)."""
    grid = access_grid(request.user, code)
    job = start_export(
        request,
        kind="grids.export",
        title=_("%(name)s 网格及责任人名册") % {"name": grid.name},
        params={"grid": grid.code},
        detail={"grid": grid.code},
    )
    return redirect(job)


@login_required
@require_GET
def grid_map(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """网格划分示意图: starts at the given grid or the user's top grid, drills down on click."""
    if code is None:
        require_capability(request.user, Cap.GRID_READ)
        grids = user_grids(request.user)
        grid = next(
            (g for g in grids if get_scope(request.user).allows(Cap.GRID_READ, g.path)), None
        )
        if grid is None:
            return render(request, "grids/grid_map.html", {"grid": None, "crumbs": []})
    else:
        grid = access_grid(request.user, code)
    return render(
        request, "grids/grid_map.html", {"grid": grid, "crumbs": breadcrumb(request.user, grid)}
    )


@login_required
@require_GET
def grid_map_data(request: HttpRequest, code: str) -> JsonResponse:
    """GeoJSON of a grid's children (or the grid itself when it has none), for the map."""
    grid = access_grid(request.user, code)
    children = list(with_child_counts(grid.children.filter(is_active=True)).order_by("code"))
    features = [
        f
        for c in children
        if (
            f := c.to_feature(
                has_children=c.n_children > 0, url=c.get_absolute_url(), tier=c.tier_label
            )
        )
    ]
    outline = grid.to_feature(url=grid.get_absolute_url(), tier=grid.tier_label)
    if not features and outline:
        features = [outline]
    crumbs = breadcrumb(request.user, grid)
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "grid": {
                "code": grid.code,
                "name": grid.name,
                "level": grid.level,
                "url": grid.get_absolute_url(),
                "parent": grid.parent_id if len(crumbs) > 1 else None,
            },
            "crumbs": [{"code": g.code, "name": g.name} for g in crumbs],
            "synthetic": any(f["properties"].get("synthetic") for f in features),
            "missing": [c.name for c in children if not c.boundary],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_POST
def switch_grid(request: HttpRequest) -> HttpResponse:
    """The grid switcher of the page header: only one of the user's own grids can be chosen."""
    code = request.POST.get("code", "")
    if any(g.code == code for g in user_grids(request.user)):
        request.session[SESSION_GRID_KEY] = code
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    return redirect(nxt)
