"""Statuses and the obligations of a construction project (保障农民工工资支付条例, chapter 4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("未开工")
    BUILDING = "building", _("在建")
    SUSPENDED = "suspended", _("停工")
    COMPLETED = "completed", _("已竣工")


#: Statuses in which the monthly obligations keep falling due.
ACTIVE_STATUSES = frozenset({ProjectStatus.BUILDING, ProjectStatus.SUSPENDED})


class Department(models.TextChoices):
    """The industry regulator whose project list the project came from (条例 Art. 38)."""

    HOUSING = "housing", _("住房和城乡建设")
    TRANSPORT = "transport", _("交通运输")
    WATER = "water", _("水利")
    OTHER = "other", _("其他")


class ObligationKind(models.TextChoices):
    """What every project must have (保障农民工工资支付条例). The article is the duty's own."""

    WAGE_ACCOUNT = "wage_account", _("农民工工资专用账户")
    WAGE_DEPOSIT = "wage_deposit", _("工资保证金")
    RIGHTS_BOARD = "rights_board", _("维权信息告示牌")
    REAL_NAME = "real_name", _("实名制管理（月度花名册）")
    LABOUR_COST = "labour_cost", _("建设单位按月拨付人工费用")
    PAY_SHEET = "pay_sheet", _("总包代发（月度工资支付表）")


#: Obligations that fall due once per project; the others once per month of works.
ONE_TIME = (ObligationKind.WAGE_ACCOUNT, ObligationKind.WAGE_DEPOSIT, ObligationKind.RIGHTS_BOARD)
MONTHLY = (ObligationKind.REAL_NAME, ObligationKind.LABOUR_COST, ObligationKind.PAY_SHEET)

ARTICLE: dict[str, str] = {
    ObligationKind.WAGE_ACCOUNT: "《保障农民工工资支付条例》第二十六条",
    ObligationKind.WAGE_DEPOSIT: "《保障农民工工资支付条例》第三十二条",
    ObligationKind.RIGHTS_BOARD: "《保障农民工工资支付条例》第三十四条",
    ObligationKind.REAL_NAME: "《保障农民工工资支付条例》第二十八条",
    ObligationKind.LABOUR_COST: "《保障农民工工资支付条例》第二十四条、第二十九条",
    ObligationKind.PAY_SHEET: "《保障农民工工资支付条例》第三十一条",
}

#: The ``cases.violations`` key an order cites when the obligation is not met.
VIOLATION: dict[str, str] = {
    ObligationKind.WAGE_ACCOUNT: "no_wage_account",
    ObligationKind.WAGE_DEPOSIT: "no_wage_deposit",
    ObligationKind.RIGHTS_BOARD: "no_rights_board",
    ObligationKind.REAL_NAME: "no_real_name",
    ObligationKind.LABOUR_COST: "labour_cost_unpaid",
    ObligationKind.PAY_SHEET: "no_pay_sheet",
}

#: Who holds the duty: the client (建设单位) funds labour cost; everything else is the general
#: contractor's (subcontractors' real-name and pay-sheet duties are enforced through it, Art. 30).
CLIENT_DUTIES = frozenset({ObligationKind.LABOUR_COST})


class ObligationState(models.TextChoices):
    PENDING = "pending", _("未到期")
    MET = "met", _("已落实")
    OVERDUE = "overdue", _("逾期未落实")


class ArrearsSource(models.TextChoices):
    PAY_SHEET = "pay_sheet", _("工资支付表核对")
    COMPLAINT = "complaint", _("投诉举报")
    INSPECTION = "inspection", _("检查发现")
