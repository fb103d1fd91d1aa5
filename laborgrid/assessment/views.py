"""Assessment pages: the ranking with each grid's score breakdown, a grid's scorecard with the
records behind every point, a person's scorecard, the county's indicator configuration, the
computed versions (review, publish), and the acceptance checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from laborgrid.accounts.roles import Cap, Role
from laborgrid.assessment import indicators, selectors, services
from laborgrid.assessment.choices import AssessmentStatus, CheckItem
from laborgrid.assessment.forms import CheckForm
from laborgrid.assessment.models import Assessment, ChecklistCheck, GridScore, PersonScore
from laborgrid.assessment.permissions import (
    access_assessment,
    access_check,
    access_county,
    access_grid,
    access_person,
    county_of,
    default_grid,
    is_county_user,
)
from laborgrid.assessment.staffing import STAFF_NORMS, staffing
from laborgrid.core.jobs import start_job
from laborgrid.core.scope import get_scope
from laborgrid.core.types import AuthedRequest
from laborgrid.grids.models import Grid

PAGE_SIZE = 50


# --- helpers ------------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    try:
        year = int(raw)
    except ValueError:
        return timezone.localdate().year
    return (
        year
        if services.FIRST_YEAR <= year <= timezone.localdate().year + 1
        else (timezone.localdate().year)
    )


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.GET.get("version", ""))
    except ValueError:
        return None


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


@dataclass
class Line:
    """One indicator of a score: what it counted and the points it gave."""

    key: str
    label: str
    weight: int
    good: int
    counted: int
    points: float
    url: str
    rule: str

    @property
    def rate_text(self) -> str:
        return _pct(self.good / self.counted) if self.counted else "—"

    @property
    def points_text(self) -> str:
        return f"{self.points:.2f}"


def _lines(
    assessment: Assessment,
    figures: dict[str, list[int]],
    url: Any,
    keys: set[str] | None = None,
) -> list[Line]:
    lines = []
    for ind in assessment.indicator_list:
        key = str(ind["key"])
        if keys is not None and key not in keys:
            continue
        good, counted = figures.get(key, [0, 0])
        weight = int(ind["weight"])  # type: ignore[call-overload]
        lines.append(
            Line(
                key=key,
                label=str(ind["label"]),
                weight=weight,
                good=good,
                counted=counted,
                points=services.points_of(figures, key, weight),
                url=url(key),
                rule=str(ind["rule"]),
            )
        )
    return lines


def _q(**params: Any) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _context_for(request: AuthedRequest, grid: Grid) -> tuple[Grid, int, Assessment | None, bool]:
    county = county_of(grid)
    if county is None:
        raise Http404
    year = _year(request)
    county_user = is_county_user(request.user, county)
    assessment = selectors.shown_assessment(
        request.user, county, year, _version(request) if county_user else None
    )
    return county, year, assessment, county_user


def _grid_rows(assessment: Assessment, scores: list[GridScore], year: int) -> list[dict[str, Any]]:
    rows = []
    for s in scores:
        code = s.grid.code

        def url(key: str, code: str = code) -> str:
            return reverse("assessment:evidence", args=[code, key]) + _q(
                year=year, version=assessment.version
            )

        rows.append(
            {
                "score": s,
                "lines": _lines(assessment, s.figures, url),
                "url": reverse("assessment:scorecard", args=[code])
                + _q(year=year, version=assessment.version),
            }
        )
    return rows


# --- ranking and scorecards ---------------------------------------------------------------------


@login_required
@require_GET
def ranking(request: AuthedRequest) -> HttpResponse:
    """The grids below the chosen one ranked by score (the county: its townships; a township:
    its villages), with every indicator's points linking to the records behind them."""
    code = request.GET.get("grid")
    grid = access_grid(request.user, code) if code else default_grid(request.user, request)
    county, year, assessment, county_user = _context_for(request, grid)
    own = selectors.grid_score(request.user, assessment, grid) if assessment else None
    rows = (
        _grid_rows(assessment, selectors.ranking(request.user, assessment, grid), year)
        if (assessment)
        else []
    )
    versions = (
        list(
            Assessment.objects.filter(grid=county, year=year)
            .select_related("grid")
            .order_by("-version")
        )
        if county_user
        else []
    )
    return render(
        request,
        "assessment/ranking.html",
        {
            "grid": grid,
            "county": county,
            "year": year,
            "years": selectors.years(county),
            "assessment": assessment,
            "own": own,
            "own_url": reverse("assessment:scorecard", args=[grid.code])
            + _q(year=year, version=assessment.version if assessment else None),
            "rows": rows,
            "county_user": county_user,
            "can_compute": county_user
            and get_scope(request.user).allows(Cap.WORK_WRITE, county.path),
            "versions": versions,
            "parent_url": (
                reverse("assessment:ranking")
                + _q(grid=grid.parent_id, year=year, version=_version(request))
                if grid.parent_id and grid.pk != county.pk
                else ""
            ),
        },
    )


