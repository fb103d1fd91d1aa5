"""The written review's audit actions (codes; read as names on the log page)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions


@register_actions
class ReviewAudit(models.TextChoices):
    YEAR_OPENED = "review_year_opened", _("发布年度书面审查")
    YEAR_CLOSED = "review_year_closed", _("结束年度书面审查")
    DRAFT_SAVED = "review_draft_saved", _("保存书面审查申报")
    ATTACHMENT_ADDED = "review_attachment_added", _("上传书面审查材料")
    ATTACHMENT_REMOVED = "review_attachment_removed", _("删除书面审查材料")
    STEP = "review_step", _("书面审查操作")
    REMINDERS_SENT = "review_reminders_sent", _("发送书面审查提醒")
