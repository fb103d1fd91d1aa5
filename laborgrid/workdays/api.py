"""The calendar's API.

``POST /api/v1/calendar/notices``: the State Council's yearly holiday notice as text; a dry run
answers the days it gives and what they change, ``confirm: true`` stores them (system
administrator, ``calendar.manage``; others 403). A text with errors answers 422 with the same
body, ``errors`` listing them; nothing is stored.

``GET /api/v1/calendar/workdays/add``: "N working days after date D" (issue 6 §5).

For any staff account (``staff.read``; others 403). The answer carries the calendar version to
store beside a deadline, and — when the span reaches a year without official data — ``date:
null``, the missing years and a warning: the date is never guessed (DOMAIN A4). Bad input (not a
date, not an integer, ``|days|`` over the limit) answers 422 naming the parameter.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status

from laborgrid.accounts.roles import Cap
from laborgrid.core.scope import get_scope
from laborgrid.core.types import AuthedRequest
from laborgrid.workdays import services
from laborgrid.workdays.choices import DayKind, Holiday
from laborgrid.workdays.notice import MAX_TEXT

router = Router(tags=["calendar"])


class AddWorkdaysQuery(Schema):
    start: datetime.date = Field(description="the start date, YYYY-MM-DD (not counted)")
    days: int = Field(
        ge=-services.MAX_WORKDAYS,
        le=services.MAX_WORKDAYS,
        description=f"working days to add (negative: before start), at most "
        f"{services.MAX_WORKDAYS} either way",
    )
    provisional: bool = Field(
        False,
        description="through a year without official data, answer a provisional date from "
        "weekends and the statutory holidays (全国年节及纪念日放假办法) instead of null",
    )


class AddWorkdaysOut(Schema):
    start: datetime.date
    days: int
    date: datetime.date | None = Field(
        description="the resulting working day; null when a needed year has no calendar data"
    )
    calendar_version: str = Field(description="store it with every computed deadline")
    missing_years: list[int] = Field(description="years the span needs but the calendar lacks")
    provisional: bool = Field(
        description="true: the date was computed provisionally (asked with provisional=true) "
        "through missing_years, from weekends and statutory holidays (暂定)"
    )
    warning: str = Field(description="a message to show when years are missing, else empty")


@router.get("/workdays/add", response=AddWorkdaysOut, summary="N working days after a date")
def add_workdays(request: AuthedRequest, query: Query[AddWorkdaysQuery]) -> AddWorkdaysOut:
    if not get_scope(request.user).has(Cap.STAFF_READ):
        raise PermissionDenied
    result = services.add_workdays(query.start, query.days, provisional=query.provisional)
    return AddWorkdaysOut(
        start=query.start,
        days=query.days,
        date=result.date,
        calendar_version=result.calendar_version,
        missing_years=list(result.missing_years),
        provisional=result.provisional,
        warning=result.warning,
    )


class NoticeIn(Schema):
    text: str = Field(
        max_length=MAX_TEXT,
        description="the notice as published (国务院办公厅关于20XX年部分节假日安排的通知), "
        "title and every item",
    )
    confirm: bool = Field(False, description="false: dry run; true: store the days")


class NoticeDayOut(Schema):
    date: datetime.date
    festival: str = Field(description="holiday code (new_years_day, spring_festival, ...)")
    festival_label: str


class NoticeSectionOut(Schema):
    number: str
    title: str = Field(description="the item's heading as written, e.g. 国庆节、中秋节")
    festivals: list[str]
    holidays: list[datetime.date] = Field(description="days off")
    workdays: list[datetime.date] = Field(description="weekend days worked (调休上班)")


class DayStateOut(Schema):
    kind: str = Field(description="rest or work")
    festival: str


class NoticeChangeOut(Schema):
    date: datetime.date
    change: str = Field(description="add, change or remove")
    before: DayStateOut | None
    after: DayStateOut | None


class NoticeOut(Schema):
    year: int | None
    number: str = Field(description="the notice's document number when the text carries it")
    ok: bool = Field(description="fit to store: a year, days, no errors")
    stored: bool
    calendar_version: str = Field(description="the calendar version after storing, or now")
    holidays: list[NoticeDayOut]
    workdays: list[NoticeDayOut]
    sections: list[NoticeSectionOut]
    changes: list[NoticeChangeOut] = Field(description="what storing changes in the calendar")
    unchanged: int = Field(description="days of the notice already in the calendar as given")
    warnings: list[str]
    errors: list[str]


class Forbidden(Schema):
    detail: str


def _state(pair: tuple[str, str] | None) -> dict[str, str] | None:
    return None if pair is None else {"kind": pair[0], "festival": pair[1]}


@router.post(
    "/notices",
    response={200: NoticeOut, 403: Forbidden, 422: NoticeOut},
    summary="Read (and with confirm, store) the State Council's holiday notice",
)
def import_notice(request: AuthedRequest, payload: NoticeIn) -> Status:
    if not get_scope(request.user).has(Cap.CALENDAR_MANAGE):
        raise PermissionDenied
    result = services.import_notice(
        actor=request.user, text=payload.text, confirm=payload.confirm, request=request
    )
    notice = result.notice

    def days(kind: str) -> list[dict[str, object]]:
        return [
            {"date": d.date, "festival": d.holiday, "festival_label": str(Holiday(d.holiday).label)}
            for d in notice.days
            if d.kind == kind
        ]

    body = {
        "year": notice.year,
        "number": notice.number,
        "ok": notice.ok,
        "stored": result.stored,
        "calendar_version": result.calendar_version or services.calendar_version(),
        "holidays": days(DayKind.REST),
        "workdays": days(DayKind.WORK),
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "festivals": list(s.holidays),
                "holidays": s.rest,
                "workdays": s.work,
            }
            for s in notice.sections
        ],
        "changes": [
            {
                "date": c.date,
                "change": c.change,
                "before": _state(c.before),
                "after": _state(c.after),
            }
            for c in result.changes
        ],
        "unchanged": result.unchanged,
        "warnings": notice.warnings,
        "errors": notice.errors,
    }
    return Status(200 if notice.ok else 422, body)
