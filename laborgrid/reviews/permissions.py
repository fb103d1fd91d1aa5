"""Single-object gates of the written review: 404 for missing and out-of-scope alike."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import check_write
from laborgrid.reviews.models import ReviewAttachment, ReviewSubmission, ReviewTarget, ReviewYear


def _pk(pk: Any) -> int:
    text = str(pk)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise Http404
    return int(text)


def access_year(user: Any, pk: Any) -> ReviewYear:
    row = ReviewYear.objects.visible_to(user).select_related("grid").filter(pk=_pk(pk)).first()
    if row is None:
        raise Http404
    return row


def access_submission(user: Any, pk: Any, capability: str = Cap.WORK_READ) -> ReviewSubmission:
    row = (
        ReviewSubmission.objects.visible_to(user)
        .select_related("employer", "target__review_year", "target__grid", "decided_by")
        .filter(pk=_pk(pk))
        .first()
    )
    if row is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, row.grid_path)
    return row


def access_target(user: Any, pk: Any, capability: str = Cap.WORK_READ) -> ReviewTarget:
    row = (
        ReviewTarget.objects.visible_to(user)
        .select_related("employer", "review_year", "grid")
        .filter(pk=_pk(pk))
        .first()
    )
    if row is None:
        raise Http404
    if capability != Cap.WORK_READ:
        check_write(user, capability, row.grid_path)
    return row


def access_attachment(submission: ReviewSubmission, pk: Any) -> ReviewAttachment:
    row = submission.attachments.filter(pk=_pk(pk)).first()
    if row is None:
        raise Http404
    return row
