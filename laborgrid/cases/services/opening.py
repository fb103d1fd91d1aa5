"""立案 on a registry employer from a finding of the bureau's own (B1.4: a case may be opened
from any source: patrol, written review, special campaign…). Used by apps that follow up their
findings with a case (``laborgrid.rectifications``: an order to correct that was not complied
with). Registration, acceptance and filing are the existing steps (``transition``,
``accept_case``, ``file_case``); the case is placed on the employer's grid, not routed by text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.cases import clock
from laborgrid.cases.choices import Action, CaseKind, Category, Channel
from laborgrid.cases.models import Case
from laborgrid.cases.services.common import check_handler, transition
from laborgrid.cases.services.procedure import accept_case, file_case
from laborgrid.cases.services.routing import on_registered
from laborgrid.core.scope import check_write

if TYPE_CHECKING:
    from laborgrid.accounts.models import User
    from laborgrid.employers.models import Employer


@transaction.atomic
def open_case_for_employer(
    *,
    actor: User,
    employer: Employer,
    category: str,
    facts: str,
    reason: str = "",
    request: Any = None,
) -> Case:
    """Register, accept and file (立案) a case of kind "inspection finding" on ``employer``, on the
    employer's grid, today. The actor holds a handler role there (assistants and leaders: 403)."""
    check_write(actor, Cap.WORK_WRITE, employer.grid_path)
    if category not in Category.values:
        raise ValidationError({"category": _("请选择违法事项。")})
    facts = (facts or "").strip()
    if len(facts) < 2:
        raise ValidationError({"facts": _("请填写事实与理由。")})
    case = Case(
        kind=CaseKind.INSPECTION,
        channel=Channel.INSPECTION,
        employer=employer,
        employer_name=employer.name,
        employer_code=employer.uscc or "",
        employer_address=(employer.address or "")[:200],
        employer_contact=employer.legal_rep or "",
        grid=employer.grid,
        grid_path=employer.grid_path,
        route_method="employer",
        route_note=_("按名录中用人单位所属网格分派"),
        category=category,
        facts=facts[:5000],
        received_on=clock.today(),
        registered_by=actor,
    )
    check_handler(actor, case)
    case.save()
    transition(
        case,
        Action.REGISTER,
        actor=actor,
        detail={"channel": case.channel, "route": case.route_method},
        request=request,
    )
    on_registered(case)
    case = accept_case(actor=actor, case=case, reason=reason, request=request)
    return file_case(actor=actor, case=case, reason=reason, request=request)
