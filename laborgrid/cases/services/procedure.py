"""The procedure (DOMAIN B1, B9): one service per action; illegal transitions are refused here,
whatever the page or API shows. Each checks the actor (``check_handler``: handler role where the
case lives; certified inspector for investigation ends and decisions), moves the state through
``common.transition`` (recorded with who/when/why/approver, audited), and keeps the deadlines of
B1.10 in step.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Role
from laborgrid.cases import clock
from laborgrid.cases.choices import (
    INVESTIGATION_RECORDS,
    Action,
    CaseKind,
    ClosureKind,
    DayType,
    DeadlineKind,
    DecisionKind,
    DefenceKind,
    RedirectKind,
    RefusalGround,
    ServiceMethod,
)
from laborgrid.cases.models import Case
from laborgrid.cases.services import deadlines
from laborgrid.cases.services.common import (
    certified_users_for,
    check_handler,
    check_state,
    is_certified,
    locked,
    require_reason,
    transition,
)
from laborgrid.core.paths import path_codes

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

ONE_DAY = dt.timedelta(days=1)
#: D9: the hearing is notified at least 7 (working) days ahead (行政处罚法 Art. 64(2), 85).
HEARING_NOTICE_DAYS = 7
#: D13: 行政复议 within 60 days (行政复议法 Art. 20); D14: 行政诉讼 within 6 months (行政诉讼法
#: Art. 46); D15: the court application within 3 months of their lapse, 10 days after the 催告书
#: was served (行政强制法 Art. 53–54).
REVIEW_DAYS = 60
SUIT_MONTHS = 6
ENFORCEMENT_MONTHS = 3
DEMAND_DAYS = 10

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
    # 立案 is due on the day of acceptance (若干规定 Art. 18, D2): an accepted case that is not
    # filed shows as overdue on the boards from the next day.
    deadlines.open_deadline(case, DeadlineKind.FILING, case.accepted_on)
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
def file_case(
    *,
    actor: User,
    case: Case,
    filed_on: dt.date | None = None,
    reason: str = "",
    request: Any = None,
) -> Case:
    """立案 on the day of acceptance (若干规定 Art. 18, D2) or on the recorded date the head of
    the inspection body approved the 立案审批表 (the approval date is the filing date, B1.4): the
    60-working-day investigation period (D3) and the 90-day outer limit (D10) start from it."""
    case = locked(case)
    check_handler(actor, case)
    check_state(case, Action.FILE)
    today = _today()
    filed_on = filed_on or today
    if filed_on > today or (case.accepted_on and filed_on < case.accepted_on):
        raise ValidationError({"filed_on": _("立案日期应在受理日期之后且不晚于今天。")})
    case.filed_on = filed_on
    transition(
        case,
        Action.FILE,
        actor=actor,
        reason=reason,
        detail={"on": filed_on.isoformat()},
        request=request,
    )
    deadlines.meet(case, DeadlineKind.FILING, case.filed_on)
    deadlines.open_deadline(case, DeadlineKind.INVESTIGATION, case.filed_on)
    deadlines.open_deadline(case, DeadlineKind.PENALTY_CAP, case.filed_on)
    return case


def require_handlers(case: Case) -> None:
    """Investigation steps need the case's two handling inspectors named first (条例 Art. 16)."""
    if not (case.handler_1_id and case.handler_2_id):
        raise ValidationError(
            _(
                "请先指定两名持证监察员为本案承办人（劳动保障监察条例第十六条：调查须由两名以上"
                "监察员进行）。"
            )
        )


