"""Every write to a rectification order (ARCHITECTURE rule 1): issue, respond, recheck, close,
escalate. Keyword-only ``actor``, atomic, audited; deadlines through the deadline engine.

Who may do what (DOMAIN A1, B1.5–B1.6; 条例 Art. 4, 16, 18):

* **issue** (下达责令改正指令书): a certified inspector (持有效执法证) holding a handler role on
  the employer's grid or above; the order is a decision in the bureau's name. Assistants (协管员)
  and the read-only leader may not.
* **respond** (the employer's answer and its evidence, entered by staff): anyone who may change
  work on the grid, assistants included (they collect and record; they decide nothing).
* **recheck** (复查): an on-site act of two distinct certified inspectors; the actor is one of them.
  An item may be found "not corrected" only once its period has lapsed.
* **close** (销号) and **escalate** (立案): a certified inspector with a handler role.

Items cite a violation of the violations table (``cases.violations.VIOLATIONS``): the order
prints the violated provisions from it, never free text as the bureau's finding. The handling
basis is 《劳动保障监察条例》第十八条 with the violation's own handling provision (e.g. 第二十四条).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.cases.services.common import HANDLER_ROLES, is_certified
from laborgrid.cases.violations import VIOLATIONS
from laborgrid.core.paths import path_codes
from laborgrid.core.scope import check_write
from laborgrid.deadlines import services as deadlines
from laborgrid.deadlines.choices import Unit
from laborgrid.rectifications import clock
from laborgrid.rectifications.audit_actions import RectificationAction
from laborgrid.rectifications.choices import (
    TRANSITIONS,
    FileStage,
    ItemResult,
    OrderAction,
    OrderState,
)
from laborgrid.rectifications.deadline_rules import ORDER_KIND
from laborgrid.rectifications.models import (
    MAX_WORKING_DAYS,
    OrderFile,
    OrderItem,
    OrderStep,
    RectificationOrder,
)
from laborgrid.rectifications.registry import answers_for_party, get_source, order_issued

if TYPE_CHECKING:
    from laborgrid.accounts.models import User
    from laborgrid.cases.models import Case
    from laborgrid.employers.models import Employer

#: The bureau's handling provision for every order to correct (条例 Art. 18 para. 1 (2)).
HANDLING_BASIS = "《劳动保障监察条例》第十八条"
MAX_ITEMS = 20
MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Evidence files accepted, judged by their first bytes (as the case records accept).
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


@dataclass(frozen=True)
class OrderItemInput:
    """One item to order corrected: the instruction, the violation it cites (a key of
    ``cases.violations.VIOLATIONS``) and its period in working days."""

    text: str
    checklist_key: str = ""
    working_days: int = 10


@dataclass(frozen=True)
class ItemFinding:
    """The re-inspection's finding on one item (by the item's id)."""

    item_id: int
    corrected: bool
    note: str = ""


class StateRefused(ValidationError):
    """A step the order's state does not allow (the API answers 409)."""


# --- checks ------------------------------------------------------------------------------------


def _certified_handler(actor: User, grid_path: str) -> None:
    """``work.write`` on the grid (leaders: 403), a handler role (assistants: 403) and a valid
    certificate (条例 Art. 4, 16: only certified inspectors act in the bureau's name)."""
    check_write(actor, Cap.WORK_WRITE, grid_path)
    handler = (
        GridAssignment.objects.current()
        .filter(user=actor, grid__code__in=path_codes(grid_path), role__in=HANDLER_ROLES)
        .exists()
    )
    if not handler:
        raise PermissionDenied(_("协管员不能作出责令改正的决定。"))
    if not is_certified(actor, clock.today()):
        raise PermissionDenied(
            _("只有持有效执法证的劳动保障监察员可以执行此操作（劳动保障监察条例第四条）。")
        )


def may_decide(user: Any, order: RectificationOrder) -> bool:
    """Whether ``user`` may issue, recheck, close or escalate on the order's grid (buttons)."""
    try:
        _certified_handler(user, order.grid_path)
    except PermissionDenied:
        return False
    return True


