"""Permission-matrix entries for the minimum-wage table."""

from __future__ import annotations

from datetime import date

from laborgrid.grids.models import Grid
from laborgrid.testing.matrix import Spec
from laborgrid.testing.personas import MACHANG, MAOCHANG


def _machang_wage() -> int:
    return _wage(MACHANG)


def _maochang_wage() -> int:
    return _wage(MAOCHANG)


def _wage(code: str) -> int:
    from laborgrid.employers.models import MinimumWage

    area = Grid.objects.get(code=code)
    row, _ = MinimumWage.objects.get_or_create(
        area=area,
        effective_from=date(2024, 1, 1),
        defaults={"monthly": 1700, "area_path": area.path},
    )
    return row.pk


SPECS: dict[str, Spec] = {
    "employers:minimum_wage_list": Spec(methods=("get", "post"), writes=True),
    "employers:minimum_wage_edit": Spec(
        other={"pk": _machang_wage},
        own={"pk": _maochang_wage},
        methods=("get", "post"),
        writes=True,
    ),
}
API_SPECS: dict[tuple[str, str], Spec] = {}
