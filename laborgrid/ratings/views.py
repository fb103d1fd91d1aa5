"""Staff pages of grading, publication and the blacklist (thin: every rule is in the services;
every object through the gates in ``permissions``; writes are POST and answer with a message)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.core.paging import query_without
from laborgrid.core.scope import check_write, get_scope, require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid
from laborgrid.ratings import downloads, grading, listing, publicity, rules
from laborgrid.ratings import selectors as sel
from laborgrid.ratings.choices import (
    Grade,
    ListingState,
    NoticeState,
    ObjectionResult,
    PersonRole,
    PublicCategory,
    RuleOp,
)
from laborgrid.ratings.models import (
    ArrearsListing,
    EmployerGrade,
    GradingRun,
    LocalRule,
    ViolationNotice,
)
from laborgrid.ratings.permissions import access_grade, access_listing, access_notice, access_run

app_name = "ratings"
PAGE = 50


def _do(request: AuthedRequest, fn: Callable[[], Any], ok: str) -> bool:
    try:
        fn()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return False
    messages.success(request, ok)
    return True


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip()) if text else None
    except ValueError:
        return None


def _counties(user: Any) -> list[Grid]:
    paths = get_scope(user).paths(Cap.WORK_WRITE)
    return [
        g
        for g in Grid.objects.filter(level=GridLevel.COUNTY).defer("boundary", "search_text")
        if any(g.path.startswith(p) for p in paths)
    ]


# --- grading ------------------------------------------------------------------------------------


@login_required
@require_GET
def run_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    runs = (
        GradingRun.objects.visible_to(request.user)
        .select_related("grid")
        .defer("grid__boundary", "grid__search_text", "rules")
    )
    return render(
        request,
        "ratings/run_list.html",
        {"runs": runs, "counties": _counties(request.user), "year": timezone.localdate().year},
    )


@login_required
@require_POST
def run_create(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_WRITE)
    counties = {str(g.pk): g for g in _counties(request.user)}
    grid = counties.get(request.POST.get("grid", ""))
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if grid is None or not year:
        messages.error(request, _("请选择县级网格和评价年度。"))
        return redirect("ratings:run_list")
    result: dict[str, GradingRun] = {}

    def go() -> None:
        result["run"] = grading.run_grading(
            actor=request.user, grid=grid, year=year, request=request
        )

    if _do(request, go, _("已完成评价初评。")):
        return redirect(result["run"])
    return redirect("ratings:run_list")


@login_required
@require_GET
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    grades = EmployerGrade.objects.visible_to(request.user).filter(run=run)
    grade = request.GET.get("grade", "C")
    if grade in Grade.values:
        grades = grades.filter(grade=grade)
    grid_code = request.GET.get("grid", "")
    if grid_code.isdigit():
        g = Grid.objects.visible_to(request.user).filter(code=grid_code).only("path").first()
        if g is not None:
            grades = grades.filter(grid_path__under=g.path)
    page = Paginator(
        grades.select_related("employer", "grid")
        .only(
            "id",
            "grade",
            "draft_grade",
            "state",
            "decisive_rule",
            "hits",
            "evidence",
            "override_reason",
            "employer__name",
            "employer__uscc",
            "grid__name",
        )
        .order_by("grid_path", "employer_id"),
        PAGE,
    ).get_page(request.GET.get("page"))
    scope = get_scope(request.user)
    # Township staff see their own township's row (the county sees every township).
    dist = [
        r
        for r in sel.distribution(run)
        if scope.allows(Cap.WORK_READ, r["grid"].path if r["grid"] else run.grid_path)
    ]
    for row in dist:
        row["can_propose"] = (
            bool(row["grid"])
            and scope.allows(Cap.WORK_WRITE, row["grid"].path)
            and row["draft"] > 0
        )
    labels = {r["key"]: r["label"] for r in run.rules.get("rules", [])}
    return render(
        request,
        "ratings/run_detail.html",
        {
            "run": run,
            "dist": dist,
            "page": page,
            "grade": grade,
            "labels": labels,
            "can_approve": run.state == "draft" and scope.allows(Cap.WORK_WRITE, run.grid_path),
            "fact_labels": {k: _(v[1]) for k, v in rules.FACTS.items()},
            "grades": Grade.choices,
        },
    )


@login_required
@require_GET
def grade_list(request: AuthedRequest) -> HttpResponse:
    """Approved grades of a year in the user's grids, every county's run (``?year=``, default
    this year), narrowed to a grid's subtree (``grid=`` code) and a grade (``grade=``): the list
    behind the grade figures of the dashboard and the returns, its filters shown as chips."""
    require_capability(request.user, Cap.WORK_READ)
    text = request.GET.get("year", "").strip()
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else timezone.localdate().year
    grades = sel.approved_grades(year) & EmployerGrade.objects.visible_to(request.user)
    chips: list[tuple[str, str]] = []
    code = request.GET.get("grid", "").strip()[:40]
    if code:
        g = Grid.objects.visible_to(request.user).filter(code=code).only("name", "path").first()
        grades = grades.filter(grid_path__under=g.path) if g else grades.none()
        chips.append((g.name if g else code, query_without(request, "grid")))
    grade = request.GET.get("grade", "")
    if grade in Grade.values:
        grades = grades.filter(grade=grade)
        chips.append((_("%(g)s级") % {"g": grade}, query_without(request, "grade")))
    else:
        grade = ""
    page = Paginator(
        grades.select_related("employer", "grid", "run")
        .only(
            "id",
            "year",
            "grade",
            "draft_grade",
            "state",
            "override_reason",
            "employer__name",
            "grid__name",
            "run__id",
            "run__approved_on",
        )
        .order_by("grid_path", "employer_id", "pk"),
        PAGE,
    ).get_page(request.GET.get("page"))
    base = {"year": year, **({"grid": code} if code else {})}
    return render(
        request,
        "ratings/grade_list.html",
        {
            "page": page,
            "year": year,
            "grade": grade,
            "grades": Grade.choices,
            "chips": chips,
            "base": "?" + urlencode(base),
            "query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


@login_required
@require_POST
def run_propose(request: AuthedRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    writable = get_scope(request.user).paths(Cap.WORK_WRITE)
    if not any(p.startswith(run.grid_path) or run.grid_path.startswith(p) for p in writable):
        raise PermissionDenied
    text = request.POST.get("grid", "")
    grid = Grid.objects.filter(pk=int(text)).first() if text.isdigit() and len(text) < 9 else None
    if grid is None:
        messages.error(request, _("请选择网格。"))
    else:
        _do(
            request,
            lambda: grading.propose_grades(actor=request.user, run=run, grid=grid, request=request),
            _("已提出本网格的评价等级。"),
        )
    return redirect(run)


@login_required
@require_POST
def run_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    check_write(request.user, Cap.WORK_WRITE, run.grid_path)
    _do(
        request,
        lambda: grading.approve_run(actor=request.user, run=run, request=request),
        _("已审定，等级已告知并进入守法诚信档案。"),
    )
    return redirect(run)


@login_required
@require_GET
def grade_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    grade = access_grade(request.user, pk)
    snap_rules = grade.run.rules.get("rules", [])
    hit = set(grade.hits)
    facts = grade.facts or {}
    unknown = set(grade.run.unknown_facts)
    rows = [
        {
            **r,
            "hit": r["key"] in hit,
            "unknown": r["fact"] in unknown or (facts and facts.get(r["fact"]) is None),
        }
        for r in snap_rules
    ]
    fact_rows = [
        (_(label), rules.value_label(facts.get(name, default)), name in unknown)
        for name, (_k, label, default) in rules.FACTS.items()
    ]
    scope = get_scope(request.user)
    return render(
        request,
        "ratings/grade_detail.html",
        {
            "g": grade,
            "rules": rows,
            "fact_rows": fact_rows,
            "grades": Grade.choices,
            "results": ObjectionResult.choices,
            "can_write": scope.allows(Cap.WORK_WRITE, grade.grid_path),
            "can_decide": scope.allows(Cap.WORK_WRITE, grade.run.grid_path),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def grade_override(request: AuthedRequest, pk: int) -> HttpResponse:
    grade = access_grade(request.user, pk)
    _do(
        request,
        lambda: grading.override_grade(
            actor=request.user,
            grade=grade,
            new_grade=request.POST.get("grade", ""),
            reason=request.POST.get("reason", ""),
            request=request,
        ),
        _("已调整等级。"),
    )
    return redirect(grade)


@login_required
@require_POST
def grade_objection(request: AuthedRequest, pk: int) -> HttpResponse:
    grade = access_grade(request.user, pk)
    on = _date(request.POST.get("on")) or timezone.localdate()
    _do(
        request,
        lambda: grading.record_objection(
            actor=request.user,
            grade=grade,
            text=request.POST.get("text", ""),
            on=on,
            request=request,
        ),
        _("已登记异议。"),
    )
    return redirect(grade)


@login_required
@require_POST
def grade_objection_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    grade = access_grade(request.user, pk)
    _do(
        request,
        lambda: grading.decide_objection(
            actor=request.user,
            grade=grade,
            result=request.POST.get("result", ""),
            note=request.POST.get("note", ""),
            new_grade=request.POST.get("grade", ""),
            request=request,
        ),
        _("已处理异议。"),
    )
    return redirect(grade)


@login_required
@require_GET
def grade_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    """The 评价结果告知书 (PDF) of an approved grade, for staff to print and serve."""
    grade = access_grade(request.user, pk)
    return downloads.grade_letter(request, grade, grade.get_absolute_url())


@login_required
@require_GET
def rule_page(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    from laborgrid.ratings import facts as fact_registry

    local = list(LocalRule.objects.all())
    for r in local:
        r.fact_label = _(rules.FACTS.get(r.fact, ("", r.fact))[1])  # type: ignore[attr-defined]
        r.value_label = rules.value_label(r.value)  # type: ignore[attr-defined]
    return render(
        request,
        "ratings/rules.html",
        {
            "national": rules.NATIONAL_RULES,
            "readings": rules.READINGS,
            "version": rules.NATIONAL_VERSION,
            "local": local,
            "facts": [(k, _(v[1])) for k, v in rules.FACTS.items()],
            "unknown": [_(rules.FACTS[f][1]) for f in fact_registry.unknown_facts()],
            "ops": RuleOp.choices,
            "labels": {k: _(v) for k, v in rules.WRITTEN_REVIEW_LABELS.items()},
            "can_edit": bool(_counties(request.user)),
        },
    )


@login_required
@require_POST
def rule_save(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_WRITE)
    p = request.POST
    labels = {v: k for k, v in rules.WRITTEN_REVIEW_LABELS.items()}
    labels.update({_(v): k for k, v in rules.WRITTEN_REVIEW_LABELS.items()})
    raw = p.get("value", "").strip()
    raw = labels.get(raw, raw)
    value: Any = raw
    if p.get("op") == "in":
        parts = raw.replace("，", ",").replace("、", ",").split(",")
        value = [labels.get(v.strip(), v.strip()) for v in parts if v.strip()]
    elif raw.isdigit():
        value = int(raw)
    elif p.get("op") == "is_true":
        value = True
    _do(
        request,
        lambda: grading.save_local_rule(
            actor=request.user,
            key=p.get("key", "").strip(),
            label=p.get("label", "").strip(),
            fact=p.get("fact", ""),
            op=p.get("op", ""),
            value=value,
            cap=p.get("cap", ""),
            basis=p.get("basis", "").strip() or _("本县规定"),
            enabled=p.get("enabled") == "on",
            request=request,
        ),
        _("已保存本地规则，自下次评价起适用。"),
    )
    return redirect("ratings:rules")


# --- 部令29号 publication -------------------------------------------------------------------------


@login_required
@require_GET
def notice_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    state = request.GET.get("state", "")
    qs = ViolationNotice.objects.visible_to(request.user)
    if state in NoticeState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("-final_on", "-id"), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "ratings/notice_list.html",
        {
            "page": page,
            "states": NoticeState.choices,
            "state": state,
            "categories": PublicCategory.choices,
            "counties": _counties(request.user),
            "basis": publicity.BASIS,
        },
    )


@login_required
@require_POST
def notice_scan(request: AuthedRequest) -> HttpResponse:
    if not _counties(request.user):
        require_capability(request.user, "ratings.none")
    n = publicity.flag_candidates()
    messages.success(request, _("新增 %(n)d 个社会公布候选。") % {"n": n})
    return redirect("ratings:notice_list")


@login_required
@require_POST
def notice_flag(request: AuthedRequest) -> HttpResponse:
    from laborgrid.cases.models import Case

    require_capability(request.user, Cap.WORK_WRITE)
    text = request.POST.get("case", "").strip().split("-")[-1]
    case = (
        Case.objects.visible_to(request.user)
        .filter(pk=int(text) if text.isdigit() and len(text) < 12 else 0)
        .first()
    )
    if case is None:
        messages.error(request, _("未找到该案件（请填写案件编号，如 2026-000123）。"))
    else:
        _do(
            request,
            lambda: publicity.flag_case(
                actor=request.user,
                case=case,
                category=request.POST.get("category", ""),
                note=request.POST.get("note", ""),
                request=request,
            ),
            _("已列为社会公布候选。"),
        )
    return redirect("ratings:notice_list")


@login_required
@require_POST
def notice_publish(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_WRITE)
    counties = {str(g.pk): g for g in _counties(request.user)}
    grid = counties.get(request.POST.get("grid", ""))
    if grid is None:
        messages.error(request, _("请选择县级网格。"))
    else:
        _do(
            request,
            lambda: publicity.publish_quarter(actor=request.user, grid=grid, request=request),
            _("已公布本季度重大劳动保障违法行为。"),
        )
    return redirect("ratings:notice_list")


@login_required
@require_GET
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = access_notice(request.user, pk)
    can = get_scope(request.user).allows(Cap.WORK_WRITE, sel.county_path(notice.grid_path))
    return render(request, "ratings/notice_detail.html", {"n": notice, "can_write": can})


@login_required
@require_POST
def notice_review(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = access_notice(request.user, pk)
    p = request.POST
    _do(
        request,
        lambda: publicity.review_notice(
            actor=request.user,
            notice=notice,
            approve=p.get("approve") == "1",
            note=p.get("note", ""),
            facts=p.get("facts", ""),
            handling=p.get("handling", ""),
            request=request,
        ),
        _("已审核。"),
    )
    return redirect(notice)


@login_required
@require_POST
def notice_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = access_notice(request.user, pk)
    _do(
        request,
        lambda: publicity.withdraw_notice(
            actor=request.user,
            notice=notice,
            reason=request.POST.get("reason", ""),
            request=request,
        ),
        _("已撤回，公开页面不再显示。"),
    )
    return redirect(notice)


# --- 部令45号 blacklist ---------------------------------------------------------------------------


@login_required
@require_GET
def listing_list(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.WORK_READ)
    qs = ArrearsListing.objects.visible_to(request.user)
    page = Paginator(qs.order_by("-proposed_on", "-id"), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "ratings/listing_list.html",
        {
            "page": page,
            "roles": PersonRole.choices,
            "basis": listing.BASIS,
            "can_write": bool(_counties(request.user)),
        },
    )


@login_required
@require_POST
def listing_propose(request: AuthedRequest) -> HttpResponse:
    from laborgrid.cases.models import Case

    require_capability(request.user, Cap.WORK_WRITE)
    p = request.POST
    text = p.get("case", "").strip().split("-")[-1]
    case = (
        Case.objects.visible_to(request.user)
        .filter(pk=int(text) if text.isdigit() and len(text) < 12 else 0)
        .first()
    )
    if case is None:
        messages.error(request, _("未找到该案件（请填写案件编号，如 2026-000123）。"))
        return redirect("ratings:listing_list")
    persons = [
        {
            "role": p.get(f"role_{i}", ""),
            "name": p.get(f"name_{i}", ""),
            "id_number": p.get(f"id_{i}", ""),
        }
        for i in (1, 2)
    ]
    result: dict[str, ArrearsListing] = {}

    def go() -> None:
        result["l"] = listing.propose_listing(
            actor=request.user, case=case, persons=persons, request=request
        )

    if _do(request, go, _("已拟列入，请进行事先告知。")):
        return redirect(result["l"])
    return redirect("ratings:listing_list")


@login_required
@require_GET
def listing_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = access_listing(request.user, pk)
    can = get_scope(request.user).allows(Cap.WORK_WRITE, sel.county_path(obj.grid_path))
    return render(
        request,
        "ratings/listing_detail.html",
        {"l": obj, "can_write": can, "states": ListingState, "today": timezone.localdate()},
    )


@login_required
@require_GET
def listing_letter(request: AuthedRequest, pk: int) -> HttpResponse:
    """The 事先告知书 (PDF) once the prior notice was given."""
    obj = access_listing(request.user, pk)
    return downloads.listing_letter(request, obj, obj.get_absolute_url())


@login_required
@require_GET
def statement_file(request: AuthedRequest, pk: int, file_id: int) -> FileResponse:
    """Evidence the employer attached to its statement."""
    obj = access_listing(request.user, pk)
    return downloads.statement_file(request, obj, file_id)


@login_required
@require_POST
def listing_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    obj = access_listing(request.user, pk)
    p, u = request.POST, request.user
    steps: dict[str, tuple[Callable[[], Any], str]] = {
        "notify": (
            lambda: listing.notify_listing(actor=u, listing=obj, request=request),
            _("已事先告知。"),
        ),
        "statement": (
            lambda: listing.record_statement(
                actor=u, listing=obj, text=p.get("text", ""), request=request
            ),
            _("已登记陈述申辩。"),
        ),
        "decide": (
            lambda: listing.decide_listing(
                actor=u,
                listing=obj,
                list_it=p.get("list") == "1",
                note=p.get("note", ""),
                request=request,
            ),
            _("已作出决定。"),
        ),
        "publish": (
            lambda: listing.publish_listing(actor=u, listing=obj, request=request),
            _("已公布。"),
        ),
        "remove": (
            lambda: listing.remove_early(
                actor=u,
                listing=obj,
                applied_on=_date(p.get("applied_on")) or timezone.localdate(),
                arrears_paid_on=_date(p.get("arrears_paid_on")),
                pledge_on=_date(p.get("pledge_on")),
                no_new_arrears=p.get("no_new") == "on",
                request=request,
            ),
            _("已提前移出名单。"),
        ),
    }
    if step not in steps:
        from django.http import Http404

        raise Http404
    fn, ok = steps[step]
    _do(request, fn, ok)
    return redirect(obj)


urlpatterns: list[URLPattern] = [
    path("", run_list, name="run_list"),
    path("runs/new/", run_create, name="run_create"),
    path("runs/<int:pk>/", run_detail, name="run_detail"),
    path("runs/<int:pk>/propose/", run_propose, name="run_propose"),
    path("runs/<int:pk>/approve/", run_approve, name="run_approve"),
    path("grades/", grade_list, name="grade_list"),
    path("grades/<int:pk>/", grade_detail, name="grade_detail"),
    path("grades/<int:pk>/override/", grade_override, name="grade_override"),
    path("grades/<int:pk>/objection/", grade_objection, name="grade_objection"),
    path(
        "grades/<int:pk>/objection/decide/", grade_objection_decide, name="grade_objection_decide"
    ),
    path("grades/<int:pk>/letter/", grade_letter, name="grade_letter"),
    path("rules/", rule_page, name="rules"),
    path("rules/save/", rule_save, name="rule_save"),
    path("violations/", notice_list, name="notice_list"),
    path("violations/scan/", notice_scan, name="notice_scan"),
    path("violations/flag/", notice_flag, name="notice_flag"),
    path("violations/publish/", notice_publish, name="notice_publish"),
    path("violations/<int:pk>/", notice_detail, name="notice_detail"),
    path("violations/<int:pk>/review/", notice_review, name="notice_review"),
    path("violations/<int:pk>/withdraw/", notice_withdraw, name="notice_withdraw"),
    path("blacklist/", listing_list, name="listing_list"),
    path("blacklist/propose/", listing_propose, name="listing_propose"),
    path("blacklist/<int:pk>/", listing_detail, name="listing_detail"),
    path("blacklist/<int:pk>/letter/", listing_letter, name="listing_letter"),
    path("blacklist/<int:pk>/files/<int:file_id>/", statement_file, name="statement_file"),
    path("blacklist/<int:pk>/<slug:step>/", listing_step, name="listing_step"),
]