@transaction.atomic
def assign_handlers(
    *,
    actor: User,
    case: Case,
    handler_1: Any,
    handler_2: Any,
    reason: str = "",
    request: Any = None,
) -> Case:
    """指定承办人: two distinct inspectors holding a valid 执法证 and a handler role where the case
    lives (条例 Art. 16; 协管员 do not count), named from acceptance on. A change of handlers
    needs a reason. Recorded as a case step (who, when, why) and audited."""
    case = locked(case)
    check_handler(actor, case)
    check_state(case, Action.ASSIGN)
    if handler_1 is None:
        raise ValidationError({"handler_1": _("请选择承办人一。")})
    if handler_2 is None:
        raise ValidationError({"handler_2": _("请选择承办人二。")})
    if handler_1.pk == handler_2.pk:
        raise ValidationError({"handler_2": _("两名承办人应为不同的监察员。")})
    eligible = {u.pk for u in certified_users_for(case)}
    for field, person in (("handler_1", handler_1), ("handler_2", handler_2)):
        if person.pk not in eligible:
            raise ValidationError(
                {
                    field: _(
                        "%(name)s 不能承办本案：承办人须持有效执法证，并在本案所在网格或上级网格"
                        "担任监察职务。"
                    )
                    % {"name": person.display_name}
                }
            )
    changing = bool(case.handler_1_id or case.handler_2_id)
    if changing and {handler_1.pk, handler_2.pk} == case.handler_ids:
        raise ValidationError({"handler_1": _("承办人没有变化。")})
    if changing:
        reason = require_reason(reason)
    case.handler_1, case.handler_2 = handler_1, handler_2
    case.handlers_assigned_on = _today()
    transition(
        case,
        Action.ASSIGN,
        actor=actor,
        reason=reason or f"{handler_1.display_name}、{handler_2.display_name}",
        detail={"handlers": [handler_1.pk, handler_2.pk]},
        request=request,
    )
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
    check_state(case, Action.COMPLETE_INVESTIGATION)
    _require_certified(actor)
    require_handlers(case)
    if not case.records.filter(
        kind__in=INVESTIGATION_RECORDS, inspector_1__isnull=False, inspector_2__isnull=False
    ).exists():
        raise ValidationError(
            _("调查终结前须有两名监察员共同制作的询问笔录、现场检查笔录或调查询问书。")
        )
    _require_preservation_decided(case)
    case.investigation_completed_on = _today()
    transition(case, Action.COMPLETE_INVESTIGATION, actor=actor, reason=reason, request=request)
    deadlines.meet(case, DeadlineKind.INVESTIGATION, case.investigation_completed_on)
    deadlines.open_deadline(case, DeadlineKind.DECISION, case.investigation_completed_on)
    return case


def _require_preservation_decided(case: Case) -> None:
    """Evidence registered and preserved needs its decision before the investigation ends or
    the case is transferred (行政处罚法 Art. 56, D7)."""
    pending = [r for r in case.records.all() if r.awaits_decision]
    if pending:
        raise ValidationError(
            _("先行登记保存的证据“%(title)s”尚未作出处理决定（行政处罚法第五十六条：七日内作出）。")
            % {"title": pending[0].title}
        )


@transaction.atomic
def notify_penalty(
    *,
    actor: User,
    case: Case,
    served_on: dt.date | None = None,
    service_method: str = "",
    service_proof: str = "",
    reason: str = "",
    request: Any = None,
) -> Case:
    """行政处罚事先告知 with the rights to 陈述申辩 and a hearing (行政处罚法 Art. 44–45, 63–64),
    recorded with its service (date, method, proof; Art. 61): the party's 5 working days to ask
    for a hearing (D8) run from the day the notice was served (for 公告送达, deemed served)."""
    case = locked(case)
    check_handler(actor, case)
    check_state(case, Action.NOTIFY_PENALTY)
    _require_certified(actor)
    served_on, proof = _check_service(
        case, served_on, service_method, service_proof, after=case.investigation_completed_on
    )
    transition(
        case,
        Action.NOTIFY_PENALTY,
        actor=actor,
        reason=reason,
        detail={"served_on": served_on.isoformat(), "method": service_method, "proof": proof},
        request=request,
    )
    deadlines.open_deadline(
        case, DeadlineKind.HEARING_REQUEST, effective_service_date(served_on, service_method)
    )
    return case


def _hearing_window(case: Case) -> Any:
    """The D8 window the prior notice opened (the newest not voided one), or ``None``."""
    from laborgrid.deadlines.models import Deadline

    return (
        Deadline.objects.for_object(case)
        .filter(kind=DeadlineKind.HEARING_REQUEST, voided=False)
        .order_by("-created_at", "-pk")
        .first()
    )