def may_issue_on(user: Any, grid_path: str) -> bool:
    try:
        _certified_handler(user, grid_path)
    except PermissionDenied:
        return False
    return True


def check_state(order: RectificationOrder, action: str) -> None:
    sources, _target = TRANSITIONS[action]
    if order.state not in sources:
        raise StateRefused(
            _("指令书当前状态“%(state)s”下不能执行“%(action)s”。")
            % {"state": OrderState(order.state).label, "action": OrderAction(action).label}
        )


def _locked(order: RectificationOrder) -> RectificationOrder:
    return RectificationOrder.objects.select_for_update().get(pk=order.pk)


def _text(value: Any, field: str, *, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and len(text) < 2:
        raise ValidationError({field: _("请填写此项（至少两个字）。")})
    if len(text) > limit:
        raise ValidationError({field: _("不能超过 %(n)d 个字。") % {"n": limit}})
    return text


def _day(value: Any, field: str, *, earliest: dt.date, today: dt.date) -> dt.date:
    if value in (None, ""):
        return today
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError({field: _("日期格式应为 YYYY-MM-DD。")}) from None
    if value > today:
        raise ValidationError({field: _("日期不能晚于今天。")})
    if value < earliest:
        raise ValidationError({field: _("日期不能早于 %(day)s。") % {"day": earliest.isoformat()}})
    return value


def check_upload(upload: Any) -> tuple[str, str]:
    """(content type, extension) of an accepted evidence file, by its content."""
    name = str(getattr(upload, "name", "") or "")[:60]
    size = getattr(upload, "size", None) or 0
    if size > MAX_FILE_BYTES:
        raise ValidationError({"files": _("文件“%(name)s”超过 10 MB。") % {"name": name}})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, ctype, ext in SIGNATURES:
        if head.startswith(magic):
            return ctype, ext
    raise ValidationError(
        {"files": _("文件“%(name)s”不是 PDF、JPEG 或 PNG 文件。") % {"name": name}}
    )


def _check_uploads(files: Sequence[Any]) -> None:
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("最多上传 %(n)d 个文件。") % {"n": MAX_FILES}})
    for upload in files:
        check_upload(upload)


