"""What a complainant sees by tracking code (issue 6 §1): status and result only — no staff
names, no grid, no other party's data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborgrid.cases.choices import Action, CaseKind, CaseState
from laborgrid.cases.models import Case


def public_status(case: Case) -> dict[str, Any]:
    """What the tracking page shows: status and result only — no staff names, no other party's
    data, no grid (issue §1)."""
    state = CaseState(case.state)
    if state == CaseState.MERGED and case.merged_into is not None:
        state = CaseState(case.merged_into.state)
    steps = [
        {"at": t.at, "label": _public_step(t.action)}
        for t in case.transitions.all()
        if _public_step(t.action)
    ]
    result = case.public_result
    if not result and state == CaseState.REDIRECTED:
        result = _(
            "您反映的事项属于劳动争议或不属于劳动保障监察范围，请向劳动人事争议仲裁委员会或有关部门申请处理。"
        )
    if not result and state == CaseState.REJECTED:
        result = _("经审查，您的投诉不符合受理条件，书面通知已寄送。")
    return {
        "kind": str(CaseKind(case.kind).label),
        "received_on": case.received_on,
        "status": str(state.label),
        "state": state.value,
        "steps": steps,
        "result": result,
    }


_PUBLIC_STEPS = {
    Action.REGISTER: gettext_lazy("已收到"),
    Action.ACCEPT: gettext_lazy("已受理"),
    Action.REFUSE: gettext_lazy("不予受理"),
    Action.REQUEST_CORRECTION: gettext_lazy("请补正材料"),
    Action.RECEIVE_CORRECTION: gettext_lazy("已收到补正材料"),
    Action.REDIRECT: gettext_lazy("已告知其他处理途径"),
    Action.FILE: gettext_lazy("已立案调查"),
    Action.EXTEND: gettext_lazy("调查期限已延长"),
    Action.SUSPEND: gettext_lazy("调查中止"),
    Action.RESUME: gettext_lazy("恢复调查"),
    Action.COMPLETE_INVESTIGATION: gettext_lazy("调查终结"),
    Action.DECIDE: gettext_lazy("已作出处理决定"),
    Action.SERVE: gettext_lazy("处理决定已送达"),
    Action.CLOSE: gettext_lazy("已办结"),
    Action.WITHDRAW: gettext_lazy("已办结"),
    Action.TRANSFER: gettext_lazy("已移送有关部门"),
    Action.MERGE: gettext_lazy("已与同类投诉合并办理"),
}


def _public_step(action: str) -> str:
    label = _PUBLIC_STEPS.get(action)  # type: ignore[call-overload]
    return str(label) if label else ""
