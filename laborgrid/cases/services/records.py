"""Investigation records, outcomes and documents on a case (issue §4, §6, §7)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record as audit
from laborgrid.cases import clock
from laborgrid.cases.choices import (
    OPEN_STATES,
    TWO_INSPECTOR_RECORDS,
    CaseState,
    DeadlineKind,
    PlatformConclusion,
    PreservationDecision,
    RecordKind,
)
from laborgrid.cases.documents import NUMBER_PENDING, check_issue, context_for
from laborgrid.cases.models import Case, CaseDocument, CaseRecord
from laborgrid.cases.services.common import (
    AUDIT_CASE_ACTION,
    check_handler,
    is_certified,
    locked,
)
from laborgrid.cases.services.intake import check_file
from laborgrid.core.scope import check_write
from laborgrid.deadlines import services as engine

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: States where investigation acts are recorded (after filing, before the decision).
RECORD_STATES = frozenset(
    {CaseState.ACCEPTED, CaseState.INVESTIGATING, CaseState.SUSPENDED, CaseState.DECISION_PENDING}
)


@transaction.atomic
def add_record(
    *,
    actor: User,
    case: Case,
    data: Mapping[str, Any],
    upload: UploadedFile | None = None,
    request: Any = None,
) -> CaseRecord:
    """Add a task, notice, record or evidence file. Interview, on-site and written-inquiry records
    name two distinct certified inspectors (条例 Art. 16; 协管员 do not count)."""
    case = locked(case)
    check_write(actor, Cap.WORK_WRITE, case.grid_path)
    kind = str(data.get("kind") or "")
    if kind not in RecordKind.values:
        raise ValidationError({"kind": _("请选择记录类型。")})
    if case.state not in OPEN_STATES:
        raise ValidationError(_("案件已办结，不能再添加调查记录。"))
    if kind != RecordKind.NOTE and case.state not in RECORD_STATES:
        raise ValidationError(_("立案调查期间才能添加调查记录。"))
    rec = CaseRecord(
        case=case,
        kind=kind,
        title=str(data.get("title") or "").strip()[:200],
        content=str(data.get("content") or "").strip()[:20000],
        created_by=actor,
        occurred_on=clock.today(),
    )
    if not rec.title:
        raise ValidationError({"title": _("请填写标题。")})
    for key in ("occurred_on", "due_on", "done_on"):
        value = data.get(key)
        if value:
            setattr(rec, key, value if isinstance(value, date) else date.fromisoformat(str(value)))
    if kind in TWO_INSPECTOR_RECORDS:
        from laborgrid.cases.services.procedure import require_handlers

        require_handlers(case)
        one, two = data.get("inspector_1"), data.get("inspector_2")
        if one is None or two is None or one.pk == two.pk:
            raise ValidationError({"inspector_2": _("须由两名不同的监察员共同进行。")})
        for field, person in (("inspector_1", one), ("inspector_2", two)):
            if not is_certified(person, rec.occurred_on):
                raise ValidationError({field: _("%(name)s 没有有效的执法证。") % {"name": person}})
        rec.inspector_1, rec.inspector_2 = one, two
    if kind == RecordKind.PRESERVATION:
        _check_preservation(actor, case, rec, data.get("approver"))
    if upload is not None:
        ctype, ext = check_file(upload)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        rec.file_name = (upload.name or f"file{ext}")[:200]
        rec.file_type = ctype
        rec.file_sha256 = digest.hexdigest()
        rec.file.save(f"r{ext}", upload, save=False)
    rec.save()
    if kind == RecordKind.PRESERVATION:
        engine.open_deadline(rec, DeadlineKind.EVIDENCE_DECISION, rec.occurred_on, grid=case.grid)
    audit(
        AUDIT_CASE_ACTION,
        actor=actor,
        request=request,
        obj=case,
        detail={"action": "record", "kind": kind},
    )
    return rec


def _check_preservation(actor: User, case: Case, rec: CaseRecord, approver: Any) -> None:
    """先行登记保存 (行政处罚法 Art. 56): only while the investigation runs, where evidence may be
    lost or hard to obtain later, approved by the head of the inspection body (not the inspector
    who asks), with the list of what is registered and preserved."""
    from laborgrid.cases.services.procedure import _check_approver

    if case.state != CaseState.INVESTIGATING:
        raise ValidationError(_("先行登记保存证据只能在立案调查期间进行。"))
    if not rec.content:
        raise ValidationError(
            {"content": _("请填写先行登记保存的证据清单（名称、数量、存放地点）及理由。")}
        )
    if rec.occurred_on > clock.today():
        raise ValidationError({"occurred_on": _("日期不能晚于今天。")})
    _check_approver(approver, actor, case)
    rec.approver = approver


@transaction.atomic
def decide_preservation(
    *,
    actor: User,
    record: CaseRecord,
    decision: str,
    on: date | None = None,
    note: str = "",
    request: Any = None,
) -> CaseRecord:
    """The decision on evidence registered and preserved, within 7 working days (行政处罚法
    Art. 56, 85; D7), by a certified inspector handling the case; recorded once, audited, and
    the D7 deadline is met on its date."""
    case = locked(record.case)
    check_handler(actor, case)
    if not is_certified(actor):
        raise PermissionDenied(_("只有持有效执法证的劳动保障监察员可以执行此操作。"))
    record = CaseRecord.objects.select_for_update().get(pk=record.pk, case=case)
    if record.kind != RecordKind.PRESERVATION:
        raise ValidationError(_("该记录不是先行登记保存证据。"))
    if record.preservation_decision:
        raise ValidationError(_("该先行登记保存证据已作出处理决定。"))
    if decision not in PreservationDecision.values:
        raise ValidationError({"decision": _("请选择处理决定。")})
    on = on or clock.today()
    if on > clock.today() or on < record.occurred_on:
        raise ValidationError({"decided_on": _("处理决定日期应在登记保存之后且不晚于今天。")})
    record.preservation_decision = decision
    record.preservation_decided_on = on
    record.preservation_note = (note or "").strip()[:5000]
    record.save(
        update_fields=["preservation_decision", "preservation_decided_on", "preservation_note"]
    )
    engine.meet(record, DeadlineKind.EVIDENCE_DECISION, on)
    audit(
        AUDIT_CASE_ACTION,
        actor=actor,
        request=request,
        obj=case,
        detail={"action": "preservation_decision", "decision": decision},
    )
    return record


@transaction.atomic
def record_outcome(
    *, actor: User, case: Case, data: Mapping[str, Any], request: Any = None
) -> Case:
    """Amounts recovered, workers helped, penalty, rectification follow-up, the result the
    complainant sees, the conclusion returned to a referral platform (issue §7)."""
    case = locked(case)
    check_handler(actor, case)
    if case.state in (CaseState.RECEIVED, CaseState.NEEDS_CORRECTION, CaseState.MERGED):
        raise ValidationError(_("受理前不能登记办理结果。"))
    errors: dict[str, list[str]] = {}
    for key in ("amount_recovered", "penalty_amount"):
        if key in data and data[key] not in (None, ""):
            try:
                value = Decimal(str(data[key]))
                if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
                    raise ValueError
            except (ValueError, ArithmeticError):
                errors.setdefault(key, []).append(_("请输入有效金额。"))
            else:
                setattr(case, key, value.quantize(Decimal("0.01")))
    if "workers_helped" in data and data["workers_helped"] not in (None, ""):
        try:
            case.workers_helped = max(0, min(int(str(data["workers_helped"])), 1000000))
        except ValueError:
            errors.setdefault("workers_helped", []).append(_("请输入整数。"))
    for key in ("rectification_due", "rectification_checked_on"):
        if key in data:
            value = data[key]
            setattr(
                case,
                key,
                value
                if isinstance(value, date) or value is None
                else (date.fromisoformat(str(value)) if value else None),
            )
    _record_findings(case, data, errors)
    if "rectification_note" in data:
        case.rectification_note = str(data["rectification_note"] or "")[:5000]
    if "public_result" in data:
        case.public_result = str(data["public_result"] or "")[:2000]
    if data.get("platform_conclusion"):
        if data["platform_conclusion"] not in PlatformConclusion.values:
            errors.setdefault("platform_conclusion", []).append(_("请从列表中选择核处结论。"))
        else:
            case.platform_conclusion = data["platform_conclusion"]
    if errors:
        raise ValidationError(errors)
    case.version += 1
    case.save()
    audit(AUDIT_CASE_ACTION, actor=actor, request=request, obj=case, detail={"action": "outcome"})
    return case


#: After the decision its findings are fixed: they are what the decision was made on.
FINDINGS_FIXED_STATES = frozenset(
    {
        CaseState.DECIDED,
        CaseState.SERVED,
        CaseState.ENFORCEMENT,
        CaseState.CLOSED,
        CaseState.ARCHIVED,
    }
)


def _record_findings(case: Case, data: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    """The facts the investigation established and the violation they amount to (chosen from
    ``cases.violations``): what decision documents print, never the complaint's own text
    (条例 Art. 18; 行政处罚法 Art. 59 — the decision states the facts found and the provision
    violated). Fixed once the decision is made."""
    from laborgrid.cases.violations import VIOLATIONS

    changes = {
        key: str(data[key] or "").strip()
        for key in ("findings", "violation")
        if key in data and str(data[key] or "").strip() != getattr(case, key)
    }
    if not changes:
        return
    if case.state in FINDINGS_FIXED_STATES:
        errors.setdefault("findings", []).append(_("决定作出后不能修改查明的违法事实和违法行为。"))
        return
    if changes.get("violation") and changes["violation"] not in VIOLATIONS:
        errors.setdefault("violation", []).append(_("请从列表中选择违法行为。"))
        return
    if "findings" in changes:
        case.findings = changes["findings"][:10000]
    if "violation" in changes:
        case.violation = changes["violation"]


def issuable_document_types(actor: User, case: Case) -> frozenset[str]:
    """The document types ``actor`` may issue on ``case`` now (the form offers only these): the
    procedure's issue rules (``cases.documents.ISSUE_RULES``) that :func:`issue_document`
    enforces."""
    from laborgrid.cases.documents import issuable_types

    return issuable_types(actor, case)


@transaction.atomic
def issue_document(
    *,
    actor: User,
    case: Case,
    doc_type: str,
    context: Mapping[str, Any] | None = None,
    request: Any = None,
) -> CaseDocument:
    """Number and render a document (文书) through ``laborgrid.documents`` and keep it on the
    case. Each type is issued only in the states and by the signers ``documents.ISSUE_RULES``
    names (A1, B1.11); its content comes from the case's own records."""
    from laborgrid.documents import services as documents

    case = locked(case)
    check_write(actor, Cap.WORK_WRITE, case.grid_path)
    valid = {value: label for value, label in documents.DocumentType.choices}
    if doc_type not in valid:
        raise ValidationError({"doc_type": _("未知的文书类型。")})
    # Who may sign and in which state, and whether the case holds what the document states:
    # all checked before a number is taken, so a refused issue uses up no serial number.
    check_issue(actor, case, doc_type)
    today = clock.today()
    kind = documents.DocumentType(doc_type)
    context_for(case, doc_type, actor=actor, number=NUMBER_PENDING, today=today)
    number = documents.allocate_number(doc_type=kind, year=today.year)
    ctx = context_for(case, doc_type, actor=actor, number=number, today=today)
    ctx.update(context or {})
    try:
        pdf = documents.render_document(kind, ctx)
    except ValueError as exc:
        raise ValidationError({"doc_type": str(exc)}) from exc
    doc = CaseDocument(
        case=case,
        doc_type=doc_type,
        title=str(valid[doc_type])[:100],
        number=number,
        issued_by=actor,
    )
    doc.file.save("doc.pdf", ContentFile(pdf), save=False)
    doc.save()
    audit(
        AUDIT_CASE_ACTION,
        actor=actor,
        request=request,
        obj=case,
        detail={"action": "document", "type": doc_type, "number": number},
    )
    return doc
