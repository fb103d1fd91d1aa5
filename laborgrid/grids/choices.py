"""Grid levels and the order they nest in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GridLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")
    PARK = "park", _("园区")
    CUSTOM = "custom", _("自定义网格")


# Administrative rank: a child's rank must be greater than its parent's. ``custom`` grids have no
# rank of their own: they may sit anywhere and take the rank of their nearest ranked ancestor.
LEVEL_RANK: dict[str, int] = {
    GridLevel.PROVINCE: 1,
    GridLevel.CITY: 2,
    GridLevel.COUNTY: 3,
    GridLevel.TOWNSHIP: 4,
    GridLevel.VILLAGE: 5,
    GridLevel.PARK: 5,
}


def level_order_error(parent_rank: int, child_level: str) -> str | None:
    """Why ``child_level`` cannot sit under a parent of effective rank ``parent_rank`` (or None)."""
    rank = LEVEL_RANK.get(child_level)
    if rank is None:  # custom
        return None
    if rank <= parent_rank:
        return str(_("层级顺序错误：%(child)s 不能位于同级或更低层级之下")) % {
            "child": GridLevel(child_level).label
        }
    return None


def effective_rank(level: str, parent_rank: int) -> int:
    return LEVEL_RANK.get(level, parent_rank)


class LocateMethod(models.TextChoices):
    """How a record (employer, complaint) was placed in its grid (``laborgrid.grids.locate``)."""

    LOCATION = "location", _("坐标定位")
    ADDRESS = "address", _("地址匹配")
    MANUAL = "manual", _("人工指定")
    UNASSIGNED = "unassigned", _("待分配")
