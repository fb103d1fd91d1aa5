"""Staff in post against the model plan's norm (DOMAIN A1: "1 + 2 / 2").

Each 二级 grid (township squadron) has 1 full-time officer (专职工作人员) and 2 assistant
inspectors (协管员); each 三级 grid (village or park workroom) has 2 assistants. The county brigade
(一级) has no norm in the plan. Who is in post is read from the grid's own current assignments
(``GridAssignment``: a role held on that grid on the day); a squadron leader does not count as the
full-time officer, and a person counts once per role and grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from laborgrid.accounts.models import GridAssignment
from laborgrid.accounts.roles import Role
from laborgrid.grids.choices import GridLevel
from laborgrid.grids.models import Grid

#: Grid level → (role, people required), per the model plan.
STAFF_NORMS: dict[str, tuple[tuple[str, int], ...]] = {
    GridLevel.TOWNSHIP: ((Role.GRID_OFFICER, 1), (Role.ASSISTANT, 2)),
    GridLevel.VILLAGE: ((Role.ASSISTANT, 2),),
    GridLevel.PARK: ((Role.ASSISTANT, 2),),
}


@dataclass
class StaffLine:
    role: str
    required: int
    people: list[Any] = field(default_factory=list)

    @property
    def in_post(self) -> int:
        return len(self.people)

    @property
    def met(self) -> bool:
        return self.in_post >= self.required

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class Staffing:
    grid: Grid
    lines: list[StaffLine]

    @property
    def applies(self) -> bool:
        return bool(self.lines)

    @property
    def met(self) -> bool:
        return all(line.met for line in self.lines)


def staffing(grids: list[Grid], on: date) -> dict[int, Staffing]:
    """Staff in post on ``on`` for each grid (one query for all of them)."""
    result = {
        g.pk: Staffing(g, [StaffLine(role, n) for role, n in STAFF_NORMS.get(g.level, ())])
        for g in grids
    }
    roles = {role for lines in STAFF_NORMS.values() for role, _n in lines}
    rows = (
        GridAssignment.objects.current(on)
        .filter(grid__in=[g.pk for g in grids if g.level in STAFF_NORMS], role__in=roles)
        .select_related("user")
        .order_by("grid_id", "role", "user__username")
    )
    for a in rows:
        for line in result[a.grid_id].lines:
            if line.role == a.role and a.user not in line.people and a.user.is_active:
                line.people.append(a.user)
    return result
