"""Every change to a statistical return (报表上报): draft, adjust, sign, consolidate, lock, correct.

The procedure, per grid and period (a month, a quarter or a year):

1. **Draft** (township, 中队长): the platform counts the township's records for the period
   (``rollup.count``: every figure of the registry that belongs on a return); each village is a
   part, and the township's own (direct) records another. Drafting again recounts; a line
   adjusted by hand keeps its figure and note.
2. **Adjust**: a line's figure may be changed, always with a note saying why (a constraint).
3. **Sign** (签报): once the period has ended; the return no longer changes.
4. **Consolidate** (county): the county's return is the sum of its townships' — signed returns
   as signed, a township that has not signed by its records (the county must say why in a note)
   — plus the county's direct records. Consolidating again rebuilds it.
5. **Lock**: the county's return and every return under it for the period are locked: nothing of
   them changes afterwards. A later finding is a **correction**, kept apart with its note, and
   shown beside the locked figure, never instead of it.

Every function is atomic and audited; views and the API call these, never ``save()``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.audit.services import record
from laborgrid.grids.models import Grid
from laborgrid.lib.periods import Period
from laborgrid.reports import figures as registry
from laborgrid.reports import permissions, rollup
from laborgrid.reports.audit_actions import ReportAction
from laborgrid.reports.choices import PartSource, ReturnStatus
from laborgrid.reports.models import Return, ReturnCorrection, ReturnLine, ReturnPart

ZERO = Decimal(0)
MAX_VALUE = Decimal("9999999999999999.99")
MAX_NOTE = 500


def _today() -> date:
    return timezone.localdate()


def _line_keys() -> list[str]:
    return [f.key for f in registry.return_figures() if f.additive]


def _as_json(values: dict[str, Decimal]) -> dict[str, str]:
    return {k: str(values.get(k, ZERO)) for k in _line_keys()}


def _check_period(period: Period, today: date) -> None:
    if period.start > today:
        raise ValidationError(_("统计期尚未开始，不能生成报表。"))


def _locked_check(ret: Return) -> None:
    if ret.status == ReturnStatus.LOCKED:
        raise ValidationError(_("该期报表已锁定，不能再修改；发现差错请登记更正。"))


def find(grid: Grid, period: Period, *, for_update: bool = False) -> Return | None:
    qs = Return.objects.filter(grid=grid, period_kind=period.kind, period_start=period.start)
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def _write_lines(ret: Return, totals: dict[str, Decimal]) -> None:
    """Set every line's drafted figure; a line adjusted by hand keeps its figure and note."""
    existing = {line.key: line for line in ret.lines.all()}
    for key in _line_keys():
        drafted = totals.get(key, ZERO)
        line = existing.get(key)
        if line is None:
            ReturnLine.objects.create(ret=ret, key=key, drafted=drafted, value=drafted)
        elif line.note:
            ReturnLine.objects.filter(pk=line.pk).update(drafted=drafted)
        else:
            ReturnLine.objects.filter(pk=line.pk).update(drafted=drafted, value=drafted)


def _write_parts(
    ret: Return, parts: list[tuple[Grid, str, Return | None, dict[str, Decimal]]]
) -> None:
    ret.parts.all().delete()
    ReturnPart.objects.bulk_create(
        ReturnPart(
            ret=ret,
            grid=grid,
            source=source,
            source_return=source_return,
            values=_as_json(values),
            position=i,
        )
        for i, (grid, source, source_return, values) in enumerate(parts)
    )


@transaction.atomic
def draft_return(*, actor: Any, grid: Grid, period: Period, request: Any = None) -> Return:
    """Draft (or draft again) a township's return from the records of the period."""
    permissions.check_sign(actor, grid)
    today = _today()
    _check_period(period, today)
    ret = find(grid, period, for_update=True)
    if ret is not None:
        _locked_check(ret)
        if ret.status != ReturnStatus.DRAFT:
            raise ValidationError(_("报表已签报，不能重新生成。"))
    nodes = rollup.count(grid, period, today)
    root = nodes[grid.path]
    now = timezone.now()
    if ret is None:
        ret = Return.objects.create(
            grid=grid,
            grid_path=grid.path,
            period_kind=period.kind,
            period_start=period.start,
            drafted_at=now,
            drafted_on=today,
            drafted_by=actor,
        )
    else:
        Return.objects.filter(pk=ret.pk).update(
            drafted_at=now, drafted_on=today, drafted_by=actor, version=ret.version + 1
        )
        ret.refresh_from_db()
    parts: list[tuple[Grid, str, Return | None, dict[str, Decimal]]] = [
        (child.grid, PartSource.RECORDS, None, child.rolled)
        for child in root.children
        if child.grid.is_active or any(child.rolled.values())
    ]
    if any(root.own.values()):
        parts.append((grid, PartSource.DIRECT, None, root.own))
    _write_parts(ret, parts)
    _write_lines(ret, root.rolled)
    record(
        ReportAction.RETURN_DRAFTED,
        actor=actor,
        request=request,
        obj=ret,
        detail={"period": period.key},
    )
    return ret


