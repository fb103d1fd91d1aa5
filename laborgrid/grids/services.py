"""Every change to the grid tree goes through these functions.

Invariants kept here (and checked by ``Grid.clean`` where they concern one row): a code is unique
and made of letters, digits, ``-`` and ``_``; a child's level ranks below its parent's; ``path`` and
``depth`` always follow the parent chain; a move or merge re-homes the whole subtree — and every row
that carries a denormalised ``grid_path`` — in one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core.paths import CODE_CHARS, PathField, join_path
from laborgrid.core.scope import get_scope
from laborgrid.grids.audit_actions import GridAction
from laborgrid.grids.choices import LEVEL_RANK, level_order_error
from laborgrid.grids.models import Grid

if TYPE_CHECKING:
    from laborgrid.accounts.models import User


def code_error(code: str) -> str | None:
    if not code:
        return _("编码为空")
    if len(code) > 32:
        return _("编码超过 32 个字符")
    if not set(code) <= CODE_CHARS:
        return _("编码只能包含字母、数字、“-”和“_”")
    return None


def rank_of(grid: Grid | None) -> int:
    """Effective rank of a grid: its level's rank, or its nearest ranked ancestor's (custom)."""
    if grid is None:
        return 0
    if grid.level in LEVEL_RANK:
        return LEVEL_RANK[grid.level]
    ranked = [
        LEVEL_RANK[g.level]
        for g in Grid.objects.filter(code__in=grid.ancestor_codes()).only("level")
        if g.level in LEVEL_RANK
    ]
    return max(ranked, default=0)


def _require_manage(actor: User | None, path: str) -> None:
    if actor is not None and not get_scope(actor).allows(Cap.GRID_MANAGE, path):
        raise PermissionDenied


def grid_path_models() -> list[type[models.Model]]:
    """Models that hang off a grid with a denormalised ``grid_path`` (re-homed on move/merge)."""
    found = []
    for model in apps.get_models():
        try:
            f = model._meta.get_field("grid_path")
        except Exception:  # noqa: S112 - FieldDoesNotExist; most models have no grid_path
            continue
        if isinstance(f, PathField):
            found.append(model)
    return found


@transaction.atomic
def create_grid(
    *,
    actor: User | None,
    parent: Grid | None,
    code: str,
    name: str,
    level: str,
    note: str = "",
    placement_assumed: bool = False,
    request: HttpRequest | None = None,
) -> Grid:
    """Add a grid under ``parent`` (a root only for actors with no scope check, i.e. commands)."""
    code = code.strip()
    name = name.strip()
    errors: dict[str, str] = {}
    if err := code_error(code):
        errors["code"] = err
    elif Grid.objects.filter(code=code).exists():
        errors["code"] = _("编码 %(code)s 已存在") % {"code": code}
    if not name:
        errors["name"] = _("名称不能为空")
    if err := level_order_error(rank_of(parent), level):
        errors["level"] = err
    if errors:
        raise ValidationError(errors)
    if parent is None:
        if actor is not None:
            raise PermissionDenied
    else:
        _require_manage(actor, parent.path)
        if not parent.is_active:
            raise ValidationError(_("上级网格已停用"))
    grid = Grid(
        code=code,
        name=name,
        level=level,
        parent=parent,
        path=join_path(parent.path if parent else "", code),
        depth=(parent.depth + 1) if parent else 0,
        note=note,
        placement_assumed=placement_assumed,
    )
    grid.full_clean()
    grid.save()
    record(GridAction.GRID_CREATED, actor=actor, request=request, obj=grid)
    return grid


@transaction.atomic
def update_grid(
    *, actor: User | None, grid: Grid, request: HttpRequest | None = None, **fields: Any
) -> Grid:
    """Rename or annotate a grid. Code, parent and level change only through move/merge."""
    _require_manage(actor, grid.path)
    allowed = {"name", "note", "placement_assumed"}
    if set(fields) - allowed:
        raise ValueError(f"cannot update {set(fields) - allowed}")
    changes = {}
    for key, value in fields.items():
        if key == "name":
            value = value.strip()
            if not value:
                raise ValidationError({"name": _("名称不能为空")})
        if getattr(grid, key) != value:
            changes[key] = [str(getattr(grid, key)), str(value)]
            setattr(grid, key, value)
    if changes:
        grid.save(update_fields=[*fields, "updated_at"])
        record(GridAction.GRID_UPDATED, actor=actor, request=request, obj=grid, detail=changes)
    return grid


def _repath(old_prefix: str, new_prefix: str, depth_delta: int) -> int:
    """Rewrite every path under ``old_prefix`` (grids and grid_path rows) in set-based UPDATEs."""
    start = len(old_prefix) + 1
    moved = Grid.objects.filter(path__under=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", start)),
        depth=F("depth") + depth_delta,
        # Caches keyed on the grids' last change (laborgrid.grids.locate) must see a move.
        updated_at=timezone.now(),
    )
    for model in grid_path_models():
        model._default_manager.filter(grid_path__under=old_prefix).update(
            grid_path=Concat(Value(new_prefix), Substr("grid_path", start))
        )
    return moved


@transaction.atomic
def move_grid(
    *, actor: User | None, grid: Grid, new_parent: Grid, request: HttpRequest | None = None
) -> Grid:
    """Re-home ``grid`` and everything under it below ``new_parent`` in one transaction."""
    _require_manage(actor, grid.path)
    _require_manage(actor, new_parent.path)
    if new_parent.pk == grid.pk or new_parent.is_under(grid):
        raise ValidationError(_("不能把网格移到它自己或它的下级之下"))
    if grid.parent_id == new_parent.code:
        return grid
    if not new_parent.is_active:
        raise ValidationError(_("目标上级网格已停用"))
    if err := level_order_error(rank_of(new_parent), grid.level):
        raise ValidationError(err)
    old_path, old_parent = grid.path, grid.parent_id
    new_path = join_path(new_parent.path, grid.code)
    Grid.objects.filter(pk=grid.pk).update(parent=new_parent)
    count = _repath(old_path, new_path, new_parent.depth + 1 - grid.depth)
    grid.refresh_from_db()
    record(
        GridAction.GRID_MOVED,
        actor=actor,
        request=request,
        obj=grid,
        detail={"from": old_parent, "to": new_parent.code, "grids": count},
    )
    return grid


@transaction.atomic
def merge_grid(
    *, actor: User, source: Grid, target: Grid, request: HttpRequest | None = None
) -> Grid:
    """Merge ``source`` into ``target`` (e.g. two villages joined by a 撤并).

    The source's children move under the target, every row on the source (assignments, employers,
    cases… anything with a ``grid`` foreign key) moves to the target, and the source stays as an
    inactive record pointing to the target, so history still resolves.
    """
    _require_manage(actor, source.path)
    _require_manage(actor, target.path)
    if source.pk == target.pk:
        raise ValidationError(_("不能与自身合并"))
    if source.level != target.level:
        raise ValidationError(_("只能合并同一层级的网格"))
    if target.is_under(source) or source.is_under(target):
        raise ValidationError(_("不能与自己的上级或下级合并"))
    if not source.is_active or not target.is_active:
        raise ValidationError(_("网格已停用"))
    children = list(source.children.filter(is_active=True))
    for child in children:
        move_grid(actor=None, grid=child, new_parent=target, request=request)
    moved_rows: dict[str, int] = {}
    path_models = grid_path_models()
    for relation in Grid._meta.related_objects:
        model = cast(type[models.Model], relation.related_model)
        if model is Grid or not relation.one_to_many:
            continue
        fk = relation.field
        qs = model._default_manager.filter(**{fk.name: source})
        updates: dict[str, Any] = {fk.name: target}
        if model in path_models:
            updates["grid_path"] = target.path
        n = qs.update(**updates)
        if n:
            moved_rows[model._meta.label_lower] = n
    Grid.objects.filter(pk=source.pk).update(is_active=False, merged_into=target)
    source.refresh_from_db()
    record(
        GridAction.GRID_MERGED,
        actor=actor,
        request=request,
        obj=source,
        detail={"into": target.code, "children": [c.code for c in children], "rows": moved_rows},
    )
    return target


def subtree_count(grid: Grid) -> int:
    """Active grids below ``grid`` (the grid itself not counted)."""
    return Grid.objects.filter(path__under=grid.path, is_active=True).exclude(pk=grid.pk).count()
