"""Every write of the projects app (ARCHITECTURE rule 1) and the rules of 保障农民工工资支付条例
chapter 4 that the platform checks.

* ``register_project``: the site, its grid, the contractors (registry employers in the actor's
  scope), the contract sum and dates; its obligations are created with their deadlines.
* ``ensure_obligations``: the one-time duties once, and the monthly ones for every month of works
  that has begun (run on registration, on a status change and daily by ``refresh_projects``).
* ``record_obligation``: the evidence of a duty (account, deposit, board photo, labour-cost
  payment); meets its deadline. The roster and the pay sheet are met by their uploads.
* ``upload_roster`` / ``upload_paysheet``: the monthly 实名制花名册 and 工资支付表 (XLSX), ID numbers
  validated (python-stdnum rules of ``lib.identifiers``), encrypted and masked as the registry's
  职工名册; the pay sheet is matched to the roster and its shortfalls listed; a shortfall in pay
  enters the township's arrears ledger.
* ``send_to_patrol`` and ``order_obligations``: a missing duty goes to the month's patrol plan
  (inspections) or to a 责令改正指令书 on the duty holder (rectifications), the project being the
  order's source; the standing warnings of the ordered duties are resolved with the order's number.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid import deadlines
from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core import pii
from laborgrid.core.retention import scrub
from laborgrid.core.scope import check_write, get_scope
from laborgrid.employers.choices import IdKind
from laborgrid.employers.models import Employer
from laborgrid.employers.roster_import import ImportRefused, parse_date, read_rows
from laborgrid.employers.services import clean_person_id, worker_index
from laborgrid.lib import identifiers as ids
from laborgrid.projects.audit_actions import ProjectAction
from laborgrid.projects.choices import (
    ACTIVE_STATUSES,
    CLIENT_DUTIES,
    MONTHLY,
    ONE_TIME,
    VIOLATION,
    ArrearsSource,
    ObligationKind,
    ObligationState,
    ProjectStatus,
)
from laborgrid.projects.deadline_rules import kind_key, start_and_amount
from laborgrid.projects.models import (
    ArrearsEntry,
    Obligation,
    PayLine,
    PaySheet,
    Project,
    SiteWorker,
    Subcontractor,
)

if TYPE_CHECKING:
    from laborgrid.accounts.models import User
    from laborgrid.grids.models import Grid
    from laborgrid.inspections.models import PatrolPlan
    from laborgrid.rectifications.models import RectificationOrder

ID_CONTEXT = "projects.worker.id_number"
PHONE_CONTEXT = "projects.officer.phone"
MAX_ROWS = 5000
PHOTO_MAX = 8 * 1024 * 1024
#: 人社部发〔2021〕65号: the deposit is 1 %–3 % of the contract sum, never below 0.5 % for a
#: contractor with several projects; below 0.5 % the form asks for the exemption in the note.
DEPOSIT_FLOOR = Decimal("0.005")


def _clean_text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").replace("\x00", "").split())[:limit]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _money(value: Any, field_name: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field_name: [_("请填写金额。")]})
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError({field_name: [_("金额格式不正确。")]}) from None
    if amount < 0 or amount >= Decimal("1e12") or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field_name: [_("金额应为不小于 0 的数，最多两位小数。")]})
    return amount


def _employer_in_scope(actor: User, pk: Any, field_name: str) -> Employer:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise ValidationError({field_name: [_("请选择登记的用人单位。")]}) from None
    employer = Employer.objects.visible_to(actor).filter(pk=key).first()
    if employer is None:
        raise ValidationError({field_name: [_("您负责的网格中没有这个用人单位。")]})
    if employer.merged_into_id is not None:
        raise ValidationError({field_name: [_("该用人单位已并入其他记录，请选择并入后的单位。")]})
    return employer


# --- register ----------------------------------------------------------------------------------


def _grid_of(actor: User, data: Mapping[str, Any]) -> Grid:
    from laborgrid.grids.locate import locate
    from laborgrid.grids.models import Grid

    code = _clean_text(data.get("grid"), 32)
    if code:
        grid = Grid.objects.filter(code=code).first()
        if grid is None or not get_scope(actor).allows(Cap.WORK_WRITE, grid.path):
            raise ValidationError({"grid": [_("您负责的网格中没有这个编码。")]})
        return grid
    lat, lng = data.get("lat"), data.get("lng")
    if lat is None or lng is None:
        raise ValidationError({"grid": [_("请选择项目所在网格，或在地图上标出项目位置。")]})
    root = Grid.objects.filter(parent__isnull=True).order_by("depth", "path").first()
    if root is None:
        raise ValidationError({"grid": [_("尚未建立网格。")]})
    located = locate(root=root, lat=lat, lng=lng, address=data.get("address") or "")
    if located.grid.pk == root.pk or not get_scope(actor).allows(Cap.WORK_WRITE, located.grid.path):
        raise ValidationError({"grid": [_("项目位置不在您负责的网格内，请选择所在网格。")]})
    return located.grid


@transaction.atomic
def register_project(*, actor: User, data: Mapping[str, Any], request: Any = None) -> Project:
    """登记在建工程项目 on a grid the actor may write to; contractors must be registry employers."""
    grid = _grid_of(actor, data)
    check_write(actor, Cap.WORK_WRITE, grid.path)
    errors: dict[str, list[str]] = {}
    name = _clean_text(data.get("name"), 200)
    if len(name) < 2:
        errors["name"] = [_("请填写项目名称。")]
    client_name = _clean_text(data.get("client_name"), 200)
    client = None
    if data.get("client"):
        try:
            client = _employer_in_scope(actor, data.get("client"), "client")
            client_name = client_name or client.name
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not client_name:
        errors["client_name"] = [_("请填写建设单位。")]
    contractor = None
    try:
        contractor = _employer_in_scope(actor, data.get("general_contractor"), "general_contractor")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    subs: list[tuple[Employer, str]] = []
    for n, row in enumerate(data.get("subcontractors") or [], start=1):
        emp_id = row.get("employer") if isinstance(row, Mapping) else row
        scope = _clean_text(row.get("scope"), 100) if isinstance(row, Mapping) else ""
        try:
            sub = _employer_in_scope(actor, emp_id, "subcontractors")
        except ValidationError:
            errors.setdefault("subcontractors", []).append(
                _("第%(n)d个分包单位不在您负责的网格中。") % {"n": n}
            )
            continue
        if contractor is not None and sub.pk == contractor.pk:
            errors.setdefault("subcontractors", []).append(_("施工总承包单位不必再列为分包单位。"))
        elif sub.pk not in {s.pk for s, _scope in subs}:
            subs.append((sub, scope))
    try:
        contract_sum = _money(data.get("contract_sum"), "contract_sum")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        contract_sum = None
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts_on, dt.date):
        errors["starts_on"] = [_("请填写开工日期。")]
    if ends_on is not None and not isinstance(ends_on, dt.date):
        errors["ends_on"] = [_("日期格式不正确。")]
    elif isinstance(starts_on, dt.date) and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("计划竣工日期不能早于开工日期。")]
    status = data.get("status") or ProjectStatus.BUILDING
    if status not in ProjectStatus.values:
        errors["status"] = [_("状态不正确。")]
    code = _clean_text(data.get("code"), 60)
    if code and Project.objects.filter(code=code).exists():
        errors["code"] = [_("该项目编号已登记。")]
    phone = _clean_text(data.get("labour_officer_phone"), 20)
    if phone:
        try:
            phone = ids.validate_phone(phone)
        except ids.InvalidIdentifier as exc:
            errors["labour_officer_phone"] = [exc.message]
    if errors:
        raise ValidationError(errors)
    if contractor is None or contract_sum is None or not isinstance(starts_on, dt.date):
        raise ValidationError(_("请检查填写的内容。"))
    project = Project(
        name=name,
        code=code,
        department=data.get("department") or "housing",
        address=_clean_text(data.get("address"), 300),
        lat=data.get("lat"),
        lng=data.get("lng"),
        grid=grid,
        grid_path=grid.path,
        client_name=client_name,
        client=client,
        general_contractor=contractor,
        contract_sum=contract_sum,
        starts_on=starts_on,
        ends_on=ends_on,
        labour_officer=_clean_text(data.get("labour_officer"), 60),
        labour_officer_phone_enc=pii.seal(phone, context=PHONE_CONTEXT) if phone else "",
        labour_officer_phone_masked=ids.mask_phone(phone) if phone else "",
        status=status,
        created_by=actor,
    )
    project.full_clean(exclude=["grid_path"])
    project.save()
    Subcontractor.objects.bulk_create(
        Subcontractor(project=project, employer=e, scope=s) for e, s in subs
    )
    ensure_obligations(project)
    record(
        ProjectAction.PROJECT_REGISTERED,
        actor=actor,
        request=request,
        obj=project,
        detail={"grid": grid.code, "contractor": contractor.pk, "subcontractors": len(subs)},
    )
    return project


@transaction.atomic
def set_status(*, actor: User, project: Project, status: str, request: Any = None) -> Project:
    """开工、停工、竣工: completion stops the monthly duties falling due (those already due stay)."""
    check_write(actor, Cap.WORK_WRITE, project.grid_path)
    if status not in ProjectStatus.values:
        raise ValidationError({"status": [_("状态不正确。")]})
    before = project.status
    project.status = status
    project.save(update_fields=["status"])
    ensure_obligations(project)
    record(
        ProjectAction.PROJECT_UPDATED,
        actor=actor,
        request=request,
        obj=project,
        detail={"from": before, "to": status},
    )
    return project


# --- obligations -------------------------------------------------------------------------------


def _months(project: Project, today: dt.date) -> list[dt.date]:
    """The months of works that have begun: from the start month to this month (or to the
    completion month)."""
    if project.status not in ACTIVE_STATUSES and project.status != ProjectStatus.COMPLETED:
        return []
    first = month_start(project.starts_on)
    last = month_start(today)
    if project.status == ProjectStatus.COMPLETED and project.ends_on is not None:
        last = min(last, month_start(project.ends_on))
    out = []
    m = first
    while m <= last:
        out.append(m)
        m = month_start(m + dt.timedelta(days=32))
    return out


def ensure_obligations(project: Project, today: dt.date | None = None) -> int:
    """Create the obligations that have fallen due to be tracked, each with its deadline.
    Returns how many were created (idempotent)."""
    today = today or timezone.localdate()
    if project.status == ProjectStatus.PLANNED:
        return 0
    have = set(Obligation.objects.filter(project=project).values_list("kind", "month"))
    wanted: list[tuple[str, dt.date | None]] = [(k, None) for k in ONE_TIME]
    wanted += [(k, m) for m in _months(project, today) for k in MONTHLY]
    created = 0
    for kind, month in wanted:
        if (kind, month) in have:
            continue
        ob = Obligation.objects.create(project=project, kind=kind, month=month)
        start, amount = start_and_amount(kind, project.starts_on, month)
        d = deadlines.services.open_deadline(
            ob, kind_key(kind), start, grid=project.grid, amount=amount
        )
        Obligation.objects.filter(pk=ob.pk).update(due=d.due)
        created += 1
    return created


def refresh_projects(today: dt.date | None = None) -> int:
    """The daily run: monthly obligations for projects under way (then ``compute_warnings``)."""
    today = today or timezone.localdate()
    n = 0
    for project in Project.objects.filter(status__in=list(ACTIVE_STATUSES)).select_related("grid"):
        with transaction.atomic():
            n += ensure_obligations(project, today)
    return n


def check_photo(content: bytes, content_type: str) -> str:
    from laborgrid.collection.models import PHOTO_TYPES
    from laborgrid.collection.photos import sniff_image

    if len(content) > PHOTO_MAX:
        raise ValidationError({"photo": [_("照片过大（不超过 8 MB）。")]})
    sniffed = sniff_image(content)
    declared = (content_type or "").split(";")[0].strip()
    if sniffed is None or sniffed not in PHOTO_TYPES or (declared and declared != sniffed):
        raise ValidationError({"photo": [_("只接受 JPEG、PNG 或 WebP 图片。")]})
    return sniffed


@transaction.atomic
def record_obligation(
    *,
    actor: User,
    obligation: Obligation,
    data: Mapping[str, Any],
    photo: tuple[bytes, str] | None = None,
    request: Any = None,
) -> Obligation:
    """The evidence that a duty is met: 专用账户 (bank and account number), 工资保证金 (amount,
    bank or guarantee number, term), 告示牌 (a photo of the board on site), 人工费用 (amount paid
    into the account for the month). The roster and the pay sheet are met by their uploads."""
    project = obligation.project
    check_write(actor, Cap.WORK_WRITE, project.grid_path)
    ob = Obligation.objects.select_for_update().get(pk=obligation.pk)
    kind = ob.kind
    if kind in (ObligationKind.REAL_NAME, ObligationKind.PAY_SHEET):
        raise ValidationError(_("实名制花名册和工资支付表请通过上传登记。"))
    errors: dict[str, list[str]] = {}
    met_on = data.get("met_on") or timezone.localdate()
    if not isinstance(met_on, dt.date) or met_on > timezone.localdate():
        errors["met_on"] = [_("落实日期不能晚于今天。")]
    bank = _clean_text(data.get("bank"), 100)
    reference = _clean_text(data.get("reference"), 60)
    note = _clean_text(data.get("note"), 500)
    amount: Decimal | None = None
    term_end = data.get("term_end")
    if kind == ObligationKind.WAGE_ACCOUNT:
        if not bank:
            errors["bank"] = [_("请填写开户银行。")]
        if not reference:
            errors["reference"] = [_("请填写专用账户账号。")]
    elif kind == ObligationKind.WAGE_DEPOSIT:
        try:
            amount = _money(data.get("amount"), "amount")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if not reference:
            errors["reference"] = [_("请填写保证金账户或银行保函编号。")]
        if not isinstance(term_end, dt.date):
            errors["term_end"] = [_("请填写保证金或保函的有效期。")]
        elif project.ends_on and term_end < project.ends_on:
            errors["term_end"] = [_("保证金或保函的有效期不能早于计划竣工日期。")]
        if amount is not None and amount < project.contract_sum * DEPOSIT_FLOOR and len(note) < 4:
            errors["note"] = [
                _(
                    "金额低于合同金额的0.5%%（工程建设领域农民工工资保证金规定），"
                    "请在说明中写明减免依据。"
                )
            ]
    elif kind == ObligationKind.RIGHTS_BOARD:
        if photo is None and not ob.photo:
            errors["photo"] = [_("请上传告示牌的现场照片。")]
    elif kind == ObligationKind.LABOUR_COST:
        try:
            amount = _money(data.get("amount"), "amount")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    sniffed = ""
    if photo is not None:
        try:
            sniffed = check_photo(*photo)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    ob.bank, ob.reference, ob.note, ob.amount = bank, reference, note, amount
    ob.term_end = term_end if kind == ObligationKind.WAGE_DEPOSIT else None
    ob.met_on = met_on
    ob.recorded_by = actor
    ob.recorded_at = timezone.now()
    if photo is not None:
        ob.photo.save("photo", ContentFile(photo[0]), save=False)
        ob.photo_type = sniffed
    ob.save()
    deadlines.services.meet(ob, kind_key(kind), met_on)
    record(
        ProjectAction.OBLIGATION_RECORDED,
        actor=actor,
        request=request,
        obj=project,
        detail={"obligation": kind, "month": ob.month.isoformat() if ob.month else None},
    )
    return ob


def _month_obligation(project: Project, kind: str, month: dt.date) -> Obligation:
    ob = Obligation.objects.filter(project=project, kind=kind, month=month).first()
    if ob is None:
        ensure_obligations(project)
        ob = Obligation.objects.filter(project=project, kind=kind, month=month).first()
    if ob is None:
        raise ValidationError({"month": [_("该月不在项目施工期内。")]})
    return ob


def _meet_monthly(project: Project, kind: str, month: dt.date, on: dt.date, actor: User) -> None:
    ob = _month_obligation(project, kind, month)
    if ob.met_on is None:
        Obligation.objects.filter(pk=ob.pk).update(
            met_on=on, recorded_by=actor, recorded_at=timezone.now()
        )
        deadlines.services.meet(ob, kind_key(kind), on)


# --- XLSX uploads ------------------------------------------------------------------------------

ROSTER_COLUMNS = {"姓名": "name", "身份证号码": "id", "用工单位": "employer", "进场日期": "entered"}
PAY_COLUMNS = {
    "姓名": "name",
    "身份证号码": "id",
    "应发工资": "due",
    "实发工资": "paid",
    "本人签字": "signed",
}
_ALIASES = {
    "身份证号": "身份证号码",
    "公民身份号码": "身份证号码",
    "应发金额": "应发工资",
    "实发金额": "实发工资",
    "签字": "本人签字",
    "签名": "本人签字",
    "单位": "用工单位",
}


@dataclass
class RowProblem:
    row: int
    message: str


@dataclass
class Parsed:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value if value is not None else "").split())


def _read(content: bytes, filename: str, columns: Mapping[str, str]) -> Parsed:
    """Rows of the first sheet under a header (within the first 10 rows) naming ``columns``."""
    try:
        rows = read_rows(content, filename)
    except ImportRefused as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    header_at = None
    index: dict[str, int] = {}
    for i, cells in enumerate(rows[:10]):
        names = {_ALIASES.get(_cell(c), _cell(c)): j for j, c in enumerate(cells)}
        if all(col in names for col in columns if columns[col] not in ("signed", "employer")):
            header_at, index = i, {columns[k]: v for k, v in names.items() if k in columns}
            break
    if header_at is None:
        raise ValidationError(
            {
                "file": [
                    _("找不到表头，第一张工作表应有这些列：%(cols)s。")
                    % {"cols": "、".join(columns)}
                ]
            }
        )
    if len(rows) - header_at - 1 > MAX_ROWS:
        raise ValidationError({"file": [_("超过 %(n)d 行，请拆分后上传。") % {"n": MAX_ROWS}]})
    out = Parsed()
    for i, cells in enumerate(rows[header_at + 1 :], start=header_at + 2):
        values = {k: (cells[j] if j < len(cells) else None) for k, j in index.items()}
        if all(_cell(v) == "" for v in values.values()):
            continue
        out.rows.append((i, values))
    if not out.rows:
        raise ValidationError({"file": [_("文件中没有数据行。")]})
    return out


def _person(value: Any) -> tuple[str, str]:
    """(normalised number, mask) of an ID cell; python-stdnum rules through lib.identifiers."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise ValidationError(
            {"id_number": _("号码被 Excel 存成了数字，末几位已丢失；请把该列设为“文本”格式。")}
        )
    number = clean_person_id(IdKind.RIC, _cell(value))
    return number, ids.mask_ric(number)


