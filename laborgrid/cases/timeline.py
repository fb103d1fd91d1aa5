"""The archive timeline's case entries (``employers.timeline``): each complaint, report or case
about the employer when it was received, and its outcome when it was closed (decision, how it
ended, wages recovered, fine). No complainant is named. One query, bounded by ``limit``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from laborgrid.cases.choices import CaseState
from laborgrid.cases.models import Case
from laborgrid.employers.timeline import Entry, register


def _outcome(case: Case) -> str:
    parts = []
    if case.decision_kind:
        parts.append(str(case.get_decision_kind_display()))
    if case.closure_kind:
        parts.append(str(case.get_closure_kind_display()))
    if case.amount_recovered:
        parts.append(_("追回工资 %(amount)s 元") % {"amount": case.amount_recovered})
    if case.workers_helped:
        parts.append(_("维权 %(n)d 人") % {"n": case.workers_helped})
    if case.penalty_amount:
        parts.append(_("罚款 %(amount)s 元") % {"amount": case.penalty_amount})
    return _("；").join(parts)


@register("cases")
def case_entries(employer: Any, limit: int) -> list[Entry]:
    rows = (
        Case.objects.filter(employer=employer)
        .exclude(state=CaseState.MERGED)
        .defer("facts", "request", "decision_summary", "rectification_note")
        .order_by("-received_at")[:limit]
    )
    entries: list[Entry] = []
    for case in rows:
        entries.append(
            Entry(
                when=case.received_at,
                kind="case",
                title=_("%(kind)s %(ref)s：%(category)s")
                % {
                    "kind": case.get_kind_display(),
                    "ref": case.reference,
                    "category": case.get_category_display(),
                },
                detail=str(case.get_state_display()),
                url=case.get_absolute_url(),
            )
        )
        if case.closed_on is not None:
            entries.append(
                Entry(
                    when=case.closed_on,
                    kind="case",
                    title=_("案件 %(ref)s 办结") % {"ref": case.reference},
                    detail=_outcome(case),
                    url=case.get_absolute_url(),
                )
            )
    return entries