def _check_penalty_may_be_decided(case: Case) -> None:
    """A penalty only after the prior notice (行政处罚法 Art. 62: without it the penalty is void)
    and only once the party has had its say (Art. 44–45, 63–64): the 5-working-day window for
    陈述申辩 and a hearing request has lapsed (D8), or the party waived in writing, or its
    statement was heard and answered, or the hearing it asked for was held."""
    if case.state != "penalty_notice":
        raise ValidationError(
            {"decision_kind": _("作出行政处罚决定前须先进行处罚事先告知（行政处罚法第六十二条）。")}
        )
    if case.defence in (DefenceKind.WAIVED, DefenceKind.STATEMENT, DefenceKind.HEARING):
        return
    if case.defence == DefenceKind.HEARING_REQUESTED:
        raise ValidationError(
            {
                "decision_kind": _(
                    "当事人已申请听证：举行听证并记录听证意见后方可作出行政处罚决定"
                    "（行政处罚法第六十三条、第六十五条）。"
                )
            }
        )
    window = _hearing_window(case)
    if window is not None and window.provisional:
        # The lapse date is provisional (暂定): the year's holiday notice may move it later.
        raise ValidationError(
            {
                "decision_kind": _(
                    "陈述申辩和听证申请期限暂定（%(years)s 年节假日安排尚未录入），届满日可能推后："
                    "请待管理员录入后再作出决定，或先记录当事人放弃、陈述申辩或听证的情况"
                    "（行政处罚法第四十四条、第六十四条）。"
                )
                % {"years": "、".join(str(y) for y in window.missing_years)}
            }
        )
    if window is None or window.due is None:
        raise ValidationError(
            {
                "decision_kind": _(
                    "陈述申辩和听证申请期限无法计算：请先记录当事人放弃、陈述申辩或听证的情况"
                    "（行政处罚法第四十四条、第六十四条）。"
                )
            }
        )
    if _today() <= window.due:
        raise ValidationError(
            {
                "decision_kind": _(
                    "当事人陈述申辩和申请听证的期限至 %(due)s 届满，%(from)s 起方可作出行政处罚"
                    "决定；当事人书面放弃或已陈述申辩、举行听证的，请先记录"
                    "（行政处罚法第四十四条、第四十五条、第六十四条）。"
                )
                % {"due": window.due.isoformat(), "from": (window.due + ONE_DAY).isoformat()}
            }
        )


@transaction.atomic
def record_defence(
    *,
    actor: User,
    case: Case,
    defence: str,
    on: dt.date | None,
    outcome: str = "",
    hearing_on: dt.date | None = None,
    reason: str = "",
    request: Any = None,
) -> Case:
    """What the party did after the prior notice (行政处罚法 Art. 44–45, 63–65), recorded by a
    certified inspector: a written waiver; its 陈述申辩 with the bureau's answer (采纳情况,
    Art. 45); a hearing request within 5 working days (Art. 64(1), D8) with the hearing date
    notified at least 7 days ahead (Art. 64(2), D9); or the hearing held, with its outcome."""
    case = locked(case)
    check_handler(actor, case)
    check_state(case, Action.RECORD_DEFENCE)
    if defence not in DefenceKind.values:
        raise ValidationError({"defence": _("请选择当事人陈述申辩或听证的情况。")})
    if on is None:
        raise ValidationError({"defence_on": _("请填写日期。")})
    _require_certified(actor)
    today = _today()
    window = _hearing_window(case)
    if on > today or (window is not None and on < window.start):
        raise ValidationError({"defence_on": _("日期应在处罚事先告知之后且不晚于今天。")})
    outcome = outcome.strip()
    if defence in (DefenceKind.STATEMENT, DefenceKind.HEARING) and not outcome:
        raise ValidationError(
            {
                "defence_outcome": _(
                    "请记录当事人的陈述申辩或听证意见及是否采纳（行政处罚法第四十五条、第六十五条）。"
                )
            }
        )
    if defence == DefenceKind.HEARING_REQUESTED:
        # A provisional (暂定) lapse date never refuses the party's request.
        lapsed = window is not None and window.due is not None and not window.provisional
        if lapsed and on > window.due:
            raise ValidationError(
                {
                    "defence_on": _(
                        "听证申请应在告知后五个工作日内提出，期限已于 %(due)s 届满"
                        "（行政处罚法第六十四条）。"
                    )
                    % {"due": window.due.isoformat()}
                }
            )
        if hearing_on is None:
            raise ValidationError({"hearing_on": _("请填写听证举行日期。")})
        earliest = deadlines.compute(today, HEARING_NOTICE_DAYS, DayType.WORKING).due
        if earliest is not None and hearing_on < earliest:
            raise ValidationError(
                {
                    "hearing_on": _(
                        "听证通知应在举行听证的七个工作日前送达，听证最早可定于 %(day)s"
                        "（行政处罚法第六十四条、第八十五条）。"
                    )
                    % {"day": earliest.isoformat()}
                }
            )
        case.hearing_on = hearing_on
    case.defence = defence
    case.defence_on = on
    case.defence_outcome = outcome[:5000]
    transition(
        case,
        Action.RECORD_DEFENCE,
        actor=actor,
        reason=reason or outcome[:2000],
        detail={"defence": defence, "on": on.isoformat()},
        request=request,
    )
    deadlines.meet(case, DeadlineKind.HEARING_REQUEST, on)
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
    if decision_kind == DecisionKind.PENALTY:
        _check_penalty_may_be_decided(case)
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
    check_state(case, Action.TRANSFER)
    _require_preservation_decided(case)
    return _end(
        case, Action.TRANSFER, ClosureKind.TRANSFERRED, actor=actor, reason=reason, request=request
    )


