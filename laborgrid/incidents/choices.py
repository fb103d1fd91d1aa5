"""Incident vocabulary (DOMAIN B1.9): what the rapid report's checkboxes say is happening, the
handling log's kinds of entries, the departments that join, statuses of incidents and warnings.

Which of these acts raise which level is *configuration* (``IncidentLevel.trigger_acts``), not
code: grading thresholds are local (DOMAIN A5, B1.9).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Act(models.TextChoices):
    """What the people gathered are doing (the rapid report's checkboxes)."""

    BLOCKING_SITE = "blocking_site", _("围堵工地或单位大门")
    BLOCKING_ROADS = "blocking_roads", _("堵塞道路交通")
    GATHERING_GOVERNMENT = "gathering_government", _("聚集党政机关")
    EXTREME = "extreme", _("扬言或实施极端行为")
    VIOLENCE = "violence", _("肢体冲突或打砸")
    ONLINE = "online", _("网络发帖炒作")


#: Acts that are "extreme" for the grading facts (DOMAIN B2: 极端事件 → grade C; B3.2 listing).
EXTREME_ACTS = frozenset({Act.EXTREME, Act.VIOLENCE})


class IncidentStatus(models.TextChoices):
    ACTIVE = "active", _("处置中")
    SETTLED = "settled", _("已平息")
    CLOSED = "closed", _("已办结")


class LocateBy(models.TextChoices):
    GPS = "gps", _("定位")
    GRID = "grid", _("选择网格")


class UpdateKind(models.TextChoices):
    """An entry of the handling log. The three reports meet the configured report deadlines."""

    INITIAL_REPORT = "initial_report", _("首报")
    CONTINUING_REPORT = "continuing_report", _("续报")
    FINAL_REPORT = "final_report", _("终报")
    ARRIVAL = "arrival", _("人员到场")
    DEPARTMENTS = "departments", _("部门联动")
    SITUATION = "situation", _("现场情况")
    WAGES_PAID = "wages_paid", _("现场支付工资")
    NOTE = "note", _("其他记录")


REPORT_KINDS = frozenset(
    {UpdateKind.INITIAL_REPORT, UpdateKind.CONTINUING_REPORT, UpdateKind.FINAL_REPORT}
)


class Department(models.TextChoices):
    """Departments that join the handling (联动处置, 条例 Art. 14 para. 4; DOMAIN B1.9)."""

    TOWNSHIP = "township", _("乡镇人民政府")
    PUBLIC_SECURITY = "public_security", _("公安")
    HOUSING = "housing", _("住房城乡建设")
    TRANSPORT = "transport", _("交通运输")
    WATER = "water", _("水利")
    PETITION = "petition", _("信访")
    JUSTICE = "justice", _("司法")
    UNION = "union", _("工会")
    OTHER = "other", _("其他部门")


class LevelReason(models.TextChoices):
    """Why a level was reached (stored as codes on the incident)."""

    PEOPLE = "people", _("人数")
    AMOUNT = "amount", _("涉及金额")
    ACTS = "acts", _("行为")
    BASE = "base", _("起报")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已知悉")
    RESOLVED = "resolved", _("已解除")


#: A warning that still stands: one per rule and subject at a time.
STANDING_WARNING = (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED)
