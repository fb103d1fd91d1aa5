"""The working-day calendar: deadline arithmetic for the rest of the platform, and its edits.

Reading (the interface the case workflow codes against, DOMAIN A4 / B1.10):

* ``add_workdays(start, days)`` — the ``days``-th working day after ``start`` (start day not
  counted), with the calendar version to store beside the deadline and the years that are missing;
* ``workdays_between(start, end)`` — working days after ``start`` up to and including ``end``
  (countdowns), ``None`` if a year is missing;
* ``calendar_version()`` — the version string of the calendar in force.

The calendar is held in-process: a board of hundreds of countdowns asks the database at most once
(per process, per ``LABORGRID_WORKDAYS_CACHE_SECONDS``, default 10 s, for the version number; the
rows only when it changed). An edit in this process drops the cache at once; other processes
(workers, other gunicorn workers) see it within that many seconds; until an edit commits, reads
check the version on every call, so a rolled-back edit is never served from the cache.

Writing: ``save_calendar_day``, ``remove_calendar_day`` and ``save_calendar_year`` — the system
administrator's edits (``calendar.manage``), each audited and each bumping the calendar version.
``import_notice`` reads the State Council's yearly notice pasted as text (``notice.py``) and
stores its days in one audited edit (dry run first). ``seed_from_package`` fills the years ``chinese-calendar`` knows (data migration and the
``seed_workdays`` command); it never overwrites a year that is already there.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from laborgrid.accounts.roles import Cap
from laborgrid.audit.services import record
from laborgrid.core.scope import require_capability
from laborgrid.lib import statutory_holidays
from laborgrid.lib import workdays as lib
from laborgrid.workdays.audit_actions import CalendarAction
from laborgrid.workdays.choices import DayKind, Holiday, YearSource
from laborgrid.workdays.models import CalendarDay, CalendarRevision, CalendarYear

if TYPE_CHECKING:
    from laborgrid.accounts.models import User

MAX_WORKDAYS = lib.MAX_WORKDAYS


@dataclass(frozen=True)
class WorkdayResult:
    """The answer to "N working days after D"."""

    date: datetime.date | None  # None when the span reaches a year without complete calendar data
    calendar_version: str  # store it with every computed deadline
    missing_years: tuple[
        int, ...
    ]  # years the span needed but the calendar lacks: warn, never guess
    # The date was computed through ``missing_years`` from weekends and statutory holidays (暂定).
    provisional: bool = False

    @property
    def warning(self) -> str:
        """A message for the page when years are missing (empty otherwise)."""
        if self.provisional:
            return provisional_warning(self.missing_years)
        return missing_warning(self.missing_years)


def missing_warning(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    return _("缺少 %(years)s 年的工作日历（国务院节假日安排尚未录入），期限无法计算。") % {
        "years": "、".join(str(y) for y in years)
    }


def provisional_warning(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    return _(
        "%(years)s 年的节假日安排尚未录入：期限暂按周末和法定节假日计算（暂定），"
        "录入国务院办公厅通知后重新计算。"
    ) % {"years": "、".join(str(y) for y in years)}


# --- the in-process cache ------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, Any] = {}
# Set by an edit until its transaction commits: meanwhile every read checks the version number
# (one query), so an edit that is rolled back (or not yet committed) never lingers in the cache.
_pending = {"edit": False}


def _cache_seconds() -> float:
    return float(getattr(settings, "LABORGRID_WORKDAYS_CACHE_SECONDS", 10))


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _pending["edit"] = False


def _committed() -> None:
    clear_cache()


def _current_revision() -> int:
    return CalendarRevision.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def _load() -> lib.Calendar:
    years = CalendarYear.objects.filter(is_complete=True).values_list("year", flat=True)
    rows = CalendarDay.objects.values_list("date", "kind")
    return lib.build(years, ((d, kind == DayKind.WORK) for d, kind in rows))


def current_calendar() -> tuple[str, lib.Calendar]:
    """(version, calendar), from the cache while its version is current."""
    now = time.monotonic()
    with _lock:
        cached = dict(_cache)
    if cached and not _pending["edit"] and now - cached["checked"] < _cache_seconds():
        return cached["version"], cached["calendar"]
    number = _current_revision()
    if cached and cached["number"] == number:
        with _lock:
            _cache["checked"] = now
        return cached["version"], cached["calendar"]
    calendar = _load()
    version = f"r{number}"
    with _lock:
        _cache.update(checked=now, number=number, version=version, calendar=calendar)
    return version, calendar


# --- reading -------------------------------------------------------------------------------------


def calendar_version() -> str:
    """The version of the calendar in force (``r`` + revision number, e.g. ``r3``)."""
    return current_calendar()[0]


def add_workdays(start: datetime.date, days: int, *, provisional: bool = False) -> WorkdayResult:
    """The ``days``-th working day after ``start``; the start day is not counted (民法典 Art. 201).

    Negative ``days`` count backwards (e.g. a hearing notified "at least 7 working days before",
    B1.10 D9). ``|days|`` is at most ``MAX_WORKDAYS`` (``ValueError`` otherwise). A span that needs
    a year without complete data answers ``date=None`` and names the years (DOMAIN A4); with
    ``provisional=True`` it answers a date computed from weekends and the statutory holidays of
    全国年节及纪念日放假办法 in those years, marked ``provisional`` (暂定, DOMAIN A4), while a year
    the rule does not cover still answers ``None``.
    """
    version, calendar = current_calendar()
    rule = statutory_holidays.statutory_rest_days if provisional else None
    outcome = lib.add_workdays(calendar, start, days, rule)
    return WorkdayResult(outcome.date, version, outcome.missing_years, outcome.provisional)


def workdays_between(start: datetime.date, end: datetime.date) -> int | None:
    """Working days after ``start`` up to and including ``end``; negative if ``end < start``;
    ``None`` if a year of the span is missing from the calendar."""
    return lib.workdays_between(current_calendar()[1], start, end)


def missing_years(start: datetime.date, end: datetime.date) -> tuple[int, ...]:
    return lib.missing_years(current_calendar()[1], start, end)


def upcoming_missing_year(today: datetime.date) -> int | None:
    """Next year when its calendar is not complete yet: from October on, the longest periods
    (60 + 30 working days, B1.10 D3–D4) reach it, and such deadlines cannot be computed until an
    administrator enters the State Council notice (DOMAIN A4 "administrators are alerted")."""
    year = today.year + 1
    if today.month >= 10 and year not in current_calendar()[1].complete_years:
        return year
    return None


def is_workday(day: datetime.date) -> bool | None:
    """``None`` for a day of a year without complete data."""
    calendar = current_calendar()[1]
    return calendar.is_workday(day) if calendar.covers(day) else None


# --- writing -------------------------------------------------------------------------------------


def _bump(year: CalendarYear, actor: User) -> int:
    """Next calendar version, stamped on the year (call inside the transaction)."""
    revision, _created = CalendarRevision.objects.select_for_update().get_or_create(pk=1)
    CalendarRevision.objects.filter(pk=1).update(number=F("number") + 1)
    revision.refresh_from_db()
    year.revision = revision.number
    year.updated_by = actor
    year.save()
    clear_cache()
    _pending["edit"] = True
    transaction.on_commit(_committed)
    _recompute_deadlines(f"r{revision.number}")
    return revision.number


def _recompute_deadlines(version: str) -> None:
    """The calendar changed: working-day deadlines not yet due are recomputed with it in the same
    transaction (DOMAIN A4), so no page shows a due date of the old calendar. Called after the
    edit's rows are written; reads see them (the cache checks the version until commit)."""
    from laborgrid.deadlines.services import recompute_for_calendar_change

    recompute_for_calendar_change(since_version=version)