def _check_service(
    case: Case, served_on: dt.date | None, method: str, proof: str, *, after: dt.date | None
) -> tuple[dt.date, str]:
    """送达 is recorded with its date (not in the future, not before the document), its method
    and its proof (行政处罚法 Art. 61; 民事诉讼法 on service). Returns the date and the proof."""
    errors: dict[str, str] = {}
    if served_on is None:
        errors["served_on"] = _("请填写送达日期（行政处罚法第六十一条）。")
    elif served_on > _today() or (after is not None and served_on < after):
        errors["served_on"] = _("送达日期应在文书作出之后且不晚于今天。")
    if method not in ServiceMethod.values:
        errors["service_method"] = _(
            "请选择送达方式：直接、留置、邮寄、公告或电子送达（行政处罚法第六十一条）。"
        )
    proof = proof.strip()
    if not proof:
        errors["service_proof"] = _(
            "请填写送达凭证：送达回证、留置见证、邮件查询号、公告载体或电子送达记录。"
        )
    if errors or served_on is None:
        raise ValidationError(errors)
    return served_on, proof[:200]


def effective_service_date(served_on: dt.date, method: str) -> dt.date:
    """The day service takes effect, from which the party's periods run: the recorded date, or
    for 公告送达 the end of the publication period (D19; a local rule, so a setting:
    ``LABORGRID_PUBLIC_NOTICE_SERVICE_DAYS``, 60 by 青岛 Art. 33)."""
    if method == ServiceMethod.PUBLIC_NOTICE:
        days = int(getattr(settings, "LABORGRID_PUBLIC_NOTICE_SERVICE_DAYS", 60))
        return served_on + dt.timedelta(days=days)
    return served_on


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later, or the month's last day if it has none (民法典
    Art. 202)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def period_end(last_day: dt.date) -> dt.date:
    """A period whose last day is a holiday ends on the next working day (民法典 Art. 203). A
    year without calendar data leaves the day as it is."""
    from laborgrid.workdays import services as workdays

    day = last_day
    for _step in range(40):
        if workdays.is_workday(day) is not False:
            return day
        day += ONE_DAY
    return last_day


def remedy_windows(effective: dt.date) -> tuple[dt.date, dt.date]:
    """The last days of the party's 行政复议 window (60 days, 行政复议法 Art. 20, D13) and 行政诉讼
    window (6 months, 行政诉讼法 Art. 46, D14), counted from effective service."""
    review = period_end(effective + dt.timedelta(days=REVIEW_DAYS))
    suit = period_end(add_months(effective, SUIT_MONTHS))
    return review, suit


@transaction.atomic
def serve_case(
    *,
    actor: User,
    case: Case,
    served_on: dt.date | None = None,
    service_method: str = "",
    service_proof: str = "",
    reason: str = "",
    request: Any = None,
) -> Case:
    """送达 of the decision (行政处罚法 Art. 61, D6), with date, method and proof. The periods that
    run from service start from the recorded date (for 公告送达, when it is deemed served): the
    fine is due 15 days later (Art. 67, D11); for a penalty or handling decision, the party's
    review (D13) and suit (D14) windows, after which the bureau has 3 months to apply to the
    court for enforcement (行政强制法 Art. 53, D15)."""
    case = locked(case)
    check_handler(actor, case)
    check_state(case, Action.SERVE)
    served_on, proof = _check_service(
        case, served_on, service_method, service_proof, after=case.decided_on
    )
    case.served_on = served_on
    case.service_method = service_method
    case.service_proof = proof
    transition(
        case,
        Action.SERVE,
        actor=actor,
        reason=reason,
        detail={"on": served_on.isoformat(), "method": service_method},
        request=request,
    )
    deadlines.meet(case, DeadlineKind.SERVICE, served_on)
    effective = effective_service_date(served_on, service_method)
    if case.decision_kind == DecisionKind.PENALTY and case.penalty_amount:
        deadlines.open_deadline(case, DeadlineKind.FINE_PAYMENT, effective)
    if case.decision_kind in (DecisionKind.PENALTY, DecisionKind.HANDLING_DECISION):
        review, suit = remedy_windows(effective)
        lapse = max(review, suit)
        last = add_months(lapse, ENFORCEMENT_MONTHS)
        deadlines.open_deadline(
            case,
            DeadlineKind.ENFORCEMENT_APPLICATION,
            lapse,
            days=(last - lapse).days,
            basis=_(
                "行政强制法第五十三条：复议期限至 %(review)s、诉讼期限至 %(suit)s 届满后三个月内"
            )
            % {"review": review.isoformat(), "suit": suit.isoformat()},
        )
    return case


