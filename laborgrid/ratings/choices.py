"""Vocabulary of grading runs, grades, the major-violation publication (部令29号) and the
wage-arrears blacklist (部令45号), with their allowed steps (DOMAIN A5, B2, B3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    A = "A", _("A级（守法诚信）")
    B = "B", _("B级（基本守法诚信）")
    C = "C", _("C级（不诚信）")


class RunState(models.TextChoices):
    DRAFT = "draft", _("评价中")
    APPROVED = "approved", _("已审定")


class GradeState(models.TextChoices):
    DRAFT = "draft", _("待中队提出")
    PROPOSED = "proposed", _("中队已提出")
    APPROVED = "approved", _("县局已审定")


class ObjectionResult(models.TextChoices):
    UPHELD = "upheld", _("异议成立，调整等级")
    REJECTED = "rejected", _("异议不成立，维持等级")


class RuleOp(models.TextChoices):
    GE = ">=", _("大于或等于")
    GT = ">", _("大于")
    EQ = "==", _("等于")
    NE = "!=", _("不等于")
    IN = "in", _("属于")
    TRUE = "is_true", _("成立")


class PublicCategory(models.TextChoices):
    """The seven kinds of major violation that must be published (部令29号, 公布范围; B3.1)."""

    WAGES = "wages", _("克扣、无故拖欠劳动报酬数额较大，或拒不支付劳动报酬依法移送司法机关")
    SOCIAL_INSURANCE = "social_insurance", _("不依法参加社会保险或缴纳社会保险费，情节严重")
    HOURS = "hours", _("违反工作时间和休息休假规定，情节严重")
    SPECIAL_PROTECTION = "special_protection", _("违反女职工和未成年工特殊劳动保护规定，情节严重")
    CHILD_LABOUR = "child_labour", _("违反禁止使用童工规定")
    SOCIAL_IMPACT = "social_impact", _("因劳动保障违法行为造成严重不良社会影响")
    OTHER = "other", _("其他重大劳动保障违法行为")


class NoticeState(models.TextChoices):
    CANDIDATE = "candidate", _("待审核")
    APPROVED = "approved", _("审核通过待公布")
    DISMISSED = "dismissed", _("审核不予公布")
    PUBLISHED = "published", _("已公布")
    WITHDRAWN = "withdrawn", _("已撤回")


class ListingState(models.TextChoices):
    PROPOSED = "proposed", _("拟列入")
    NOTIFIED = "notified", _("已事先告知")
    LISTED = "listed", _("已决定列入")
    PUBLISHED = "published", _("已公布")
    DROPPED = "dropped", _("决定不予列入")
    REMOVED = "removed", _("已提前移出")
    EXPIRED = "expired", _("期满移出")


class ListingCondition(models.TextChoices):
    """部令45号 Art. 5: after an order to pay by a deadline, still unpaid, and one of these."""

    CRIMINAL_AMOUNT = "criminal_amount", _("拖欠数额达到拒不支付劳动报酬罪数额标准")
    INCIDENT = "incident", _("因拖欠工资引发群体性事件、极端事件造成严重不良社会影响")


class PersonRole(models.TextChoices):
    LEGAL_REP = "legal_rep", _("法定代表人或主要负责人")
    MANAGER = "manager", _("负有直接责任的有关人员")


#: Listing states in which the entry is on the public list.
PUBLIC_LISTING_STATES = frozenset({ListingState.PUBLISHED})
#: Listing states still in procedure or in force (one per employer at a time).
ACTIVE_LISTING_STATES = frozenset(
    {ListingState.PROPOSED, ListingState.NOTIFIED, ListingState.LISTED, ListingState.PUBLISHED}
)
