"""This app's audit actions: Every step of the statutory procedure is audited as one action with the step in detail.

Registered with the audit log (``laborgrid.audit.registry``); adding one needs no migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions, register_detail_choices


@register_actions
class CaseAction(models.TextChoices):
    CASE_ACTION = "case_action", _("案件操作")


# A step's detail ({"action", "from", "to"}) reads as the step's and the states' names.
register_detail_choices("cases.case", "action", "cases.CaseTransition", "action")
register_detail_choices("cases.case", "from", "cases.Case", "state")
register_detail_choices("cases.case", "to", "cases.Case", "state")
# The decision on evidence registered and preserved (先行登记保存) reads as its name.
register_detail_choices("cases.case", "decision", "cases.CaseRecord", "preservation_decision")
