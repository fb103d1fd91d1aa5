"""This app's audit actions: every step of grading, publication and listing is one action with
the step in its detail."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import (
    register_actions,
    register_detail_choices,
    register_detail_values,
)


@register_actions
class RatingsAction(models.TextChoices):
    GRADING_STEP = "ratings_grading", _("诚信等级评价操作")
    PUBLICATION_STEP = "ratings_publication", _("重大违法行为社会公布操作")
    LISTING_STEP = "ratings_listing", _("失信联合惩戒名单操作")


#: The steps named in the ``action`` key of this app's audit details, as the log page reads them.
STEP_LABELS = {
    "run": _("运行评价"),
    "propose": _("中队提出"),
    "override": _("调整等级"),
    "approve": _("县局审定"),
    "objection": _("登记异议"),
    "objection_decided": _("处理异议"),
    "local_rule": _("保存本地规则"),
    "flag": _("列为社会公布候选"),
    "review": _("审核"),
    "publish": _("公布"),
    "withdraw": _("撤回"),
    "notify": _("事先告知"),
    "statement": _("登记陈述申辩"),
    "decide": _("作出决定"),
    "remove": _("提前移出"),
}


def _step(value: str) -> str | None:
    label = STEP_LABELS.get(value)
    return str(label) if label is not None else None


for _type in (
    "ratings.gradingrun",
    "ratings.employergrade",
    "ratings.localrule",
    "ratings.violationnotice",
    "ratings.arrearslisting",
    "grids.grid",
):
    register_detail_values(_type, "action", _step)
register_detail_choices("ratings.violationnotice", "to", "ratings.ViolationNotice", "state")
register_detail_choices("ratings.arrearslisting", "to", "ratings.ArrearsListing", "state")
register_detail_choices(
    "ratings.employergrade", "result", "ratings.EmployerGrade", "objection_result"
)
