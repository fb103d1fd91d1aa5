"""Inspection vocabularies (issue 16): statuses are TextChoices, never bare strings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    ACTIVE = "active", _("执行中")
    CLOSED = "closed", _("已结束")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已结束")


class TargetSource(models.TextChoices):
    RULE = "rule", _("按条件选取")
    MANUAL = "manual", _("人工添加")


class VisitStatus(models.TextChoices):
    """A visit is recorded on the spot (assistants may record), then concluded by one of its two
    certified inspectors, who confirms the findings and issues the 现场检查笔录 (DOMAIN A1)."""

    RECORDED = "recorded", _("待监察员确认")
    CONCLUDED = "concluded", _("已完成")


class VisitOutcome(models.TextChoices):
    INSPECTED = "inspected", _("已检查")
    NOT_FOUND = "not_found", _("单位未找到")
    CLOSED = "closed", _("已停业或注销")
    OBSTRUCTED = "obstructed", _("拒绝、阻挠检查")


class FindingResult(models.TextChoices):
    COMPLIANT = "compliant", _("符合")
    VIOLATION = "violation", _("存在问题")
    NOT_APPLICABLE = "na", _("不适用")
    NOT_CHECKED = "unchecked", _("未检查")


class Signature(models.TextChoices):
    """The employer's representative on the 笔录 (浙江 Art. 25: a refusal is noted with its reason)."""

    SIGNED = "signed", _("已签名")
    REFUSED = "refused", _("拒绝签名")
    ABSENT = "absent", _("负责人不在场")