@login_required
@require_GET
def scorecard(request: AuthedRequest, code: str) -> HttpResponse:
    """A grid's score: each indicator's records for / counted, rate and points, with links to
    the records; its staff's scores; its acceptance checklist."""
    grid = access_grid(request.user, code)
    _county, year, assessment, _county_user = _context_for(request, grid)
    score = selectors.grid_score(request.user, assessment, grid) if assessment else None
    lines: list[Line] = []
    people: list[PersonScore] = []
    siblings = 0
    if assessment and score:

        def url(key: str) -> str:
            return reverse("assessment:evidence", args=[grid.code, key]) + _q(
                year=year, version=assessment.version
            )

        lines = _lines(assessment, score.figures, url)
        people = list(
            PersonScore.objects.visible_to(request.user)
            .filter(assessment=assessment, grid=grid)
            .select_related("user")
            .order_by("user__username")
        )
        siblings = selectors.sibling_count(assessment, score) if score.rank else 0
    return render(
        request,
        "assessment/scorecard.html",
        {
            "grid": grid,
            "year": year,
            "assessment": assessment,
            "score": score,
            "lines": lines,
            "people": [
                {
                    "p": p,
                    "role": str(Role(p.role).label) if p.role in Role.values else p.role,
                    "url": reverse("assessment:person", args=[p.user_id])
                    + _q(year=year, version=assessment.version if assessment else None),
                }
                for p in people
            ],
            "siblings": siblings,
            "ranking_url": reverse("assessment:ranking") + _q(grid=grid.code, year=year),
            "checklist_url": reverse("assessment:checklist", args=[grid.code]) + _q(year=year),
            "has_norm": grid.level in STAFF_NORMS,
        },
    )


def _evidence_rows(page: Any, computation: Any) -> list[dict[str, Any]]:
    paths = {e.grid_path for e in page}
    names = dict(Grid.objects.filter(path__in=paths).values_list("path", "name"))
    return [
        {
            "e": e,
            "grid_name": names.get(e.grid_path, ""),
            "outcome": computation.outcome_label(e.outcome) if computation else e.outcome,
            "detail": computation.describe_detail(e.detail) if computation else e.detail,
        }
        for e in page
    ]


@login_required
@require_GET
def evidence(request: AuthedRequest, code: str, key: str) -> HttpResponse:
    """The records behind one indicator of a grid's score (its whole subtree)."""
    grid = access_grid(request.user, code)
    _county, year, assessment, _county_user = _context_for(request, grid)
    if assessment is None or key not in {i["key"] for i in assessment.indicators}:
        raise Http404
    score = selectors.grid_score(request.user, assessment, grid)
    if score is None:
        raise Http404
    outcome = request.GET.get("outcome", "")
    qs = selectors.evidence(request.user, assessment, key, under=grid.path, outcome=outcome)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    computation = indicators.get(key)
    good, counted = score.figures.get(key, [0, 0])
    base = {"year": year, "version": assessment.version}
    return render(
        request,
        "assessment/evidence.html",
        {
            "grid": grid,
            "year": year,
            "assessment": assessment,
            "label": next(i["label"] for i in assessment.indicator_list if i["key"] == key),
            "rule": str(computation.rule) if computation else "",
            "good": good,
            "counted": counted,
            "rows": _evidence_rows(page, computation),
            "page": page,
            "query": urlencode({**base, "outcome": outcome}),
            "filters": [
                (label, _q(**base, outcome=value), outcome == value)
                for value, label in (("", _("全部")), ("against", _("未达标")), ("for", _("达标")))
            ],
            "back": reverse("assessment:scorecard", args=[grid.code]) + _q(**base),
        },
    )


@login_required
@require_GET
def person(request: AuthedRequest, user_id: int) -> HttpResponse:
    """A staff member's score: their own tasks, the deadlines of the grids they held a post on."""
    grid = default_grid(request.user, request)
    county = county_of(grid)
    if county is None:
        raise Http404
    year = _year(request)
    county_user = is_county_user(request.user, county)
    assessment = selectors.shown_assessment(
        request.user, county, year, _version(request) if county_user else None
    )
    if assessment is None:
        raise Http404
    ps = access_person(request.user, assessment, user_id)
    keys = {
        k
        for k in ps.figures
        if (c := indicators.get(k)) is not None and c.person_points is not None
    } | {
        i["key"]
        for i in assessment.indicators
        if (c := indicators.get(i["key"])) is not None and c.person_points is not None
    }
    lines = _lines(assessment, ps.figures, lambda k: f"#ind-{k}", keys)
    sections = []
    for line in lines:
        qs = selectors.evidence(request.user, assessment, line.key, person_id=user_id)
        computation = indicators.get(line.key)
        shown = list(qs[:PAGE_SIZE])
        sections.append(
            {
                "line": line,
                "rows": _evidence_rows(shown, computation),
                "more": qs.count() > len(shown),
            }
        )
    return render(
        request,
        "assessment/person.html",
        {
            "ps": ps,
            "role": str(Role(ps.role).label) if ps.role in Role.values else ps.role,
            "year": year,
            "assessment": assessment,
            "sections": sections,
            "back": reverse("assessment:scorecard", args=[ps.grid.code])
            + _q(year=year, version=assessment.version),
        },
    )


