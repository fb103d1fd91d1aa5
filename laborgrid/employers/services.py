"""Every write to the employer registry (ARCHITECTURE rule 1): one function per state change.

Views, the API, importers and commands call these; none of them saves an employer, snapshot or
worker directly. Each function checks the actor's capability on the record's grid, validates the
whole change (``full_clean`` plus the cross-field rules of DOMAIN A2/A3) before writing anything,
writes inside one transaction and leaves the change history (who, when, why) behind.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core import pii
from laborgrid.core.paths import path_codes
from laborgrid.core.scope import check_write, get_scope
from laborgrid.core.search import normalise, search_q
from laborgrid.employers import bulk
from laborgrid.employers.audit_actions import EmployerAction
from laborgrid.employers.choices import (
    CollectionMethod,
    EmployerStatus,
    IdKind,
    RegisterSource,
)
from laborgrid.employers.models import (
    INSURANCE_KINDS,
    Employer,
    EmployerMerge,
    EmployerSource,
    LabourSnapshot,
    MinimumWage,
    Worker,
)
from laborgrid.employers.names import name_core
from laborgrid.grids.choices import GridLevel, LocateMethod
from laborgrid.grids.models import Grid
from laborgrid.lib import identifiers as ids

if TYPE_CHECKING:
    from laborgrid.accounts.models import User


def _stamp(obj: Any, actor: User, reason: str | None = None) -> None:
    """Tell django-simple-history who makes the next save of ``obj``, and why."""
    obj._history_user = actor
    if reason is not None:
        obj._change_reason = reason


def coerce_into(instance: models.Model, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    """Set ``fields`` present in ``data`` on ``instance``, converted by each model field (text
    from a form or a spreadsheet becomes a date, a number, a boolean); all conversion errors are
    raised together, each naming its field. Blank text is "not given": NULL, or "" where the
    column is not nullable."""
    errors: dict[str, list[str]] = {}
    for name in fields:
        if name not in data:
            continue
        f = cast(models.Field, instance._meta.get_field(name))
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                value = (
                    None
                    if f.null
                    else ("" if isinstance(f, (models.CharField, models.TextField)) else None)
                )
        if isinstance(f, models.BooleanField) and value in ("on", "yes", "是"):
            value = True
        try:
            value = f.to_python(value)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)
            continue
        if value is None and not f.null:
            if isinstance(f, (models.CharField, models.TextField)):
                value = ""
            elif isinstance(f, models.BooleanField):
                value = False
        setattr(instance, f.attname, value)
    if errors:
        raise ValidationError(errors)


# --- identity ----------------------------------------------------------------------------------

#: Fields a person edits on an employer (forms, API, importers). Everything else is derived.
EMPLOYER_FIELDS = (
    "uscc",
    "org_code",
    "reg_number",
    "name",
    "former_names",
    "employer_type",
    "industry",
    "legal_rep",
    "contact_person",
    "address",
    "lat",
    "lng",
    "established_on",
    "registered_capital",
    "business_scope",
    "status",
)

PHONE_CONTEXT = "employer.contact_phone"
WORKER_ID_CONTEXT = "worker.id_number"
WORKER_PHONE_CONTEXT = "worker.phone"


class ConcurrentEdit(ValidationError):
    """The record changed since the editor loaded it (optimistic locking)."""


@dataclass(frozen=True)
class Duplicate:
    employer: Employer
    reason: str
    #: ``True``: the same legal entity for certain (same code); saving is refused.
    hard: bool


class DuplicateEmployer(ValidationError):
    """Possible duplicates found before save; ``duplicates`` lists them."""

    def __init__(self, duplicates: list[Duplicate]) -> None:
        # No names in the message: a candidate may lie outside the user's grids (a code is unique
        # across the registry); callers show the candidates the user may see.
        super().__init__(_("可能与已登记的单位重复。"))
        self.duplicates = duplicates


def clean_codes(data: Mapping[str, Any]) -> dict[str, str | None]:
    """Validate and normalise the three identity codes (DOMAIN A2); errors name the field.

    The organisation code embedded in a USCC (positions 9–17) fills ``org_code`` and must agree
    with one given separately.
    """
    errors: dict[str, str] = {}
    out: dict[str, str | None] = {"uscc": None, "org_code": "", "reg_number": ""}
    raw_uscc = (data.get("uscc") or "").strip()
    if raw_uscc:
        try:
            out["uscc"] = ids.validate_uscc(raw_uscc)
        except ids.InvalidIdentifier as exc:
            errors["uscc"] = exc.message
    raw_org = (data.get("org_code") or "").strip()
    if raw_org:
        try:
            out["org_code"] = ids.validate_org_code(raw_org)
        except ids.InvalidIdentifier as exc:
            errors["org_code"] = exc.message
    uscc = out["uscc"]
    if uscc:
        embedded = uscc[8:17]
        if out["org_code"] and out["org_code"] != embedded:
            errors["org_code"] = _("组织机构代码与统一社会信用代码第 9–17 位（%(code)s）不一致") % {
                "code": embedded
            }
        out["org_code"] = embedded
    raw_reg = (data.get("reg_number") or "").strip()
    if raw_reg:
        try:
            out["reg_number"] = ids.validate_registration_number(raw_reg)
        except ids.InvalidIdentifier as exc:
            errors["reg_number"] = exc.message
    if errors:
        raise ValidationError(errors)
    return out


def _clean_phone(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    try:
        return ids.validate_phone(text)
    except ids.InvalidIdentifier as exc:
        raise ValidationError({field: exc.message}) from exc


def county_of(grid: Grid) -> Grid:
    """The county-level grid above (or at) ``grid``; the tree's root where there is none."""
    codes = path_codes(grid.path)
    ancestors = {g.code: g for g in Grid.objects.filter(code__in=codes)}
    for code in codes:
        g = ancestors.get(code)
        if g is not None and g.level == GridLevel.COUNTY:
            return g
    return ancestors.get(codes[0], grid)


