"""This app's audit actions: Registry changes that are security-relevant: merges, splits, roster imports, minimum wages.

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class EmployerAction(models.TextChoices):
    EMPLOYER_MERGED = "employer_merged", _("合并用人单位")
    EMPLOYER_UNMERGED = "employer_unmerged", _("撤销合并用人单位")
    EMPLOYER_SPLIT = "employer_split", _("拆分用人单位")
    ROSTER_IMPORTED = "roster_imported", _("导入职工名册")
    MINIMUM_WAGE_CHANGED = "minimum_wage_changed", _("修改最低工资标准")
