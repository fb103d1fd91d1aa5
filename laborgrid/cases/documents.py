"""Documents (文书, B1.11) on a case: which types the page offers, and the context each one reads.

Rendering and numbering are ``laborgrid.documents``' (``render_document``, ``allocate_number``);
this module only gathers the case's facts into the keys ``laborgrid.documents.layouts.SPECS``
lists for each type. Complainants' identity and phone numbers are never printed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborgrid.cases.choices import (
    INVESTIGATION_RECORDS,
    Action,
    CaseState,
    DecisionKind,
    RecordKind,
)

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: A placeholder number for checking a document's content before a serial number is taken.
NUMBER_PENDING = "——"

S = CaseState
#: Signers: a certified inspector handling the case (条例 Art. 4, 16; A1: documents in the
#: bureau's name), or any handler role of the case's grid (not an assistant, not a leader) for
#: internal approval forms and the proof of service.
CERTIFIED = "certified"
HANDLER = "handler"


@dataclass(frozen=True)
class IssueRule:
    """Where a document type belongs in the procedure: the states it may be issued in, who
    signs it, and for a decision document the decision it sets out."""

    states: frozenset[str]
    signer: str
    decision: str = ""


_DECIDED = frozenset({S.DECIDED})
ISSUE_RULES: dict[str, IssueRule] = {
    # Intake (若干规定 Art. 18): the notice follows the decision on acceptance.
    "acceptance_notice": IssueRule(frozenset({S.ACCEPTED, S.INVESTIGATING}), CERTIFIED),
    "rejection_notice": IssueRule(frozenset({S.REJECTED}), CERTIFIED),
    "correction_request": IssueRule(frozenset({S.NEEDS_CORRECTION}), CERTIFIED),
    # Filing (B1.4): the approval form is made when the case is filed.
    "filing_approval": IssueRule(frozenset({S.ACCEPTED, S.INVESTIGATING}), HANDLER),
    # Investigation (条例 Art. 15–17): acts of two certified inspectors.
    "inquiry_notice": IssueRule(frozenset({S.INVESTIGATING}), CERTIFIED),
    "interview_record": IssueRule(frozenset({S.INVESTIGATING}), CERTIFIED),
    "inspection_record": IssueRule(frozenset({S.INVESTIGATING}), CERTIFIED),
    "extension_approval": IssueRule(frozenset({S.INVESTIGATING}), HANDLER),
    "suspension_approval": IssueRule(frozenset({S.SUSPENDED}), HANDLER),
    # Decision (条例 Art. 18; 行政处罚法 Art. 44, 59): the document of the decision taken.
    "correction_order": IssueRule(_DECIDED, CERTIFIED, DecisionKind.CORRECTION_ORDER),
    "handling_decision": IssueRule(_DECIDED, CERTIFIED, DecisionKind.HANDLING_DECISION),
    "penalty_prior_notice": IssueRule(frozenset({S.PENALTY_NOTICE}), CERTIFIED),
    "penalty_decision": IssueRule(_DECIDED, CERTIFIED, DecisionKind.PENALTY),
    # Service (行政处罚法 Art. 61): with any document served on the party.
    "service_receipt": IssueRule(
        frozenset({S.PENALTY_NOTICE, S.DECIDED, S.SERVED, S.ENFORCEMENT}), HANDLER
    ),
    # Closure: approved once the decision is performed or sent to court.
    "closure_approval": IssueRule(frozenset({S.SERVED, S.ENFORCEMENT, S.CLOSED}), HANDLER),
}
#: Documents stating the bureau's findings: they print the facts the investigation established
#: (``Case.findings``) and the violation recorded (``cases.violations``), never the complaint.
FINDINGS_DOCUMENTS = frozenset(
    {"correction_order", "handling_decision", "penalty_prior_notice", "penalty_decision"}
)


def issue_refusal(rule: IssueRule, case: Any, *, certified: bool) -> str | None:
    """Why the procedure does not allow issuing a document of ``rule`` on ``case`` now (the
    signer's certificate, the case's state, the decision taken), or None. One rule for the form's
    offer (:func:`issuable_types`) and the refusal before numbering (:func:`check_issue`)."""
    if rule.signer == CERTIFIED and not certified:
        return str(
            _(
                "只有持有效执法证的劳动保障监察员可以以本局名义签发该文书（劳动保障监察条例第四条）。"
            )
        )
    if case.state not in rule.states:
        return str(
            _("案件当前状态“%(state)s”下不能签发该文书，应在%(states)s时签发。")
            % {
                "state": CaseState(case.state).label,
                "states": _("、").join(str(CaseState(s).label) for s in sorted(rule.states)),
            }
        )
    if rule.decision and case.decision_kind != rule.decision:
        return str(
            _("本案作出的决定是“%(kind)s”，不能签发该文书。")
            % {"kind": DecisionKind(case.decision_kind).label if case.decision_kind else "—"}
        )
    return None


def issuable_types(actor: User, case: Any) -> frozenset[str]:
    """The document types ``actor`` may issue on ``case`` now: the form offers only these."""
    from django.core.exceptions import PermissionDenied

    from laborgrid.cases.services.common import check_handler, is_certified

    try:
        check_handler(actor, case)
    except PermissionDenied:
        return frozenset()
    certified = is_certified(actor)
    return frozenset(
        t
        for t, rule in ISSUE_RULES.items()
        if issue_refusal(rule, case, certified=certified) is None
    )


def check_issue(actor: User, case: Any, doc_type: str) -> None:
    """Refuse an issue the procedure does not allow: the wrong state, a decision document for
    another decision, an assistant, a leader or a person without a valid certificate signing in
    the bureau's name (A1; 条例 Art. 4, 16). Called before a serial number is taken."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from laborgrid.cases.services.common import check_handler, is_certified

    rule = ISSUE_RULES.get(doc_type)
    if rule is None:
        raise ValidationError({"doc_type": _("未知的文书类型。")})
    check_handler(actor, case)
    certified = is_certified(actor)
    problem = issue_refusal(rule, case, certified=certified)
    if problem is not None and rule.signer == CERTIFIED and not certified:
        raise PermissionDenied(problem)
    if problem is not None:
        raise ValidationError({"doc_type": problem})


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
    # The party as registered when the case is linked to the registry (its name and USCC), not
    # as the complainant spelled it.
    party = {
        "name": employer.name if employer else case.employer_name,
        "code": (employer.uscc if employer and employer.uscc else "") or case.employer_code,
        "legal_rep": case.employer_contact or (employer.legal_rep if employer else ""),
        "address": case.employer_address or (employer.address if employer else ""),
    }
    party = {k: v for k, v in party.items() if v}
    complainant = case.complainants.first()
    addressee = complainant.name if complainant else _("举报人")
    record = (
        case.records.filter(kind__in=INVESTIGATION_RECORDS, inspector_1__isnull=False)
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
    # The bureau's findings are the facts the investigation established, never the complaint's
    # own words; a notice of acceptance states no finding at all (nothing has been investigated).
    from laborgrid.cases.violations import VIOLATIONS

    violation = VIOLATIONS.get(case.violation)
    facts = (
        [p.strip() for p in case.findings.splitlines() if p.strip()]
        if doc_type in FINDINGS_DOCUMENTS
        else []
    )
    if doc_type == "correction_order":
        legal_basis = violation.violated if violation else ""
    elif doc_type in FINDINGS_DOCUMENTS:
        legal_basis = violation.basis if violation else ""
    else:
        legal_basis = ""
    party_name = party.get("name", case.employer_name)
    latest_doc = case.documents.order_by("-issued_at", "-id").first()
    if doc_type == "correction_request":
        items = [last_reason.get(Action.REQUEST_CORRECTION, "")]
    elif doc_type in FINDINGS_DOCUMENTS:
        items = decision_items  # what the bureau decided, not what the complainant asked
    else:
        items = decision_items or [_("依法改正违法行为。")]
    if doc_type == "rejection_notice":
        facts = [
            str(p)
            for p in (case.get_refusal_ground_display(), last_reason.get(Action.REFUSE, ""))
            if p
        ]
    return {
        "number": number,
        "date": today,
        "authority": authority(),
        "contact": _setting("LABORGRID_BUREAU_CONTACT", ""),
        "addressee": party_name
        if doc_type in ("correction_order", "inquiry_notice")
        else addressee,
        "received_on": case.received_on,
        "respondent": case.employer_name,
        "party": party,
        "paragraphs": facts,
        "items": items,
        "legal_basis": legal_basis,
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
        "subject": party or {"name": party_name},
        "qa": [(_("请说明用人单位工资支付情况。"), record.content or "—")] if record else [],
        "findings": [p for p in (record.content if record else "").splitlines() if p.strip()],
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
                % {"keys": _("、").join(str(_KEY_LABELS.get(k, k)) for k in missing)}
            }
        )
    from laborgrid.documents.services import unprintable_characters

    bad = unprintable_characters(ctx)
    if bad:
        raise ValidationError(
            {
                "doc_type": _(
                    "文书字体中没有以下字符，无法打印：%(chars)s（%(where)s）。请在案件中改用通用"
                    "规范汉字，或请系统管理员补充字体后再签发。"
                )
                % {
                    "chars": " ".join(dict.fromkeys("".join(bad.values()))),
                    "where": _("、").join(str(_KEY_LABELS.get(k, k)) for k in bad),
                }
            }
        )
    return ctx


