"""Grid tree changes: create, move (re-homes the subtree in one transaction), merge."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laborgrid.accounts.models import GridAssignment, User
from laborgrid.grids import services
from laborgrid.grids.models import Grid
from laborgrid.testing.personas import MACHANG, MAOCHANG, MAOCHANG_VILLAGE

pytestmark = pytest.mark.django_db


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_create_child_sets_path_and_depth() -> None:
    parent = Grid.objects.get(code=MAOCHANG)
    grid = services.create_grid(
        actor=_user("maochang"),
        parent=parent,
        code="520521102W01",
        name="猫场工业集中区工作室",
        level="custom",
    )
    assert grid.path == f"520521/{MAOCHANG}/520521102W01/"
    assert grid.depth == 2


@pytest.mark.parametrize(
    ("code", "level", "message"),
    [
        ("520521102", "village", "已存在"),
        ("bad code", "village", "编码只能包含"),
        ("X1", "county", "层级顺序错误"),
    ],
)
def test_create_refuses_bad_input(code: str, level: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.create_grid(
            actor=_user("county"),
            parent=Grid.objects.get(code=MAOCHANG),
            code=code,
            name="x",
            level=level,
        )


def test_squadron_cannot_create_in_other_township() -> None:
    with pytest.raises(PermissionDenied):
        services.create_grid(
            actor=_user("maochang"),
            parent=Grid.objects.get(code=MACHANG),
            code="X1",
            name="x",
            level="village",
        )


def test_move_rehomes_the_whole_subtree() -> None:
    township = Grid.objects.get(code=MAOCHANG)
    services.create_grid(
        actor=None,
        parent=Grid.objects.get(code=MAOCHANG_VILLAGE),
        code="W1",
        name="组",
        level="custom",
    )
    # Re-home 猫场镇 under a new custom grid "片区" directly below the county.
    area = services.create_grid(
        actor=_user("county"),
        parent=Grid.objects.get(code="520521"),
        code="A1",
        name="北部片区",
        level="custom",
    )
    services.move_grid(actor=_user("county"), grid=township, new_parent=area)
    deep = Grid.objects.get(code="W1")
    assert deep.path == f"520521/A1/{MAOCHANG}/{MAOCHANG_VILLAGE}/W1/"
    assert deep.depth == 4
    assert (
        Grid.objects.filter(path__under=f"520521/A1/{MAOCHANG}/").count() == 13
    )  # township + 11 villages + W1
    # the squadron still sees exactly its own subtree
    assert set(Grid.objects.visible_to(_user("maochang")).values_list("code", flat=True)) >= {
        MAOCHANG,
        "W1",
    }


def test_move_refuses_cycles_and_level_inversions() -> None:
    township = Grid.objects.get(code=MAOCHANG)
    with pytest.raises(ValidationError, match="下级"):
        services.move_grid(
            actor=_user("county"), grid=township, new_parent=Grid.objects.get(code=MAOCHANG_VILLAGE)
        )
    with pytest.raises(ValidationError, match="层级顺序"):
        services.move_grid(
            actor=_user("county"), grid=township, new_parent=Grid.objects.get(code=MACHANG)
        )


def test_merge_moves_children_and_staff_and_keeps_the_source() -> None:
    source = Grid.objects.get(code=MAOCHANG_VILLAGE)
    target = Grid.objects.get(code="520521102003")
    child = services.create_grid(actor=None, parent=source, code="W2", name="组", level="custom")
    staff_before = GridAssignment.objects.filter(grid=source).count()
    assert staff_before
    services.merge_grid(actor=_user("maochang"), source=source, target=target)
    source.refresh_from_db()
    assert not source.is_active and source.merged_into == target
    assert GridAssignment.objects.filter(grid=source).count() == 0
    assert GridAssignment.objects.filter(grid=target).count() >= staff_before
    child.refresh_from_db()
    assert child.parent_id == target.code and child.path == target.path + "W2/"


def test_merge_refuses_different_levels() -> None:
    with pytest.raises(ValidationError, match="同一层级"):
        services.merge_grid(
            actor=_user("county"),
            source=Grid.objects.get(code=MAOCHANG_VILLAGE),
            target=Grid.objects.get(code=MAOCHANG),
        )