def _store_files(
    order: RectificationOrder, files: Sequence[Any], stage: str, actor: User
) -> list[OrderFile]:
    stored = []
    for upload in files:
        ctype, ext = check_upload(upload)
        digest = hashlib.sha256()
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            digest.update(chunk)
        upload.seek(0)
        row = OrderFile(
            order=order,
            stage=stage,
            name=(str(getattr(upload, "name", "") or "") or f"file{ext}")[:200],
            content_type=ctype,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        row.file.save(f"f{ext}", upload if isinstance(upload, File) else File(upload), save=False)
        row.save()
        stored.append(row)
    return stored


def _step(
    order: RectificationOrder,
    action: str,
    *,
    before: str,
    actor: User,
    note: str = "",
    detail: dict[str, Any] | None = None,
    request: Any = None,
) -> None:
    OrderStep.objects.create(
        order=order, action=action, from_state=before, to_state=order.state, actor=actor, note=note
    )
    record(
        RectificationAction.ORDER_STEP,
        actor=actor,
        request=request,
        obj=order,
        detail={"action": action, "from": before, "to": order.state, **(detail or {})},
    )


# --- issue -------------------------------------------------------------------------------------


def _clean_items(items: Sequence[OrderItemInput]) -> list[OrderItemInput]:
    if not items:
        raise ValidationError({"items": _("请至少填写一项改正事项。")})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": _("改正事项不能超过 %(n)d 项。") % {"n": MAX_ITEMS}})
    errors: list[str] = []
    cleaned = []
    for n, item in enumerate(items, start=1):
        text = str(item.text or "").strip()
        if len(text) < 2 or len(text) > 500:
            errors.append(_("第%(n)d项：请填写改正事项（2 至 500 个字）。") % {"n": n})
        if item.checklist_key not in VIOLATIONS:
            errors.append(_("第%(n)d项：请选择违法行为（指令书据此引用所违反的条款）。") % {"n": n})
        try:
            days = int(item.working_days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= MAX_WORKING_DAYS:
            errors.append(
                _("第%(n)d项：整改期限应为 1 至 %(max)d 个工作日。")
                % {"n": n, "max": MAX_WORKING_DAYS}
            )
        cleaned.append(OrderItemInput(text, item.checklist_key, days))
    if errors:
        raise ValidationError({"items": errors})
    return cleaned


def handling_basis(keys: Sequence[str]) -> str:
    """条例 Art. 18 and each cited violation's own handling provision, once each, in order."""
    parts = [HANDLING_BASIS]
    for key in keys:
        basis = VIOLATIONS[key].basis
        if basis not in parts:
            parts.append(basis)
    return "、".join(parts)


def violated_provisions(keys: Sequence[str]) -> str:
    seen: list[str] = []
    for key in keys:
        if VIOLATIONS[key].violated not in seen:
            seen.append(VIOLATIONS[key].violated)
    return "、".join(seen)


def authority() -> str:
    from laborgrid.cases.documents import authority as bureau

    return bureau()


def document_context(order: RectificationOrder, *, number: str) -> dict[str, Any]:
    """The 责令改正指令书's content (``documents.layouts`` keys of ``correction_order``): the
    findings are the cited violations (the table's wording), the legal basis the provisions they
    break; each item states its own date when the items' periods differ."""
    from django.conf import settings

    from laborgrid.documents.layouts import cn_date

    items = list(order.items.all())
    employer = order.employer
    party = {
        "name": order.employer_name,
        "code": employer.uscc or "",
        "legal_rep": employer.legal_rep,
        "address": employer.address,
    }
    differ = len({i.due for i in items}) > 1
    ctx: dict[str, Any] = {
        "number": number,
        "addressee": order.employer_name,
        "party": {k: v for k, v in party.items() if v},
        "paragraphs": list(dict.fromkeys(str(VIOLATIONS[i.checklist_key].label) for i in items)),
        "legal_basis": violated_provisions([i.checklist_key for i in items]),
        "items": [(f"{i.text}（{cn_date(i.due)}前）" if differ else i.text) for i in items],
        "deadline": order.due,
        "authority": authority(),
        "date": order.issued_on,
    }
    contact = str(getattr(settings, "LABORGRID_BUREAU_CONTACT", "") or "")
    if contact:
        ctx["contact"] = contact
    return ctx


@transaction.atomic
def issue_order(
    *,
    actor: User,
    employer: Employer,
    items: Sequence[OrderItemInput],
    source: models.Model | None = None,
    basis: str = "",
    request: Any = None,
) -> RectificationOrder:
    """下达责令改正指令书 to ``employer`` (on the employer's grid): numbered items, each with its
    period in working days from today (start day not counted), the numbered PDF through the
    documents app, the deadline on the grid's board. ``source``: the visit, review… it came from
    (its model registered in ``registry``). ``basis``: the handling basis, when the caller acts on
    a provision of its own (default: 条例 Art. 18 and the cited violations' provisions)."""
    from laborgrid import documents

    if employer.merged_into_id is not None:
        raise ValidationError({"employer": _("该用人单位已并入其他记录，请对并入后的单位下达。")})
    _certified_handler(actor, employer.grid_path)
    cleaned = _clean_items(items)
    source_type = None
    if source is not None:
        if get_source(source) is None:
            raise ValueError(f"{source._meta.label_lower} is not a registered order source")
        source_type = ContentType.objects.get_for_model(source)
    basis = _text(basis, "basis", limit=300, required=False) or handling_basis(
        [i.checklist_key for i in cleaned]
    )
    today = clock.today()
    dues = []
    for n, item in enumerate(cleaned, start=1):
        computed = deadlines.compute(today, item.working_days, Unit.WORKING)
        if computed.due is None:
            raise ValidationError(
                {
                    "items": _(
                        "第%(n)d项的整改期限跨入尚无官方节假日安排的年份（%(years)s），"
                        "暂无法计算，请缩短期限或待日历更新后再下达。"
                    )
                    % {"n": n, "years": "、".join(str(y) for y in computed.missing_years)}
                }
            )
        dues.append(computed.due)
    from laborgrid.documents.services import DocumentType

    number = documents.services.allocate_number(
        doc_type=DocumentType.CORRECTION_ORDER, year=today.year
    )
    order = RectificationOrder(
        number=number,
        employer=employer,
        employer_name=employer.name,
        grid=employer.grid,
        grid_path=employer.grid_path,
        source_type=source_type,
        source_id=source.pk if source is not None else None,
        basis=basis,
        issued_on=today,
        issued_by=actor,
        due=max(dues),
    )
    order.save()
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            position=n,
            text=item.text.strip(),
            checklist_key=item.checklist_key,
            violated=VIOLATIONS[item.checklist_key].violated,
            working_days=item.working_days,
            due=due,
        )
        for n, (item, due) in enumerate(zip(cleaned, dues, strict=True), start=1)
    )
    try:
        pdf = documents.services.render_document(
            DocumentType.CORRECTION_ORDER, document_context(order, number=number)
        )
    except ValueError as exc:
        raise ValidationError({"items": str(exc)}) from exc
    order.document.save(f"{order.pk}.pdf", ContentFile(pdf), save=True)
    deadlines.open_deadline(
        order,
        ORDER_KIND,
        today,
        grid=order.grid,
        amount=max(i.working_days for i in cleaned),
    )
    _step(
        order,
        OrderAction.ISSUE,
        before="",
        actor=actor,
        detail={"count": len(cleaned)},
        request=request,
    )
    order_issued(order)
    return order