def _year_row(year: int, actor: User) -> CalendarYear:
    if not 1949 <= year <= 2200:
        raise ValidationError({"year": _("年度超出范围。")})
    row, _created = CalendarYear.objects.select_for_update().get_or_create(
        year=year,
        defaults={"source": YearSource.ADMINISTRATOR, "is_complete": False, "updated_by": actor},
    )
    return row


def save_calendar_day(
    *,
    actor: User,
    day: datetime.date,
    kind: str,
    holiday: str,
    note: str = "",
    request: Any = None,
) -> CalendarDay:
    """Record a rest day or a 调休 working day (from the State Council notice, or a local holiday
    under 放假办法 Art. 4). A working day must be a Saturday or Sunday: a weekday is one already.

    Needs ``calendar.manage``; audited; bumps the calendar version (deadlines computed with an
    older version are recomputed at once, ``laborgrid.deadlines``, DOMAIN A4).
    """
    require_capability(actor, Cap.CALENDAR_MANAGE)
    if kind not in DayKind.values:
        raise ValidationError({"kind": _("请选择类型。")})
    if holiday not in Holiday.values:
        raise ValidationError({"holiday": _("请选择节日。")})
    if kind == DayKind.WORK and not lib.is_weekend(day):
        raise ValidationError({"day": _("调休上班日只能是星期六或星期日，工作日本来就上班。")})
    note = (note or "").strip()
    if len(note) > 100:
        raise ValidationError({"note": _("备注不能超过 100 个字。")})
    with transaction.atomic():
        year = _year_row(day.year, actor)
        row = CalendarDay.objects.filter(date=day).first()
        before = {"kind": row.kind, "holiday": row.holiday, "note": row.note} if row else None
        row = row or CalendarDay(date=day)
        row.year = year
        row.kind = kind
        row.holiday = holiday
        row.note = note
        row.save()
        number = _bump(year, actor)
        record(
            CalendarAction.CALENDAR_CHANGED,
            actor=actor,
            request=request,
            object_type="workdays.calendarday",
            object_id=day.isoformat(),
            detail={
                "op": "save_day",
                "date": day.isoformat(),
                "before": before,
                "kind": kind,
                "holiday": holiday,
                "note": note,
                "version": f"r{number}",
            },
        )
    return row