def _decimal(value: Any, key: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("“%(figure)s”的数值无效。") % {"figure": _label(key)}) from None
    if not number.is_finite() or number < 0 or number > MAX_VALUE:
        raise ValidationError(_("“%(figure)s”的数值无效。") % {"figure": _label(key)})
    return number.quantize(Decimal("0.01"))


def _label(key: str) -> str:
    figure = registry.get(key)
    return str(figure.label) if figure else key


@transaction.atomic
def adjust_return(
    *, actor: Any, ret: Return, changes: list[dict[str, Any]], request: Any = None
) -> Return:
    """Change lines of a draft: ``[{"key", "value", "note"}]``. A figure that differs from the
    drafted one needs a note; setting it back to the drafted figure clears the adjustment."""
    permissions.check_sign(actor, ret.grid)
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    _locked_check(ret)
    if ret.status != ReturnStatus.DRAFT:
        raise ValidationError(_("报表已签报，不能再调整。"))
    lines = {line.key: line for line in ret.lines.all()}
    errors: list[str] = []
    updates: list[tuple[ReturnLine, Decimal, str]] = []
    for change in changes:
        key = str(change.get("key") or "")
        line = lines.get(key)
        if line is None:
            errors.append(_("报表中没有指标“%(figure)s”。") % {"figure": key[:60]})
            continue
        try:
            value = _decimal(change.get("value"), key)
        except ValidationError as e:
            errors.extend(e.messages)
            continue
        note = str(change.get("note") or "").strip()
        if len(note) > MAX_NOTE:
            errors.append(_("“%(figure)s”的调整说明过长。") % {"figure": _label(key)})
            continue
        if value != line.drafted and not note:
            errors.append(
                _("“%(figure)s”与系统生成数不同，请填写调整说明。") % {"figure": _label(key)}
            )
            continue
        if value != line.value or note != line.note:
            updates.append((line, value, note if value != line.drafted else ""))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for line, value, note in updates:
        line.value, line.note = value, note
        line.adjusted_by, line.adjusted_at = (actor, now) if note else (None, None)
        line.full_clean(exclude=["ret"])
        line.save(update_fields=["value", "note", "adjusted_by", "adjusted_at"])
    if updates:
        Return.objects.filter(pk=ret.pk).update(version=ret.version + 1)
        record(
            ReportAction.RETURN_ADJUSTED,
            actor=actor,
            request=request,
            obj=ret,
            detail={"period": ret.period.key, "keys": ",".join(u[0].key for u in updates)},
        )
    ret.refresh_from_db()
    return ret


@transaction.atomic
def sign_return(*, actor: Any, ret: Return, request: Any = None) -> Return:
    """签报: the township's 中队长 signs the drafted (and adjusted) return of an ended period."""
    permissions.check_sign(actor, ret.grid)
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    _locked_check(ret)
    if ret.status != ReturnStatus.DRAFT:
        raise ValidationError(_("报表已签报。"))
    if ret.period.end >= _today():
        raise ValidationError(_("统计期结束后才能签报。"))
    Return.objects.filter(pk=ret.pk).update(
        status=ReturnStatus.SIGNED,
        signed_at=timezone.now(),
        signed_by=actor,
        version=ret.version + 1,
    )
    record(
        ReportAction.RETURN_SIGNED,
        actor=actor,
        request=request,
        obj=ret,
        detail={"period": ret.period.key},
    )
    ret.refresh_from_db()
    return ret


def _signing_children(grid: Grid) -> list[Grid]:
    return list(
        Grid.objects.filter(parent__code=grid.code, is_active=True)
        .exclude(level__in=permissions.NO_RETURN)
        .order_by("code")
    )


def _values(ret: Return) -> dict[str, Decimal]:
    return {line.key: line.value for line in ret.lines.all()}


