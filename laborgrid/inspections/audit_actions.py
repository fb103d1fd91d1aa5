"""This app's audit actions: patrol plans, campaigns, on-site visits.

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions, register_detail_choices


@register_actions
class InspectionAudit(models.TextChoices):
    CYCLE_SAVED = "insp_cycle_saved", _("设置巡查周期")
    PLAN_CREATED = "insp_plan_created", _("编制巡视检查计划")
    PLAN_TARGETS_ADDED = "insp_plan_targets_added", _("巡查计划添加对象")
    PLAN_TARGET_REMOVED = "insp_plan_target_removed", _("巡查计划移除对象")
    CAMPAIGN_CREATED = "insp_campaign_created", _("发起专项检查")
    CAMPAIGN_TARGETS_ADDED = "insp_campaign_targets_added", _("专项检查添加对象")
    CAMPAIGN_CLOSED = "insp_campaign_closed", _("结束专项检查")
    VISIT_RECORDED = "insp_visit_recorded", _("记录现场检查")
    VISIT_PHOTO_ADDED = "insp_visit_photo_added", _("添加现场照片")
    VISIT_CONCLUDED = "insp_visit_concluded", _("确认现场检查并出具笔录")


register_detail_choices("inspections.visit", "signature", "inspections.Visit", "signature")
