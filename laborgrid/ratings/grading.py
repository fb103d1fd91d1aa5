"""Grading runs: draft grades for every employer of a county from the year's record, squadron
proposal, county approval, overrides with a reason, notice and objection (人社部规〔2016〕1号;
DOMAIN A5, B2; issue 18 §1–3). Every write here, in one transaction, audited.

Set-based: each fact is one query over the county's employers (``facts.collect``); the rules run
in Python once per distinct combination of facts (most employers share the all-clear one), and
the grades are inserted in batches.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core.paths import path_codes
from laborgrid.core.scope import check_write
from laborgrid.grids.choices import GridLevel
from laborgrid.ratings import facts as fact_registry
from laborgrid.ratings import notify
from laborgrid.ratings import rules as R
from laborgrid.ratings.audit_actions import RatingsAction
from laborgrid.ratings.choices import Grade, GradeState, ObjectionResult, RunState
from laborgrid.ratings.models import EmployerGrade, GradingRun, LocalRule

BATCH = 5000


def objection_working_days() -> int:
    """The objection period after notice (no national period, DOMAIN B10 item 5: a local setting)."""
    return int(getattr(settings, "LABORGRID_RATING_OBJECTION_WORKING_DAYS", 15))


def current_rules() -> list[R.Rule]:
    """The national rules and the county's enabled local additions."""
    local = [
        R.Rule(
            key=f"local:{r.key}",
            label=r.label,
            fact=r.fact,
            op=r.op,
            value=r.value,
            cap=r.cap,
            basis=r.basis,
            local=True,
        )
        for r in LocalRule.objects.filter(enabled=True).order_by("key")
    ]
    return [*R.NATIONAL_RULES, *local]


@transaction.atomic
def save_local_rule(
    *,
    actor: Any,
    key: str,
    label: str,
    fact: str,
    op: str,
    value: Any,
    cap: str,
    basis: str,
    enabled: bool = True,
    request: Any = None,
) -> LocalRule:
    """Add or change a local rule (county level: it applies to every run from then on)."""
    from laborgrid.grids.models import Grid

    county = Grid.objects.filter(level=GridLevel.COUNTY).order_by("path").first()
    if county is None:
        raise ValidationError(_("尚未建立县级网格。"))
    check_write(actor, Cap.WORK_WRITE, county.path)
    rule = R.Rule(key=key, label=label, fact=fact, op=op, value=value, cap=cap, basis=basis)
    try:
        R.validate_rule(rule)
    except ValueError as exc:
        raise ValidationError(_("规则不成立：%(e)s") % {"e": exc}) from exc
    if fact == "written_review" and op in ("==", "!=") and value not in R.WRITTEN_REVIEW_VALUES:
        raise ValidationError(
            {"value": _("书面审查结果只能是：%(v)s") % {"v": "、".join(R.WRITTEN_REVIEW_VALUES)}}
        )
    obj, _created = LocalRule.objects.update_or_create(
        key=key,
        defaults={
            "label": label,
            "fact": fact,
            "op": op,
            "value": value,
            "cap": cap,
            "basis": basis,
            "enabled": enabled,
            "updated_by": actor,
        },
    )
    record(
        RatingsAction.GRADING_STEP,
        actor=actor,
        request=request,
        obj=obj,
        detail={"action": "local_rule", "key": key, "enabled": enabled},
    )
    return obj


def _employers_of(grid: Any) -> Any:
    from laborgrid.employers.choices import EmployerStatus
    from laborgrid.employers.models import Employer

    return Employer.objects.filter(grid_path__under=grid.path, merged_into__isnull=True).exclude(
        status__in=[EmployerStatus.DEREGISTERED, EmployerStatus.REVOKED, EmployerStatus.MOVED_OUT]
    )


