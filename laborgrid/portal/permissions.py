"""The employer's own objects: an employer account reaches only rows of its own employer; any
other id answers 404 (as missing)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from laborgrid.portal.models import PortalInvite
from laborgrid.rectifications.models import RectificationOrder
from laborgrid.reviews.models import ReviewTarget
from laborgrid.reviews.permissions import _pk


def employer_id_of(user: Any) -> int:
    employer_id = getattr(user, "employer_id", None)
    if employer_id is None or not user.is_authenticated:
        raise Http404
    return int(employer_id)


def own_order(user: Any, pk: Any) -> RectificationOrder:
    order = (
        RectificationOrder.objects.filter(employer_id=employer_id_of(user), pk=_pk(pk))
        .select_related("employer", "issued_by")
        .first()
    )
    if order is None:
        raise Http404
    return order


def own_target(user: Any, year: Any) -> ReviewTarget:
    target = (
        ReviewTarget.objects.filter(
            employer_id=employer_id_of(user), review_year__year=_pk(year), excluded_reason=""
        )
        .select_related("review_year", "employer")
        .first()
    )
    if target is None:
        raise Http404
    return target


def access_invite(user: Any, pk: Any) -> PortalInvite:
    row = (
        PortalInvite.objects.visible_to(user)
        .select_related("employer", "issued_by", "user")
        .filter(pk=_pk(pk))
        .first()
    )
    if row is None:
        raise Http404
    return row


def own_grade(user: Any, pk: Any) -> Any:
    """An approved integrity grade of the account's own employer (drafts are internal)."""
    from laborgrid.ratings.choices import GradeState
    from laborgrid.ratings.models import EmployerGrade

    grade = (
        EmployerGrade.objects.filter(
            employer_id=employer_id_of(user), pk=_pk(pk), state=GradeState.APPROVED
        )
        .select_related("run", "employer")
        .first()
    )
    if grade is None:
        raise Http404
    return grade


def own_listing(user: Any, pk: Any) -> Any:
    """A blacklist procedure of the account's own employer, once the prior notice was given (a
    proposal not yet notified is internal)."""
    from laborgrid.ratings.models import ArrearsListing

    row = (
        ArrearsListing.objects.filter(
            employer_id=employer_id_of(user), pk=_pk(pk), notified_on__isnull=False
        )
        .select_related("case", "employer")
        .first()
    )
    if row is None:
        raise Http404
    return row
