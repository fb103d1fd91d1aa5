"""Collection vocabularies (issue 5): statuses are TextChoices, never bare strings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    """What a collection round is for (the plan's 动态管理 cycle, DOMAIN A3)."""

    CENSUS = "census", _("年度普查")
    REFRESH = "refresh", _("半年更新")
    NEW_EMPLOYERS = "new_employers", _("新增单位走访")
    TARGETED = "targeted", _("指定名单")


class RoundStatus(models.TextChoices):
    GENERATING = "generating", _("正在生成任务")
    OPEN = "open", _("进行中")
    FAILED = "failed", _("生成失败")
    CLOSED = "closed", _("已结束")


class Priority(models.IntegerChoices):
    """Order of visits: never-collected employers first, then stale ones (coverage measures)."""

    NEVER = 0, _("从未采集")
    STALE = 1, _("超过6个月未采集")
    FRESH = 2, _("信息较新")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待采集")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    DONE = "done", _("已完成")


class Outcome(models.TextChoices):
    """What the visit found. Only ``collected`` carries labour-use facts (a snapshot)."""

    COLLECTED = "collected", _("已采集")
    NOT_FOUND = "not_found", _("未找到单位")
    CLOSED = "closed", _("单位已关闭")
    MOVED = "moved", _("单位已迁移")
    REFUSED = "refused", _("单位拒绝配合")


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class PhotoKind(models.TextChoices):
    LICENCE = "licence", _("营业执照")
    RIGHTS_BOARD = "rights_board", _("维权信息告示牌")
    ROSTER = "roster", _("职工名册页")
