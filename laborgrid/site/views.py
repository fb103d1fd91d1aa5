"""The home workbench (本网格工作台 / 全县工作台 / 驾驶舱 / 管理页): one page, a section per
registered widget the user may see (``laborgrid.core.extensions.HomeWidget``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from laborgrid.accounts.models import GridAssignment
from laborgrid.core.extensions import home_widgets
from laborgrid.core.types import AuthedRequest
from laborgrid.grids.selectors import current_grid


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    grid = current_grid(request)
    assignments = list(
        GridAssignment.objects.current().filter(user=request.user).select_related("grid")
    )
    # A role held on a grid covers its subtree: list only the outermost grids of each role and
    # count the grids below them that the person is also named on (e.g. an assistant's villages).
    top = [
        a
        for a in assignments
        if not any(
            o.role == a.role and o.grid_id != a.grid_id and a.grid.path.startswith(o.grid.path)
            for o in assignments
        )
    ]
    my_assignments = [
        (
            a,
            sum(
                1
                for o in assignments
                if o is not a and o.role == a.role and o.grid.path.startswith(a.grid.path)
            ),
        )
        for a in top
    ]
    sections: list[SafeString] = []
    for widget in home_widgets():
        ctx = widget.context(request)
        if ctx is not None:
            sections.append(SafeString(render_to_string(widget.template, ctx, request=request)))
    return render(
        request,
        "site/home.html",
        {"grid": grid, "my_assignments": my_assignments, "sections": sections},
    )
