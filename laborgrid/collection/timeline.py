"""The archive timeline's collection entries (``employers.timeline``): approved visits that found
no facts to record — employer not found, closed, moved, refused. (A visit that collected facts is
already on the timeline as its labour-use snapshot.) One query, bounded by ``limit``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from laborgrid.collection.choices import Outcome, SubmissionStatus
from laborgrid.collection.models import Submission
from laborgrid.employers.timeline import Entry, register


@register("collection")
def visit_entries(employer: Any, limit: int) -> list[Entry]:
    rows = (
        Submission.objects.filter(employer=employer, status=SubmissionStatus.APPROVED)
        .exclude(outcome=Outcome.COLLECTED)
        .select_related("submitted_by")
        .order_by("-visited_at")[:limit]
    )
    return [
        Entry(
            when=s.visited_at,
            kind="visit",
            title=_("实地走访：%(outcome)s") % {"outcome": s.get_outcome_display()},
            detail=s.outcome_note,
            actor=s.submitted_by.display_name,
            url=s.get_absolute_url(),
        )
        for s in rows
    ]
