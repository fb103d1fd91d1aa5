from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class YearStatus(models.TextChoices):
    OPEN = "open", _("申报中")
    CLOSED = "closed", _("已结束")


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审查")
    RETURNED = "returned", _("退回补正")
    PASSED = "passed", _("审查合格")
    FAILED = "failed", _("审查不合格")


#: Steps a submission may take, from which states.
REVIEWABLE = (SubmissionState.SUBMITTED,)
EDITABLE = (SubmissionState.DRAFT, SubmissionState.RETURNED)
FILED = (
    SubmissionState.SUBMITTED,
    SubmissionState.RETURNED,
    SubmissionState.PASSED,
    SubmissionState.FAILED,
)


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申报")
    PAPER = "paper", _("纸质材料代录")


class AttachmentKind(models.TextChoices):
    ROSTER = "roster", _("职工名册")
    PAYROLL = "payroll", _("12月工资发放表")
    INSURANCE = "insurance", _("社会保险缴费证明")
    CONTRACTS = "contracts", _("劳动合同样本")
    HOURS_APPROVAL = "hours_approval", _("特殊工时审批决定")
    OTHER = "other", _("其他材料")


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    PASS = "pass", _("审查合格")
    RETURN = "return", _("退回补正")
    FAIL = "fail", _("审查不合格")
    SAMPLE = "sample", _("抽查")
    EXCLUDE = "exclude", _("移出申报名单")
    REMIND = "remind", _("催报")
    ORDER = "order", _("下达责令改正指令书")


class ReminderKind(models.TextChoices):
    """The scheduled reminders of a year (each sent once per employer: ``ReviewReminder``)."""

    OPENED = "opened", _("申报开始")
    DUE_SOON = "due_soon", _("即将截止")
    LATE = "late", _("逾期未报")