def _enforcement_window(case: Case) -> Any:
    return case.deadlines.pending().filter(kind=DeadlineKind.ENFORCEMENT_APPLICATION).first()


@transaction.atomic
def serve_demand(
    *,
    actor: User,
    case: Case,
    served_on: dt.date | None = None,
    service_method: str = "",
    service_proof: str = "",
    reason: str = "",
    request: Any = None,
) -> Case:
    """催告书: before applying to the court the bureau serves a written demand to perform
    (行政强制法 Art. 54, 35); the application may be made 10 days after its service (D15)."""
    case = locked(case)
    check_handler(actor, case)
    check_state(case, Action.DEMAND)
    _require_certified(actor)
    if _enforcement_window(case) is None:
        raise ValidationError(
            _(
                "本案决定不是可申请法院强制执行的行政处罚或行政处理决定；拒不改正的，"
                "依劳动保障监察条例第三十条处理。"
            )
        )
    served_on, proof = _check_service(
        case, served_on, service_method, service_proof, after=case.served_on
    )
    case.demand_served_on = effective_service_date(served_on, service_method)
    transition(
        case,
        Action.DEMAND,
        actor=actor,
        reason=reason or proof,
        detail={"on": served_on.isoformat(), "method": service_method, "proof": proof},
        request=request,
    )
    return case


@transaction.atomic
def enforce_case(*, actor: User, case: Case, reason: str = "", request: Any = None) -> Case:
    """Apply to the court for enforcement (行政强制法 Art. 53–54, D15): only after the party let
    the review and suit windows lapse (D13, D14), only 10 days after a 催告书 was served, and
    within 3 months of the lapse."""
    case = locked(case)
    check_handler(actor, case)
    check_state(case, Action.ENFORCE)
    _require_certified(actor)
    window = _enforcement_window(case)
    today = _today()
    if window is None:
        raise ValidationError(
            _(
                "本案决定不是可申请法院强制执行的行政处罚或行政处理决定（或申请期限已不再计算）"
                "（行政强制法第五十三条）。"
            )
        )
    if today <= window.start:
        raise ValidationError(
            _(
                "当事人申请行政复议和提起行政诉讼的期限至 %(lapse)s 届满，%(from)s 起方可申请"
                "法院强制执行（行政强制法第五十三条；行政复议法第二十条；行政诉讼法第四十六条）。"
            )
            % {"lapse": window.start.isoformat(), "from": (window.start + ONE_DAY).isoformat()}
        )
    if window.due is not None and today > window.due:
        raise ValidationError(
            _("申请法院强制执行的三个月期限已于 %(due)s 届满（行政强制法第五十三条）。")
            % {"due": window.due.isoformat()}
        )
    if case.demand_served_on is None:
        raise ValidationError(_("申请法院强制执行前须先送达催告书（行政强制法第五十四条）。"))
    possible = case.demand_served_on + dt.timedelta(days=DEMAND_DAYS + 1)
    if today < possible:
        raise ValidationError(
            _(
                "催告书送达后满十日当事人仍未履行的方可申请，%(from)s 起方可申请法院强制执行"
                "（行政强制法第五十四条）。"
            )
            % {"from": possible.isoformat()}
        )
    transition(case, Action.ENFORCE, actor=actor, reason=reason, request=request)
    deadlines.meet(case, DeadlineKind.ENFORCEMENT_APPLICATION, today)
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
