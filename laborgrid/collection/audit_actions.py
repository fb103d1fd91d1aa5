"""This app's audit actions: Field collection rounds, tasks and reviews.

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class CollectionAudit(models.TextChoices):
    ROUND_OPENED = "collection_round_opened", _("发起采集轮次")
    ROUND_CLOSED = "collection_round_closed", _("结束采集轮次")
    TASK_REASSIGNED = "collection_task_reassigned", _("改派采集任务")
    FIELD_TASK_ADDED = "collection_field_task_added", _("新发现单位加入采集任务")
    SUBMITTED = "collection_submitted", _("提交采集信息")
    APPROVED = "collection_approved", _("审核通过采集信息")
    RETURNED = "collection_returned", _("退回采集信息")
