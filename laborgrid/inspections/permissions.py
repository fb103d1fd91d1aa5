"""Who may do what in inspections, and the single-object gates (404 for missing and forbidden
alike, ARCHITECTURE §3 rule 2).

Reading follows the scope engine (``work.read`` on the grid path), as for cases. Duties beyond
``work.write`` come from the person's current roles on the path (as in collection):

* **plan patrols** — the township's squadron leader (中队长) or the county brigade (监察员);
* **set a campaign, the visiting cycle** — the county brigade (监察员) on the grid;
* **record a visit** — anyone with ``work.write`` on the employer's grid (协管员 included: they
  accompany and record, DOMAIN A1);
* **conclude a visit** (confirm findings, issue the 笔录) — one of its two named inspectors,
  holding a valid certificate (条例 Art. 16).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from laborgrid.accounts.roles import Cap, Role
from laborgrid.cases.services.common import is_certified
from laborgrid.collection.permissions import holds, role_paths
from laborgrid.core.scope import check_write
from laborgrid.inspections.models import Campaign, PatrolPlan, Visit, VisitPhoto

PLAN_ROLES = (Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER)
COUNTY_ROLES = (Role.COUNTY_INSPECTOR,)


def can_plan(user: Any, path: str) -> bool:
    return holds(user, PLAN_ROLES, path)


def can_set_campaign(user: Any, path: str) -> bool:
    return holds(user, COUNTY_ROLES, path)


def plan_paths(user: Any) -> tuple[str, ...]:
    return role_paths(user, PLAN_ROLES)


def campaign_paths(user: Any) -> tuple[str, ...]:
    return role_paths(user, COUNTY_ROLES)


def can_conclude(user: Any, visit: Visit) -> bool:
    return (
        user.pk in (visit.inspector_1_id, visit.inspector_2_id)
        and is_certified(user)
        and holds(
            user, (Role.COUNTY_INSPECTOR, Role.SQUADRON_LEADER, Role.GRID_OFFICER), visit.grid_path
        )
    )


def access_plan(user: Any, pk: int, capability: str = Cap.WORK_READ) -> PatrolPlan:
    plan = (
        PatrolPlan.objects.visible_to(user)
        .select_related("grid", "created_by")
        .defer("grid__boundary")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, plan.grid_path)
    return plan


def access_campaign(user: Any, pk: int, capability: str = Cap.WORK_READ) -> Campaign:
    """A campaign is visible to whoever may read its grid or a grid under it (a county campaign
    reaches into every township: its squadrons see it)."""
    from laborgrid.core.scope import get_scope

    campaign = (
        Campaign.objects.select_related("grid", "created_by")
        .defer("grid__boundary")
        .filter(pk=pk)
        .first()
    )
    if campaign is None or not reaches(user, campaign.grid_path, get_scope(user)):
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, campaign.grid_path)
    return campaign


def reaches(user: Any, path: str, scope: Any) -> bool:
    paths = scope.paths(Cap.WORK_READ) if scope else ()
    return any(path.startswith(p) or p.startswith(path) for p in paths)


def access_visit(user: Any, pk: int, capability: str = Cap.WORK_READ) -> Visit:
    visit = (
        Visit.objects.visible_to(user)
        .select_related(
            "employer",
            "grid",
            "campaign",
            "inspector_1",
            "inspector_2",
            "recorded_by",
            "concluded_by",
        )
        .defer("grid__boundary")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, visit.grid_path)
    return visit


def access_photo(user: Any, pk: int) -> VisitPhoto:
    photo = (
        VisitPhoto.objects.filter(pk=pk, visit__in=Visit.objects.visible_to(user).values("pk"))
        .select_related("visit")
        .first()
    )
    if photo is None:
        raise Http404
    return photo
