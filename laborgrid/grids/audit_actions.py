"""This app's audit actions: Changes to the grid tree and its boundaries.

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class GridAction(models.TextChoices):
    GRID_CREATED = "grid_created", _("新建网格")
    GRID_UPDATED = "grid_updated", _("修改网格")
    GRID_MOVED = "grid_moved", _("移动网格")
    GRID_MERGED = "grid_merged", _("合并网格")
    GRIDS_IMPORTED = "grids_imported", _("导入区划")
    BOUNDARIES_IMPORTED = "boundaries_imported", _("导入边界")
