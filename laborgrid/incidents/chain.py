"""The alert chain of an incident (DOMAIN A1, B1.9): the township squadron (中队长 and the
full-time officers of the grids above the incident's grid, up to the township), the county
brigade (监察员 of the county) and the bureau leaders (领导), as the level configures.

Read from the grid tree and the current ``GridAssignment`` rows: whoever holds the role on one
of the incident grid's ancestors (the grid itself included) today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.accounts.roles import Role
from laborgrid.core.paths import path_codes

SQUADRON_ROLES = (Role.SQUADRON_LEADER, Role.GRID_OFFICER)
BRIGADE_ROLES = (Role.COUNTY_INSPECTOR,)
BUREAU_ROLES = (Role.LEADER,)


@dataclass
class Chain:
    squadron: list[Any] = field(default_factory=list)
    brigade: list[Any] = field(default_factory=list)
    bureau: list[Any] = field(default_factory=list)

    def everyone(self) -> list[Any]:
        seen: dict[int, Any] = {}
        for user in (*self.squadron, *self.brigade, *self.bureau):
            seen.setdefault(user.pk, user)
        return list(seen.values())


def chain_for(grid_path: str, *, brigade: bool = True, bureau: bool = True) -> Chain:
    """Who is alerted for an incident on the grid at ``grid_path`` (one query)."""
    codes = path_codes(grid_path)
    roles = list(SQUADRON_ROLES)
    if brigade:
        roles += BRIGADE_ROLES
    if bureau:
        roles += BUREAU_ROLES
    rows = (
        GridAssignment.objects.current()
        .filter(grid__code__in=codes, grid__is_active=True, role__in=roles)
        .select_related("user", "grid")
        .order_by("grid__depth", "user__username")
    )
    chain = Chain()
    seen: set[tuple[str, int]] = set()
    for a in rows:
        user: User = a.user
        if not user.is_active:
            continue
        if a.role in SQUADRON_ROLES and a.grid.level != "county":
            bucket, name = chain.squadron, "squadron"
        elif a.role in SQUADRON_ROLES or a.role in BRIGADE_ROLES:
            bucket, name = chain.brigade, "brigade"
        else:
            bucket, name = chain.bureau, "bureau"
        if (name, user.pk) not in seen:
            seen.add((name, user.pk))
            bucket.append(user)
    return chain