def remove_calendar_day(*, actor: User, day: datetime.date, request: Any = None) -> None:
    """Remove an exception: the day goes back to Mon–Fri working / weekend rest. Audited."""
    require_capability(actor, Cap.CALENDAR_MANAGE)
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            raise ValidationError({"day": _("这一天没有放假或调休记录。")})
        before = {"kind": row.kind, "holiday": row.holiday, "note": row.note}
        year = CalendarYear.objects.select_for_update().get(pk=row.year_id)
        row.delete()
        number = _bump(year, actor)
        record(
            CalendarAction.CALENDAR_CHANGED,
            actor=actor,
            request=request,
            object_type="workdays.calendarday",
            object_id=day.isoformat(),
            detail={
                "op": "remove_day",
                "date": day.isoformat(),
                "before": before,
                "version": f"r{number}",
            },
        )


def save_calendar_year(
    *,
    actor: User,
    year: int,
    is_complete: bool,
    notice: str = "",
    request: Any = None,
) -> CalendarYear:
    """Create a year or mark it complete / incomplete, with the notice it follows (e.g. 2027 when
    the State Council publishes its arrangement, B7.1). Audited; bumps the calendar version.

    Marking a year complete asserts that every rest day and 调休 working day of the notice has
    been entered: from then on deadlines that reach the year are computed.
    """
    require_capability(actor, Cap.CALENDAR_MANAGE)
    notice = (notice or "").strip()
    if len(notice) > 200:
        raise ValidationError({"notice": _("依据文件不能超过 200 个字。")})
    with transaction.atomic():
        row = _year_row(year, actor)
        before = {"is_complete": row.is_complete, "notice": row.notice}
        row.is_complete = is_complete
        row.notice = notice
        if row.source == YearSource.PACKAGE and before != {
            "is_complete": is_complete,
            "notice": notice,
        }:
            row.source = YearSource.ADMINISTRATOR
        number = _bump(row, actor)
        record(
            CalendarAction.CALENDAR_CHANGED,
            actor=actor,
            request=request,
            object_type="workdays.calendaryear",
            object_id=str(year),
            detail={
                "op": "save_year",
                "year": year,
                "before": before,
                "is_complete": is_complete,
                "notice": notice,
                "version": f"r{number}",
            },
        )
    return row


