"""Documents (文书, B1.11) on a case: which types the page offers, and the context each one reads.

Rendering and numbering are ``laborgrid.documents``' (``render_document``, ``allocate_number``);
this module only gathers the case's facts into the keys ``laborgrid.documents.layouts.SPECS``
lists for each type. Complainants' identity and phone numbers are never printed.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborgrid.cases.choices import TWO_INSPECTOR_RECORDS, Action, Category, RecordKind

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: The legal provision a decision applies, by subject (条例 Art. 23–30; B1.12). Configuration
#: would be better for local rules; these are the national articles.
LEGAL_BASIS = {
    Category.WAGES: "《劳动保障监察条例》第十八条、第二十六条",
    Category.CONTRACT: "《劳动保障监察条例》第十八条、第二十四条",
    Category.HOURS: "《劳动保障监察条例》第十八条、第二十五条",
    Category.SOCIAL_INSURANCE: "《劳动保障监察条例》第十八条、第二十七条",
    Category.SPECIAL_PROTECTION: "《劳动保障监察条例》第十八条、第二十三条",
    Category.CHILD_LABOUR: "《禁止使用童工规定》第六条",
    Category.AGENCIES: "《劳动保障监察条例》第二十八条",
    Category.DISPATCH: "《中华人民共和国劳动合同法》第九十二条",
}


def available() -> bool:
    from django.apps import apps

    return apps.is_installed("laborgrid.documents")


def document_choices() -> list[tuple[str, Any]]:
    if not available():
        return []
    from laborgrid.documents.services import DocumentType

    return list(DocumentType.choices)


def _setting(name: str, default: str) -> str:
    return str(getattr(settings, name, default))


def authority() -> str:
    return _setting("LABORGRID_BUREAU_NAME", "大方县人力资源和社会保障局")


def _at(day: dt.date | None, hour: int = 9) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(hour, 0))


def build_context(
    case: Any, doc_type: str, *, actor: User, number: str, today: dt.date
) -> dict[str, Any]:
    """Everything the case knows, under the documents' key names (a superset: the caller keeps
    the keys the type reads)."""
    from laborgrid.cases.models import InspectorCertificate

    employer = case.employer
    party = {
        "name": case.employer_name,
        "code": case.employer_code or (employer.uscc if employer and employer.uscc else ""),
        "legal_rep": case.employer_contact or (employer.legal_rep if employer else ""),
        "address": case.employer_address or (employer.address if employer else ""),
    }
    party = {k: v for k, v in party.items() if v}
    complainant = case.complainants.first()
    addressee = complainant.name if complainant else _("举报人")
    record = (
        case.records.filter(kind__in=TWO_INSPECTOR_RECORDS, inspector_1__isnull=False)
        .select_related("inspector_1", "inspector_2")
        .order_by("-occurred_on", "-id")
        .first()
    )
    inspectors = []
    if record is not None:
        for person in (record.inspector_1, record.inspector_2):
            cert = (
                InspectorCertificate.objects.filter(user=person, revoked_at__isnull=True)
                .order_by("-valid_to")
                .first()
            )
            inspectors.append(
                {"name": person.display_name, "certificate": cert.number if cert else ""}
            )
    last_reason = {
        t.action: t.reason for t in case.transitions.exclude(reason="").order_by("at", "id")
    }
    correction_due = (
        case.deadlines.filter(kind="correction")
        .order_by("-id")
        .values_list("due", flat=True)
        .first()
    )
    inquiry = case.records.filter(kind=RecordKind.INQUIRY_NOTICE).order_by("-id").first()
    decision_items = [
        line.strip() for line in (case.decision_summary or "").splitlines() if line.strip()
    ]
    facts = [case.facts]
    if case.amount_owed:
        facts.append(
            _("经查，该单位拖欠劳动者工资共计人民币%(amount)s元，涉及劳动者%(n)d人。")
            % {"amount": case.amount_owed, "n": case.workers_affected}
        )
    latest_doc = case.documents.order_by("-issued_at", "-id").first()
    if doc_type == "correction_request":
        items = [last_reason.get(Action.REQUEST_CORRECTION, "")]
    else:
        items = decision_items or [case.request or _("依法改正违法行为。")]
    return {
        "number": number,
        "date": today,
        "authority": authority(),
        "contact": _setting("LABORGRID_BUREAU_CONTACT", ""),
        "addressee": case.employer_name
        if doc_type in ("correction_order", "inquiry_notice")
        else addressee,
        "received_on": case.received_on,
        "respondent": case.employer_name,
        "party": party,
        "paragraphs": facts,
        "items": items,
        "legal_basis": LEGAL_BASIS.get(case.category, "《劳动保障监察条例》第十八条"),
        "deadline": case.rectification_due if doc_type != "correction_request" else correction_due,
        "appear_at": _at(
            inquiry.due_on if inquiry and inquiry.due_on else today + dt.timedelta(days=3)
        ),
        "place": _setting("LABORGRID_BUREAU_ADDRESS", "大方县人力资源和社会保障局劳动保障监察大队"),
        "referral": _("劳动人事争议仲裁委员会"),
        "hearing": True,
        "payment": _setting("LABORGRID_FINE_PAYMENT", "指定银行或电子支付渠道"),
        "reconsideration_body": _setting(
            "LABORGRID_RECONSIDERATION_BODY", "大方县人民政府或毕节市人力资源和社会保障局"
        ),
        "court": _setting("LABORGRID_COURT", "大方县人民法院"),
        "case_number": case.reference,
        "case_title": _("%(employer)s涉嫌违反%(subject)s规定案")
        % {"employer": case.employer_name, "subject": case.get_category_display()},
        "source": case.get_kind_display(),
        "summary": case.facts,
        "reason": last_reason.get(
            Action.SUSPEND if doc_type == "suspension_approval" else Action.EXTEND, ""
        ),
        "period": _("延长三十个工作日") if doc_type == "extension_approval" else "",
        "outcome": case.public_result
        or _("追回工资%(amount)s元，维权%(n)d人。")
        % {"amount": case.amount_recovered, "n": case.workers_helped},
        "handlers": [i["name"] for i in inspectors] or [getattr(actor, "display_name", str(actor))],
        "started_at": _at(record.occurred_on if record else today),
        "inspectors": inspectors,
        "recorder": getattr(actor, "display_name", str(actor)),
        "subject": party or {"name": case.employer_name},
        "qa": [(_("请说明用人单位工资支付情况。"), record.content or "—")] if record else [],
        "findings": [p for p in (record.content if record else "").splitlines() if p.strip()]
        or [case.facts],
        "present": "",
        "document_title": latest_doc.title if latest_doc else "",
        "document_number": latest_doc.number if latest_doc else "",
        "address": party.get("address", ""),
        "method": _("直接送达"),
        "servers": [getattr(actor, "display_name", str(actor))],
    }


def context_for(
    case: Any, doc_type: str, *, actor: User, number: str, today: dt.date
) -> dict[str, Any]:
    """The keys ``doc_type`` reads, with empty values dropped; missing required keys raise a
    ``ValidationError`` naming what the case still lacks."""
    from django.core.exceptions import ValidationError

    from laborgrid.documents.layouts import SPECS
    from laborgrid.documents.services import DocumentType

    spec = SPECS[DocumentType(doc_type)]
    full = build_context(case, doc_type, actor=actor, number=number, today=today)
    ctx = {k: v for k, v in full.items() if k in spec.keys and v not in (None, "", [], (), {})}
    missing = sorted(spec.required - set(ctx))
    if missing:
        raise ValidationError(
            {
                "doc_type": _("案件还缺少生成该文书所需的内容：%(keys)s。")
                % {"keys": "、".join(str(_KEY_LABELS.get(k, k)) for k in missing)}
            }
        )
    return ctx


_KEY_LABELS = {
    "deadline": gettext_lazy("整改或履行期限"),
    "items": gettext_lazy("决定事项"),
    "inspectors": gettext_lazy("两名监察员的调查记录"),
    "qa": gettext_lazy("询问笔录"),
    "reason": gettext_lazy("理由"),
    "document_title": gettext_lazy("已签发的文书"),
    "party": gettext_lazy("当事人"),
}