def find_duplicates(
    *,
    uscc: str | None,
    org_code: str,
    reg_number: str,
    name: str,
    address: str,
    county: Grid,
    exclude: int | None = None,
    limit: int = 10,
) -> list[Duplicate]:
    """Existing employers that look like the one described (issue 3 §7).

    Same code (USCC, organisation code, registration number) anywhere: certain. Same normalised
    name in the same county: probable. A similar name (≥ 80 % alike) with a similar address
    (≥ 60 %) in the same county: possible. Merged-away records count as their target.
    """
    found: dict[int, Duplicate] = {}

    def add(e: Employer, reason: str, hard: bool) -> None:
        if exclude is not None and e.pk == exclude:
            return
        if e.pk not in found or (hard and not found[e.pk].hard):
            found[e.pk] = Duplicate(e, reason, hard)

    code_q = Q()
    if uscc:
        code_q |= Q(uscc=uscc)
    if org_code:
        code_q |= Q(org_code=org_code)
    if reg_number:
        code_q |= Q(reg_number=reg_number)
    if code_q:
        for e in Employer.objects.filter(code_q).select_related("merged_into", "grid")[:limit]:
            target = e.merged_into or e
            reason = _("统一社会信用代码相同")
            if uscc and e.uscc != uscc:
                reason = (
                    _("组织机构代码相同")
                    if org_code and e.org_code == org_code
                    else _("注册号相同")
                )
            add(target, reason, True)
    key = normalise(name)
    in_county = Q(grid_path__under=county.path)
    if key:
        for e in (
            Employer.objects.current()
            .filter(in_county, name_key=key)
            .select_related("grid")[:limit]
        ):
            add(e, _("同一县内单位名称相同"), False)
        core = name_core(key)
        if len(core) >= 2:
            addr_key = normalise(address or "")
            candidates = (
                Employer.objects.current()
                .filter(in_county)
                .filter(search_q(core[:6]))
                .select_related("grid")
                .only("id", "name", "name_key", "address", "grid__id", "grid__name", "grid__path")
                .order_by("id")[:200]
            )
            for e in candidates:
                if e.pk in found:
                    continue
                name_ratio = difflib.SequenceMatcher(None, key, e.name_key).ratio()
                if name_ratio < 0.8:
                    continue
                if addr_key and e.address:
                    addr_ratio = difflib.SequenceMatcher(
                        None, addr_key, normalise(e.address)
                    ).ratio()
                    if addr_ratio < 0.6:
                        continue
                add(e, _("名称和地址相近"), False)
    return sorted(found.values(), key=lambda d: (not d.hard, d.employer.name))[:limit]


# --- grid assignment ---------------------------------------------------------------------------


def _place(
    *,
    actor: User,
    employer: Employer,
    grid: Grid | None,
    grid_reason: str,
    relocate: bool,
) -> None:
    """Put ``employer`` in a grid: the one chosen by a person (with a reason), else located.

    By location (point in the grid polygons), else by the address text naming a township or
    village, else the county's "to be assigned" queue (``laborgrid.grids.locate``). A person's
    choice overrides and is kept (``grid_method = manual``) until a person changes it again.
    """
    from laborgrid.grids.locate import locate

    if grid is not None and (employer.pk is None or grid.pk != employer.grid_id):
        if employer.pk is not None and not grid_reason.strip():
            raise ValidationError({"grid_reason": _("手工调整所属网格时请填写理由。")})
        employer.grid = grid
        employer.grid_method = LocateMethod.MANUAL
        employer.grid_note = (grid_reason.strip() or _("人工指定"))[:200]
        return
    if not relocate or (employer.pk is not None and employer.grid_method == LocateMethod.MANUAL):
        return
    base = employer.grid if employer.pk is not None else _actor_root(actor)
    located = locate(
        root=county_of(base), lat=employer.lat, lng=employer.lng, address=employer.address
    )
    if located.method == LocateMethod.UNASSIGNED and employer.pk is None:
        # Nothing placed it: the creator's own grid if it is a single one they may write in.
        located_grid = _actor_root(actor)
        employer.grid = located_grid
        employer.grid_method = LocateMethod.UNASSIGNED
        employer.grid_note = located.detail[:200]
        return
    if located.method == LocateMethod.UNASSIGNED:
        return
    employer.grid = located.grid
    employer.grid_method = located.method
    employer.grid_note = located.detail[:200]


def _actor_root(actor: User) -> Grid:
    """The top grid the actor may write in (the county for a county inspector)."""
    paths = get_scope(actor).paths(Cap.WORK_WRITE)
    if not paths:
        raise ValidationError({"grid": _("您没有可以登记用人单位的网格。")})
    grid = Grid.objects.filter(path=sorted(paths, key=len)[0]).first()
    if grid is None:
        raise ValidationError({"grid": _("您没有可以登记用人单位的网格。")})
    return grid


# --- create / update ---------------------------------------------------------------------------


