"""A hand-built corner of 猫场镇 for the coverage tests: a custom grid with two child grids and
one employer of every kind, each built through the real services, with the figures the coverage
must report for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from laborgrid.accounts.models import User
from laborgrid.employers import services as employer_services
from laborgrid.employers.models import Employer, EmployerSource
from laborgrid.grids import services as grid_services
from laborgrid.grids.models import Grid
from laborgrid.testing.employers import make_employer, make_snapshot
from laborgrid.testing.personas import MAOCHANG

PARENT = "T102COV"
CHILD_A = "T102COVA"
CHILD_B = "T102COVB"
EMPTY = "T102COVC"  # a child grid without employers


@dataclass
class World:
    parent: Grid
    a: Grid
    b: Grid
    empty: Grid
    today: date
    #: employers by name, and the measures each one counts in (see ``build``)
    employers: dict[str, Employer] = field(default_factory=dict)
    kinds: dict[str, set[str]] = field(default_factory=dict)

    def ids(self, measure: str, grid: Grid | None = None) -> set[int]:
        """The employers ``measure`` counts, in ``grid``'s subtree (default: the whole world)."""
        path = (grid or self.parent).path
        return {
            e.pk
            for name, e in self.employers.items()
            if measure in self.kinds[name] and e.grid_path.startswith(path)
        }


def _register(employer: Employer, source: str, status: str = "") -> None:
    """As a register import leaves it: the employer listed in ``source`` with the lifecycle value
    its status words map to (``registered_status`` holds an ``EmployerStatus`` value)."""
    employer_services.set_sources(employer, [source])
    if status:
        EmployerSource.objects.filter(employer=employer, source=source).update(
            registered_status=status
        )


def build() -> World:
    county = User.objects.get(username="county")
    maochang = Grid.objects.get(code=MAOCHANG)
    parent = grid_services.create_grid(
        actor=county, parent=maochang, code=PARENT, name="覆盖测试片区", level="custom"
    )
    a = grid_services.create_grid(
        actor=county, parent=parent, code=CHILD_A, name="覆盖测试甲组", level="custom"
    )
    b = grid_services.create_grid(
        actor=county, parent=parent, code=CHILD_B, name="覆盖测试乙组", level="custom"
    )
    empty = grid_services.create_grid(
        actor=county, parent=parent, code=EMPTY, name="覆盖测试丙组", level="custom"
    )
    today = timezone.localdate()
    world = World(parent=parent, a=a, b=b, empty=empty, today=today)

    def add(name: str, grid: Grid, kinds: set[str], **data: Any) -> Employer:
        employer = make_employer(grid.code, name=f"覆盖测试{name}有限公司", **data)
        world.employers[name] = employer
        world.kinds[name] = {"total", *kinds}
        return employer

    def collect(employer: Employer, days_ago: int) -> None:
        make_snapshot(employer, collected_on=today - timedelta(days=days_ago))

    # 甲组 -----------------------------------------------------------------------------------
    e = add("市场监管新采", a, {"registered", "scjg", "collected", "fresh"})
    _register(e, "scjg", "operating")
    collect(e, 10)
    e = add("民政教育超期", a, {"registered", "mz", "jy", "collected", "stale"})
    _register(e, "mz")
    _register(e, "jy")
    collect(e, 200)
    e = add("质监未采", a, {"registered", "zj", "never"})
    _register(e, "zj")
    e = add("未登记在营", a, {"collected", "fresh", "unregistered_operating"})
    collect(e, 30)
    e = add(
        "注销仍经营",
        a,
        {"registered", "scjg", "collected", "fresh", "deregistered_operating"},
    )
    _register(e, "scjg", "deregistered")
    collect(e, 5)
    # Exactly 183 days old is still current; 184 is stale (STALE_AFTER_DAYS = 183).
    e = add("一百八十三天", a, {"collected", "fresh", "unregistered_operating"})
    collect(e, 183)
    # 乙组 -----------------------------------------------------------------------------------
    e = add("一百八十四天", b, {"collected", "stale", "unregistered_operating"})
    collect(e, 184)
    # Revoked in the register and deregistered in our records: not "found operating".
    e = add("吊销已注销", b, {"registered", "scjg", "collected", "fresh"}, status="deregistered")
    _register(e, "scjg", "revoked")
    collect(e, 20)
    # Revoked in the register, operating in our records, but never visited: not "found".
    e = add("吊销未采", b, {"registered", "scjg", "never"})
    _register(e, "scjg", "revoked")
    # Found by grid staff only, suspended: in no register, but not operating.
    e = add("网格发现停业", b, {"collected", "fresh"}, status="suspended")
    employer_services.set_sources(e, ["field"])
    collect(e, 40)
    # A duplicate record merged into another: not counted anywhere.
    dup = make_employer(b.code, name="覆盖测试重复记录有限公司")
    employer_services.merge_employers(
        actor=User.objects.get(username="county"),
        source=dup,
        target=world.employers["网格发现停业"],
        reason="测试：同一单位重复登记",
    )
    # 片区 itself (not a child grid) --------------------------------------------------------
    e = add("片区直属", parent, {"registered", "mz", "never"})
    _register(e, "mz", "operating")
    for name, employer in world.employers.items():
        employer.refresh_from_db()
        world.employers[name] = employer
    return world