# --- respond, recheck, close, escalate ------------------------------------------------------------


@transaction.atomic
def respond_order(
    *,
    actor: User,
    order: RectificationOrder,
    note: str,
    responded_on: dt.date | str | None = None,
    files: Sequence[Any] = (),
    request: Any = None,
) -> RectificationOrder:
    """Record the employer's written report of its correction and its evidence (entered by
    staff, or by the employer itself through a registered responder: the portal). The employer's
    period is met on the day it answered."""
    order = _locked(order)
    if not answers_for_party(actor, order):
        check_write(actor, Cap.WORK_WRITE, order.grid_path)
    check_state(order, OrderAction.RESPOND)
    note = _text(note, "note", limit=4000)
    day = _day(responded_on, "responded_on", earliest=order.issued_on, today=clock.today())
    _check_uploads(files)
    before = order.state
    order.state = OrderState.RESPONDED
    order.responded_on, order.response_note, order.response_by = day, note, actor
    order.version += 1
    order.save()
    stored = _store_files(order, files, FileStage.RESPONSE, actor)
    deadlines.meet(order, ORDER_KIND, day)
    _step(
        order,
        OrderAction.RESPOND,
        before=before,
        actor=actor,
        note=note,
        detail={"count": len(stored)},
        request=request,
    )
    return order