def _row_message(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _contractor_lookup(project: Project) -> dict[str, Employer]:
    emps = [project.general_contractor] + [
        s.employer for s in project.subcontractors.select_related("employer")
    ]
    out: dict[str, Employer] = {}
    for e in emps:
        out[e.name] = e
        if e.uscc:
            out[e.uscc] = e
    return out


@dataclass
class RosterResult:
    added: int
    updated: int


@transaction.atomic
def upload_roster(
    *,
    actor: User,
    project: Project,
    month: dt.date,
    content: bytes,
    filename: str,
    request: Any = None,
) -> RosterResult:
    """The month's 实名制花名册 (条例 Art. 28): every row must be valid or nothing is saved (the
    roster is the reference the pay sheet is checked against). Workers are added or updated by
    ID number; a worker's unit must be the general contractor or a listed subcontractor."""
    check_write(actor, Cap.WORK_WRITE, project.grid_path)
    month = month_start(month)
    parsed = _read(content, filename, ROSTER_COLUMNS)
    units = _contractor_lookup(project)
    current = {w.id_index: w for w in SiteWorker.objects.filter(project=project)}
    seen: set[str] = set()
    rows: list[tuple[str, str, str, str, Employer, dt.date]] = []
    for n, v in parsed.rows:
        try:
            name = _cell(v["name"])[:60]
            if not name:
                raise ValidationError(_("姓名为空"))
            number, masked = _person(v["id"])
            unit_text = _cell(v.get("employer"))
            unit = units.get(unit_text) if unit_text else project.general_contractor
            if unit is None:
                raise ValidationError(
                    _("用工单位“%(u)s”不是本项目的总承包或分包单位") % {"u": unit_text[:40]}
                )
            try:
                entered = parse_date(v["entered"]) if _cell(v.get("entered")) else month
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            index = worker_index(IdKind.RIC, number)
            if index in seen:
                raise ValidationError(_("与前面的行身份证号码重复"))
            seen.add(index)
            rows.append((name, number, masked, index, unit, entered))
        except ValidationError as exc:
            parsed.problems.append(RowProblem(n, _row_message(exc)))
    if parsed.problems:
        raise ValidationError(
            {
                "file": [
                    _("第%(row)d行：%(msg)s") % {"row": p.row, "msg": p.message}
                    for p in parsed.problems[:50]
                ]
            }
        )
    added = updated = 0
    for name, number, masked, index, unit, entered in rows:
        w = current.get(index)
        if w is None:
            SiteWorker.objects.create(
                project=project,
                employer=unit,
                name=name,
                id_enc=pii.seal(number, context=ID_CONTEXT),
                id_index=index,
                id_masked=masked,
                entered_on=entered,
            )
            added += 1
        elif (w.name, w.employer_id, w.left_on) != (name, unit.pk, None):
            SiteWorker.objects.filter(pk=w.pk).update(name=name, employer=unit, left_on=None)
            updated += 1
    _meet_monthly(project, ObligationKind.REAL_NAME, month, timezone.localdate(), actor)
    record(
        ProjectAction.ROSTER_UPLOADED,
        actor=actor,
        request=request,
        obj=project,
        detail={"month": month.isoformat(), "rows": len(rows), "added": added},
    )
    return RosterResult(added, updated)


def roster_for_month(project: Project, month: dt.date) -> list[SiteWorker]:
    """Workers on site in ``month``: entered by its end, not left before it began."""
    first, last = month_start(month), month_end(month)
    return [
        w
        for w in SiteWorker.objects.filter(project=project, entered_on__lte=last).select_related(
            "employer"
        )
        if w.left_on is None or w.left_on >= first
    ]


@dataclass
class SheetCheck:
    """What the check of one pay sheet found (the page and the API show it)."""

    not_in_roster: list[PayLine]
    roster_missing: list[SiteWorker]
    short: list[PayLine]
    unsigned: list[PayLine]


def check_sheet(sheet: PaySheet) -> SheetCheck:
    lines = list(sheet.paylines.all())
    on_sheet = {line.id_index for line in lines}
    return SheetCheck(
        not_in_roster=[line for line in lines if line.worker_id is None],
        roster_missing=[
            w for w in roster_for_month(sheet.project, sheet.month) if w.id_index not in on_sheet
        ],
        short=[line for line in lines if line.amount_paid < line.amount_due],
        unsigned=[line for line in lines if not line.signed],
    )


def _yes(value: Any) -> bool:
    return _cell(value).lower() in {"是", "已签", "已签字", "√", "y", "yes", "1", "true"}


@transaction.atomic
def upload_paysheet(
    *,
    actor: User,
    project: Project,
    month: dt.date,
    content: bytes,
    filename: str,
    request: Any = None,
) -> PaySheet:
    """The month's 工资支付表 (条例 Art. 31): read, each line matched to the real-name roster by
    ID number, the shortfalls listed. A sheet for a month already filed replaces it (the
    corrected sheet). Any pay shortfall enters the arrears ledger (found on the upload day)."""
    check_write(actor, Cap.WORK_WRITE, project.grid_path)
    month = month_start(month)
    today = timezone.localdate()
    if month > month_start(today):
        raise ValidationError({"month": [_("不能上传尚未开始月份的工资支付表。")]})
    if month < month_start(project.starts_on):
        raise ValidationError({"month": [_("该月早于开工日期。")]})
    parsed = _read(content, filename, PAY_COLUMNS)
    roster = {w.id_index: w for w in SiteWorker.objects.filter(project=project)}
    lines: list[PayLine] = []
    seen: set[str] = set()
    for n, v in parsed.rows:
        try:
            name = _cell(v["name"])[:60]
            if not name:
                raise ValidationError(_("姓名为空"))
            number, masked = _person(v["id"])
            due = _money(v["due"], "due")
            paid = _money(v["paid"], "paid")
            index = worker_index(IdKind.RIC, number)
            if index in seen:
                raise ValidationError(_("与前面的行身份证号码重复"))
            seen.add(index)
        except ValidationError as exc:
            parsed.problems.append(RowProblem(n, _row_message(exc)))
            continue
        if due is None or paid is None:  # _money(required) never returns None
            continue
        lines.append(
            PayLine(
                row=n,
                name=name,
                id_enc=pii.seal(number, context=ID_CONTEXT),
                id_index=index,
                id_masked=masked,
                amount_due=due,
                amount_paid=paid,
                signed=_yes(v.get("signed")),
                worker=roster.get(index),
            )
        )
    if parsed.problems:
        raise ValidationError(
            {
                "file": [
                    _("第%(row)d行：%(msg)s") % {"row": p.row, "msg": p.message}
                    for p in parsed.problems[:50]
                ]
            }
        )
    old = PaySheet.objects.filter(project=project, month=month).first()
    if old is not None:
        ArrearsEntry.objects.filter(sheet=old, settled_amount=0).delete()
        old.delete()
        # The replaced file goes too (剩余信息保护), once the corrected sheet is saved.
        transaction.on_commit(partial(scrub, old.file))
    sheet = PaySheet(
        project=project,
        month=month,
        file_name=_clean_text(filename, 200),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    sheet.file.save("sheet", ContentFile(content), save=False)
    sheet.save()
    for line in lines:
        line.sheet = sheet
    PayLine.objects.bulk_create(lines)
    found = check_sheet(sheet)
    short = sum((line.short for line in found.short), Decimal(0))
    sheet.lines = len(lines)
    sheet.total_due = sum((line.amount_due for line in lines), Decimal(0))
    sheet.total_paid = sum((line.amount_paid for line in lines), Decimal(0))
    sheet.not_in_roster = len(found.not_in_roster)
    sheet.roster_missing = len(found.roster_missing)
    sheet.shortfall = short
    sheet.save()
    if short > 0:
        ArrearsEntry.objects.create(
            project=project,
            grid=project.grid,
            grid_path=project.grid_path,
            source=ArrearsSource.PAY_SHEET,
            sheet=sheet,
            found_on=today,
            workers=len(found.short),
            amount=short,
            created_by=actor,
        )
    _meet_monthly(project, ObligationKind.PAY_SHEET, month, today, actor)
    record(
        ProjectAction.PAYSHEET_UPLOADED,
        actor=actor,
        request=request,
        obj=project,
        detail={
            "month": month.isoformat(),
            "lines": len(lines),
            "not_in_roster": sheet.not_in_roster,
            "roster_missing": sheet.roster_missing,
        },
    )
    return sheet


def overdue_sheet_months(project: Project, today: dt.date | None = None) -> list[dt.date]:
    """Months whose pay sheet is past its deadline and not uploaded."""
    today = today or timezone.localdate()
    return [
        ob.month
        for ob in Obligation.objects.filter(
            project=project, kind=ObligationKind.PAY_SHEET, met_on__isnull=True, due__lt=today
        ).order_by("month")
        if ob.month is not None
    ]


@transaction.atomic
def settle_arrears(
    *, actor: User, entry: ArrearsEntry, amount: Any, on: Any, note: str = "", request: Any = None
) -> ArrearsEntry:
    """登记清偿: the amount paid to the workers so far (cumulative) and when."""
    check_write(actor, Cap.WORK_WRITE, entry.grid_path)
    entry = ArrearsEntry.objects.select_for_update().get(pk=entry.pk)
    value = _money(amount, "settled_amount") or Decimal(0)
    errors: dict[str, list[str]] = {}
    if value > entry.amount:
        errors["settled_amount"] = [_("清偿金额不能超过欠薪金额。")]
    if value < entry.settled_amount:
        errors["settled_amount"] = [_("清偿金额为累计数，不能少于已登记的金额。")]
    if not isinstance(on, dt.date) or on > timezone.localdate() or on < entry.found_on:
        errors["settled_on"] = [_("清偿日期应在发现日期与今天之间。")]
    if errors:
        raise ValidationError(errors)
    entry.settled_amount = value
    entry.settled_on = on
    entry.note = _clean_text(note, 300) or entry.note
    entry.save(update_fields=["settled_amount", "settled_on", "note"])
    record(
        ProjectAction.ARREARS_SETTLED,
        actor=actor,
        request=request,
        obj=entry.project,
        detail={"entry": entry.pk, "settled": str(value)},
    )
    return entry


# --- follow-up: patrol plan, rectification order -----------------------------------------------


def _township(grid: Grid) -> Grid:
    from laborgrid.grids.choices import GridLevel
    from laborgrid.grids.models import Grid as GridModel

    codes = [c for c in grid.path.strip("/").split("/") if c]
    return GridModel.objects.filter(code__in=codes, level=GridLevel.TOWNSHIP).first() or grid


@transaction.atomic
def send_to_patrol(*, actor: User, project: Project, request: Any = None) -> PatrolPlan:
    """Put the general contractor into this month's patrol plan of the project's township (the
    plan is made if there is none): the visit checks the missing duties on site (条例 Art. 39)."""
    from laborgrid.inspections.models import PatrolPlan
    from laborgrid.inspections.services import add_plan_targets, create_plan

    check_write(actor, Cap.WORK_WRITE, project.grid_path)
    township = _township(project.grid)
    month = month_start(timezone.localdate())
    plan = PatrolPlan.objects.filter(grid=township, month=month).first()
    if plan is None:
        plan = create_plan(actor=actor, grid=township, month=month, request=request)
    contractor = project.general_contractor
    if not contractor.grid_path.startswith(plan.grid_path):
        raise ValidationError(_("施工总承包单位登记在其他乡镇，请通知其所在网格安排检查。"))
    add_plan_targets(actor=actor, plan=plan, employer_ids=[contractor.pk], request=request)
    record(
        ProjectAction.SENT_TO_PATROL,
        actor=actor,
        request=request,
        obj=project,
        detail={"plan": plan.pk},
    )
    return plan


ORDER_TEXT: dict[str, str] = {
    ObligationKind.WAGE_ACCOUNT: "为%(project)s开设农民工工资专用账户，专项用于支付该项目农民工工资",
    ObligationKind.WAGE_DEPOSIT: "按规定存储%(project)s的农民工工资保证金或者提供金融机构保函",
    ObligationKind.RIGHTS_BOARD: "在%(project)s施工现场醒目位置设立维权信息告示牌",
    ObligationKind.REAL_NAME: "对%(project)s全部农民工实行实名制管理，按月报送实名制花名册",
    ObligationKind.LABOUR_COST: "按合同约定将%(project)s的人工费用按月足额拨付至农民工工资专用账户",
    ObligationKind.PAY_SHEET: "督促分包单位按月编制%(project)s的工资支付表并经农民工本人签字确认，"
    "通过专用账户代发工资",
}


def holder(project: Project, kind: str) -> Employer | None:
    """Who an order on this duty goes to: the client for labour cost (when it is a registry
    employer), the general contractor otherwise."""
    if kind in CLIENT_DUTIES:
        return project.client
    return project.general_contractor


def missing_kinds(project: Project, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    kinds = []
    for ob in project.obligations.all():
        if ob.state(today) == ObligationState.OVERDUE and ob.kind not in kinds:
            kinds.append(ob.kind)
    return [k for k in ObligationKind.values if k in kinds]


@transaction.atomic
def order_obligations(
    *,
    actor: User,
    project: Project,
    kinds: Sequence[str],
    working_days: int = 10,
    request: Any = None,
) -> list[RectificationOrder]:
    """下达责令改正指令书 on the duty holders for the overdue duties ``kinds`` (条例 Art. 55–57
    through ``rectifications.services.issue_order``; the project is the order's source). Refused
    for a duty that is not overdue. The standing warnings of those duties are resolved with the
    order's number."""
    from laborgrid.incidents.choices import STANDING_WARNING
    from laborgrid.incidents.early_warning import resolve_warning
    from laborgrid.incidents.models import EarlyWarning
    from laborgrid.projects.warnings import RULE_KEY, subject_key
    from laborgrid.rectifications.services import OrderItemInput, issue_order

    check_write(actor, Cap.WORK_WRITE, project.grid_path)
    kinds = [k for k in ObligationKind.values if k in set(kinds)]
    if not kinds:
        raise ValidationError({"kinds": [_("请选择要责令改正的事项。")]})
    overdue = set(missing_kinds(project))
    not_due = [k for k in kinds if k not in overdue]
    if not_due:
        raise ValidationError(
            {
                "kinds": [
                    _("以下事项未逾期，不能责令改正：%(k)s")
                    % {"k": "、".join(str(ObligationKind(k).label) for k in not_due)}
                ]
            }
        )
    by_holder: dict[int, tuple[Employer, list[str]]] = {}
    for k in kinds:
        emp = holder(project, k)
        if emp is None:
            raise ValidationError(
                {
                    "kinds": [
                        _(
                            "建设单位未关联登记的用人单位，不能对其下达指令书；请先在项目中关联建设单位。"
                        )
                    ]
                }
            )
        by_holder.setdefault(emp.pk, (emp, []))[1].append(k)
    orders = []
    for emp, ks in by_holder.values():
        order = issue_order(
            actor=actor,
            employer=emp,
            items=[
                OrderItemInput(
                    ORDER_TEXT[k] % {"project": project.name}, VIOLATION[k], working_days
                )
                for k in ks
            ],
            source=project,
            request=request,
        )
        orders.append(order)
        for w in EarlyWarning.objects.filter(
            rule__key=RULE_KEY,
            status__in=STANDING_WARNING,
            subject_key__in=[subject_key(project.pk, k) for k in ks],
        ):
            resolve_warning(
                actor=actor,
                warning=w,
                resolution=_("已下达责令改正指令书 %(number)s") % {"number": order.number},
                request=request,
            )
    record(
        ProjectAction.ORDER_ISSUED,
        actor=actor,
        request=request,
        obj=project,
        detail={"orders": [o.pk for o in orders], "obligations": kinds},
    )
    return orders