def compute(
    grid: Any, year: int, rule_list: list[R.Rule]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The draft grade of every employer under ``grid`` for ``year`` (no writes): rows of
    employer id, grid, grade, decisive rule, hits, facts, evidence; and the unknown facts."""
    employers = _employers_of(grid)
    provided, evidence = fact_registry.collect(year, employers)
    base = fact_registry.defaults()
    memo: dict[tuple[Any, ...], R.Outcome] = {}
    rows: list[dict[str, Any]] = []
    for pk, grid_id, path in (
        employers.values_list("pk", "grid_id", "grid_path")
        .order_by("pk")
        .iterator(chunk_size=20000)
    ):
        got = provided.get(pk)
        facts = {**base, **got} if got else base
        key = tuple(facts.items()) if got else ()
        outcome = memo.get(key)
        if outcome is None:
            outcome = memo[key] = R.evaluate(facts, rule_list)
        rows.append(
            {
                "employer_id": pk,
                "grid_id": grid_id,
                "grid_path": path,
                "grade": outcome.grade,
                "decisive": outcome.decisive,
                "hits": outcome.hits,
                "facts": facts if got else {},
                "evidence": evidence.get(pk, []),
            }
        )
    return rows, fact_registry.unknown_facts()


@transaction.atomic
def run_grading(
    *, actor: Any, grid: Any, year: int, request: Any = None, today: dt.date | None = None
) -> GradingRun:
    """Draft the year's grades for every employer under the county ``grid``. Rerunning a draft
    year replaces its grades (same records and rules → same grades); an approved year is final."""
    today = today or timezone.localdate()
    if grid.level != GridLevel.COUNTY:
        raise ValidationError(_("诚信等级评价由县级人社部门组织，请在县级网格发起。"))
    check_write(actor, Cap.WORK_WRITE, grid.path)
    if year > today.year or year < 2017:
        raise ValidationError(_("评价年度应在 2017 年（办法施行）至今年之间。"))
    started = time.perf_counter()
    rule_list = current_rules()
    snap = R.snapshot(rule_list)
    run = GradingRun.objects.select_for_update().filter(year=year, grid=grid).first()
    if run is not None and run.state == RunState.APPROVED:
        raise ValidationError(_("%(year)s 年度的评价已审定，不能重新评价。") % {"year": year})
    if run is None:
        run = GradingRun.objects.create(
            year=year,
            grid=grid,
            grid_path=grid.path,
            started_by=actor,
            rules=snap,
            rules_version=snap["version"],
        )
    else:
        run.grades.all().delete()
    rows, unknown = compute(grid, year, rule_list)
    _insert_grades(run, year, rows)
    counts = Counter(r["grade"] for r in rows)
    run.rules, run.rules_version = snap, snap["version"]
    run.employers = len(rows)
    run.counts = {g: counts.get(g, 0) for g in R.GRADES}
    run.unknown_facts = unknown
    run.started_by, run.started_at = actor, timezone.now()
    run.seconds = round(time.perf_counter() - started, 3)
    run.save()
    record(
        RatingsAction.GRADING_STEP,
        actor=actor,
        request=request,
        obj=run,
        detail={
            "action": "run",
            "year": year,
            "employers": run.employers,
            "counts": run.counts,
            "rules": run.rules_version,
        },
    )
    return run


_COLUMNS = (
    "run_id", "year", "employer_id", "grid_id", "grid_path", "draft_grade", "grade",
    "decisive_rule", "hits", "facts", "evidence", "state", "override_reason",
    "objection_text", "objection_result", "objection_note",
)  # fmt: skip


def _insert_grades(run: GradingRun, year: int, rows: list[dict[str, Any]]) -> None:
    """One multi-row INSERT per batch, without building a model per grade (the ORM's
    ``bulk_create`` prepares every field of every row in Python: ~20x slower at county scale)."""
    from django.db import connection

    table = connection.ops.quote_name(EmployerGrade._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"  # noqa: S608
    empty_obj, empty_list = "{}", "[]"
    dumps = json.dumps
    params = [
        (
            run.pk, year, r["employer_id"], r["grid_id"], r["grid_path"], r["grade"], r["grade"],
            r["decisive"], dumps(r["hits"]) if r["hits"] else empty_list,
            dumps(r["facts"], ensure_ascii=False) if r["facts"] else empty_obj,
            dumps(r["evidence"], ensure_ascii=False) if r["evidence"] else empty_list,
            GradeState.DRAFT, "", "", "", "",
        )
        for r in rows
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for i in range(0, len(params), BATCH):
            cursor.executemany(sql, params[i : i + BATCH])


def _check_draft(run: GradingRun) -> None:
    if run.state != RunState.DRAFT:
        raise ValidationError(_("该年度评价已审定，不能再修改。"))


@transaction.atomic
def propose_grades(*, actor: Any, run: GradingRun, grid: Any, request: Any = None) -> int:
    """The township squadron proposes its employers' grades to the county (中队提出)."""
    check_write(actor, Cap.WORK_WRITE, grid.path)
    _check_draft(run)
    if not grid.path.startswith(run.grid_path):
        raise ValidationError(_("该网格不在本次评价范围内。"))
    n = run.grades.filter(grid_path__under=grid.path, state=GradeState.DRAFT).update(
        state=GradeState.PROPOSED, proposed_by=actor, proposed_at=timezone.now()
    )
    record(
        RatingsAction.GRADING_STEP,
        actor=actor,
        request=request,
        obj=run,
        detail={"action": "propose", "grid": grid.code, "n": n},
    )
    return n


@transaction.atomic
def override_grade(
    *, actor: Any, grade: EmployerGrade, new_grade: str, reason: str, request: Any = None
) -> EmployerGrade:
    """Change the draft grade after review; a grade other than the rules' needs a reason."""
    grade = EmployerGrade.objects.select_for_update().select_related("run").get(pk=grade.pk)
    check_write(actor, Cap.WORK_WRITE, grade.grid_path)
    _check_draft(grade.run)
    if grade.state == GradeState.PROPOSED:
        check_write(actor, Cap.WORK_WRITE, grade.run.grid_path)  # after proposal: the county
    if new_grade not in Grade.values:
        raise ValidationError({"grade": _("请选择 A、B 或 C。")})
    reason = (reason or "").strip()
    if new_grade != grade.draft_grade and len(reason) < 4:
        raise ValidationError({"reason": _("调整初评等级须写明理由（至少 4 个字）。")})
    old = grade.grade
    grade.grade = new_grade
    grade.override_reason = reason if new_grade != grade.draft_grade else ""
    grade.overridden_by = actor if new_grade != grade.draft_grade else None
    grade.overridden_at = timezone.now() if new_grade != grade.draft_grade else None
    grade.save(update_fields=["grade", "override_reason", "overridden_by", "overridden_at"])
    _recount(grade.run)
    record(
        RatingsAction.GRADING_STEP,
        actor=actor,
        request=request,
        obj=grade,
        detail={"action": "override", "from": old, "to": new_grade, "reason": reason},
    )
    return grade


def _recount(run: GradingRun) -> None:
    from django.db.models import Count

    counts = dict(run.grades.values_list("grade").annotate(n=Count("pk")).order_by())
    GradingRun.objects.filter(pk=run.pk).update(counts={g: counts.get(g, 0) for g in R.GRADES})


@transaction.atomic
def approve_run(
    *, actor: Any, run: GradingRun, request: Any = None, today: dt.date | None = None
) -> GradingRun:
    """The county approves the year (县局审定) once every township has proposed; the grades are
    then notified to the employers with the objection period, go on the archive and drive the
    patrol frequency (``inspections.risk``)."""
    from laborgrid.deadlines.choices import Unit
    from laborgrid.deadlines.services import compute as compute_due

    run = GradingRun.objects.select_for_update().get(pk=run.pk)
    check_write(actor, Cap.WORK_WRITE, run.grid_path)
    _check_draft(run)
    pending = run.grades.filter(state=GradeState.DRAFT)
    if pending.exists():
        from laborgrid.grids.models import Grid

        depth = len(path_codes(run.grid_path))
        codes = {
            path_codes(p)[depth]
            for p in pending.values_list("grid_path", flat=True).distinct()[:500]
            if len(path_codes(p)) > depth
        }
        names = sorted(Grid.objects.filter(code__in=codes).values_list("name", flat=True))
        raise ValidationError(
            _("尚有 %(n)d 家单位的等级未由中队提出（%(grids)s），不能审定。")
            % {"n": pending.count(), "grids": "、".join(names[:10]) or "—"}
        )
    today = today or timezone.localdate()
    due = compute_due(today, objection_working_days(), Unit.WORKING).due
    run.grades.update(state=GradeState.APPROVED, notified_on=today, objection_due=due)
    run.state, run.approved_by, run.approved_on = RunState.APPROVED, actor, today
    run.save(update_fields=["state", "approved_by", "approved_on"])
    notify.grades_approved(run)
    record(
        RatingsAction.GRADING_STEP,
        actor=actor,
        request=request,
        obj=run,
        detail={
            "action": "approve",
            "year": run.year,
            "on": due.isoformat() if due else "",
        },
    )
    return run


def is_party(actor: Any, employer_id: int) -> bool:
    """The actor is a portal account of the employer itself (not staff)."""
    own = getattr(actor, "employer_id", None)
    return own is not None and int(own) == int(employer_id)


@transaction.atomic
def record_objection(
    *,
    actor: Any,
    grade: EmployerGrade,
    text: str,
    on: dt.date | None = None,
    request: Any = None,
) -> EmployerGrade:
    """The employer objects to its grade within the period: lodged by the employer itself in the
    portal (on the day it does so), or a written objection registered by staff (its date)."""
    grade = EmployerGrade.objects.select_for_update().select_related("run").get(pk=grade.pk)
    party = is_party(actor, grade.employer_id)
    if party:
        on = timezone.localdate()
    else:
        check_write(actor, Cap.WORK_WRITE, grade.grid_path)
        on = on or timezone.localdate()
    if grade.state != GradeState.APPROVED:
        raise ValidationError(_("等级审定并告知后才能提出异议。"))
    if grade.objection_on:
        raise ValidationError(_("该单位已就本年度等级提出过异议。"))
    if grade.objection_due and on > grade.objection_due:
        raise ValidationError(
            _("异议期限已于 %(due)s 届满。") % {"due": grade.objection_due.isoformat()}
        )
    if grade.notified_on and on < grade.notified_on:
        raise ValidationError(_("异议日期不能早于告知日期。"))
    text = (text or "").strip()
    if len(text) < 4:
        raise ValidationError({"text": _("请填写异议的事实和理由。")})
    grade.objection_on, grade.objection_text = on, text[:4000]
    grade.save(update_fields=["objection_on", "objection_text"])
    record(
        RatingsAction.GRADING_STEP,
        actor=actor,
        request=request,
        obj=grade,
        detail={"action": "objection", "by": "employer" if party else "staff"},
    )
    if party:
        notify.objection_lodged(grade)
    return grade


@transaction.atomic
def decide_objection(
    *,
    actor: Any,
    grade: EmployerGrade,
    result: str,
    note: str,
    new_grade: str = "",
    request: Any = None,
) -> EmployerGrade:
    """The county decides an objection: upheld (the grade changes, with the reason) or rejected."""
    grade = EmployerGrade.objects.select_for_update().select_related("run").get(pk=grade.pk)
    check_write(actor, Cap.WORK_WRITE, grade.run.grid_path)
    if not grade.objection_on or grade.objection_result:
        raise ValidationError(_("没有待处理的异议。"))
    note = (note or "").strip()
    if result not in ObjectionResult.values or len(note) < 4:
        raise ValidationError(_("请选择处理结果并写明理由。"))
    if result == ObjectionResult.UPHELD:
        if new_grade not in Grade.values or new_grade == grade.grade:
            raise ValidationError({"grade": _("异议成立时请选择调整后的等级。")})
        grade.grade = new_grade
        if new_grade != grade.draft_grade:
            grade.override_reason = _("异议成立：%(note)s") % {"note": note}
            grade.overridden_by, grade.overridden_at = actor, timezone.now()
    grade.objection_result, grade.objection_note = result, note
    grade.save()
    _recount(grade.run)
    record(
        RatingsAction.GRADING_STEP,
        actor=actor,
        request=request,
        obj=grade,
        detail={"action": "objection_decided", "result": result, "grade": grade.grade},
    )
    notify.grade_changed(grade)
    return grade
