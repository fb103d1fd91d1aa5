"""Single-object gates: 404 for missing and out-of-scope alike (rule 2)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model
from django.http import Http404

from laborgrid.ratings.models import ArrearsListing, EmployerGrade, GradingRun, ViolationNotice

M = TypeVar("M", bound=Model)


def _pk(pk: Any) -> int:
    text = str(pk)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise Http404
    return int(text)


def _get(qs: Any, pk: Any) -> Any:
    obj = qs.filter(pk=_pk(pk)).first()
    if obj is None:
        raise Http404
    return obj


def access_run(user: Any, pk: Any) -> GradingRun:
    return _get(GradingRun.objects.visible_to(user).select_related("grid"), pk)


def access_grade(user: Any, pk: Any) -> EmployerGrade:
    return _get(
        EmployerGrade.objects.visible_to(user).select_related("run", "employer", "grid"), pk
    )


def access_notice(user: Any, pk: Any) -> ViolationNotice:
    return _get(ViolationNotice.objects.visible_to(user).select_related("case", "grid"), pk)


def access_listing(user: Any, pk: Any) -> ArrearsListing:
    return _get(
        ArrearsListing.objects.visible_to(user).select_related("case", "grid", "employer"), pk
    )
