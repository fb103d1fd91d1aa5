"""The case's link to the employer registry (名录): proposals at intake and a link staff set or
change at any time (issue 15 item 3).

The registry decides what "the same employer" means (``employers.services.find_duplicates``: the
same USCC anywhere; the same normalised name, or a similar name with a similar address, in the
county); the case adds the same name core (the name without the county prefix and the legal
suffix) and the same legal representative. A link is a recorded, audited case step; the
registered name and USCC are what the bureau's documents print, and the employer's archive
timeline lists the case (``cases.timeline``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laborgrid.cases.choices import Action
from laborgrid.cases.models import Case
from laborgrid.cases.services.common import (
    check_handler,
    check_state,
    locked,
    require_reason,
    transition,
)
from laborgrid.core.search import normalise
from laborgrid.employers.models import Employer
from laborgrid.employers.names import name_core
from laborgrid.lib.identifiers import InvalidIdentifier, validate_uscc

if TYPE_CHECKING:
    from laborgrid.accounts.models import User


@dataclass(frozen=True)
class Proposal:
    employer: Employer
    reasons: tuple[str, ...]
    #: The same USCC: the same legal entity for certain.
    certain: bool


def propose_employers(case: Case, *, user: Any = None, limit: int = 5) -> list[Proposal]:
    """Registered employers the case's employer may be, best first: the same USCC, the same
    name (or a similar name at a similar address), the same name core, the same legal
    representative — within the case's county; only those ``user`` may see when given."""
    from laborgrid.employers.services import county_of, find_duplicates

    county = county_of(case.grid)
    try:
        uscc = validate_uscc(case.employer_code) if case.employer_code else None
    except InvalidIdentifier:
        uscc = None
    found: dict[int, tuple[Employer, list[str], bool]] = {}

    def add(employer: Employer, reason: str, certain: bool = False) -> None:
        employer = employer.merged_into or employer
        row = found.setdefault(employer.pk, (employer, [], False))
        if reason not in row[1]:
            row[1].append(reason)
        if certain and not row[2]:
            found[employer.pk] = (row[0], row[1], True)

    for dup in find_duplicates(
        uscc=uscc,
        org_code="",
        reg_number="",
        name=case.employer_name,
        address=case.employer_address or case.work_address,
        county=county,
        limit=limit * 2,
    ):
        add(dup.employer, dup.reason, dup.hard)
    in_county = Employer.objects.current().filter(grid_path__under=county.path)
    core = name_core(normalise(case.employer_name or ""))
    if len(core) >= 2:
        for employer in in_county.filter(name_core=core)[:limit]:
            add(employer, _("名称主体部分相同"))
    rep = (case.employer_contact or "").strip()
    if len(rep) >= 2:
        for employer in in_county.filter(legal_rep=rep)[:limit]:
            add(employer, _("法定代表人相同"))
    ids = list(found)
    if user is not None:
        ids = list(
            Employer.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
        )
    rows = [found[pk] for pk in ids if found[pk][0].pk != case.employer_id]
    # Certain first, then the number of agreeing signs, then the name.
    rows.sort(key=lambda r: (not r[2], -len(r[1]), r[0].name))
    return [Proposal(e, tuple(reasons), certain) for e, reasons, certain in rows[:limit]]


@transaction.atomic
def link_employer(
    *,
    actor: User,
    case: Case,
    employer: Employer | None,
    reason: str = "",
    request: Any = None,
) -> Case:
    """Link the case to the registered ``employer`` (``None``: remove the link). Handler roles
    where the case lives; the employer must be one the actor may see. Changing or removing an
    existing link needs a reason. Recorded as a case step and audited (before and after)."""
    case = locked(case)
    check_handler(actor, case)
    check_state(case, Action.LINK_EMPLOYER)
    if employer is not None:
        if not Employer.objects.visible_to(actor).filter(pk=employer.pk).exists():
            raise ValidationError({"employer": _("找不到该用人单位。")})
        if employer.merged_into_id:
            raise ValidationError({"employer": _("该单位已并入其他单位，请关联并入后的单位。")})
    before = case.employer_id
    after = employer.pk if employer is not None else None
    if before == after:
        raise ValidationError({"employer": _("本案已关联该单位。")})
    if before is not None:
        reason = require_reason(reason)
    case.employer = employer
    transition(
        case,
        Action.LINK_EMPLOYER,
        actor=actor,
        reason=reason or (employer.name if employer else ""),
        detail={"employer": after, "before": before},
        request=request,
    )
    return case


def employer_from_param(value: Any) -> Employer | None:
    """An employer named by id or USCC in a form or API body (``""``: none)."""
    if isinstance(value, Employer) or value is None:
        return value
    text = str(value).strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) < 18:
        found = Employer.objects.filter(pk=int(text)).first()
    else:
        try:
            found = Employer.objects.current().filter(uscc=validate_uscc(text)).first()
        except InvalidIdentifier:
            found = None
    if found is None:
        raise ValidationError({"employer": _("找不到该用人单位。")})
    return found
