"""What every case service shares: the transition guard, who may work a case, the audit trail.

``transition`` is the one code path that writes ``CaseTransition`` rows (checked by
``tests/test_transitions.py``); demo seeding bulk-inserts the demo's past through
``seed_transitions`` beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Cap, Role
from laborgrid.audit.services import record
from laborgrid.cases import clock
from laborgrid.cases.audit_actions import CaseAction
from laborgrid.cases.choices import TRANSITIONS, Action, CaseState
from laborgrid.cases.models import Case, CaseTransition, InspectorCertificate
from laborgrid.core.paths import path_codes
from laborgrid.core.scope import check_write

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: The audit action written for every case step (the step itself is in the event's detail).
AUDIT_CASE_ACTION = CaseAction.CASE_ACTION

#: Roles that may take procedure decisions on a case (accept, file, decide...). Assistants (协管员)
#: collect and report (DOMAIN A1): they register cases and add records but take no decision.
HANDLER_ROLES = frozenset({Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER, Role.GRID_OFFICER})


class TransitionRefused(ValidationError):
    """An action that the case's state does not allow (the API answers 409)."""


def is_certified(user: Any, on: Any = None) -> bool:
    """Does ``user`` hold a valid 劳动保障监察证 today (条例 Art. 16; A1)?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    on = on or clock.today()
    return any(
        c.is_valid(on)
        for c in InspectorCertificate.objects.filter(user=user, revoked_at__isnull=True)
    )


def certified_users_for(case: Case) -> list[Any]:
    """Certified inspectors who hold a handler role on the case's grid or above it."""
    from laborgrid.accounts.models import User

    today = clock.today()
    codes = path_codes(case.grid_path)
    ids = (
        GridAssignment.objects.current(today)
        .filter(grid__code__in=codes, role__in=HANDLER_ROLES)
        .values("user_id")
    )
    valid = InspectorCertificate.objects.filter(
        revoked_at__isnull=True, issued_on__lte=today, valid_to__gte=today
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=ids, is_active=True).filter(pk__in=valid).order_by("username")
    )


def is_handler(user: Any, case: Case) -> bool:
    """Holds a handler role on a grid at or above the case's grid."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        GridAssignment.objects.current()
        .filter(user=user, grid__code__in=path_codes(case.grid_path), role__in=HANDLER_ROLES)
        .exists()
    )


def check_handler(actor: User, case: Case) -> None:
    """``work.write`` where the case lives (leaders: 403) and a handler role (assistants: 403)."""
    check_write(actor, Cap.WORK_WRITE, case.grid_path)
    if not is_handler(actor, case):
        raise PermissionDenied(_("协管员不能作出案件处理决定。"))


def allowed_actions(case: Case) -> list[str]:
    """The actions the state machine allows from the case's state (buttons, API help)."""
    return [a for a, (sources, _to) in TRANSITIONS.items() if case.state in sources]


#: Steps the system records that are not actions of ``TRANSITIONS`` (no button, no guard):
#: registration (the case is created in its first state; the step has no "from") and supervision
#: by the level above (挂牌督办: the state does not change). The caller has saved the case.
SYSTEM_STEPS = frozenset({Action.REGISTER, Action.ESCALATE})


def check_state(case: Case, action: str) -> None:
    """Refuse ``action`` if the transition table does not allow it from the case's state (a
    service calls it before checking its parameters; ``transition`` checks again)."""
    sources, _target = TRANSITIONS[action]
    if case.state not in sources:
        raise TransitionRefused(
            _("当前状态“%(state)s”下不能执行“%(action)s”。")
            % {"state": CaseState(case.state).label, "action": Action(action).label}
        )


def transition(
    case: Case,
    action: str,
    *,
    actor: User | None,
    reason: str = "",
    approver: Any = None,
    detail: dict[str, Any] | None = None,
    request: Any = None,
) -> CaseTransition:
    """Move ``case`` by ``action`` if the table allows it, and record who, when, why (the
    ``CaseTransition`` row and the audit event, in the caller's transaction).

    The caller holds the case row locked (``select_for_update``) inside its transaction. A system
    step (``SYSTEM_STEPS``) is recorded without the guard and without saving the case.
    """
    if action in SYSTEM_STEPS:
        before = "" if action == Action.REGISTER else case.state
    else:
        check_state(case, action)
        target = TRANSITIONS[action][1]
        before = case.state
        if target is not None:
            case.state = target
        case.version += 1
        case.save()
    step = CaseTransition.objects.create(
        case=case,
        action=action,
        from_state=before,
        to_state=case.state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        approver=approver,
        reason=reason,
        detail=detail or {},
    )
    record(
        AUDIT_CASE_ACTION,
        actor=actor,
        request=request,
        obj=case,
        detail={"action": action, "from": before, "to": case.state},
    )
    return step


def seed_transitions(rows: Iterable[Mapping[str, Any]], *, batch_size: int = 1000) -> int:
    """Demo seeding only: bulk-insert the steps of the demo's invented past (each row the fields
    of a ``CaseTransition``), not audited — no one took them. Live code calls ``transition``."""
    steps = [CaseTransition(**row) for row in rows]
    CaseTransition.objects.bulk_create(steps, batch_size=batch_size)
    return len(steps)


def require_reason(reason: str | None, *, field: str = "reason") -> str:
    text = (reason or "").strip()
    if len(text) < 2:
        raise ValidationError({field: _("请填写理由。")})
    if len(text) > 2000:
        raise ValidationError({field: _("理由不能超过 2000 个字符。")})
    return text


def locked(case: Case) -> Case:
    """The case row again, locked for the rest of the transaction."""
    return Case.objects.select_for_update().get(pk=case.pk)