@transaction.atomic
def recheck_order(
    *,
    actor: User,
    order: RectificationOrder,
    inspector_2: User | None,
    findings: Sequence[ItemFinding],
    note: str,
    rechecked_on: dt.date | str | None = None,
    files: Sequence[Any] = (),
    request: Any = None,
) -> RectificationOrder:
    """复查 by two distinct certified inspectors (the actor and ``inspector_2``): each item found
    corrected or not. An item is found not corrected only after its period lapsed. All corrected:
    the order waits to be closed (销号); any not corrected: it waits to be escalated (立案)."""
    order = _locked(order)
    _certified_handler(actor, order.grid_path)
    check_state(order, OrderAction.RECHECK)
    today = clock.today()
    day = _day(rechecked_on, "rechecked_on", earliest=order.issued_on, today=today)
    if inspector_2 is None or inspector_2.pk == actor.pk:
        raise ValidationError({"inspector_2": _("复查须由两名不同的监察员共同进行。")})
    if not inspector_2.is_active or not is_certified(inspector_2, day):
        raise ValidationError(
            {"inspector_2": _("%(name)s 没有有效的执法证。") % {"name": inspector_2.display_name}}
        )
    note = _text(note, "note", limit=4000)
    items = {i.pk: i for i in order.items.all()}
    given = {f.item_id: f for f in findings}
    errors: list[str] = []
    if set(given) != set(items):
        errors.append(_("请对每一项改正事项填写复查结果。"))
    for item in items.values():
        finding = given.get(item.pk)
        if finding is None:
            continue
        if not finding.corrected and item.due >= day:
            errors.append(
                _("第%(n)d项的整改期限至 %(due)s 届满，期限届满前不能认定未改正。")
                % {"n": item.position, "due": item.due.isoformat()}
            )
        if len(finding.note or "") > 500:
            errors.append(_("第%(n)d项：说明不能超过 500 个字。") % {"n": item.position})
    if errors:
        raise ValidationError({"findings": errors})
    _check_uploads(files)
    for item in items.values():
        finding = given[item.pk]
        item.result = ItemResult.CORRECTED if finding.corrected else ItemResult.NOT_CORRECTED
        item.result_note = (finding.note or "").strip()
    OrderItem.objects.bulk_update(list(items.values()), ["result", "result_note"])
    corrected = all(f.corrected for f in given.values())
    before = order.state
    order.state = OrderState.CORRECTED if corrected else OrderState.NOT_CORRECTED
    order.rechecked_on, order.recheck_note = day, note
    order.recheck_inspector_1, order.recheck_inspector_2 = actor, inspector_2
    order.version += 1
    order.save()
    stored = _store_files(order, files, FileStage.RECHECK, actor)
    if corrected:
        deadlines.meet(order, ORDER_KIND, day)
    # Not corrected: the lapsed period stays overdue on the board until the order is escalated.
    _step(
        order,
        OrderAction.RECHECK,
        before=before,
        actor=actor,
        note=note,
        detail={
            "result": ItemResult.CORRECTED if corrected else ItemResult.NOT_CORRECTED,
            "count": len(stored),
        },
        request=request,
    )
    return order


@transaction.atomic
def close_order(
    *, actor: User, order: RectificationOrder, note: str = "", request: Any = None
) -> RectificationOrder:
    """整改销号: the re-inspection found every item corrected."""
    order = _locked(order)
    _certified_handler(actor, order.grid_path)
    check_state(order, OrderAction.CLOSE)
    note = _text(note, "note", limit=2000, required=False)
    before = order.state
    order.state = OrderState.CLOSED
    order.closed_on = clock.today()
    order.version += 1
    order.save()
    deadlines.void(order)
    _step(order, OrderAction.CLOSE, before=before, actor=actor, note=note, request=request)
    return order


def _case_facts(order: RectificationOrder) -> str:
    lines = [
        _(
            "%(date)s，本局向该单位下达《劳动保障监察责令改正指令书》（%(number)s），责令改正下列行为："
        )
        % {"date": order.issued_on.isoformat(), "number": order.number}
    ]
    for item in order.items.all():
        lines.append(
            _("%(n)d. %(text)s（%(violation)s，违反%(violated)s；期限至 %(due)s）")
            % {
                "n": item.position,
                "text": item.text,
                "violation": VIOLATIONS[item.checklist_key].label
                if item.checklist_key in VIOLATIONS
                else item.checklist_key,
                "violated": item.violated,
                "due": item.due.isoformat(),
            }
        )
    if order.responded_on:
        lines.append(
            _("%(date)s 单位回复整改情况：%(note)s")
            % {"date": order.responded_on.isoformat(), "note": order.response_note}
        )
    else:
        lines.append(_("单位在整改期限内未回复整改情况。"))
    if order.rechecked_on:
        lines.append(
            _("%(date)s 复查：%(note)s")
            % {"date": order.rechecked_on.isoformat(), "note": order.recheck_note}
        )
    for item in order.items.all():
        lines.append(
            _("第%(n)d项%(result)s%(note)s")
            % {
                "n": item.position,
                "result": ItemResult(item.result).label if item.result else "—",
                "note": f"：{item.result_note}" if item.result_note else "",
            }
        )
    return "\n".join(line for line in lines if line)