@dataclass(frozen=True)
class PreviewRow:
    doc_type: str
    label: str
    #: What the case still lacks for this document (which record or field), or ``""``.
    problem: str


def preview(actor: User, case: Any) -> list[PreviewRow]:
    """Before issue: for each document ``actor`` may issue on ``case`` now, whether the case
    holds everything it states, or what is missing (the record or field to complete) — the same
    check :func:`context_for` makes before a number is taken."""
    from django.core.exceptions import ValidationError

    from laborgrid.cases import clock

    if not available():
        return []
    labels = dict(document_choices())
    order = list(ISSUE_RULES)
    rows = []
    for doc_type in sorted(issuable_types(actor, case), key=order.index):
        try:
            context_for(case, doc_type, actor=actor, number=NUMBER_PENDING, today=clock.today())
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            problem = ""
        rows.append(PreviewRow(doc_type, str(labels.get(doc_type, doc_type)), problem))
    return rows


_KEY_LABELS = {
    "deadline": gettext_lazy("整改或履行期限"),
    "items": gettext_lazy("决定事项"),
    "inspectors": gettext_lazy("两名监察员的调查记录"),
    "qa": gettext_lazy("询问笔录"),
    "reason": gettext_lazy("理由"),
    "document_title": gettext_lazy("已签发的文书"),
    "party": gettext_lazy("当事人"),
    "paragraphs": gettext_lazy("调查查明的违法事实（在“办理结果”中登记）"),
    "legal_basis": gettext_lazy("违法行为及其违反条款（在“办理结果”中选择）"),
    "findings": gettext_lazy("现场检查笔录的检查情况"),
    "addressee": gettext_lazy("受送达人"),
    "subject": gettext_lazy("当事人"),
    "respondent": gettext_lazy("被投诉单位"),
    "summary": gettext_lazy("案情摘要"),
    "case_title": gettext_lazy("案由"),
    "outcome": gettext_lazy("处理结果"),
    "address": gettext_lazy("地址"),
}