# --- seeding from chinese-calendar ---------------------------------------------------------------


def package_data() -> tuple[str, dict[int, list[tuple[datetime.date, str, str]]]]:
    """``chinese-calendar``'s data: (package version, {year: [(date, kind, holiday key)]}).

    Rest days are the package's ``holidays`` (weekend ones too, for their names); working days are
    its ``workdays`` that fall on a weekend (调休上班).
    """
    import chinese_calendar
    from chinese_calendar import constants

    by_english = {h.value: h.name for h in constants.Holiday}
    data: dict[int, list[tuple[datetime.date, str, str]]] = {}
    for day, name in constants.holidays.items():
        data.setdefault(day.year, []).append(
            (day, DayKind.REST.value, _holiday_key(by_english, name))
        )
    for day, name in constants.workdays.items():
        if lib.is_weekend(day):
            data.setdefault(day.year, []).append(
                (day, DayKind.WORK.value, _holiday_key(by_english, name))
            )
    return str(chinese_calendar.__version__), data


def _holiday_key(by_english: dict[str, str], name: str) -> str:
    key = by_english.get(name, "")
    return key if key in Holiday.values else Holiday.OTHER.value


def seed_from_package(
    year_model: Any = CalendarYear,
    day_model: Any = CalendarDay,
    revision_model: Any = CalendarRevision,
) -> list[int]:
    """Add every year ``chinese-calendar`` knows and the database does not have; returns them.

    Idempotent, and it never touches a year already present (an administrator's edits win). The
    models are parameters so the data migration can pass its historical models.
    """
    version, data = package_data()
    present = set(year_model.objects.values_list("year", flat=True))
    added = sorted(set(data) - present)
    if not added:
        return []
    with transaction.atomic():
        revision, _created = revision_model.objects.get_or_create(pk=1)
        if present:  # the calendar changes: a new version (a first seed is version 1)
            revision_model.objects.filter(pk=1).update(number=F("number") + 1)
            revision.refresh_from_db()
        for year in added:
            row = year_model.objects.create(
                year=year,
                is_complete=True,
                source=YearSource.PACKAGE.value,
                source_version=version,
                revision=revision.number,
            )
            day_model.objects.bulk_create(
                day_model(year=row, date=d, kind=kind, holiday=holiday)
                for d, kind, holiday in data[year]
            )
    clear_cache()
    return added


# --- the State Council's notice -------------------------------------------------------------------


@dataclass(frozen=True)
class DayChange:
    """One day the notice changes: ``before``/``after`` are ``(kind, holiday)`` or ``None``."""

    date: datetime.date
    before: tuple[str, str] | None
    after: tuple[str, str] | None

    @property
    def change(self) -> str:
        return "add" if self.before is None else "remove" if self.after is None else "change"

    def label(self, pair: tuple[str, str] | None) -> str:
        if pair is None:
            return "—"
        return f"{DayKind(pair[0]).label} · {Holiday(pair[1]).label}"

    @property
    def before_label(self) -> str:
        return self.label(self.before)

    @property
    def after_label(self) -> str:
        return self.label(self.after)


@dataclass(frozen=True)
class NoticeImport:
    """What storing a notice does (the dry run), or did (``stored``)."""

    notice: Any  # notice.ParsedNotice
    changes: tuple[DayChange, ...]
    unchanged: int
    year_complete_before: bool
    stored: bool = False
    calendar_version: str = ""


