"""The calendar pages: a year as a month grid (all staff), edited by the system administrator.

The year is a query parameter (``?year=2027``), so a year without any data can be opened and
filled in. Edits are POSTs that go through ``services`` (``calendar.manage``, audited) and come
back to the year's page.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from laborgrid.accounts.roles import Cap
from laborgrid.core.forms import attach_errors
from laborgrid.core.scope import require_capability
from laborgrid.core.types import AuthedRequest
from laborgrid.lib import statutory_holidays
from laborgrid.workdays import services
from laborgrid.workdays.choices import DayKind, Holiday
from laborgrid.workdays.forms import (
    CalendarDayForm,
    CalendarDayRemoveForm,
    CalendarYearForm,
    HolidayNoticeForm,
)
from laborgrid.workdays.models import CalendarDay, CalendarYear

MIN_YEAR, MAX_YEAR = 1949, 2200


def _year_param(value: str | None) -> int:
    if not value:
        return timezone.localdate().year
    try:
        year = int(value)
    except ValueError:
        raise Http404 from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return year


def _months(
    year: int,
    days: dict[datetime.date, CalendarDay],
    provisional: dict[datetime.date, str] | None = None,
) -> list[dict[str, Any]]:
    """Twelve month grids (Monday first): each cell a date of the month or None, with its type.
    ``provisional``: the statutory holidays a year without its notice is counted with (暂定)."""
    months = []
    for month, weeks in enumerate(
        pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, m) for m in range(1, 13)
    ):
        rows = []
        for week in weeks:
            cells: list[dict[str, Any] | None] = []
            for day in week:
                if day.month != month + 1:
                    cells.append(None)
                    continue
                row = days.get(day)
                if row is not None:
                    css = "rest" if row.kind == DayKind.REST else "work"
                elif provisional and day in provisional:
                    css = "provisional"
                else:
                    css = "weekend" if day.weekday() >= 5 else "normal"
                code = (provisional or {}).get(day) if css == "provisional" else None
                holiday = Holiday(code).label if code else ""
                cells.append({"date": day, "css": css, "row": row, "statutory": holiday})
            rows.append(cells)
        months.append({"first": datetime.date(year, month + 1, 1), "weeks": rows})
    return months


def _page(
    request: HttpRequest,
    year: int,
    *,
    day_form: CalendarDayForm | None = None,
    year_form: CalendarYearForm | None = None,
    status: int = 200,
) -> HttpResponse:
    scope = require_capability(request.user, Cap.STAFF_READ)
    can_manage = scope.has(Cap.CALENDAR_MANAGE)
    row = CalendarYear.objects.filter(year=year).select_related("updated_by").first()
    day_rows = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    days = {d.date: d for d in day_rows}
    years = list(CalendarYear.objects.order_by("-year"))
    provisional = None if row and row.is_complete else statutory_holidays.statutory_days(year)
    if can_manage:
        day_form = day_form or CalendarDayForm(initial={"day": datetime.date(year, 1, 1)})
        year_form = year_form or CalendarYearForm(
            initial={
                "year": year,
                "is_complete": row.is_complete if row else False,
                "notice": row.notice if row else "",
            }
        )
    return render(
        request,
        "workdays/calendar_year.html",
        {
            "year": year,
            "row": row,
            "day_rows": day_rows,
            "months": _months(year, days, provisional),
            "provisional": provisional,
            "years": years,
            "can_manage": can_manage,
            "day_form": day_form if can_manage else None,
            "year_form": year_form if can_manage else None,
            "version": services.calendar_version(),
            "weekdays": [
                pgettext("weekday", "一"),
                pgettext("weekday", "二"),
                pgettext("weekday", "三"),
                pgettext("weekday", "四"),
                pgettext("weekday", "五"),
                pgettext("weekday", "六"),
                pgettext("weekday", "日"),
            ],
            "upcoming_missing": services.upcoming_missing_year(timezone.localdate()),
            "prev_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
        },
        status=status,
    )


@login_required
@require_GET
def calendar_year(request: HttpRequest) -> HttpResponse:
    return _page(request, _year_param(request.GET.get("year")))


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('workdays:calendar_year')}?year={year}")


@login_required
@require_POST
def day_save(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.CALENDAR_MANAGE)
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_calendar_day(
                actor=request.user,
                day=data["day"],
                kind=data["kind"],
                holiday=data["holiday"],
                note=data["note"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(day)s。") % {"day": data["day"].isoformat()})
            return _back(data["day"].year)
    day = form.cleaned_data.get("day") if hasattr(form, "cleaned_data") else None
    year = day.year if day else _year_param(request.POST.get("year"))
    return _page(request, year, day_form=form, status=422)


@login_required
@require_POST
def day_remove(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.CALENDAR_MANAGE)
    form = CalendarDayRemoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    day = form.cleaned_data["day"]
    try:
        services.remove_calendar_day(actor=request.user, day=day, request=request)
    except ValidationError:
        raise Http404 from None
    messages.success(request, _("已删除 %(day)s 的放假或调休记录。") % {"day": day.isoformat()})
    return _back(day.year)


@login_required
@require_POST
def year_save(request: AuthedRequest) -> HttpResponse:
    require_capability(request.user, Cap.CALENDAR_MANAGE)
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_calendar_year(
                actor=request.user,
                year=data["year"],
                is_complete=data["is_complete"],
                notice=data["notice"],
                request=request,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(year)s 年度。") % {"year": data["year"]})
            return _back(data["year"])
    year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
    return _page(request, year or timezone.localdate().year, year_form=form, status=422)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@login_required
def notice_import(request: AuthedRequest) -> HttpResponse:
    """Paste the State Council's notice, see the days it gives (per holiday, with what changes
    and every warning), then confirm to store it (``services.import_notice``)."""
    require_capability(request.user, Cap.CALENDAR_MANAGE)
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    result = None
    status = 200
    if request.method == "POST":
        form = HolidayNoticeForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["text"]
            digest = text_digest(text)
            confirm = "confirm" in request.POST
            if confirm and form.cleaned_data["digest"] != digest:
                confirm = False
                messages.warning(request, _("通知文本在核对后改动过：请再次核对解析结果后确认。"))
            result = services.import_notice(
                actor=request.user, text=text, confirm=confirm, request=request
            )
            if result.stored:
                messages.success(
                    request,
                    _(
                        "已导入 %(year)s 年节假日安排（%(rest)s 个放假日，%(work)s 个调休上班日），日历版本 %(version)s。"
                    )
                    % {
                        "year": result.notice.year,
                        "rest": len(result.notice.rest_days),
                        "work": len(result.notice.work_days),
                        "version": result.calendar_version,
                    },
                )
                return _back(result.notice.year)
            if not result.notice.ok:
                status = 422
            form = HolidayNoticeForm(initial={"text": text, "digest": digest})
        else:
            status = 422
    else:
        form = HolidayNoticeForm()
    return render(
        request,
        "workdays/notice_import.html",
        {"form": form, "result": result, "version": services.calendar_version()},
        status=status,
    )
