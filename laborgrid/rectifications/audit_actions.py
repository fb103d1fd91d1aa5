"""This app's audit actions: every step of an order (issue, respond, recheck, close, escalate) is
one action with the step in its detail (codes; read as names on the log page)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from laborgrid.audit.registry import register_actions, register_detail_choices


@register_actions
class RectificationAction(models.TextChoices):
    ORDER_STEP = "rectification_step", _("责令改正指令书操作")


register_detail_choices(
    "rectifications.rectificationorder", "action", "rectifications.OrderStep", "action"
)
register_detail_choices(
    "rectifications.rectificationorder", "from", "rectifications.RectificationOrder", "state"
)
register_detail_choices(
    "rectifications.rectificationorder", "to", "rectifications.RectificationOrder", "state"
)
register_detail_choices(
    "rectifications.rectificationorder", "result", "rectifications.OrderItem", "result"
)