def _notice_changes(parsed: Any) -> tuple[tuple[DayChange, ...], int]:
    """The difference between the notice and the stored days: the notice's days are written;
    the year's other days go, except local days (``other``, 放假办法 Art. 4) and 元旦 days in
    December (they come from the next year's notice, e.g. 2023-12-30 from the 2024 one)."""
    wanted = {d.date: (d.kind, d.holiday) for d in parsed.days}
    stored = {
        d: (kind, holiday)
        for d, kind, holiday in CalendarDay.objects.filter(
            Q(date__in=list(wanted)) | Q(date__year=parsed.year)
        ).values_list("date", "kind", "holiday")
    }
    changes: list[DayChange] = []
    unchanged = 0
    for day in sorted(set(wanted) | set(stored)):
        before, after = stored.get(day), wanted.get(day)
        if after is None and before is not None:
            kept = before[1] == Holiday.OTHER or (
                day.month == 12 and before[1] == Holiday.NEW_YEARS_DAY
            )
            if kept:
                continue
        if before == after:
            unchanged += 1
            continue
        changes.append(DayChange(day, before, after))
    return tuple(changes), unchanged


def import_notice(
    *, actor: User, text: str, confirm: bool = False, request: Any = None
) -> NoticeImport:
    """Read the State Council's notice for a year (pasted text, ``notice.parse_notice``) and show
    what it changes; with ``confirm``, store it: the notice's rest days and 调休 working days are
    written, the year's days the notice does not list are removed (local days and December 元旦
    days of the next notice kept), the year is marked complete with the notice's number, in one
    transaction with one audit event and one new calendar version — deadlines computed with the
    older version, provisional ones included, are recomputed (``_bump``).

    Needs ``calendar.manage``. A notice with errors (``notice.ok`` false) is never stored: the
    answer carries them (``stored`` false) and nothing is written.
    """
    from laborgrid.workdays.notice import parse_notice

    require_capability(actor, Cap.CALENDAR_MANAGE)
    parsed = parse_notice(text)
    if not parsed.ok or parsed.year is None:
        return NoticeImport(parsed, (), 0, False)
    with transaction.atomic():
        row = CalendarYear.objects.filter(year=parsed.year).first()
        complete_before = bool(row and row.is_complete)
        changes, unchanged = _notice_changes(parsed)
        if not confirm:
            return NoticeImport(parsed, changes, unchanged, complete_before)
        year = _year_row(parsed.year, actor)
        years = {parsed.year: year}
        for change in changes:
            if change.after is None:
                CalendarDay.objects.filter(date=change.date).delete()
                continue
            owner = years.get(change.date.year) or _year_row(change.date.year, actor)
            years[change.date.year] = owner
            CalendarDay.objects.update_or_create(
                date=change.date,
                defaults={"year": owner, "kind": change.after[0], "holiday": change.after[1]},
            )
        notice_ref = (parsed.number or parsed.title)[:200]
        before = {"is_complete": year.is_complete}
        year.is_complete = True
        year.notice = notice_ref
        year.source = YearSource.ADMINISTRATOR
        number = _bump(year, actor)
        for other in years.values():
            if other.pk != year.pk:
                other.revision = number
                other.save(update_fields=["revision", "updated_at"])
        record(
            CalendarAction.NOTICE_IMPORTED,
            actor=actor,
            request=request,
            object_type="workdays.calendaryear",
            object_id=str(parsed.year),
            detail={
                "op": "import_notice",
                "year": parsed.year,
                "before": before,
                "rest_days": len(parsed.rest_days),
                "work_days": len(parsed.work_days),
                "added": [c.date.isoformat() for c in changes if c.change == "add"],
                "changed": [c.date.isoformat() for c in changes if c.change == "change"],
                "removed": [c.date.isoformat() for c in changes if c.change == "remove"],
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "version": f"r{number}",
            },
        )
    return NoticeImport(parsed, changes, unchanged, complete_before, True, f"r{number}")