def _apply_fields(employer: Employer, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Set the editable fields from ``data``; return every field's error (nothing raised yet, so
    that one bad code does not hide a bad date: the person sees all problems at once)."""
    errors: dict[str, list[str]] = {}
    try:
        codes = clean_codes(
            {k: data.get(k, getattr(employer, k)) for k in ("uscc", "org_code", "reg_number")}
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        for k, v in codes.items():
            setattr(employer, k, v)
    try:
        coerce_into(
            employer,
            data,
            [f for f in EMPLOYER_FIELDS if f not in ("uscc", "org_code", "reg_number")],
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for f in ("name", "legal_rep", "contact_person", "address"):
        # Full-width letters and digits folded, runs of spaces collapsed; Chinese names lose
        # the stray spaces people type between characters.
        value = " ".join(unicodedata.normalize("NFKC", getattr(employer, f) or "").split())
        if f == "name" and re.search(r"[\u4e00-\u9fff]", value):
            value = value.replace(" ", "")
        setattr(employer, f, value)
    employer.former_names = bulk.join_names((employer.former_names or "").splitlines())
    if "contact_phone" in data:
        try:
            phone = _clean_phone(data.get("contact_phone"), "contact_phone")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            employer.contact_phone_enc = pii.seal(phone, context=PHONE_CONTEXT) if phone else ""
            employer.contact_phone_masked = ids.mask_phone(phone) if phone else ""
    return errors


def _validate_employer(employer: Employer, pending: dict[str, list[str]] | None = None) -> None:
    """Cross-field and model checks; raises with ``pending`` (conversion errors) merged in."""
    errors: dict[str, list[str]] = {k: list(v) for k, v in (pending or {}).items()}
    if (employer.lat is None) != (employer.lng is None):
        errors.setdefault("lat", []).append(_("经度和纬度须同时填写。"))
    if employer.established_on and employer.established_on > timezone.localdate():
        errors.setdefault("established_on", []).append(_("成立日期不能晚于今天。"))
    if employer.registered_capital is not None and employer.registered_capital < 0:
        errors.setdefault("registered_capital", []).append(_("注册资本不能为负数。"))
    try:
        employer.full_clean(
            exclude=["grid_path", "name_key", "search_text", "uscc", "grid", *errors]
        )
    except ValidationError as exc:
        for k, msgs in exc.message_dict.items():
            errors.setdefault(k, []).extend(msgs)
    if errors:
        raise ValidationError(errors)


def create_employer(
    *,
    actor: User,
    data: Mapping[str, Any],
    grid: Grid | None = None,
    grid_reason: str = "",
    source: str = RegisterSource.MANUAL,
    confirm_not_duplicate: bool = False,
    request: Any = None,
) -> Employer:
    """Register a new employer.

    Refused when another record has the same code; when a probable duplicate exists (same name
    in the county, or a similar name and address), refused with :class:`DuplicateEmployer` unless
    the person confirms it is a different employer (``confirm_not_duplicate``).
    """
    employer = Employer()
    errors = _apply_fields(employer, data)
    try:
        _place(actor=actor, employer=employer, grid=grid, grid_reason=grid_reason, relocate=True)
    except ValidationError as exc:
        _validate_employer(employer, {**errors, **exc.message_dict})
    employer.grid_path = employer.grid.path
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    _validate_employer(employer, errors)
    dups = find_duplicates(
        uscc=employer.uscc,
        org_code=employer.org_code,
        reg_number=employer.reg_number,
        name=employer.name,
        address=employer.address,
        county=county_of(employer.grid),
    )
    if any(d.hard for d in dups) or (dups and not confirm_not_duplicate):
        raise DuplicateEmployer(dups)
    employer.created_by = employer.updated_by = actor
    today = timezone.localdate()
    try:
        with transaction.atomic():
            bulk.create_one(employer, actor=actor, reason=_("新建"))
            EmployerSource.objects.create(
                employer=employer, source=source, first_seen_on=today, last_seen_on=today
            )
    except IntegrityError as exc:  # a concurrent save took the same USCC
        raise ValidationError({"uscc": _("该统一社会信用代码已登记。")}) from exc
    return employer


def update_employer(
    *,
    actor: User,
    employer: Employer,
    data: Mapping[str, Any],
    expected_version: int | None,
    grid: Grid | None = None,
    grid_reason: str = "",
    reason: str = "",
    confirm_not_duplicate: bool = False,
    request: Any = None,
) -> Employer:
    """Change an employer's identity, contact, place or status.

    ``expected_version`` is the version the editor loaded: if someone saved in between, the save
    is refused with "changed by X at T" (optimistic locking) instead of overwriting their change.
    A change of location or address places it again, unless a person chose its grid.
    """
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    if employer.merged_into_id is not None:
        raise ValidationError(_("该记录已并入其他单位，不能修改。"))
    with transaction.atomic():
        current = (
            Employer.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=employer.pk)
        )
        if expected_version is not None and current.version != expected_version:
            who = current.updated_by.full_name if current.updated_by else _("系统")
            when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M")
            raise ConcurrentEdit(
                _("该单位已被 %(who)s 于 %(when)s 修改，请刷新后重新编辑。")
                % {"who": who, "when": when}
            )
        loaded = bulk.field_values(current)
        before = (current.lat, current.lng, current.address)
        errors = _apply_fields(current, data)
        moved = before != (current.lat, current.lng, current.address)
        try:
            _place(
                actor=actor, employer=current, grid=grid, grid_reason=grid_reason, relocate=moved
            )
        except ValidationError as exc:
            _validate_employer(current, {**errors, **exc.message_dict})
        current.grid_path = current.grid.path
        check_write(actor, Cap.WORK_WRITE, current.grid_path)
        _validate_employer(current, errors)
        if {"name", "uscc", "org_code", "reg_number", "address"} & set(data):
            dups = find_duplicates(
                uscc=current.uscc,
                org_code=current.org_code,
                reg_number=current.reg_number,
                name=current.name,
                address=current.address,
                county=county_of(current.grid),
                exclude=current.pk,
            )
            # A soft match only matters when the name or address changed in this edit.
            # (The derived name key is only computed when the row is written: compare the names.)
            renamed = (current.name, current.address) != (loaded["name"], loaded["address"])
            if any(d.hard for d in dups) or (dups and renamed and not confirm_not_duplicate):
                raise DuplicateEmployer(dups)
        # The former names follow the rename in bulk.save_changes (newest first).
        try:
            with transaction.atomic():
                bulk.save_changes(current, loaded, actor=actor, reason=reason[:100] or _("修改"))
        except IntegrityError as exc:
            raise ValidationError({"uscc": _("该统一社会信用代码已登记。")}) from exc
    return current


# --- minimum wage and snapshots ------------------------------------------------------------------


def minimum_wage_for(grid_path: str, on: date) -> MinimumWage | None:
    """The 最低工资标准 in force at ``on`` for a place: the deepest area row, latest date."""
    codes = path_codes(grid_path)
    rows = (
        MinimumWage.objects.filter(area__code__in=codes, effective_from__lte=on)
        .order_by("-effective_from")
        .only("area_path", "monthly", "hourly", "tier", "effective_from")
    )
    best: MinimumWage | None = None
    for row in rows:
        if best is None or len(row.area_path) > len(best.area_path):
            best = row
    return best


def save_minimum_wage(
    *,
    actor: User,
    data: Mapping[str, Any],
    instance: MinimumWage | None = None,
    request: Any = None,
) -> MinimumWage:
    """Add or correct a row of the minimum-wage table (configuration, not code: DOMAIN A3).

    Needs ``grid.manage`` on the area (the county's system administrator or inspectors). Snapshots
    keep the standard they were checked against, so a later correction does not rewrite findings.
    """
    row = instance or MinimumWage()
    area = data.get("area") or (row.area if instance else None)
    if area is None:
        raise ValidationError({"area": _("请选择适用区域。")})
    check_write(actor, Cap.GRID_MANAGE, area.path)
    if instance is not None:
        check_write(actor, Cap.GRID_MANAGE, instance.area_path)
    before = {f: str(getattr(row, f)) for f in ("monthly", "hourly", "effective_from", "tier")}
    row.area = area
    row.area_path = area.path
    coerce_into(row, data, ("tier", "monthly", "hourly", "effective_from", "document"))
    try:
        row.full_clean(exclude=["area_path"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    with transaction.atomic():
        row.save()
        record(
            EmployerAction.MINIMUM_WAGE_CHANGED,
            actor=actor,
            request=request,
            obj=row,
            detail={
                "area": area.code,
                "before": before if instance else None,
                "monthly": str(row.monthly),
                "effective_from": str(row.effective_from),
            },
        )
    return row


SNAPSHOT_FIELDS = (
    "collected_on",
    "employees",
    "migrant_workers",
    "women",
    "juveniles",
    "dispatched",
    "contracts_signed",
    "roster_kept",
    *(f"insured_{k}" for k in INSURANCE_KINDS),
    "pay_day",
    "pay_method",
    "lowest_monthly_wage",
    "arrears",
    "arrears_amount",
    "arrears_workers",
    "arrears_months",
    "hours_system",
    "hours_approval_no",
    "rules_filed",
    "is_construction",
    "real_name_register",
    "wage_account",
    "wage_deposit",
    "rights_board",
    "gps_lat",
    "gps_lng",
    "gps_accuracy",
    "note",
)

_COUNT_LABELS = {
    "migrant_workers": "其中农民工",
    "women": "其中女职工",
    "juveniles": "其中未成年工",
    "dispatched": "其中劳务派遣",
    "contracts_signed": "已签劳动合同人数",
    "insured_pension": "参加养老保险人数",
    "insured_medical": "参加医疗保险人数",
    "insured_unemployment": "参加失业保险人数",
    "insured_injury": "参加工伤保险人数",
    "insured_maternity": "参加生育保险人数",
}


def validate_snapshot(snap: LabourSnapshot, skip: set[str] | None = None) -> None:
    """The cross-field rules of the collection standard (DOMAIN A3); errors name the field.

    ``skip``: fields that already failed conversion (their value is not usable here).
    """
    errors: dict[str, list[str]] = {}

    def err(field: str, msg: str) -> None:
        errors.setdefault(field, []).append(msg)

    for f in ("employees", *_COUNT_LABELS):
        v = getattr(snap, f)
        if v is not None and (not isinstance(v, int) or v < 0):
            err(f, _("人数不能为负数。"))
    employees = snap.employees if isinstance(snap.employees, int) else None
    if employees is not None and employees >= 0:
        for f, label in _COUNT_LABELS.items():
            v = getattr(snap, f)
            if isinstance(v, int) and v > employees:
                err(
                    f,
                    _("%(label)s（%(n)s）不能大于职工总数（%(total)s）。")
                    % {
                        "label": _(label),
                        "n": v,
                        "total": employees,
                    },
                )
    today = timezone.localdate()
    if snap.collected_on and snap.collected_on > today:
        err("collected_on", _("采集日期不能晚于今天。"))
    if snap.collected_on and snap.collected_on < date(2000, 1, 1):
        err("collected_on", _("采集日期不合理。"))
    if snap.arrears:
        if snap.arrears_amount is None or snap.arrears_amount <= 0:
            err("arrears_amount", _("存在欠薪时请填写欠薪金额。"))
        if (
            employees is not None
            and snap.arrears_workers is not None
            and snap.arrears_workers > max(employees, 0) * 10
        ):
            err("arrears_workers", _("涉及人数不合理。"))
    else:
        for f in ("arrears_amount", "arrears_workers", "arrears_months"):
            if getattr(snap, f):
                err(f, _("未勾选“存在欠薪”时不应填写此项。"))
    if snap.hours_system in ("comprehensive", "flexible") and not snap.hours_approval_no.strip():
        err("hours_approval_no", _("综合计算工时制和不定时工作制须经审批，请填写审批文号。"))
    if snap.lowest_monthly_wage is not None and snap.lowest_monthly_wage > Decimal("1000000"):
        err("lowest_monthly_wage", _("最低月工资不合理。"))
    if (snap.gps_lat is None) != (snap.gps_lng is None):
        err("gps_lat", _("采集位置的经度和纬度须同时提供。"))
    try:
        snap.full_clean(
            exclude=["employer", "collector", "created_by", "withdrawn_by", *(skip or ())],
            validate_constraints=False,  # the rules above say the same, naming the field
        )
    except ValidationError as exc:
        for k, msgs in exc.message_dict.items():
            if k not in errors:
                errors[k] = msgs
    if errors:
        raise ValidationError(errors)


def record_snapshot(
    *,
    actor: User | None,
    employer: Employer,
    data: Mapping[str, Any],
    method: str = CollectionMethod.OFFICE,
    source: str = "",
    collector: Any = None,
    collector_name: str = "",
) -> LabourSnapshot:
    """Record the employer's labour-use facts on a date (a new snapshot; DOMAIN A3).

    The applicable minimum wage is looked up and stored with the snapshot; the employer's
    current facts and risk flags are refreshed from its latest valid snapshot.
    """
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    if employer.merged_into_id is not None:
        raise ValidationError(_("该记录已并入其他单位，请在合并后的单位上采集。"))
    snap = LabourSnapshot(employer=employer, method=method, source=source[:100])
    errors: dict[str, list[str]] = {}
    try:
        coerce_into(snap, data, SNAPSHOT_FIELDS)
    except ValidationError as exc:  # keep going: report every field's problem at once
        errors = dict(exc.message_dict)
    if snap.collected_on is None:
        snap.collected_on = timezone.localdate()
    if snap.arrears is None:
        snap.arrears = False
    if snap.is_construction is None:
        snap.is_construction = False
    snap.collector = collector or actor
    snap.collector_name = (collector_name or getattr(snap.collector, "full_name", "") or "")[:60]
    snap.created_by = actor
    try:
        validate_snapshot(snap, skip=set(errors))
    except ValidationError as exc:
        for k, msgs in exc.message_dict.items():
            errors.setdefault(k, []).extend(msgs)
    if errors:
        raise ValidationError(errors)
    mw = minimum_wage_for(employer.grid_path, snap.collected_on)
    snap.minimum_wage = mw.monthly if mw else None
    with transaction.atomic():
        snap.save()
        refresh_current(employer)
    return snap


def withdraw_snapshot(*, actor: User, snapshot: LabourSnapshot, reason: str) -> LabourSnapshot:
    """Withdraw a wrong snapshot (kept, marked, with the reason); the current facts fall back."""
    employer = snapshot.employer
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤回理由。")})
    if snapshot.withdrawn_at is not None:
        raise ValidationError(_("该条采集信息已撤回。"))
    with transaction.atomic():
        snapshot.withdrawn_at = timezone.now()
        snapshot.withdrawn_by = actor
        snapshot.withdraw_reason = reason[:200]
        snapshot.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        refresh_current(employer)
    return snapshot


def refresh_current(employer: Employer) -> None:
    """Copy the latest valid snapshot's facts and flags onto the employer row (list filters)."""
    latest = (
        LabourSnapshot.objects.valid()
        .filter(employer=employer)
        .order_by("-collected_on", "-id")
        .first()
    )
    values: dict[str, Any] = {
        "current_snapshot": latest,
        "employees": latest.employees if latest else 0,
        "last_collected_on": latest.collected_on if latest else None,
        "flag_no_contracts": bool(latest and latest.has_no_contracts),
        "flag_arrears": bool(latest and latest.arrears),
        "flag_below_min_wage": bool(latest and latest.below_minimum_wage),
        "flag_uninsured": bool(latest and latest.uninsured),
    }
    # A plain UPDATE: derived columns are not an edit of the record (no history row, no version).
    Employer.objects.filter(pk=employer.pk).update(**values)
    for k, v in values.items():
        setattr(employer, k, v)


def snapshot_flags(values: Mapping[str, Any]) -> dict[str, bool]:
    """The list flags for a snapshot given as a mapping (bulk writers use the same rules)."""
    snap = LabourSnapshot(**{k: v for k, v in values.items() if k in _SNAPSHOT_COLUMNS})
    return {
        "flag_no_contracts": snap.has_no_contracts,
        "flag_arrears": bool(snap.arrears),
        "flag_below_min_wage": snap.below_minimum_wage,
        "flag_uninsured": snap.uninsured,
    }


_SNAPSHOT_COLUMNS = frozenset(f.attname for f in LabourSnapshot._meta.concrete_fields)


# --- worker roster -----------------------------------------------------------------------------

WORKER_FIELDS = (
    "name",
    "gender",
    "id_kind",
    "hukou_address",
    "current_address",
    "employment_form",
    "is_migrant",
    "started_on",
    "contract_term",
    "contract_end",
    "left_on",
)


def clean_person_id(kind: str, value: str | None) -> str:
    """Validate an identity number of ``kind``; return its normalised form (errors: ``id_number``)."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({"id_number": _("请填写证件号码。")})
    if kind == IdKind.RIC:
        try:
            return ids.validate_ric(text)
        except ids.InvalidIdentifier as exc:
            raise ValidationError({"id_number": exc.message}) from exc
    norm = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if not re.fullmatch(r"[A-Z0-9-]{5,30}", norm):
        raise ValidationError({"id_number": _("证件号码应为 5–30 位字母或数字。")})
    return norm


def _mask_other_id(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 4, 1) + value[-2:]


def worker_index(kind: str, number: str) -> str:
    """The keyed hash of a normalised identity number (exact lookup across employers)."""
    return pii.blind(f"{kind}:{number}", context=WORKER_ID_CONTEXT)


def _apply_worker(worker: Worker, data: Mapping[str, Any]) -> None:
    coerce_into(worker, data, WORKER_FIELDS)
    worker.name = " ".join(unicodedata.normalize("NFKC", worker.name or "").split())
    if "id_number" in data:
        kind = worker.id_kind or IdKind.RIC
        number = clean_person_id(kind, data["id_number"])
        worker.id_enc = pii.seal(number, context=WORKER_ID_CONTEXT)
        worker.id_index = worker_index(kind, number)
        if kind == IdKind.RIC:
            worker.id_masked = ids.mask_ric(number)
            worker.birth_date = ids.ric_birth_date(number)
            sex = ids.ric_gender(number)
            if not worker.gender:
                worker.gender = sex
            elif worker.gender != sex:
                raise ValidationError({"gender": _("性别与身份证号码不一致。")})
        else:
            worker.id_masked = _mask_other_id(number)
            worker.birth_date = None
    if "phone" in data:
        phone = _clean_phone(data.get("phone"), "phone")
        worker.phone_enc = pii.seal(phone, context=WORKER_PHONE_CONTEXT) if phone else ""
        worker.phone_masked = ids.mask_phone(phone) if phone else ""


def validate_worker(worker: Worker) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if worker.started_on and worker.started_on > today:
        errors.setdefault("started_on", []).append(_("用工起始日期不能晚于今天。"))
    if worker.birth_date and worker.started_on:
        age = (worker.started_on - worker.birth_date).days // 365
        if age < 16:
            errors.setdefault("started_on", []).append(
                _("用工起始时未满 16 周岁（禁止使用童工，劳动法第十五条）。")
            )
    if worker.contract_term == "fixed" and worker.contract_end is None:
        errors.setdefault("contract_end", []).append(_("固定期限劳动合同请填写终止日期。"))
    if worker.contract_end and worker.started_on and worker.contract_end < worker.started_on:
        errors.setdefault("contract_end", []).append(_("合同终止日期不能早于用工起始日期。"))
    if worker.left_on and worker.started_on and worker.left_on < worker.started_on:
        errors.setdefault("left_on", []).append(_("离职日期不能早于用工起始日期。"))
    try:
        worker.full_clean(
            exclude=["employer", "id_enc", "id_index", "id_masked"],
            validate_constraints=False,  # the rules above say the same, naming the field
        )
    except ValidationError as exc:
        for k, msgs in exc.message_dict.items():
            errors.setdefault(k, []).extend(m for m in msgs if m not in errors.get(k, []))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_worker(*, actor: User, employer: Employer, data: Mapping[str, Any]) -> Worker:
    """Add a line to the employer's roster; the same person twice (current) is refused."""
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    if "id_number" not in data:
        raise ValidationError({"id_number": _("请填写证件号码。")})
    worker = Worker(employer=employer)
    _apply_worker(worker, data)
    validate_worker(worker)
    if (
        worker.left_on is None
        and Worker.objects.current().filter(employer=employer, id_index=worker.id_index).exists()
    ):
        raise ValidationError({"id_number": _("该职工已在本单位名册中。")})
    _stamp(worker, actor)
    worker.save()
    return worker


@transaction.atomic
def update_worker(*, actor: User, worker: Worker, data: Mapping[str, Any]) -> Worker:
    """Change a roster line. A new ID type needs the number again (the lookup hash covers both);
    a gender typed without the number is still checked against the stored ID number."""
    check_write(actor, Cap.WORK_WRITE, worker.employer.grid_path)
    old_kind = worker.id_kind
    if "id_kind" in data and data["id_kind"] != old_kind and not data.get("id_number"):
        raise ValidationError({"id_number": _("更改证件类型时请重新填写证件号码。")})
    _apply_worker(worker, data)
    if "id_number" not in data and worker.id_kind == IdKind.RIC and "gender" in data:
        number = pii.unseal(worker.id_enc, context=WORKER_ID_CONTEXT)
        if worker.gender and worker.gender != ids.ric_gender(number):
            raise ValidationError({"gender": _("性别与身份证号码不一致。")})
    validate_worker(worker)
    clash = (
        Worker.objects.current()
        .filter(employer_id=worker.employer_id, id_index=worker.id_index)
        .exclude(pk=worker.pk)
    )
    if worker.left_on is None and clash.exists():
        raise ValidationError({"id_number": _("该职工已在本单位名册中。")})
    _stamp(worker, actor)
    worker.save()
    return worker


def employers_of_person(actor: User, kind: str, number: str) -> models.QuerySet[Worker]:
    """Roster lines with this identity number on employers the actor may see ("which employers
    has this worker been on?"), found through the keyed hash without decrypting any row."""
    normalised = clean_person_id(kind, number)
    visible = Employer.objects.visible_to(actor).values("pk")
    return (
        Worker.objects.filter(id_index=worker_index(kind, normalised), employer__in=visible)
        .select_related("employer", "employer__grid")
        .order_by("-started_on")
    )


def reveal_worker_number(
    *, actor: User, worker: Worker, field: str, reason: str, request: Any = None
) -> str:
    """The full ID or phone number of a roster line, for a person allowed to see it; audited."""
    if field == "id_number":
        token, context = worker.id_enc, WORKER_ID_CONTEXT
    elif field == "phone":
        token, context = worker.phone_enc, WORKER_PHONE_CONTEXT
    else:
        raise ValidationError({"field": _("未知字段。")})
    if not token:
        return ""
    return pii.reveal(
        actor=actor,
        token=token,
        context=context,
        reason=reason,
        path=worker.employer.grid_path,
        obj=worker,
        request=request,
    )


def reveal_contact_phone(
    *, actor: User, employer: Employer, reason: str, request: Any = None
) -> str:
    if not employer.contact_phone_enc:
        return ""
    return pii.reveal(
        actor=actor,
        token=employer.contact_phone_enc,
        context=PHONE_CONTEXT,
        reason=reason,
        path=employer.grid_path,
        obj=employer,
        request=request,
    )


# --- merge / unmerge / split -----------------------------------------------------------------------


def _linked_relations() -> list[Any]:
    """Every model with a foreign key named ``employer`` to Employer (snapshots, workers, sources,
    and whatever later modules add: cases, inspections…): what a merge moves."""
    rels = []
    for rel in Employer._meta.related_objects:
        model = cast(type[models.Model], rel.related_model)
        if getattr(model, "_meta", None) is None or model._meta.label.split(".")[-1].startswith(
            "Historical"
        ):
            continue
        if rel.field.name != "employer" or not rel.one_to_many:
            continue
        rels.append(rel)
    return rels


def _locked(employer: Employer) -> Employer:
    return Employer.objects.select_for_update(of=("self",)).get(pk=employer.pk)


@transaction.atomic
def merge_employers(
    *, actor: User, source: Employer, target: Employer, reason: str, request: Any = None
) -> EmployerMerge:
    """Merge ``source`` into ``target``: the same employer recorded twice.

    Everything linked to the source (snapshots, roster, register sources, later cases…) moves to
    the target; the source stays as an inactive record pointing at the target, so its history and
    old links still resolve. The target gains the source's name as a former name and any code it
    lacked. What moved is recorded, so :func:`unmerge` restores both records exactly.
    """
    if source.pk == target.pk:
        raise ValidationError(_("不能将单位并入自身。"))
    # Work on fresh, locked rows: a caller's instance may predate someone's edit, and saving it
    # would silently undo that edit.
    source, target = _locked(source), _locked(target)
    source_before, target_before = bulk.field_values(source), bulk.field_values(target)
    check_write(actor, Cap.WORK_WRITE, source.grid_path)
    check_write(actor, Cap.WORK_WRITE, target.grid_path)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写合并理由。")})
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError(_("已并入其他单位的记录不能再合并。"))
    for label, a, b in (
        (_("统一社会信用代码"), source.uscc, target.uscc),
        (_("组织机构代码"), source.org_code, target.org_code),
        (_("工商注册号"), source.reg_number, target.reg_number),
    ):
        if a and b and a != b:
            raise ValidationError(
                _("两个单位的%(label)s不同（%(a)s / %(b)s），不是同一单位，不能合并。")
                % {"label": label, "a": a, "b": b}
            )
    with transaction.atomic():
        moved: dict[str, list[int]] = {}
        for rel in _linked_relations():
            model = rel.related_model
            qs = model._base_manager.filter(employer=source)
            if model is Worker:
                taken = Worker.objects.current().filter(employer=target).values("id_index")
                qs = qs.exclude(Q(left_on__isnull=True) & Q(id_index__in=taken))
            if model is EmployerSource:
                qs = qs.exclude(
                    source__in=EmployerSource.objects.filter(employer=target).values("source")
                )
            pks = list(qs.values_list("pk", flat=True))
            if pks:
                model._base_manager.filter(pk__in=pks).update(employer=target)
                moved[model._meta.label] = pks
        filled: dict[str, Any] = {}
        source_codes = {
            "uscc": source.uscc,
            "org_code": source.org_code,
            "reg_number": source.reg_number,
        }
        for f, v in source_codes.items():
            if v and not getattr(target, f):
                filled[f] = v
        former = [
            n
            for n in [source.name, *source.former_name_list]
            if n != target.name and n not in target.former_name_list
        ]
        if former:
            filled["former_names"] = former
        # The source first: it gives up its USCC before the target takes it.
        source.merged_into = target
        if "uscc" in filled:
            source.uscc = None
        bulk.save_changes(
            source,
            source_before,
            actor=actor,
            reason=_("并入 %(name)s：%(reason)s") % {"name": target.name, "reason": reason},
        )
        for f in ("uscc", "org_code", "reg_number"):
            if f in filled:
                setattr(target, f, filled[f])
        if former:
            # The merged record's names are not the target's own: they follow its own.
            target.former_names = bulk.join_names([*target.former_name_list, *former])
        bulk.save_changes(
            target,
            target_before,
            actor=actor,
            reason=_("合并 %(name)s：%(reason)s") % {"name": source.name, "reason": reason},
        )
        merge = EmployerMerge.objects.create(
            source=source,
            target=target,
            reason=reason[:200],
            moved=moved,
            filled=filled,
            merged_by=actor,
        )
        refresh_current(target)
        refresh_current(source)
        record(
            EmployerAction.EMPLOYER_MERGED,
            actor=actor,
            request=request,
            obj=target,
            detail={"source": source.pk, "target": target.pk, "reason": reason},
        )
    return merge


@transaction.atomic
def unmerge(*, actor: User, merge: EmployerMerge, request: Any = None) -> Employer:
    """Undo a merge: move back exactly what moved, give back codes and names; both records live."""
    source, target = _locked(merge.source), _locked(merge.target)
    source_before, target_before = bulk.field_values(source), bulk.field_values(target)
    check_write(actor, Cap.WORK_WRITE, target.grid_path)
    if merge.reverted_at is not None:
        raise ValidationError(_("该合并已撤销。"))
    later = EmployerMerge.objects.filter(
        source=target, reverted_at__isnull=True, merged_at__gt=merge.merged_at
    )
    if later.exists() or target.merged_into_id:
        raise ValidationError(_("合并后的单位又并入了其他单位，请先撤销后一次合并。"))
    with transaction.atomic():
        from django.apps import apps

        for label, pks in merge.moved.items():
            model = apps.get_model(label)
            model._base_manager.filter(pk__in=pks, employer=target).update(employer=source)
        filled = merge.filled or {}
        for f in ("uscc", "org_code", "reg_number"):
            if f in filled and getattr(target, f) == filled[f]:
                setattr(target, f, None if f == "uscc" else "")
        if filled.get("former_names"):
            target.former_names = bulk.join_names(
                n for n in target.former_name_list if n not in filled["former_names"]
            )
        # The target first: it gives back the USCC before the source takes it again.
        bulk.save_changes(
            target,
            target_before,
            actor=actor,
            reason=_("撤销合并 %(name)s") % {"name": source.name},
        )
        if "uscc" in filled:
            source.uscc = filled["uscc"]
        source.merged_into = None
        bulk.save_changes(
            source,
            source_before,
            actor=actor,
            reason=_("撤销并入 %(name)s") % {"name": target.name},
        )
        merge.reverted_at = timezone.now()
        merge.reverted_by = actor
        merge.save(update_fields=["reverted_at", "reverted_by"])
        refresh_current(source)
        refresh_current(target)
        record(
            EmployerAction.EMPLOYER_UNMERGED,
            actor=actor,
            request=request,
            obj=source,
            detail={"source": source.pk, "target": target.pk, "merge": merge.pk},
        )
    return source


def split_employer(
    *,
    actor: User,
    employer: Employer,
    data: Mapping[str, Any],
    snapshot_ids: Iterable[int],
    worker_ids: Iterable[int],
    reason: str,
    grid: Grid | None = None,
    request: Any = None,
) -> Employer:
    """Split a record that wrongly holds two employers: a new employer with the given identity
    takes the chosen snapshots and roster lines; both keep their histories."""
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写拆分理由。")})
    snapshot_ids, worker_ids = list(snapshot_ids), list(worker_ids)
    snaps = LabourSnapshot.objects.filter(employer=employer, pk__in=snapshot_ids)
    workers = Worker.objects.filter(employer=employer, pk__in=worker_ids)
    if snaps.count() != len(set(snapshot_ids)) or workers.count() != len(set(worker_ids)):
        raise ValidationError(_("所选记录不属于该单位。"))
    with transaction.atomic():
        new = create_employer(
            actor=actor,
            data=data,
            grid=grid or employer.grid,
            grid_reason=reason,
            confirm_not_duplicate=True,
            request=request,
        )
        snaps.update(employer=new)
        workers.update(employer=new)
        refresh_current(new)
        refresh_current(employer)
        record(
            EmployerAction.EMPLOYER_SPLIT,
            actor=actor,
            request=request,
            obj=employer,
            detail={
                "new": new.pk,
                "snapshots": snapshot_ids,
                "workers": worker_ids,
                "reason": reason,
            },
        )
    return new


def set_sources(employer: Employer, sources: Iterable[str], on: date | None = None) -> None:
    """Mark ``employer`` as listed in ``sources`` (used by importers and the generator)."""
    day = on or timezone.localdate()
    for s in sources:
        obj, created = EmployerSource.objects.get_or_create(
            employer=employer, source=s, defaults={"first_seen_on": day, "last_seen_on": day}
        )
        if not created and obj.last_seen_on < day:
            obj.last_seen_on = day
            obj.save(update_fields=["last_seen_on"])


__all__ = [
    "EMPLOYER_FIELDS",
    "SNAPSHOT_FIELDS",
    "WORKER_FIELDS",
    "ConcurrentEdit",
    "Duplicate",
    "DuplicateEmployer",
    "EmployerStatus",
    "add_worker",
    "create_employer",
    "employers_of_person",
    "find_duplicates",
    "merge_employers",
    "minimum_wage_for",
    "record_snapshot",
    "refresh_current",
    "reveal_contact_phone",
    "reveal_worker_number",
    "split_employer",
    "unmerge",
    "update_employer",
    "update_worker",
    "withdraw_snapshot",
]
