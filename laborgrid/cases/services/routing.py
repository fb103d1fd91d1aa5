"""Routing (就近投诉、就近处理; issue 6 §3): which squadron's queue a case lands in.

1. the named employer's grid when it is in the registry;
2. else the work location, point in polygon;
3. else the address text (work address, then the employer's address) naming a township/village;
4. else the county queue (``unassigned``), for a person to route.

Re-routing by the county is audited and keeps the clock (deadlines are not touched).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import STAFF_ROLES, Cap
from laborgrid.cases import clock
from laborgrid.cases.choices import OPEN_STATES, Action, CaseState
from laborgrid.cases.models import Case, Complainant
from laborgrid.cases.services.common import check_handler, locked, require_reason, transition
from laborgrid.core.paths import path_codes
from laborgrid.core.scope import check_write
from laborgrid.core.search import normalise
from laborgrid.employers.models import Employer
from laborgrid.grids.choices import GridLevel, LocateMethod
from laborgrid.grids.models import Grid
from laborgrid.lib.identifiers import InvalidIdentifier, validate_uscc

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

#: Possible duplicates are looked for among cases received within this many days (issue §3).
DUPLICATE_WINDOW_DAYS = 30
#: Facts at least this similar (difflib ratio) make a case a possible duplicate.
DUPLICATE_FACTS_RATIO = 0.5


@dataclass(frozen=True)
class Route:
    grid: Grid
    method: str
    note: str
    employer: Employer | None


def intake_root() -> Grid:
    """The grid public intake routes within: ``LABORGRID_INTAKE_GRID`` (a code), else the
    shallowest county-level grid."""
    code = getattr(settings, "LABORGRID_INTAKE_GRID", "")
    qs = Grid.objects.filter(is_active=True).defer("boundary")
    grid = qs.filter(code=code).first() if code else None
    grid = grid or qs.filter(level=GridLevel.COUNTY).order_by("depth", "code").first()
    if grid is None:
        raise ValidationError(_("尚未设置受理投诉的县级网格。"))
    return grid


def match_employer(root: Grid, *, code: str, name: str) -> Employer | None:
    """The registry record named: by USCC, else by exactly one current record of the same
    normalised name under ``root``."""
    qs = Employer.objects.current().filter(grid_path__under=root.path)
    if code:
        try:
            found = qs.filter(uscc=validate_uscc(code)).first()
        except InvalidIdentifier:
            found = None
        if found is not None:
            return found
    key = normalise(name or "")
    if key:
        rows = list(qs.filter(name_key=key)[:2])
        if len(rows) == 1:
            return rows[0]
    return None


def route(
    *,
    root: Grid,
    employer: Employer | None,
    lat: float | None,
    lng: float | None,
    work_address: str,
    employer_address: str,
) -> Route:
    from laborgrid.grids.locate import locate

    if employer is not None:
        return Route(employer.grid, "employer", _("按名录中用人单位所属网格分派"), employer)
    located = locate(root=root, lat=lat, lng=lng, address=work_address)
    if located.method == LocateMethod.UNASSIGNED and employer_address:
        located = locate(root=root, lat=None, lng=None, address=employer_address)
    return Route(located.grid, located.method, located.detail[:200], None)


def responsible_staff(grid: Grid, *, exact: bool = False) -> list[Any]:
    """The grid's responsible staff (责任到人); a village or park case also reaches the township
    squadron above it. ``exact``: only the grid itself."""
    from laborgrid.accounts.models import User

    codes = [grid.code]
    if not exact:
        codes = [
            g.code
            for g in Grid.objects.filter(code__in=path_codes(grid.path)).only("code", "level")
            if g.level != GridLevel.COUNTY or g.code == grid.code
        ]
    ids = GridAssignment.objects.current().filter(grid__code__in=codes, role__in=STAFF_ROLES)
    return list(User.objects.filter(pk__in=ids.values("user_id"), is_active=True))


def notify_staff(grid: Grid, *, title: str, url: str, body: str = "", exact: bool = False) -> int:
    from laborgrid.notifications.services import notify

    return notify(responsible_staff(grid, exact=exact), title=title, body=body, url=url)


def find_duplicates(case: Case, *, limit: int = 10) -> list[tuple[Case, str]]:
    """Open cases about the same employer with similar facts, received in the last 30 days."""
    since = case.received_on - dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    qs = (
        Case.objects.filter(state__in=OPEN_STATES, received_on__gte=since)
        .exclude(pk=case.pk)
        .select_related("grid")
        .defer("grid__boundary")
    )
    if case.employer_id:
        qs = qs.filter(employer_id=case.employer_id)
    else:
        qs = qs.filter(employer_name=case.employer_name)
    found: list[tuple[Case, str]] = []
    for other in qs.order_by("-received_at")[:50]:
        ratio = difflib.SequenceMatcher(None, case.facts[:500], other.facts[:500]).ratio()
        same_category = other.category == case.category
        if ratio >= DUPLICATE_FACTS_RATIO or same_category:
            found.append(
                (
                    other,
                    _("同一用人单位，事项相同") if same_category else _("同一用人单位，事实相近"),
                )
            )
        if len(found) >= limit:
            break
    return found


@transaction.atomic
def reroute_case(*, actor: User, case: Case, grid: Grid, reason: str, request: Any = None) -> Case:
    """The county (or whoever may write in both grids) sends a case to another grid. The clock
    keeps running: deadlines are not recomputed (issue §3)."""
    reason = require_reason(reason)
    case = locked(case)
    check_handler(actor, case)
    check_write(actor, Cap.WORK_WRITE, grid.path)
    if not grid.is_active:
        raise ValidationError({"grid": _("该网格已停用。")})
    # Only someone above both grids re-routes: a township does not push cases sideways.
    if not any(
        case.grid_path.startswith(p) and grid.path.startswith(p) and p != case.grid_path
        for p in _write_paths(actor)
    ):
        raise PermissionDenied(_("只有上级网格可以改派案件。"))
    before = case.grid
    case.grid = grid
    case.grid_path = grid.path
    from laborgrid.deadlines.services import move

    move(case, grid)  # the deadlines follow the case to its new grid's board; the clock runs on
    case.route_method = LocateMethod.MANUAL
    case.route_note = reason[:200]
    transition(
        case,
        Action.REROUTE,
        actor=actor,
        reason=reason,
        detail={"from_grid": before.code, "to_grid": grid.code},
        request=request,
    )
    _notify_new_case(case)
    return case


def _write_paths(actor: User) -> tuple[str, ...]:
    from laborgrid.core.scope import get_scope

    return get_scope(actor).paths(Cap.WORK_WRITE)


@transaction.atomic
def merge_cases(
    *, actor: User, source: Case, target: Case, reason: str, request: Any = None
) -> Case:
    """Merge a duplicate into the case that goes on (并案): its complainants and evidence move
    over, so one case for one employer carries all complainants (issue §3)."""
    reason = require_reason(reason)
    if source.pk == target.pk:
        raise ValidationError(_("不能与自身并案。"))
    source, target = locked(source), locked(target)
    check_handler(actor, source)
    check_handler(actor, target)
    if target.state not in OPEN_STATES:
        raise ValidationError(_("只能并入正在办理的案件。"))
    if (source.employer_id or target.employer_id) and source.employer_id != target.employer_id:
        raise ValidationError(_("只能合并同一用人单位的案件。"))
    moved = list(source.complainants.values_list("pk", flat=True))
    Complainant.objects.filter(pk__in=moved).update(case=target)
    source.records.update(case=target)
    target.workers_affected += source.workers_affected
    target.version += 1
    target.save(update_fields=["workers_affected", "version", "updated_at"])
    source.merged_into = target
    from laborgrid.cases.services import deadlines

    deadlines.void(source)
    transition(
        source,
        Action.MERGE,
        actor=actor,
        reason=reason,
        detail={"into": target.pk, "complainants": moved},
        request=request,
    )
    return target


def _notify_new_case(case: Case) -> None:
    notify_staff(
        case.grid,
        title=_("新案件 %(ref)s：%(employer)s")
        % {"ref": case.reference, "employer": case.employer_name},
        body=_("已分派至%(grid)s，请按期处理。") % {"grid": case.grid.name},
        url=case.get_absolute_url(),
    )


def on_registered(case: Case) -> None:
    """After registration: tell the responsible staff (in the same transaction: a rolled-back
    registration leaves no notification behind)."""
    _notify_new_case(case)


def today() -> dt.date:
    return clock.today()


__all__ = [
    "CaseState",
    "Route",
    "find_duplicates",
    "intake_root",
    "match_employer",
    "merge_cases",
    "notify_staff",
    "reroute_case",
    "responsible_staff",
    "route",
]
