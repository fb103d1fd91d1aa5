"""The procedure (DOMAIN B1, B9): one service per action; illegal transitions are refused here,
whatever the page or API shows. Each checks the actor (``check_handler``: handler role where the
case lives; certified inspector for investigation ends and decisions), moves the state through
``common.transition`` (recorded with who/when/why/approver, audited), and keeps the deadlines of
B1.10 in step.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Role
from laborgrid.cases import clock
from laborgrid.cases.choices import (
    TWO_INSPECTOR_RECORDS,
    Action,
    CaseKind,
    ClosureKind,
    DeadlineKind,
    DecisionKind,
    RedirectKind,
    RefusalGround,
)
from laborgrid.cases.models import Case
from laborgrid.cases.services import deadlines
from laborgrid.cases.services.common import (
    check_handler,
    is_certified,
    locked,
    require_reason,
    transition,
)
from laborgrid.core.paths import path_codes

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: Who may approve an extension or suspension: the head of the inspection body (条例 Art. 17).
APPROVER_ROLES = frozenset({Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER})


def _today() -> dt.date:
    return clock.today()


def _require_certified(actor: User) -> None:
    if not is_certified(actor):
        raise PermissionDenied(_("只有持有效执法证的劳动保障监察员可以执行此操作。"))


def _check_approver(approver: Any, actor: User, case: Case) -> None:
    if approver is None:
        raise ValidationError({"approver": _("请选择批准人。")})
    if approver.pk == actor.pk:
        raise ValidationError({"approver": _("批准人不能是经办人本人。")})
    ok = (
        GridAssignment.objects.current()
        .filter(user=approver, grid__code__in=path_codes(case.grid_path), role__in=APPROVER_ROLES)
        .exists()
    )
    if not ok or not approver.is_active:
        raise ValidationError({"approver": _("批准人应为本案所在网格或上级的大队长、中队长。")})


def tell_complainant(case: Case, message: str) -> None:
    """Send ``message`` to every complainant with a phone through the configured notifier.

    The step is recorded now (notified time, the D17 deadline met) and the message goes out when
    the transaction commits (``transaction.on_commit``): a step that rolls back sends nothing.
    """
    from laborgrid.cases.notifier import get_notifier

    notifier = get_notifier()
    sent = False
    for person in case.complainants.all():
        if person.phone_enc:
            transaction.on_commit(
                partial(notifier.send, case=case, complainant=person, message=message)
            )
            sent = True
    if sent:
        case.complainant_notified_at = timezone.now()
        Case.objects.filter(pk=case.pk).update(complainant_notified_at=case.complainant_notified_at)
        deadlines.meet(case, DeadlineKind.NOTIFY_COMPLAINANT, _today())


@transaction.atomic
def accept_case(*, actor: User, case: Case, reason: str = "", request: Any = None) -> Case:
    """受理 within 5 working days of receipt (若干规定 Art. 18, D1)."""
    case = locked(case)
    check_handler(actor, case)
    case.accepted_on = _today()
    transition(case, Action.ACCEPT, actor=actor, reason=reason, request=request)
    deadlines.meet(case, DeadlineKind.ACCEPTANCE, case.accepted_on)
    return case


@transaction.atomic
def refuse_case(*, actor: User, case: Case, ground: str, reason: str, request: Any = None) -> Case:
    """不予受理 with a written notice (若干规定 Art. 18)."""
    reason = require_reason(reason)
    if ground not in RefusalGround.values:
        raise ValidationError({"ground": _("请选择不予受理的理由。")})
    case = locked(case)
    check_handler(actor, case)
    case.refusal_ground = ground
    transition(
        case, Action.REFUSE, actor=actor, reason=reason, detail={"ground": ground}, request=request
    )
    deadlines.meet(case, DeadlineKind.ACCEPTANCE, _today())
    deadlines.void(case)
    tell_complainant(
        case, _("您的投诉经审查不予受理：%(why)s") % {"why": RefusalGround(ground).label}
    )
    return case


@transaction.atomic
def request_correction(*, actor: User, case: Case, reason: str, request: Any = None) -> Case:
    """补正: the employer is not definite enough (若干规定 Art. 18 cond. 2); the acceptance clock
    restarts when the material arrives; the complainant has 15 working days (D20)."""
    reason = require_reason(reason)
    case = locked(case)
    check_handler(actor, case)
    transition(case, Action.REQUEST_CORRECTION, actor=actor, reason=reason, request=request)
    deadlines.void(case, DeadlineKind.ACCEPTANCE)
    deadlines.open_deadline(case, DeadlineKind.CORRECTION, _today())
    tell_complainant(case, _("请补正投诉材料：%(what)s") % {"what": reason[:200]})
    return case


@transaction.atomic
def receive_correction(*, actor: User, case: Case, reason: str = "", request: Any = None) -> Case:
    """The material arrived: the acceptance period runs again from today (重庆 rule, B1.3)."""
    case = locked(case)
    check_handler(actor, case)
    transition(case, Action.RECEIVE_CORRECTION, actor=actor, reason=reason, request=request)
    deadlines.meet(case, DeadlineKind.CORRECTION, _today())
    if case.kind == CaseKind.COMPLAINT:
        deadlines.open_deadline(case, DeadlineKind.ACCEPTANCE, _today())
    return case


@transaction.atomic
def redirect_case(
    *, actor: User, case: Case, redirect_kind: str, reason: str, request: Any = None
) -> Case:
    """Tell the complainant to use arbitration/litigation or the competent department (条例
    Art. 21 para. 2; 若干规定 Art. 18 cond. 3)."""
    reason = require_reason(reason)
    if redirect_kind not in RedirectKind.values:
        raise ValidationError({"redirect_kind": _("请选择告知的处理途径。")})
    case = locked(case)
    check_handler(actor, case)
    case.redirect_kind = redirect_kind
    transition(case, Action.REDIRECT, actor=actor, reason=reason, request=request)
    deadlines.meet(case, DeadlineKind.ACCEPTANCE, _today())
    deadlines.void(case)
    tell_complainant(case, str(RedirectKind(redirect_kind).label))
    return case


@transaction.atomic
def file_case(*, actor: User, case: Case, reason: str = "", request: Any = None) -> Case:
    """立案 (approval date = filing date, B1.4): the 60-working-day investigation period (D3) and
    the 90-day outer limit (D10) start."""
    case = locked(case)
    check_handler(actor, case)
    case.filed_on = _today()
    transition(case, Action.FILE, actor=actor, reason=reason, request=request)
    deadlines.open_deadline(case, DeadlineKind.INVESTIGATION, case.filed_on)
    deadlines.open_deadline(case, DeadlineKind.PENALTY_CAP, case.filed_on)
    return case


@transaction.atomic
def extend_case(
    *, actor: User, case: Case, approver: Any, reason: str, request: Any = None
) -> Case:
    """Complex case: +30 working days with the head's approval, once (条例 Art. 17, D4); the
    complainant is told within 3 days (D17)."""
    reason = require_reason(reason)
    case = locked(case)
    check_handler(actor, case)
    if case.extended:
        raise ValidationError(_("调查期限只能延长一次。"))
    _check_approver(approver, actor, case)
    case.extended = True
    transition(case, Action.EXTEND, actor=actor, approver=approver, reason=reason, request=request)
    deadlines.extend_investigation(case)
    if case.kind == CaseKind.COMPLAINT:
        deadlines.open_deadline(case, DeadlineKind.NOTIFY_COMPLAINANT, _today())
        tell_complainant(case, _("您的投诉案件情况复杂，调查期限经批准延长 30 个工作日。"))
    return case


@transaction.atomic
def suspend_case(
    *, actor: User, case: Case, approver: Any, reason: str, request: Any = None
) -> Case:
    """中止: the party absconded or evidence cannot be obtained (浙江 Art. 30); the clock stops."""
    reason = require_reason(reason)
    case = locked(case)
    check_handler(actor, case)
    _check_approver(approver, actor, case)
    case.suspended_since = _today()
    transition(case, Action.SUSPEND, actor=actor, approver=approver, reason=reason, request=request)
    if case.kind == CaseKind.COMPLAINT:
        deadlines.open_deadline(case, DeadlineKind.NOTIFY_COMPLAINANT, _today())
        tell_complainant(case, _("您的投诉案件调查中止，恢复后将继续办理。"))
    return case


@transaction.atomic
def resume_case(*, actor: User, case: Case, reason: str, request: Any = None) -> Case:
    reason = require_reason(reason)
    case = locked(case)
    check_handler(actor, case)
    since = case.suspended_since or _today()
    case.suspended_since = None
    transition(case, Action.RESUME, actor=actor, reason=reason, request=request)
    deadlines.resume_investigation(case, since, _today())
    return case


@transaction.atomic
def complete_investigation(
    *, actor: User, case: Case, reason: str = "", request: Any = None
) -> Case:
    """调查终结: needs an investigation record made by two certified inspectors (条例 Art. 16);
    the decision is due within 15 working days (D5)."""
    case = locked(case)
    check_handler(actor, case)
    _require_certified(actor)
    if not case.records.filter(
        kind__in=TWO_INSPECTOR_RECORDS, inspector_1__isnull=False, inspector_2__isnull=False
    ).exists():
        raise ValidationError(
            _("调查终结前须有两名监察员共同制作的询问笔录、现场检查笔录或调查询问书。")
        )
    case.investigation_completed_on = _today()
    transition(case, Action.COMPLETE_INVESTIGATION, actor=actor, reason=reason, request=request)
    deadlines.meet(case, DeadlineKind.INVESTIGATION, case.investigation_completed_on)
    deadlines.open_deadline(case, DeadlineKind.DECISION, case.investigation_completed_on)
    return case


@transaction.atomic
def notify_penalty(*, actor: User, case: Case, reason: str = "", request: Any = None) -> Case:
    """行政处罚事先告知 with the rights to 陈述申辩 and a hearing (行政处罚法 Art. 44–45, 63–64):
    the party has 5 working days to ask for a hearing (D8)."""
    case = locked(case)
    check_handler(actor, case)
    _require_certified(actor)
    transition(case, Action.NOTIFY_PENALTY, actor=actor, reason=reason, request=request)
    deadlines.open_deadline(case, DeadlineKind.HEARING_REQUEST, _today())
    return case


@transaction.atomic
def decide_case(
    *,
    actor: User,
    case: Case,
    decision_kind: str,
    summary: str,
    penalty_amount: Decimal | None = None,
    rectification_due: dt.date | None = None,
    request: Any = None,
) -> Case:
    """The decision (条例 Art. 18), signed by a certified inspector in the bureau's name. A penalty
    needs the prior notice first (行政处罚法 Art. 62: without it the penalty is void)."""
    summary = require_reason(summary, field="summary")
    if decision_kind not in DecisionKind.values:
        raise ValidationError({"decision_kind": _("请选择决定类型。")})
    case = locked(case)
    check_handler(actor, case)
    _require_certified(actor)
    if decision_kind == DecisionKind.PENALTY and case.state != "penalty_notice":
        raise ValidationError(
            {"decision_kind": _("作出行政处罚决定前须先进行处罚事先告知（行政处罚法第六十二条）。")}
        )
    if penalty_amount is not None and penalty_amount < 0:
        raise ValidationError({"penalty_amount": _("金额不能为负数。")})
    case.decision_kind = decision_kind
    case.decision_summary = summary
    case.decision_signed_by = actor
    case.decided_on = _today()
    if decision_kind == DecisionKind.PENALTY and penalty_amount is not None:
        case.penalty_amount = penalty_amount
    if rectification_due is not None:
        case.rectification_due = rectification_due
    transition(
        case,
        Action.DECIDE,
        actor=actor,
        reason=summary,
        detail={"kind": decision_kind},
        request=request,
    )
    deadlines.meet(case, DeadlineKind.DECISION, case.decided_on)
    deadlines.meet(case, DeadlineKind.HEARING_REQUEST, case.decided_on)
    deadlines.meet(case, DeadlineKind.PENALTY_CAP, case.decided_on)
    deadlines.open_deadline(case, DeadlineKind.SERVICE, case.decided_on)
    return case


def _end(case: Case, action: str, closure: str, *, actor: User, reason: str, request: Any) -> Case:
    case.closure_kind = closure
    case.closed_on = _today()
    transition(case, action, actor=actor, reason=reason, request=request)
    deadlines.meet(case, DeadlineKind.DECISION, case.closed_on)
    deadlines.void(case)
    return case


@transaction.atomic
def withdraw_case(*, actor: User, case: Case, reason: str, request: Any = None) -> Case:
    """撤销立案: minor and already corrected (条例 Art. 18(3))."""
    reason = require_reason(reason)
    case = locked(case)
    check_handler(actor, case)
    _require_certified(actor)
    return _end(
        case, Action.WITHDRAW, ClosureKind.WITHDRAWN, actor=actor, reason=reason, request=request
    )


@transaction.atomic
def transfer_case(*, actor: User, case: Case, reason: str, request: Any = None) -> Case:
    """移送: another department's matter, or a suspected crime to the police (条例 Art. 18;
    农民工工资支付条例 Art. 41)."""
    reason = require_reason(reason)
    case = locked(case)
    check_handler(actor, case)
    return _end(
        case, Action.TRANSFER, ClosureKind.TRANSFERRED, actor=actor, reason=reason, request=request
    )


@transaction.atomic
def serve_case(
    *,
    actor: User,
    case: Case,
    served_on: dt.date | None = None,
    reason: str = "",
    request: Any = None,
) -> Case:
    """送达 (行政处罚法 Art. 61, D6); a fine is due 15 days after service (Art. 67, D11)."""
    case = locked(case)
    check_handler(actor, case)
    served_on = served_on or _today()
    if served_on > _today() or (case.decided_on and served_on < case.decided_on):
        raise ValidationError({"served_on": _("送达日期应在决定日期之后且不晚于今天。")})
    case.served_on = served_on
    transition(case, Action.SERVE, actor=actor, reason=reason, request=request)
    deadlines.meet(case, DeadlineKind.SERVICE, served_on)
    if case.decision_kind == DecisionKind.PENALTY and case.penalty_amount:
        deadlines.open_deadline(case, DeadlineKind.FINE_PAYMENT, served_on)
    return case


@transaction.atomic
def enforce_case(*, actor: User, case: Case, reason: str = "", request: Any = None) -> Case:
    """Apply to the court for enforcement (行政强制法 Art. 53–54)."""
    case = locked(case)
    check_handler(actor, case)
    transition(case, Action.ENFORCE, actor=actor, reason=reason, request=request)
    return case


@transaction.atomic
def close_case(
    *,
    actor: User,
    case: Case,
    closure_kind: str,
    public_result: str = "",
    reason: str = "",
    request: Any = None,
) -> Case:
    """结案: decision performed, or enforcement applied for; the complainant is told the result."""
    if closure_kind not in (ClosureKind.PERFORMED, ClosureKind.ENFORCED, ClosureKind.NOT_PERFORMED):
        raise ValidationError({"closure_kind": _("请选择结案方式。")})
    case = locked(case)
    check_handler(actor, case)
    if public_result.strip():
        case.public_result = public_result.strip()[:2000]
    _end(case, Action.CLOSE, closure_kind, actor=actor, reason=reason, request=request)
    tell_complainant(
        case,
        _("您的投诉已办结：%(result)s")
        % {"result": case.public_result[:200] or ClosureKind(closure_kind).label},
    )
    return case


@transaction.atomic
def archive_case(*, actor: User, case: Case, reason: str = "", request: Any = None) -> Case:
    """归档: one file per case (一案一卷)."""
    case = locked(case)
    check_handler(actor, case)
    case.archived_on = _today()
    transition(case, Action.ARCHIVE, actor=actor, reason=reason, request=request)
    return case
