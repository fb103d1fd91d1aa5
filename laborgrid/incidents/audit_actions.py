"""This app's audit actions: mass incidents, their handling and early warnings.

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
Details hold codes only (status, kind of log entry, level code), read in the reader's language.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions, register_detail_choices


@register_actions
class IncidentAction(models.TextChoices):
    REPORTED = "incident_reported", _("报告群体性事件")
    LEVEL_RAISED = "incident_level_raised", _("群体性事件升级")
    UPDATE_ADDED = "incident_update_added", _("记录事件处置情况")
    PHOTO_ADDED = "incident_photo_added", _("添加事件照片")
    SETTLED = "incident_settled", _("事件平息")
    CLOSED = "incident_closed", _("事件办结")
    CASE_LINKED = "incident_case_linked", _("事件关联案件")
    REPORT_OVERDUE = "incident_report_overdue", _("事件报告超时督办")
    REPORT_PRINTED = "incident_report_printed", _("生成事件处置报告")
    LEVEL_CONFIGURED = "incident_level_configured", _("修改事件等级设置")
    RULE_CONFIGURED = "incident_rule_configured", _("修改预警规则设置")
    WARNING_RAISED = "incident_warning_raised", _("产生欠薪预警")
    WARNING_ACKNOWLEDGED = "incident_warning_acknowledged", _("知悉欠薪预警")
    WARNING_RESOLVED = "incident_warning_resolved", _("解除欠薪预警")


register_detail_choices("incidents.incident", "status", "incidents.Incident", "status")
register_detail_choices("incidents.incident", "kind", "incidents.IncidentUpdate", "kind")
register_detail_choices("incidents.earlywarning", "status", "incidents.EarlyWarning", "status")
