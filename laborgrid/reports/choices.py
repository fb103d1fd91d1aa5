"""Vocabulary of the statistical returns (报表上报)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月报")
    QUARTER = "quarter", _("季报")
    YEAR = "year", _("年报")


class ReturnStatus(models.TextChoices):
    """A township's return is drafted, adjusted and signed (中队长); the county's is consolidated
    from its townships' and locked, which locks the whole period."""

    DRAFT = "draft", _("草稿")
    SIGNED = "signed", _("已签报")
    CONSOLIDATED = "consolidated", _("已汇总")
    LOCKED = "locked", _("已锁定")


class PartSource(models.TextChoices):
    """Where a consolidated return's row came from."""

    SIGNED = "signed", _("下级已签报")
    DRAFT = "draft", _("下级未签报，按系统生成数")
    RECORDS = "records", _("系统生成")
    DIRECT = "direct", _("直属本级")


class ReturnAction(models.TextChoices):
    """What ``POST /api/v1/returns`` and the page's forms may ask for."""

    DRAFT = "draft", _("起草")
    ADJUST = "adjust", _("调整")
    SIGN = "sign", _("签报")
    CONSOLIDATE = "consolidate", _("汇总")
    LOCK = "lock", _("锁定")
    CORRECT = "correct", _("登记更正")