def _category(order: RectificationOrder) -> str:
    from laborgrid.cases.choices import Category

    for item in order.items.all():
        violation = VIOLATIONS.get(item.checklist_key)
        if violation is not None and item.result == ItemResult.NOT_CORRECTED:
            return str(violation.category)
    return str(Category.OTHER)


def _evidence_to_case(actor: User, case: Case, order: RectificationOrder, request: Any) -> int:
    """Copy the order, the response and recheck material and the source's evidence into the
    case's evidence records (files the case does not accept are listed in a work note)."""
    from laborgrid.cases.choices import RecordKind
    from laborgrid.cases.services import add_record

    copied = 0
    skipped: list[str] = []

    def add(title: str, name: str, opener: Any, content: str = "") -> None:
        nonlocal copied
        with opener() as fh:
            data = fh.read()
        upload = SimpleUploadedFile(name[:200], data)
        try:
            add_record(
                actor=actor,
                case=case,
                data={"kind": RecordKind.EVIDENCE, "title": title[:200], "content": content},
                upload=upload,
                request=request,
            )
            copied += 1
        except ValidationError:
            skipped.append(name)

    if order.document:
        add(
            _("责令改正指令书 %(number)s") % {"number": order.number},
            f"{order.number}.pdf",
            lambda: order.document.open("rb"),
        )
    for f in order.files.all():
        add(
            f"{FileStage(f.stage).label}：{f.name}",
            f.name,
            lambda f=f: f.file.open("rb"),
        )
    source = order.source
    registered = get_source(source) if source is not None else None
    if source is not None and registered is not None:
        for ev in registered.evidence(source):
            add(f"{registered.label}：{ev.note or ev.name}", ev.name, ev.open, ev.note)
    if skipped:
        add_record(
            actor=actor,
            case=case,
            data={
                "kind": RecordKind.NOTE,
                "title": _("未能转入的证据材料"),
                "content": _("以下材料不是 PDF、JPEG 或 PNG 文件，未转入本案，请到原记录查阅：")
                + "、".join(skipped),
            },
            request=request,
        )
    return copied


@transaction.atomic
def escalate_order(
    *, actor: User, order: RectificationOrder, reason: str = "", request: Any = None
) -> RectificationOrder:
    """逾期未改正 → 立案 (条例 Art. 18; refusing to correct is itself finable, Art. 30(3)): a case
    of kind "inspection finding" on the employer, filed today, carrying the order, its items, the
    recheck's result and the evidence (the order's PDF, the response and recheck material and the
    source's evidence files)."""
    from laborgrid.cases.services.opening import open_case_for_employer

    order = _locked(order)
    _certified_handler(actor, order.grid_path)
    check_state(order, OrderAction.ESCALATE)
    reason = _text(reason, "reason", limit=2000, required=False)
    # The case file is written in Chinese whatever the inspector's interface language.
    with translation.override(settings.LANGUAGE_CODE):
        case = open_case_for_employer(
            actor=actor,
            employer=order.employer,
            category=_category(order),
            facts=_case_facts(order),
            reason=reason or _("责令改正逾期未改正，依法立案查处。"),
            request=request,
        )
        copied = _evidence_to_case(actor, case, order, request)
    before = order.state
    order.state = OrderState.ESCALATED
    order.case = case
    order.escalated_on = clock.today()
    order.version += 1
    order.save()
    deadlines.void(order)
    _step(
        order,
        OrderAction.ESCALATE,
        before=before,
        actor=actor,
        note=reason,
        detail={"case": case.pk, "count": copied},
        request=request,
    )
    return order


__all__ = [
    "HANDLING_BASIS",
    "ItemFinding",
    "OrderItemInput",
    "StateRefused",
    "check_upload",
    "close_order",
    "document_context",
    "escalate_order",
    "handling_basis",
    "issue_order",
    "may_decide",
    "may_issue_on",
    "recheck_order",
    "respond_order",
]
