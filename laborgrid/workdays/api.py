"""``GET /api/v1/calendar/workdays/add``: "N working days after date D" (issue 6 §5).

For any staff account (``staff.read``; others 403). The answer carries the calendar version to
store beside a deadline, and — when the span reaches a year without official data — ``date:
null``, the missing years and a warning: the date is never guessed (DOMAIN A4). Bad input (not a
date, not an integer, ``|days|`` over the limit) answers 422 naming the parameter.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import get_scope
from laborgrid.core.types import AuthedRequest
from laborgrid.workdays import services

router = Router(tags=["calendar"])


class AddWorkdaysQuery(Schema):
    start: datetime.date = Field(description="the start date, YYYY-MM-DD (not counted)")
    days: int = Field(
        ge=-services.MAX_WORKDAYS,
        le=services.MAX_WORKDAYS,
        description=f"working days to add (negative: before start), at most "
        f"{services.MAX_WORKDAYS} either way",
    )


class AddWorkdaysOut(Schema):
    start: datetime.date
    days: int
    date: datetime.date | None = Field(
        description="the resulting working day; null when a needed year has no calendar data"
    )
    calendar_version: str = Field(description="store it with every computed deadline")
    missing_years: list[int] = Field(description="years the span needs but the calendar lacks")
    warning: str = Field(description="a message to show when years are missing, else empty")


@router.get("/workdays/add", response=AddWorkdaysOut, summary="N working days after a date")
def add_workdays(request: AuthedRequest, query: Query[AddWorkdaysQuery]) -> AddWorkdaysOut:
    if not get_scope(request.user).has(Cap.STAFF_READ):
        raise PermissionDenied
    result = services.add_workdays(query.start, query.days)
    return AddWorkdaysOut(
        start=query.start,
        days=query.days,
        date=result.date,
        calendar_version=result.calendar_version,
        missing_years=list(result.missing_years),
        warning=result.warning,
    )