# --- configuration, computation, review, publication --------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def config(request: AuthedRequest) -> HttpResponse:
    """The county's indicators and weights for a year: which registered indicators count, their
    names and points (adding up to 100)."""
    county = access_county(request.user, request.GET.get("county"), request)
    year = _year(request)
    can_edit = get_scope(request.user).allows(Cap.WORK_WRITE, county.path)
    scheme, rows = services.scheme_rows(county, year)
    chosen = {r["key"]: r for r in rows}
    errors: list[str] = []
    note = scheme.note if scheme else ""
    if request.method == "POST":
        if not can_edit:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        posted = []
        for c in indicators.all_computations():
            if request.POST.get(f"use-{c.key}"):
                posted.append(
                    {
                        "key": c.key,
                        "label": request.POST.get(f"label-{c.key}", ""),
                        "weight": request.POST.get(f"weight-{c.key}", ""),
                    }
                )
        note = request.POST.get("note", "")
        try:
            services.save_scheme(
                actor=request.user, root=county, year=year, rows=posted, note=note, request=request
            )
        except ValidationError as exc:
            errors = list(exc.messages)
            chosen = {r["key"]: r for r in posted}
        else:
            messages.success(request, _("%(year)s 年度考核指标已保存。") % {"year": year})
            return redirect(reverse("assessment:config") + _q(year=year))
    table = [
        {
            "c": c,
            "used": c.key in chosen,
            "label": indicators.label(c.key, chosen.get(c.key, {}).get("label", "")),
            "weight": chosen.get(c.key, {}).get("weight", c.default_weight or ""),
            "person": c.person_points is not None,
        }
        for c in indicators.all_computations()
    ]
    return render(
        request,
        "assessment/config.html",
        {
            "county": county,
            "year": year,
            "years": selectors.years(county),
            "scheme": scheme,
            "table": table,
            "errors": errors,
            "note": note,
            "can_edit": can_edit,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def compute(request: AuthedRequest) -> HttpResponse:
    """Compute a new version of the year's assessment in the background (a job)."""
    county = access_county(request.user, request.POST.get("county"), request)
    from django.core.exceptions import PermissionDenied

    if not get_scope(request.user).allows(Cap.WORK_WRITE, county.path):
        raise PermissionDenied
    year = _year(request)
    if year > timezone.localdate().year:
        messages.error(request, _("该年度尚未开始，不能计算考核结果。"))
        return redirect(reverse("assessment:ranking") + _q(year=year))
    job = start_job(
        kind="assessment.compute",
        title=_("%(county)s %(year)s 年度网格考核计算") % {"county": county.name, "year": year},
        actor=request.user,
        params={"county": county.code, "year": year},
    )
    return redirect(job.get_absolute_url())


@login_required
@require_GET
def run_detail(request: AuthedRequest) -> HttpResponse:
    """A computed version (``?year=&version=``, the latest by default): its status, indicators,
    who computed, reviewed and published it; the county reviews and publishes it here."""
    county = access_county(request.user, request.GET.get("county"), request)
    versions = Assessment.objects.filter(grid=county, year=_year(request)).select_related("grid")
    version = _version(request)
    found = (
        versions.filter(version=version) if version is not None else versions.order_by("-version")
    ).first()
    if found is None:
        raise Http404
    assessment = access_assessment(request.user, found.pk)
    can_write = get_scope(request.user).allows(Cap.WORK_WRITE, assessment.grid_path)
    return render(
        request,
        "assessment/run_detail.html",
        {
            "a": assessment,
            "indicators": assessment.indicator_list,
            "versions": Assessment.objects.filter(grid=assessment.grid, year=assessment.year)
            .select_related("grid")
            .order_by("-version"),
            "can_review": can_write and assessment.status == AssessmentStatus.DRAFT,
            "can_publish": can_write and assessment.status == AssessmentStatus.REVIEWED,
            "ranking_url": reverse("assessment:ranking")
            + _q(grid=assessment.grid.code, year=assessment.year, version=assessment.version),
        },
    )


@login_required
@require_POST
def review(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, pk)
    try:
        services.review_assessment(
            actor=request.user,
            assessment=assessment,
            note=request.POST.get("note", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("考核结果已审核，可以发布。"))
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def publish(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, pk)
    try:
        services.publish_assessment(actor=request.user, assessment=assessment, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("考核结果已发布，发布后的得分不再改变。"))
    return redirect(assessment.get_absolute_url())


# --- the acceptance checklist -----------------------------------------------------------------


def _check_rows(grids: list[Grid], year: int, on: date) -> list[dict[str, Any]]:
    checks = {
        (c.grid_id, c.item): c for c in ChecklistCheck.objects.filter(grid__in=grids, year=year)
    }
    staff = staffing(grids, on)
    return [
        {
            "grid": g,
            "items": [(item, checks.get((g.pk, item.value))) for item in CheckItem],
            "staff": staff[g.pk],
            "url": reverse("assessment:checklist", args=[g.code]) + _q(year=year),
        }
        for g in grids
    ]


def _staff_day(year: int) -> date:
    return min(date(year, 12, 31), timezone.localdate())


@login_required
@require_GET
def checklist_home(request: AuthedRequest) -> HttpResponse:
    """The acceptance checklist of the grids below the chosen one (the county: its townships and
    parks; a township: its villages)."""
    code = request.GET.get("grid")
    grid = access_grid(request.user, code) if code else default_grid(request.user, request)
    year = _year(request)
    children = list(
        Grid.objects.filter(parent=grid, is_active=True, level__in=list(STAFF_NORMS)).order_by(
            "code"
        )
    )
    grids = ([grid] if grid.level in STAFF_NORMS else []) + children
    county = county_of(grid)
    return render(
        request,
        "assessment/checklist_home.html",
        {
            "grid": grid,
            "year": year,
            "years": selectors.years(county) if county else [year],
            "rows": _check_rows(grids, year, _staff_day(year)),
        },
    )


@login_required
@require_GET
def checklist(request: AuthedRequest, code: str) -> HttpResponse:
    """One grid's acceptance checklist: office and signage as checked by the county (date,
    note, photo), staff in post against the norm, and the county's form to record a check."""
    grid = access_grid(request.user, code)
    year = _year(request)
    county = county_of(grid)
    can_check = bool(
        county
        and county.pk != grid.pk
        and grid.level in STAFF_NORMS
        and get_scope(request.user).allows(Cap.WORK_WRITE, county.path)
    )
    row = _check_rows([grid], year, _staff_day(year))[0]
    return render(
        request,
        "assessment/checklist.html",
        {
            "grid": grid,
            "year": year,
            "row": row,
            "has_norm": grid.level in STAFF_NORMS,
            "can_check": can_check,
            "form": CheckForm(initial={"year": year}) if can_check else None,
            "home_url": reverse("assessment:checklist_home")
            + _q(grid=grid.parent_id or grid.code, year=year),
        },
    )


@login_required
@require_POST
def record_check(request: AuthedRequest, code: str) -> HttpResponse:
    grid = access_grid(request.user, code)
    county = county_of(grid)
    if county is None or grid.level not in STAFF_NORMS:
        raise Http404
    from django.core.exceptions import PermissionDenied

    if not get_scope(request.user).allows(Cap.WORK_WRITE, county.path):
        raise PermissionDenied
    form = CheckForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("photo")
        try:
            services.record_check(
                actor=request.user,
                root=county,
                grid=grid,
                year=form.cleaned_data["year"],
                item=form.cleaned_data["item"],
                passed=form.cleaned_data["passed"] == "yes",
                checked_on=form.cleaned_data["checked_on"],
                note=form.cleaned_data["note"],
                photo=upload.read() if upload else None,
                request=request,
            )
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                for e in errs:
                    form.add_error(field if field in form.fields else None, e)
        else:
            messages.success(request, _("验收检查已记录。"))
            return redirect(
                reverse("assessment:checklist", args=[grid.code])
                + _q(year=form.cleaned_data["year"])
            )
    year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
    year = year or _year(request)
    return render(
        request,
        "assessment/checklist.html",
        {
            "grid": grid,
            "year": year,
            "row": _check_rows([grid], year, _staff_day(year))[0],
            "has_norm": True,
            "can_check": True,
            "form": form,
            "home_url": reverse("assessment:checklist_home")
            + _q(grid=grid.parent_id or grid.code, year=year),
        },
        status=400,
    )


@login_required
@require_GET
def check_photo(request: AuthedRequest, pk: int) -> FileResponse:
    """The photo of a check, for those who see the grid; never cached."""
    check = access_check(request.user, pk)
    if not check.photo:
        raise Http404
    response = FileResponse(check.photo.open("rb"), content_type=check.photo_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
