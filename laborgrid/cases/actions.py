"""One dispatch table from an action name to its service, shared by the case page and
``POST /api/v1/cases/{id}/actions/{action}``: the same parameters, the same checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from laborgrid.cases import services
from laborgrid.cases.choices import Action
from laborgrid.cases.models import Case

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: action → the parameters it reads besides ``reason`` (for the forms and the API docs).
PARAMS: dict[str, tuple[str, ...]] = {
    Action.ACCEPT: (),
    Action.REFUSE: ("ground",),
    Action.REQUEST_CORRECTION: (),
    Action.RECEIVE_CORRECTION: (),
    Action.REDIRECT: ("redirect_kind",),
    Action.FILE: ("filed_on",),
    Action.EXTEND: ("approver",),
    Action.SUSPEND: ("approver",),
    Action.RESUME: (),
    Action.COMPLETE_INVESTIGATION: (),
    Action.NOTIFY_PENALTY: ("served_on", "service_method", "service_proof"),
    Action.RECORD_DEFENCE: ("defence", "defence_on", "defence_outcome", "hearing_on"),
    Action.DECIDE: ("decision_kind", "summary", "penalty_amount", "rectification_due"),
    Action.WITHDRAW: (),
    Action.TRANSFER: (),
    Action.SERVE: ("served_on", "service_method", "service_proof"),
    Action.DEMAND: ("served_on", "service_method", "service_proof"),
    Action.ENFORCE: (),
    Action.CLOSE: ("closure_kind", "public_result"),
    Action.ARCHIVE: (),
    Action.ASSIGN: ("handler_1", "handler_2"),
    Action.LINK_EMPLOYER: ("employer",),
}


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: _("日期格式应为 YYYY-MM-DD。")}) from None


def _money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请输入有效金额。")}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError({field: _("请输入有效金额。")})
    return amount.quantize(Decimal("0.01"))


def _approver(value: Any, field: str = "approver") -> Any:
    from laborgrid.accounts.models import User

    if value in (None, ""):
        return None
    if isinstance(value, User):
        return value
    text = str(value)
    user = (
        User.objects.filter(pk=int(text)).first()
        if text.isdigit() and len(text) < 18
        else User.objects.filter(username=text).first()
    )
    if user is None:
        raise ValidationError(
            {field: _("批准人不存在。") if field == "approver" else _("该人员不存在。")}
        )
    return user


def _s(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key)
    return "" if value is None else str(value)[:5000]


def check_state(case: Case, action: str) -> None:
    """Refuse an action the state does not allow before looking at its parameters (the
    service checks again under the row lock)."""
    services.check_state(case, action)


def run(
    action: str, *, actor: User, case: Case, params: Mapping[str, Any], request: Any = None
) -> Case:
    """Take ``action`` on ``case``; unknown actions are a ``ValidationError``."""
    if action not in PARAMS:
        raise ValidationError({"action": _("未知的操作。")})
    check_state(case, action)
    reason = _s(params, "reason")
    kw: dict[str, Any] = {"actor": actor, "case": case, "request": request}
    simple: dict[str, Callable[..., Case]] = {
        Action.ACCEPT: services.accept_case,
        Action.REQUEST_CORRECTION: services.request_correction,
        Action.RECEIVE_CORRECTION: services.receive_correction,
        Action.RESUME: services.resume_case,
        Action.COMPLETE_INVESTIGATION: services.complete_investigation,
        Action.WITHDRAW: services.withdraw_case,
        Action.TRANSFER: services.transfer_case,
        Action.ENFORCE: services.enforce_case,
        Action.ARCHIVE: services.archive_case,
    }
    if action in simple:
        return simple[action](reason=reason, **kw)
    if action == Action.FILE:
        return services.file_case(
            filed_on=_date(params.get("filed_on"), "filed_on"), reason=reason, **kw
        )
    if action == Action.REFUSE:
        return services.refuse_case(ground=_s(params, "ground"), reason=reason, **kw)
    if action == Action.REDIRECT:
        return services.redirect_case(
            redirect_kind=_s(params, "redirect_kind"), reason=reason, **kw
        )
    if action == Action.EXTEND:
        return services.extend_case(approver=_approver(params.get("approver")), reason=reason, **kw)
    if action == Action.SUSPEND:
        return services.suspend_case(
            approver=_approver(params.get("approver")), reason=reason, **kw
        )
    if action == Action.DECIDE:
        return services.decide_case(
            decision_kind=_s(params, "decision_kind"),
            summary=_s(params, "summary") or reason,
            penalty_amount=_money(params.get("penalty_amount"), "penalty_amount"),
            rectification_due=_date(params.get("rectification_due"), "rectification_due"),
            **kw,
        )
    if action in (Action.NOTIFY_PENALTY, Action.SERVE, Action.DEMAND):
        serves: dict[str, Callable[..., Case]] = {
            Action.NOTIFY_PENALTY: services.notify_penalty,
            Action.SERVE: services.serve_case,
            Action.DEMAND: services.serve_demand,
        }
        serve = serves[action]
        return serve(
            served_on=_date(params.get("served_on"), "served_on"),
            service_method=_s(params, "service_method"),
            service_proof=_s(params, "service_proof"),
            reason=reason,
            **kw,
        )
    if action == Action.RECORD_DEFENCE:
        return services.record_defence(
            defence=_s(params, "defence"),
            on=_date(params.get("defence_on"), "defence_on"),
            outcome=_s(params, "defence_outcome"),
            hearing_on=_date(params.get("hearing_on"), "hearing_on"),
            reason=reason,
            **kw,
        )
    if action == Action.ASSIGN:
        return services.assign_handlers(
            handler_1=_approver(params.get("handler_1"), "handler_1"),
            handler_2=_approver(params.get("handler_2"), "handler_2"),
            reason=reason,
            **kw,
        )
    if action == Action.LINK_EMPLOYER:
        from laborgrid.cases.services.registry import employer_from_param

        return services.link_employer(
            employer=employer_from_param(params.get("employer")), reason=reason, **kw
        )
    if action == Action.CLOSE:
        return services.close_case(
            closure_kind=_s(params, "closure_kind"),
            public_result=_s(params, "public_result"),
            reason=reason,
            **kw,
        )
    raise ValidationError({"action": _("未知的操作。")})