@transaction.atomic
def consolidate_return(
    *, actor: Any, grid: Grid, period: Period, note: str = "", request: Any = None
) -> Return:
    """Build the county's return from its townships' (signed: as signed; not signed: their
    records, which needs a note) and the county's direct records."""
    permissions.check_lock(actor, grid)
    today = _today()
    _check_period(period, today)
    if period.end >= today:
        raise ValidationError(_("统计期结束后才能汇总。"))
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError(_("说明过长。"))
    ret = find(grid, period, for_update=True)
    if ret is not None:
        _locked_check(ret)
    children = _signing_children(grid)
    signed = {
        r.grid_id: r
        for r in Return.objects.filter(
            grid__code__in=[c.code for c in children],
            period_kind=period.kind,
            period_start=period.start,
            status=ReturnStatus.SIGNED,
        ).prefetch_related("lines")
    }
    unsigned = [c for c in children if c.code not in signed]
    if unsigned and not note:
        names = "、".join(c.name for c in unsigned[:10])
        more = _("等 %(n)d 个") % {"n": len(unsigned)} if len(unsigned) > 10 else ""
        raise ValidationError(
            _("%(names)s%(more)s尚未签报。请填写说明后汇总（未签报的按系统生成数汇总）。")
            % {"names": names, "more": more}
        )
    nodes = rollup.count(grid, period, today)
    root = nodes[grid.path]
    parts: list[tuple[Grid, str, Return | None, dict[str, Decimal]]] = []
    totals: dict[str, Decimal] = {}
    counted: set[str] = set()
    for child in children:
        counted.add(child.path)
        if child.code in signed:
            values = _values(signed[child.code])
            parts.append((child, PartSource.SIGNED, signed[child.code], values))
        else:
            values = nodes[child.path].rolled if child.path in nodes else {}
            parts.append((child, PartSource.DRAFT, None, values))
        rollup._add(totals, values)
    # The county's own records and those of grids under it that have no return of their own.
    direct = dict(root.own)
    for node in root.children:
        if node.grid.path not in counted:
            rollup._add(direct, node.rolled)
    if any(direct.values()):
        parts.append((grid, PartSource.DIRECT, None, direct))
        rollup._add(totals, direct)
    now = timezone.now()
    if ret is None:
        ret = Return.objects.create(
            grid=grid,
            grid_path=grid.path,
            period_kind=period.kind,
            period_start=period.start,
            drafted_at=now,
            drafted_on=today,
            drafted_by=actor,
        )
    Return.objects.filter(pk=ret.pk).update(
        status=ReturnStatus.CONSOLIDATED,
        drafted_at=now,
        drafted_on=today,
        consolidated_at=now,
        consolidated_by=actor,
        note=note,
        version=ret.version + 1,
    )
    ret.refresh_from_db()
    _write_parts(ret, parts)
    _write_lines(ret, totals)
    record(
        ReportAction.RETURN_CONSOLIDATED,
        actor=actor,
        request=request,
        obj=ret,
        detail={"period": period.key, "unsigned": len(unsigned)},
    )
    return ret


@transaction.atomic
def lock_return(*, actor: Any, ret: Return, request: Any = None) -> Return:
    """Lock the county's consolidated return and every return under it for the period."""
    permissions.check_lock(actor, ret.grid)
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    _locked_check(ret)
    if ret.status != ReturnStatus.CONSOLIDATED:
        raise ValidationError(_("请先汇总，再锁定。"))
    # A township that signed after the consolidation would be locked with figures the county
    # did not use: consolidate again first.
    drafts: dict[Any, str] = {
        p.grid_id: p.grid.name
        for p in ret.parts.select_related("grid")
        if p.source == PartSource.DRAFT
    }
    signed_since = Return.objects.filter(
        grid__code__in=list(drafts),
        period_kind=ret.period_kind,
        period_start=ret.period_start,
        status=ReturnStatus.SIGNED,
    ).values_list("grid_id", flat=True)
    stale = [drafts[code] for code in signed_since]
    if stale:
        raise ValidationError(
            _("%(names)s已在汇总后签报，请重新汇总后再锁定。") % {"names": "、".join(stale)}
        )
    now = timezone.now()
    under = Return.objects.filter(
        grid_path__under=ret.grid_path,
        period_kind=ret.period_kind,
        period_start=ret.period_start,
    ).exclude(status=ReturnStatus.LOCKED)
    count = under.update(status=ReturnStatus.LOCKED, locked_at=now, locked_by=actor)
    record(
        ReportAction.RETURN_LOCKED,
        actor=actor,
        request=request,
        obj=ret,
        detail={"period": ret.period.key, "returns": count},
    )
    ret.refresh_from_db()
    return ret


@transaction.atomic
def correct_return(
    *, actor: Any, ret: Return, key: str, value: Any, note: str, request: Any = None
) -> ReturnCorrection:
    """Register a correction of a locked return's figure: listed apart, the locked one stays."""
    permissions.check_correct(actor, ret.grid)
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    if ret.status != ReturnStatus.LOCKED:
        raise ValidationError(_("报表尚未锁定，请直接调整。"))
    line = ret.lines.filter(key=key).first()
    if line is None:
        raise ValidationError(_("报表中没有指标“%(figure)s”。") % {"figure": str(key)[:60]})
    number = _decimal(value, key)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请填写更正说明。"))
    if len(note) > MAX_NOTE:
        raise ValidationError(_("更正说明过长。"))
    correction = ReturnCorrection(
        ret=ret,
        key=key,
        locked_value=line.value,
        value=number,
        note=note,
        created_by=actor,
        created_at=timezone.now(),
    )
    correction.full_clean()
    correction.save()
    record(
        ReportAction.RETURN_CORRECTED,
        actor=actor,
        request=request,
        obj=ret,
        detail={"period": ret.period.key, "key": key},
    )
    return correction


def preview(grid: Grid, period: Period) -> dict[str, Decimal]:
    """What drafting would give now (no write): the page of a return not yet drafted."""
    nodes = rollup.count(grid, period, _today())
    return nodes[grid.path].rolled
