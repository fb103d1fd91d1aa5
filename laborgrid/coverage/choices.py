"""The coverage measures (底数清): what is counted per grid, in one vocabulary for the page, the
export and the API."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    """A figure of the coverage table. Every one except ``rate`` is a count of current employers
    (not merged into another record) in the grid's subtree; see ``services`` for the rules."""

    TOTAL = "total", _("单位总数")
    REGISTERED = "registered", _("部门登记在册")
    SCJG = "scjg", _("市场监管")
    MZ = "mz", _("民政")
    JY = "jy", _("教育")
    ZJ = "zj", _("质监")
    COLLECTED = "collected", _("已采集")
    FRESH = "fresh", _("6个月内已采集")
    NEVER = "never", _("从未采集")
    STALE = "stale", _("超过6个月未更新")
    DEREGISTERED_OPERATING = "deregistered_operating", _("登记注销吊销但仍在经营")
    UNREGISTERED_OPERATING = "unregistered_operating", _("在营但未在部门登记")
    RATE = "rate", _("覆盖率")


#: The measures that can colour the map (and sort the table by default when chosen).
MAP_MEASURES = (Measure.RATE, Measure.NEVER, Measure.STALE)

#: The count measures, in table order (``rate`` is derived from them).
COUNTS = tuple(m for m in Measure if m != Measure.RATE)

#: The four registers of other departments (issue 4). ``field`` (found by grid staff) and
#: ``manual`` (typed in) are sources too, but not registers.
REGISTER_MEASURES = (Measure.SCJG, Measure.MZ, Measure.JY, Measure.ZJ)


#: What each figure counts, in words (the page's 指标说明, the export's second sheet, tooltips).
DEFINITIONS: dict[str, str | Promise] = {
    Measure.TOTAL: _("网格内（含下级网格）现有的用人单位，不含已并入其他记录的单位。"),
    Measure.REGISTERED: _("至少在一个部门登记名录（市场监管、民政、教育、质监）中有记录的单位。"),
    Measure.SCJG: _("在市场监管（工商）登记名录中有记录的单位。"),
    Measure.MZ: _("在民政登记名录中有记录的单位。"),
    Measure.JY: _("在教育部门名录中有记录的单位。"),
    Measure.ZJ: _("在质监（组织机构代码）名录中有记录的单位。"),
    Measure.COLLECTED: _("已采集过劳动用工信息的单位（实地采集、书面审查、检查等）。"),
    Measure.FRESH: _("最近一次采集在6个月（183天）以内的单位。"),
    Measure.NEVER: _("从未采集过劳动用工信息的单位。"),
    Measure.STALE: _("采集过，但最近一次采集已超过6个月（183天）的单位；不含从未采集的单位。"),
    Measure.DEREGISTERED_OPERATING: _(
        "部门登记名录显示已注销或吊销，但网格采集发现仍在经营的单位。"
    ),
    Measure.UNREGISTERED_OPERATING: _("网格采集发现在营，但不在任何部门登记名录中的单位。"),
    Measure.RATE: _("6个月内已采集的单位占单位总数的比例。"),
}
