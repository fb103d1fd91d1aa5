"""Rectification-order vocabulary and the allowed state changes (DOMAIN B1.6, B1.12; issue 16 §4).

An order (劳动保障监察责令改正指令书) is issued with numbered items, each with a period in working
days. The employer's response (entered by staff) is followed by a re-inspection (复查) that finds
each item corrected or not; an order whose items were all corrected is closed (销号); one that
was not corrected is escalated to a case (立案, 条例 Art. 18, 30(3)).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderState(models.TextChoices):
    OPEN = "open", _("待整改")
    RESPONDED = "responded", _("已回复待复查")
    CORRECTED = "corrected", _("复查已改正待销号")
    NOT_CORRECTED = "not_corrected", _("复查未改正")
    CLOSED = "closed", _("已整改销号")
    ESCALATED = "escalated", _("已立案查处")


class OrderAction(models.TextChoices):
    ISSUE = "issue", _("下达责令改正指令书")
    RESPOND = "respond", _("登记整改回复")
    RECHECK = "recheck", _("复查")
    CLOSE = "close", _("整改销号")
    ESCALATE = "escalate", _("立案查处")


class ItemResult(models.TextChoices):
    CORRECTED = "corrected", _("已改正")
    NOT_CORRECTED = "not_corrected", _("未改正")


class FileStage(models.TextChoices):
    RESPONSE = "response", _("整改回复材料")
    RECHECK = "recheck", _("复查材料")


S = OrderState
#: action → (states it may start from, the state it leads to; None: decided by the step).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    OrderAction.RESPOND: (frozenset({S.OPEN}), S.RESPONDED),
    OrderAction.RECHECK: (frozenset({S.OPEN, S.RESPONDED}), None),
    OrderAction.CLOSE: (frozenset({S.CORRECTED}), S.CLOSED),
    OrderAction.ESCALATE: (frozenset({S.NOT_CORRECTED}), S.ESCALATED),
}
#: Orders still being followed up (the employer's period or the bureau's next step).
ACTIVE_STATES = frozenset({S.OPEN, S.RESPONDED, S.CORRECTED, S.NOT_CORRECTED})
#: States in which the employer's period still runs (an order past its due date is overdue).
RUNNING_STATES = frozenset({S.OPEN})
