"""The work an import leaves for people: rows that may be an employer already registered (a person
decides), and employers the import could not place in a grid (a person assigns one).

The review queue lists rows of committed batches the user can see; deciding one needs
``work.write`` on the batch's county (``services.decide_row``). Placing an employer reuses the
employer edit page, which changes the grid with a reason and keeps the history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.employers.models import Employer
from laborgrid.grids.choices import GridLevel, LocateMethod
from laborgrid.registers import services
from laborgrid.registers.forms import DecideForm
from laborgrid.registers.models import (
    BatchStatus,
    ImportBatch,
    ImportRow,
    MatchMethod,
    ReviewDecision,
    RowOutcome,
)
from laborgrid.registers.permissions import access_row
from laborgrid.registers.presets import FIELD_LABELS

PAGE_SIZE = 50
#: Values of a review row that are not shown (personal information stays sealed).
HIDDEN = frozenset({"contact_phone"})


@login_required
@require_GET
def review_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    rows = (
        ImportRow.objects.filter(
            batch__in=ImportBatch.objects.visible_to(request.user).filter(
                status=BatchStatus.COMMITTED
            ),
            outcome=RowOutcome.REVIEW,
            decision=ReviewDecision.PENDING,
        )
        .select_related("batch")
        .order_by("batch_id", "row_number")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registers/review_list.html", {"page": page})


def _row_values(row: ImportRow) -> list[tuple[str, Any]]:
    return [
        (str(FIELD_LABELS.get(k, k)), v)
        for k, v in (row.data or {}).items()
        if k not in HIDDEN and v not in (None, "")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def review_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    row = access_row(
        request.user, pk, Cap.WORK_WRITE if request.method == "POST" else Cap.WORK_READ
    )
    errors: list[str] = []
    if request.method == "POST":
        form = DecideForm(request.POST)
        if not form.is_valid():
            errors.append(_("请选择“是同一单位”或“不是同一单位”。"))
        else:
            try:
                services.decide_row(
                    row,
                    request.user,
                    decision=form.cleaned_data["decision"],
                    employer_id=form.cleaned_data.get("employer"),
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("已确认第 %(n)s 行。") % {"n": row.row_number})
                return redirect("registers:review_list")
    ids = [c["id"] for c in row.candidates]
    methods = {c["id"]: c.get("method", "") for c in row.candidates}
    candidates = list(
        Employer.objects.visible_to(request.user).filter(pk__in=ids).select_related("grid")
    )
    method_labels = dict(MatchMethod.choices)
    return render(
        request,
        "registers/review_decide.html",
        {
            "row": row,
            "batch": row.batch,
            "values": _row_values(row),
            "candidates": [(e, method_labels.get(methods[e.pk], "")) for e in candidates],
            "hidden_candidates": len(ids) - len(candidates),
            "errors": errors,
            "writable": get_scope(request.user).allows(Cap.WORK_WRITE, row.batch.grid_path),
            "open": row.outcome == RowOutcome.REVIEW and not row.decision,
        },
    )


@login_required
@require_GET
def unassigned_list(request: AuthedRequest) -> HttpResponse:
    """Employers an import could not place (no coordinates, no recognisable address): they sit on
    the county grid until a person chooses their grid on the employer's edit page."""
    scope = require_capability(request.user, Cap.WORK_READ)
    employers = (
        Employer.objects.visible_to(request.user)
        .current()
        .filter(grid_method=LocateMethod.UNASSIGNED, grid__level=GridLevel.COUNTY)
        .select_related("grid")
        .order_by("pk")
    )
    page = Paginator(employers, PAGE_SIZE).get_page(request.GET.get("page"))
    writable = {e.pk for e in page if scope.allows(Cap.WORK_WRITE, e.grid_path)}
    return render(request, "registers/unassigned_list.html", {"page": page, "writable": writable})


urlpatterns: list[URLPattern] = [
    path("review/", review_list, name="review_list"),
    path("review/<int:pk>/", review_decide, name="review_decide"),
    path("unassigned/", unassigned_list, name="unassigned_list"),
]
