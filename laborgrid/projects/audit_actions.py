"""This app's audit actions (codes; read as names on the log page)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class ProjectAction(models.TextChoices):
    PROJECT_REGISTERED = "project_registered", _("登记在建工程项目")
    PROJECTS_IMPORTED = "projects_imported", _("导入在建项目清单")
    PROJECT_UPDATED = "project_updated", _("修改在建工程项目")
    OBLIGATION_RECORDED = "project_obligation", _("登记项目义务落实情况")
    ROSTER_UPLOADED = "project_roster", _("上传实名制花名册")
    PAYSHEET_UPLOADED = "project_paysheet", _("上传工资支付表")
    ARREARS_SETTLED = "project_arrears_settled", _("登记欠薪清偿")
    SENT_TO_PATROL = "project_to_patrol", _("项目列入巡视检查计划")
    ORDER_ISSUED = "project_order", _("对项目义务下达责令改正")
